package org.taskscale.train;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.image.Bicubic;
import org.taskscale.image.ColorSpaces;
import org.taskscale.image.Image;
import org.taskscale.image.Metrics;
import org.taskscale.models.Task;
import org.taskscale.prep.PrepData;

/**
 * Validation on a prep output's valid/ batch files with the standard protocol: outputs rounded to 8 bits,
 * PSNR-Y and SSIM-Y (BT.601) with {@code scale} pixels shaved, against the task's baseline on the same examples:
 * MATLAB bicubic down and up (rescaling, SR), the JPEG input (restoration), the grey image (colorization and
 * colour embedding). For rescaling also the learned LR preview's PSNR-Y against the bicubic LR.
 */
public final class Validation {
    private Validation() {}

    /** Means over the validation examples; {@code lrPsnrY} is NaN where it does not apply. */
    public record Result(long iteration, int epoch, long examples, double psnrY, double ssimY, double baselinePsnrY,
                         double baselineSsimY, double lrPsnrY) {}

    public static Result run(ComputationGraph net, List<String> files, Task task, int scale, CNN2DFormat layout,
                             Configuration conf, long iteration, int epoch) throws IOException {
        double[] sum = new double[5];
        long n = 0;
        int shave = switch (task) {
            case SUPER_RESOLUTION, SUPER_RESOLUTION_PREUPSAMPLED, RESCALING -> scale;
            default -> 0;
        };
        for (String f : files) {
            Path p = new Path(f);
            MultiDataSet mds;
            try (InputStream in = p.getFileSystem(conf).open(p)) {
                mds = PrepData.read(in);
            }
            INDArray[] out = net.output(mds.getFeatures(0));
            int main = task.outputs().size() - 1;
            for (int i = 0; i < mds.getFeatures(0).size(0); i++) {
                Planes input = Examples.unbatch(mds.getFeatures(0), i, layout);
                Planes label = Examples.unbatch(mds.getLabels(main), i, layout);
                Planes ours = Examples.unbatch(out[main], i, layout);
                Image ref;
                Image got;
                Image base;
                if (task == Task.COLORIZATION) {
                    ref = lab(input, label);
                    got = lab(input, ours).quantized8();
                    base = lab(input, new Planes(2, label.height(), label.width(), new float[label.data().length]));
                } else {
                    ref = image(label);
                    got = image(ours).quantized8();
                    base = switch (task) {
                        case RESCALING -> Bicubic.resize(Bicubic.resize(ref, 1.0 / scale).quantized8(), scale);
                        case SUPER_RESOLUTION -> Bicubic.resizeTo(image(input), ref.height(), ref.width());
                        case COLOR_EMBEDDING -> ColorSpaces.luma(ref).toRgb();
                        default -> image(input);
                    };
                    base = base.quantized8();
                }
                sum[0] += Metrics.psnrY(ref, got, shave);
                sum[1] += Metrics.ssimY(ref, got, shave);
                sum[2] += Metrics.psnrY(ref, base, shave);
                sum[3] += Metrics.ssimY(ref, base, shave);
                if (task == Task.RESCALING) {
                    Image lrRef = image(Examples.unbatch(mds.getLabels(0), i, layout));
                    Image lrGot = image(Examples.unbatch(out[0], i, layout)).quantized8();
                    sum[4] += Metrics.psnrY(lrRef, lrGot, 0);
                }
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        return new Result(iteration, epoch, n, sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n,
                task == Task.RESCALING ? sum[4] / n : Double.NaN);
    }

    /** Network units to a 0..255 image (1 or 3 planes). */
    static Image image(Planes p) {
        float[] d = new float[p.data().length];
        for (int k = 0; k < d.length; k++) {
            d[k] = p.data()[k] * 255f;
        }
        return new Image(p.channels(), p.height(), p.width(), d);
    }

    /** L/100 and (a, b)/110 planes to an sRGB image. */
    static Image lab(Planes l, Planes ab) {
        int n = l.height() * l.width();
        float[] ll = new float[n];
        float[] a = new float[n];
        float[] b = new float[n];
        for (int k = 0; k < n; k++) {
            ll[k] = l.data()[k] * 100f;
            a[k] = ab.data()[k] * 110f;
            b[k] = ab.data()[n + k] * 110f;
        }
        return ColorSpaces.labToRgb(new ColorSpaces.Lab(l.height(), l.width(), ll, a, b));
    }
}
