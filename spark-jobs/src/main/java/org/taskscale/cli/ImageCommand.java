package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.taskscale.config.UserException;
import org.taskscale.degrade.JpegCompression;
import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageEncoder;
import org.taskscale.image.ImageReadException;
import org.taskscale.image.Metrics;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code taskscale image}: the image core as a command line, a contract outside tools rely on.
 * Unreadable inputs exit with code 2 and one line on stderr.
 */
@Command(name = "image",
        description = "Resize (MATLAB bicubic), JPEG-compress and compare images with the evaluation protocol.",
        subcommands = {ImageCommand.Resize.class, ImageCommand.Jpeg.class, ImageCommand.Compare.class})
public final class ImageCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static ImageDecoder decoder(Config c) {
        return new ImageDecoder(c.getLong("taskscale.image.max-pixels"));
    }

    private static void checkFolder(Path out) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserException("The output folder " + parent + " does not exist.");
        }
    }

    /** A tool that reads image IN and writes image OUT. */
    abstract static class InOut extends ConfiguredCommand {
        @Parameters(index = "0", paramLabel = "IN")
        Path in;

        @Parameters(index = "1", paramLabel = "OUT")
        Path out;
    }

    static void write(Image img, Path out, Config c) throws IOException {
        checkFolder(out);
        ImageEncoder.write(img, out, c.getInt("taskscale.image.output-jpeg-quality"));
    }

    /** {@code image resize --scale S | --size WxH IN OUT}. */
    @Command(name = "resize",
            description = "Resize with MATLAB imresize bicubic semantics (antialiased when shrinking; output"
                    + " ceil(scale * size)); writes 8-bit PNG (or JPEG for a .jpg name), rounded and clamped.")
    static final class Resize extends InOut {
        static final class Target {
            @Option(names = "--scale", required = true, description = "Scale factor, e.g. 0.5, 0.25 or 2.")
            Double scale;

            @Option(names = "--size", required = true, paramLabel = "WxH", description = "Exact output size, e.g. 128x96.")
            String size;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Override
        int run(Config c, PrintWriter stdout) throws IOException {
            Image src = decoder(c).decode(in);
            Image dst;
            if (target.scale != null) {
                if (!(target.scale > 0)) {
                    throw new UserException("--scale must be a positive number, not " + target.scale + ".");
                }
                dst = Bicubic.resize(src, target.scale);
            } else {
                String[] wh = target.size.toLowerCase(Locale.ROOT).split("x");
                int w;
                int h;
                try {
                    w = Integer.parseInt(wh[0].trim());
                    h = Integer.parseInt(wh[1].trim());
                } catch (RuntimeException e) {
                    throw new UserException("--size must look like WIDTHxHEIGHT (e.g. 128x96), not '" + target.size + "'.");
                }
                if (wh.length != 2 || w <= 0 || h <= 0) {
                    throw new UserException("--size needs two positive numbers WIDTHxHEIGHT, not '" + target.size + "'.");
                }
                dst = Bicubic.resizeTo(src, h, w);
            }
            write(dst, out, c);
            return 0;
        }
    }

    /** {@code image jpeg --quality Q IN OUT}. */
    @Command(name = "jpeg",
            description = "Compress with libjpeg's baseline encoder at IJG quality Q (standard tables, 4:2:0)."
                    + " OUT ending in .jpg/.jpeg gets the JPEG file; .png gets the decoded result.")
    static final class Jpeg extends InOut {
        @Option(names = {"-q", "--quality"}, required = true, description = "IJG quality 1-100.")
        int quality;

        @Override
        void validate(Config c) {
            if (quality < 1 || quality > 100) {
                throw new UserException("--quality must be between 1 and 100, not " + quality + ".");
            }
        }

        @Override
        int run(Config c, PrintWriter stdout) throws IOException {
            Image src = decoder(c).decode(in);
            String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
                checkFolder(out);
                Files.write(out, ImageEncoder.jpeg(src, quality));
            } else {
                write(JpegCompression.apply(src, quality), out, c);
            }
            return 0;
        }
    }

    /** {@code image compare REF TEST [--shave N]}: one JSON object on stdout. */
    @Command(name = "compare",
            description = "Compare TEST with REF: PSNR and SSIM on Y (BT.601), PSNR on RGB and PSNR-B on Y, after"
                    + " shaving N border pixels. Prints one JSON object; a PSNR of identical images is null.")
    static final class Compare extends ConfiguredCommand {
        @Parameters(index = "0", paramLabel = "REF")
        Path ref;

        @Parameters(index = "1", paramLabel = "TEST")
        Path test;

        @Option(names = "--shave", defaultValue = "0", description = "Border pixels removed on every side (the SR"
                + " protocol uses the scale). Default: ${DEFAULT-VALUE}.")
        int shave;

        @Override
        int run(Config c, PrintWriter out) throws ImageReadException {
            ImageDecoder d = decoder(c);
            Image a = d.decode(ref);
            Image b = d.decode(test);
            if (a.height() != b.height() || a.width() != b.width()) {
                throw new UserException("Cannot compare " + ref + " (" + a.width() + "x" + a.height() + ") with " + test
                        + " (" + b.width() + "x" + b.height() + "): the sizes differ.");
            }
            if (shave < 0 || 2 * shave + 11 > Math.min(a.height(), a.width())) {
                throw new UserException("--shave " + shave + " leaves less than 11x11 pixels of a " + a.width() + "x"
                        + a.height() + " image.");
            }
            out.println("{\"psnr_y\": " + num(Metrics.psnrY(a, b, shave))
                    + ", \"ssim_y\": " + num(Metrics.ssimY(a, b, shave))
                    + ", \"psnr_rgb\": " + num(Metrics.psnrRgb(a, b, shave))
                    + ", \"psnr_b_y\": " + num(Metrics.psnrBY(a, b, shave)) + "}");
            out.flush();
            return 0;
        }

        static String num(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "null";
        }
    }
}
