package org.taskscale.train;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.io.BatchFile;
import org.taskscale.tasks.Protocol;
import org.taskscale.tasks.Task;

/** Validation on a prep output's valid/ batch files: the evaluation {@link Protocol} averaged over the examples. */
public final class Validation {
    private Validation() {}

    /** Means over the validation examples; {@code lrPsnrY} is NaN where it does not apply. */
    public record Result(long iteration, int epoch, long examples, double psnrY, double ssimY, double baselinePsnrY,
                         double baselineSsimY, double lrPsnrY) {}

    public static Result run(ComputationGraph net, List<String> files, Task task, int scale, CNN2DFormat layout,
                             Configuration conf, long iteration, int epoch) throws IOException {
        double[] sum = new double[5];
        long n = 0;
        for (String f : files) {
            Path p = new Path(f);
            MultiDataSet mds;
            try (InputStream in = p.getFileSystem(conf).open(p)) {
                mds = BatchFile.read(in);
            }
            INDArray[] out = net.output(mds.getFeatures(0));
            for (int i = 0; i < mds.getFeatures(0).size(0); i++) {
                List<Planes> labels = new ArrayList<>();
                List<Planes> outputs = new ArrayList<>();
                for (int k = 0; k < out.length; k++) {
                    labels.add(Examples.unbatch(mds.getLabels(k), i, layout));
                    outputs.add(Examples.unbatch(out[k], i, layout));
                }
                Protocol.Scores s = Protocol.score(task, scale, Examples.unbatch(mds.getFeatures(0), i, layout), labels,
                        outputs);
                sum[0] += s.psnrY();
                sum[1] += s.ssimY();
                sum[2] += s.baselinePsnrY();
                sum[3] += s.baselineSsimY();
                sum[4] += Double.isNaN(s.lrPsnrY()) ? 0 : s.lrPsnrY();
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        return new Result(iteration, epoch, n, sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n,
                task.hasPreview() ? sum[4] / n : Double.NaN);
    }
}
