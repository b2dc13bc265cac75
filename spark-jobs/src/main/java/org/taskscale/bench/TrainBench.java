package org.taskscale.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training and inference throughput of a network on random data, measured the way the PyTorch peer measures
 * it: warm-up steps, then as many steps as fit in the time budget. The JVM's warm-up is longer than Python's:
 * ND4J's and DL4J's Java code around the native kernels is compiled while it runs, so short iterations (SRCNN's
 * 4-5 ms) keep speeding up for about ten seconds; the warm-up is given in seconds as well as steps.
 */
public final class TrainBench {
    private TrainBench() {}

    /** Per-step times of one measurement. */
    public record Result(String name, long batch, int iterations, double medianMs, double meanMs, double p90Ms,
                         double maxMs) {
        public double samplesPerSecond() {
            return 1000.0 * batch / meanMs;
        }

        /** The line {@code bench train} prints: ms/iter and samples/s in that exact form. */
        public String line() {
            return String.format(java.util.Locale.ROOT, "%s taskscale batch=%d iters=%d ms/iter=%.1f samples/s=%.1f"
                    + " (per iteration: median %.1f, 90th percentile %.1f, slowest %.1f ms)", name, batch, iterations,
                    meanMs, samplesPerSecond(), medianMs, p90Ms, maxMs);
        }
    }

    /** Trains {@code spec} on random input and targets for {@code seconds} after {@code warmup} steps. */
    public static Result train(PeerNets.Spec spec, double seconds, int warmup, Consumer<String> progress) {
        return train(spec, seconds, warmup, 0, progress);
    }

    /**
     * Trains {@code spec} on random input and targets for {@code seconds}, after at least {@code warmup} steps and
     * {@code warmupSeconds} of them.
     */
    public static Result train(PeerNets.Spec spec, double seconds, int warmup, double warmupSeconds,
                               Consumer<String> progress) {
        ComputationGraph net = org.taskscale.models.FlatGradientUpdater.install(spec.net());
        Nd4j.getRandom().setSeed(0);
        INDArray x = Nd4j.rand(DataType.FLOAT, spec.inputShape());
        INDArray[] outs = net.output(x);
        INDArray[] ys = new INDArray[outs.length];
        for (int k = 0; k < outs.length; k++) {
            ys[k] = Nd4j.rand(DataType.FLOAT, outs[k].shape());
        }
        MultiDataSet ds = new MultiDataSet(new INDArray[] {x}, ys);
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmup || System.nanoTime() - warmStart < warmupSeconds * 1e9; i++) {
            net.fit(ds);
        }
        List<Double> times = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long lastReport = start;
        while (System.nanoTime() < deadline || times.isEmpty()) {
            long t0 = System.nanoTime();
            net.fit(ds);
            long t1 = System.nanoTime();
            times.add((t1 - t0) / 1e6);
            if (progress != null && t1 - lastReport > 5e9) {
                progress.accept(String.format(java.util.Locale.ROOT, "%s: %d iterations, %.0f ms/iter so far",
                        spec.name(), times.size(), (t1 - start) / 1e6 / times.size()));
                lastReport = t1;
            }
        }
        double total = (System.nanoTime() - start) / 1e6;
        List<Double> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return new Result(spec.name(), spec.inputShape()[0], times.size(), median(times), total / times.size(),
                sorted.get((int) Math.min(sorted.size() - 1, Math.round(0.9 * (sorted.size() - 1)))),
                sorted.get(sorted.size() - 1));
    }

    /**
     * Forward passes of {@code net} on one {@code channels x size x size} input after at least 2 passes and
     * {@code warmupSeconds} of them; returns ms per image.
     */
    public static double infer(ComputationGraph net, int channels, int size, boolean nhwc, double seconds,
                               double warmupSeconds) {
        INDArray x = nhwc ? Nd4j.rand(DataType.FLOAT, 1, size, size, channels)
                : Nd4j.rand(DataType.FLOAT, 1, channels, size, size);
        long warmStart = System.nanoTime();
        for (int i = 0; i < 2 || System.nanoTime() - warmStart < warmupSeconds * 1e9; i++) {
            net.output(x);
        }
        int n = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9 || n == 0) {
            net.output(x);
            n++;
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
