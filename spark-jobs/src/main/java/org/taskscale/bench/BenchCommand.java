package org.taskscale.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.factory.Nd4j;
import org.taskscale.bench.Flops;
import org.taskscale.bench.PeerNets;
import org.taskscale.bench.TrainBench;
import org.taskscale.config.UserException;
import org.taskscale.layers.AdaptiveResample;
import org.taskscale.layers.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code taskscale bench}: training and inference throughput on random data, optionally beside the PyTorch
 * peer ({@code peers/torch_train_bench.py} beside this class) in the same run, alternating so both see the same machine.
 */
@Command(name = "bench",
        description = "Measure training or inference throughput, optionally against the PyTorch peer.",
        subcommands = {BenchCommand.Train.class, BenchCommand.Infer.class, BenchCommand.Peak.class,
            BenchCommand.Resampler.class,
            BenchCommand.Plan.class, BenchPrepCommand.class, BenchSparkCommand.class, BenchFaultsCommand.class,
            BenchCorpusCommand.class, BenchScaleCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by both benchmarks. */
    static class PeerOptions {
        @Option(names = "--vs-torch", description = "Also run the PyTorch peer in the same run and print ours/theirs.")
        boolean vsTorch;

        @Option(names = "--repeat", defaultValue = "3", description = "Measurements of each side (median reported)."
                + " Default: ${DEFAULT-VALUE}.")
        int repeat;

        @Option(names = "--peer-script", description = "The peer script (default: the torch_train_bench.py this"
                + " build carries).")
        Path peerScript;

        @Option(names = "--format", defaultValue = "NHWC",
                description = "Tensor layout of our network: NHWC (channels-last, faster forward on oneDNN) or NCHW."
                        + " Default: ${DEFAULT-VALUE}.")
        CNN2DFormat format;

        @Option(names = "--python", defaultValue = "/usr/bin/python3",
                description = "Python with torch 1.13 (Debian python3-torch). Default: ${DEFAULT-VALUE}.")
        String python;

        Path script() {
            if (peerScript != null) {
                return peerScript;
            }
            return Peers.script("torch_train_bench.py");
        }

        /** Medians of our and the peer's milliseconds (the peer's NaN without --vs-torch) over {@code n} repeats. */
        record Medians(double ours, double theirs, int n) {
            /** The throughput ratio line. */
            void printRatio(String name, PrintWriter out) {
                out.printf(Locale.ROOT, "%s ours/theirs=%.2f (throughput ratio, median of %d)%n", name, theirs / ours, n);
            }
        }

        /**
         * Repeats our measurement ({@code ours} gets the repeat's index), each followed by the peer's (run with
         * {@code peerArgs}) with --vs-torch.
         */
        Medians alternate(java.util.function.IntToDoubleFunction ours, List<String> peerArgs, String key,
                          PrintWriter out) {
            return alternate(ours, r -> peerArgs, key, out);
        }

        /** The same, with the peer's arguments for each repeat's index. */
        Medians alternate(java.util.function.IntToDoubleFunction ours,
                          java.util.function.IntFunction<List<String>> peerArgs, String key, PrintWriter out) {
            List<Double> o = new ArrayList<>();
            List<Double> t = new ArrayList<>();
            for (int r = 0; r < Math.max(1, repeat); r++) {
                o.add(ours.applyAsDouble(r));
                if (vsTorch) {
                    t.add(runPeer(peerArgs.apply(r), key, out));
                }
            }
            return new Medians(median(o), vsTorch ? median(t) : Double.NaN, o.size());
        }

        /** Runs the peer with {@code args} and returns the value of {@code key=} it printed (ms/iter or ms/image). */
        double runPeer(List<String> args, String key, PrintWriter out) {
            Path script = script();
            if (!Files.isRegularFile(script)) {
                throw new UserException("The PyTorch peer script " + script + " is missing: pass --peer-script.");
            }
            return runScript(python, script, args, Pattern.compile(Pattern.quote(key) + "=([0-9.]+)"), out);
        }
    }

    /**
     * Runs a peer script with {@code THREADS} set, echoes the line matching {@code value} (its group 1 is the
     * figure) and returns that figure; fails with the last line the script printed.
     */
    static double runScript(String python, Path script, List<String> args, Pattern value, PrintWriter out) {
        return runScript(List.of(python), script, args, value, out);
    }

    /** The same, with the interpreter given as a command line ({@code taskset -c 0 python3}, say). */
    static double runScript(List<String> launcher, Path script, List<String> args, Pattern value, PrintWriter out) {
        String python = String.join(" ", launcher);
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(script.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("THREADS", Integer.toString(threads()));
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            String last = null;
            Double v = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    last = line;
                    Matcher m = value.matcher(line);
                    if (m.find()) {
                        v = Double.parseDouble(m.group(1));
                        out.println("  peer: " + line);
                        out.flush();
                    }
                }
            }
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || v == null) {
                throw new UserException("The peer failed (" + String.join(" ", cmd) + "): "
                        + (last == null ? "no output" : last) + ". Are python3-torch and python3-pil installed?");
            }
            return v;
        } catch (IOException e) {
            throw new UserException("Cannot run the peer with " + python + ": " + e.getMessage() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("Interrupted while the peer ran.");
        }
    }

    static int threads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        return omp != null ? Integer.parseInt(omp.trim()) : Runtime.getRuntime().availableProcessors();
    }

    /** The least-squares line through points {@code (x, y)}: {@code {intercept, slope}}. */
    static double[] leastSquares(List<double[]> points) {
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double my = points.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        double slope = sxy / sxx;
        return new double[] {my - slope * mx, slope};
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** {@code bench train --arch NAME}. */
    @Command(name = "train",
            description = "Train NAME on random data after a warm-up; prints ms/iter=… samples/s=… (and ours/theirs"
                    + " with --vs-torch: the same network, shapes and loss in PyTorch, measured alternately)."
                    + " Networks: every registered model (taskscale models) and aetad2, the peer's own autoencoder.")
    static final class Train extends BenchTool {
        @Option(names = "--arch", required = true, description = "Network: ${COMPLETION-CANDIDATES}.",
                completionCandidates = Names.class)
        String arch;

        @Option(names = "--batch", defaultValue = "0",
                description = "Minibatch (default: 16, arcnn 8; the peer trains the same).")
        int batch;

        @Option(names = "--patch", defaultValue = "0",
                description = "Input patch side (default: the architecture's own; the peer trains the same).")
        int patch;

        @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per repeat. Default: ${DEFAULT-VALUE}.")
        double seconds;

        @Option(names = "--warmup", defaultValue = "30", description = "Seconds of training before the first measurement"
                + " (and at least 3 steps): the JVM compiles ND4J's Java code while it runs; short steps (srcnn-955's"
                + " 21 ms) were still 10-25 % slower after 10 s. PyTorch, without a JIT, warms up for 3 steps."
                + " Default: ${DEFAULT-VALUE}.")
        double warmup;

        @Option(names = "--peak-gflops", defaultValue = "0",
                description = "The fp32 peak for the fraction-of-peak line; 0 (the default) measures it first, as"
                        + " bench peak does (a 2048x2048 SGEMM for 5 s).")
        double peak;

        @picocli.CommandLine.Mixin
        PeerOptions peer;

        @Override
        int measure(PrintWriter out) {
            if (!PeerNets.NAMES.contains(arch)) {
                throw new UserException("Unknown --arch '" + arch + "'; known: " + String.join(", ", PeerNets.NAMES) + ".");
            }
            PeerNets.Spec net = PeerNets.build(arch, batch, patch, peer.format);
            long[] s = net.inputShape();
            long side = peer.format == CNN2DFormat.NHWC ? s[1] : s[2];
            boolean nhwc = peer.format == CNN2DFormat.NHWC;
            Flops.Count count = Flops.training(net.net().getConfiguration(), s[0], nhwc
                    ? InputType.convolutional(s[1], s[2], s[3], CNN2DFormat.NHWC) : InputType.convolutional(s[2], s[3], s[1]));
            double flops = count.total();
            out.printf(Locale.ROOT, "bench train %s: input %s %s, %.2f GFLOP per iteration (convolutions %.2f, resampler"
                            + " and bicubic %.2f), %d threads, backend %s%n", arch, peer.format,
                    java.util.Arrays.toString(s), flops / 1e9, count.convolution() / 1e9, count.other() / 1e9, threads(),
                    Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
            out.flush();
            if (!(peak > 0)) {
                MachinePeak.Result p = MachinePeak.sgemm(2048, 5);
                peak = p.gflops();
                out.printf(Locale.ROOT, "  measured peak: SGEMM %dx%d, %d threads, %.1f GFLOP/s%n", p.side(), p.side(),
                        p.threads(), peak);
            }
            PeerOptions.Medians med = peer.alternate(r -> {
                TrainBench.Result res = TrainBench.train(net, seconds, r == 0 ? 3 : 1, r == 0 ? warmup : 0, m -> {
                    out.println("  " + m);
                    out.flush();
                });
                out.println("  ours: " + res.line());
                out.flush();
                return res.meanMs();
            }, List.of(arch, Double.toString(seconds), Long.toString(s[0]), Long.toString(side)), "ms/iter", out);
            double ms = med.ours();
            out.printf(Locale.ROOT, "%s ms/iter=%.1f samples/s=%.1f%n", arch, ms, 1000.0 * s[0] / ms);
            double gflops = flops / ms / 1e6;
            out.printf(Locale.ROOT, "%s GFLOP/s=%.1f fraction_of_peak=%.2f (peak %.0f GFLOP/s; counted FLOPs: see Flops)%n",
                    arch, gflops, gflops / peak, peak);
            if (peer.vsTorch) {
                out.printf(Locale.ROOT, "%s torch ms/iter=%.1f samples/s=%.1f%n", arch, med.theirs(), 1000.0 * s[0] / med.theirs());
                med.printRatio(arch, out);
            }
            out.flush();
            return 0;
        }
    }

    /** Completion candidates for --arch. */
    static final class Names extends ArrayList<String> {
        Names() {
            super(PeerNets.NAMES);
        }
    }

    /** {@code bench infer --arch NAME}. */
    @Command(name = "infer",
            description = "Forward passes of NAME on one image of SIZE x SIZE (its input channels); prints ms/image"
                    + " and megapixels/s of the input (and ours/theirs with --vs-torch, measured alternately).")
    static final class Infer extends BenchTool {
        @Option(names = "--arch", defaultValue = "edsr", description = "Network: ${COMPLETION-CANDIDATES}."
                + " Default: ${DEFAULT-VALUE}.", completionCandidates = Names.class)
        String arch;

        @Option(names = "--size", defaultValue = "512", description = "Input side (a multiple of 8 for car and"
                + " colorize-large). Default: ${DEFAULT-VALUE}.")
        int size;

        @Option(names = "--seconds", defaultValue = "30", description = "Measured seconds per repeat. Default: ${DEFAULT-VALUE}.")
        double seconds;

        @Option(names = "--warmup", defaultValue = "30", description = "Seconds of forward passes before the first"
                + " measurement (and at least 2), ours and the peer's alike: the JVM compiles ND4J's Java code and"
                + " DL4J sizes its workspaces in the first passes. Default: ${DEFAULT-VALUE}.")
        double warmup;

        @picocli.CommandLine.Mixin
        PeerOptions peer;

        @Override
        int measure(PrintWriter out) {
            if (!PeerNets.NAMES.contains(arch)) {
                throw new UserException("Unknown --arch '" + arch + "'; known: " + String.join(", ", PeerNets.NAMES) + ".");
            }
            if (size < 8) {
                throw new UserException("--size must be 8 or more, not " + size + ".");
            }
            PeerNets.Spec spec = PeerNets.build(arch, 1, size, peer.format);
            long[] s = spec.inputShape();
            int channels = (int) (peer.format == CNN2DFormat.NHWC ? s[3] : s[1]);
            double inMp = (double) size * size / 1e6;
            out.printf(Locale.ROOT, "bench infer %s: one %dx%dx%d image, %d threads%n", arch, channels, size, size,
                    threads());
            PeerOptions.Medians med = peer.alternate(r -> {
                double ms = TrainBench.infer(spec.net(), channels, size, peer.format == CNN2DFormat.NHWC, seconds,
                        r == 0 ? warmup : 0);
                out.printf(Locale.ROOT, "  ours: %s-infer %dx%d ms/image=%.0f input_megapixels/s=%.3f%n", arch, size,
                        size, ms, inMp / (ms / 1000));
                out.flush();
                return ms;
            }, r -> List.of("infer", arch, Double.toString(seconds), Integer.toString(size),
                    Double.toString(r == 0 ? warmup : 0)), "ms/image", out);
            double ms = med.ours();
            out.printf(Locale.ROOT, "%s-infer ms/image=%.0f input_megapixels/s=%.3f%n", arch, ms, inMp / (ms / 1000));
            if (peer.vsTorch) {
                out.printf(Locale.ROOT, "%s-infer torch ms/image=%.0f input_megapixels/s=%.3f%n", arch, med.theirs(),
                        inMp / (med.theirs() / 1000));
                med.printRatio(arch + "-infer", out);
            }
            out.flush();
            return 0;
        }
    }

    /** {@code bench peak}. */
    @Command(name = "peak",
            description = "The machine's measured fp32 peak: the best rate of SIDE x SIDE single-precision matrix"
                    + " products (ND4J's BLAS) on all of ND4J's threads, and that per thread.")
    static final class Peak extends BenchTool {
        @Option(names = "--side", defaultValue = "2048", description = "Matrix side. Default: ${DEFAULT-VALUE}.")
        int side;

        @Option(names = "--seconds", defaultValue = "10", description = "Seconds per measurement. Default: ${DEFAULT-VALUE}.")
        double seconds;

        @Override
        int measure(PrintWriter out) {
            if (side < 64) {
                throw new UserException("--side must be 64 or more, not " + side + ".");
            }
            MachinePeak.Result all = MachinePeak.sgemm(side, seconds);
            out.printf(Locale.ROOT, "peak SGEMM %dx%d threads=%d GFLOP/s=%.1f (best of %d)%n", side, side, all.threads(),
                    all.gflops(), all.products());
            out.printf(Locale.ROOT, "peak per thread GFLOP/s=%.1f%n", all.gflops() / all.threads());
            out.flush();
            return 0;
        }
    }

    private static void path(PrintWriter out, String name, double forwardMs, double backwardMs, double mp) {
        out.printf(Locale.ROOT, "%s forward ms=%.1f ms/megapixel=%.1f; backward ms=%.1f ms/megapixel=%.1f;"
                + " forward+backward ms/megapixel=%.1f%n", name, forwardMs, forwardMs / mp, backwardMs, backwardMs / mp,
                (forwardMs + backwardMs) / mp);
    }

    @Command(name = "resampler",
            description = "CAR's adaptive resampler on a batch of HR patches, both ways the layer runs it: the Java loops"
                    + " (CPU backend) and the ND4J ops (GPU backends), forward and backward (all three inputs); ms per HR"
                    + " megapixel.")
    static final class Resampler extends BenchTool {
        @Option(names = "--scale", defaultValue = "2", description = "2 (7x7 taps) or 4 (13x13). Default: ${DEFAULT-VALUE}.")
        int scale;

        @Option(names = "--batch", defaultValue = "16", description = "Patches. Default: ${DEFAULT-VALUE}.")
        int batch;

        @Option(names = "--patch", defaultValue = "96", description = "HR patch side. Default: ${DEFAULT-VALUE}.")
        int patch;

        @Option(names = "--repeat", defaultValue = "5", description = "Timed repeats (median). Default: ${DEFAULT-VALUE}.")
        int repeat;

        @Override
        int measure(PrintWriter out) {
            if (patch % scale != 0 || batch < 1 || repeat < 1) {
                throw new UserException("--patch must be a multiple of --scale, --batch and --repeat positive.");
            }
            var r = org.taskscale.bench.ResamplerBench.run(batch, patch, scale, repeat);
            double mp = r.megapixels();
            out.printf(Locale.ROOT, "resampler x%d, %dx%d taps, %d x 3x%dx%d (%.3f HR megapixels), %d threads%n", scale,
                    3 * scale + 1, 3 * scale + 1, batch, patch, patch, mp, Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "ND4J backend %s: the layer runs the %s path%n", Backend.current(),
                    AdaptiveResample.Path.current().name().toLowerCase(Locale.ROOT));
            path(out, "loops", r.loopsForwardMs(), r.loopsBackwardMs(), mp);
            path(out, "nd4j-ops", r.opsForwardMs(), r.opsBackwardMs(), mp);
            out.printf(Locale.ROOT, "nd4j-ops / loops forward+backward: %.2fx the time; largest output difference %.1e%n",
                    (r.opsForwardMs() + r.opsBackwardMs()) / (r.loopsForwardMs() + r.loopsBackwardMs()), r.maxDiff());
            out.flush();
            return 0;
        }
    }

    @Command(name = "plan",
            description = "For GPU planning (docs/gpu-plan.md): per network at the benchmark's shapes, convolution FLOPs"
                    + " per training sample, an estimate of the device memory a minibatch needs, and the samples/s a"
                    + " GPU of --peak-tflops would train at --efficiency.")
    static final class Plan extends BenchTool {
        @Option(names = "--peak-tflops", defaultValue = "67",
                description = "The GPU's fp32 peak (H100 SXM: 67 without tensor cores). Default: ${DEFAULT-VALUE}.")
        double peak;

        @Option(names = "--efficiency", defaultValue = "0.3",
                description = "The fraction of that peak the convolutions reach. Default: ${DEFAULT-VALUE}.")
        double efficiency;

        @Override
        int measure(PrintWriter out) {
            if (!(peak > 0) || !(efficiency > 0 && efficiency <= 1)) {
                throw new UserException("--peak-tflops must be positive and --efficiency in (0, 1], not " + peak + " and "
                        + efficiency + ".");
            }
            out.printf(Locale.ROOT, "%-15s %-20s %12s %14s %16s %18s%n", "network", "input (NHWC)", "params",
                    "GFLOP/sample", "MiB/minibatch", String.format(Locale.ROOT, "samples/s @%.0f%%", 100 * efficiency));
            for (String arch : PeerNets.NAMES) {
                PeerNets.Spec net = PeerNets.build(arch, 0, 0, CNN2DFormat.NHWC);
                long[] s = net.inputShape();
                InputType in = InputType.convolutional(s[1], s[2], s[3], CNN2DFormat.NHWC);
                var conf = net.net().getConfiguration();
                double perSample = Flops.training(conf, 1, in).total();
                long params = net.net().numParams();
                // float32: activations and their gradients, plus parameters, gradients and Adam's two moments
                double mib = (2.0 * Flops.activations(conf, s[0], in) + 4.0 * params) * 4 / (1 << 20);
                out.printf(Locale.ROOT, "%-15s %-20s %,12d %14.3f %16.0f %,18.0f%n", arch, java.util.Arrays.toString(s),
                        params, perSample / 1e9, mib, efficiency * peak * 1e12 / perSample);
            }
            out.flush();
            return 0;
        }
    }
}
