package org.taskscale.tasks;

import java.util.List;
import org.taskscale.data.Planes;
import org.taskscale.image.ColorSpaces;
import org.taskscale.image.Image;
import org.taskscale.image.Metrics;

/**
 * The evaluation protocol for one example (a training patch or a whole image), the same for validation during
 * training and for evaluation: the network's main output rounded to 8 bits; PSNR-Y and SSIM-Y (BT.601) with the
 * task's border shave; the task's baseline on the same example ({@link Task#baseline}); the learned LR preview
 * against the bicubic LR where the task has one; PSNR-B where the quality is a setting (JPEG); PSNR over the RGB planes
 * where the images have them (the colorization literature's figure). With an LR JPEG quality, the rescaler's 8-bit LR
 * image (and the baseline's bicubic LR) is stored as a JPEG of that quality before it is upscaled, as a shared image is.
 */
public final class Protocol {
    private Protocol() {}

    /** Scores of one example; the fields that do not apply are NaN. */
    public record Scores(double psnrY, double ssimY, double baselinePsnrY, double baselineSsimY, double lrPsnrY,
                         double psnrBY, double psnrRgb, double baselinePsnrRgb) {}

    /**
     * The images one example is scored on (0..255): the reference, the network's result on the 8-bit grid, the
     * task's baseline on the 8-bit grid, and for rescaling the learned LR preview (else null).
     */
    public record Images(Image reference, Image result, Image baseline, Image preview) {}

    /**
     * The images of one example from its input, labels and the network's outputs (network units, CHW). Each
     * whole-size image is allocated once (quantized as it is made), so that a large photo's evaluation holds few
     * copies at a time. {@code lrJpeg}: the JPEG quality the LR image was stored at (0: none), for the baseline.
     */
    public static Images images(Task task, int scale, int lrJpeg, Planes input, List<Planes> labels,
                                List<Planes> outputs) {
        int main = task.outputs().size() - 1;
        Image ref = task.reference(input, labels.get(main));
        Image got = task.result(input, outputs.get(main));
        Image base = lrJpeg > 0 ? task.baselineWithLrJpeg(ref, scale, lrJpeg)
                : task.baseline(ref, input, labels.get(main), scale);
        Image preview = task.hasPreview() ? image8(outputs.get(0)) : null;
        return new Images(ref, got, quantizeInPlace(base), preview);
    }

    /** Scores one example from its input, labels and the network's outputs (network units, CHW). */
    public static Scores score(Task task, int scale, Planes input, List<Planes> labels, List<Planes> outputs) {
        return score(task, scale, labels, images(task, scale, 0, input, labels, outputs));
    }

    /** Scores the {@link #images} of one example; each image's Y plane is made once, shaved. */
    public static Scores score(Task task, int scale, List<Planes> labels, Images im) {
        int shave = task.shave(scale);
        double lr = Double.NaN;
        if (task.hasPreview()) {
            lr = Metrics.psnrY(image(labels.get(0)), im.preview(), 0);
        }
        Image ref = Metrics.shaved(ColorSpaces.luma(im.reference()), shave);
        Image got = Metrics.shaved(ColorSpaces.luma(im.result()), shave);
        double psnrB = task.usesQuality() ? Metrics.psnrBY(ref, got, 0) : Double.NaN;
        double psnr = Metrics.psnr(ref, got, 0);
        double ssim = Metrics.ssimY(ref, got, 0);
        got = null;
        Image base = Metrics.shaved(ColorSpaces.luma(im.baseline()), shave);
        return new Scores(psnr, ssim, Metrics.psnr(ref, base, 0), Metrics.ssimY(ref, base, 0), lr, psnrB,
                psnrRgb(im.reference(), im.result(), shave), psnrRgb(im.reference(), im.baseline(), shave));
    }

    /** PSNR over the three planes of two RGB images; NaN where either is grey (a model that sees only Y). */
    static double psnrRgb(Image ref, Image test, int shave) {
        return ref.channels() == 3 && test.channels() == 3 ? Metrics.psnrRgb(ref, test, shave) : Double.NaN;
    }

    /** Network units to a 0..255 image (1 or 3 planes). */
    public static Image image(Planes p) {
        float[] d = new float[p.data().length];
        for (int k = 0; k < d.length; k++) {
            d[k] = p.data()[k] * 255f;
        }
        return new Image(p.channels(), p.height(), p.width(), d);
    }

    /** Network units to a 0..255 image on the 8-bit grid ({@code image(p).quantized8()} in one allocation). */
    static Image image8(Planes p) {
        float[] d = new float[p.data().length];
        for (int k = 0; k < d.length; k++) {
            d[k] = Image.quantize8(p.data()[k] * 255f);
        }
        return new Image(p.channels(), p.height(), p.width(), d);
    }

    /** Rounds a freshly made image onto the 8-bit grid in place ({@link Image#quantized8} without a copy). */
    static Image quantizeInPlace(Image img) {
        float[] d = img.data();
        for (int k = 0; k < d.length; k++) {
            d[k] = Image.quantize8(d[k]);
        }
        return img;
    }

    /** L/100 and (a, b)/110 planes to an sRGB image. */
    public static Image lab(Planes l, Planes ab) {
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
