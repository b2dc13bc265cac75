package org.taskscale.spark;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * The peak heap and peak live heap ({@link PeakMemory}) of every executor that ran a job's tasks, gathered by an
 * accumulator: tasks call {@link #record} as they work, and the driver prints {@link #describe}. In local mode the
 * one executor is the driver's own JVM ("driver").
 */
public final class ExecutorMemory extends AccumulatorV2<long[], Map<String, long[]>> {
    private final TreeMap<String, long[]> peaks = new TreeMap<>();

    /** A new accumulator registered with {@code jsc}. */
    public static ExecutorMemory register(JavaSparkContext jsc) {
        ExecutorMemory m = new ExecutorMemory();
        jsc.sc().register(m, "executor memory");
        return m;
    }

    /** On an executor: starts following its live heap (once) and records its peaks so far. */
    public void record() {
        PeakMemory.track();
        add(new long[] {PeakMemory.heapPeak(), PeakMemory.livePeak()});
    }

    /** One line: each executor's peak heap and peak live heap, in MiB. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        value().forEach((id, p) -> sb.append(sb.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT,
                "executor %s: heap %d MiB%s", id, p[0] >> 20, p[1] < 0 ? "" : String.format(Locale.ROOT,
                        " (live after GC at most %d MiB)", p[1] >> 20))));
        return sb.length() == 0 ? "no executor reported" : sb.toString();
    }

    @Override
    public boolean isZero() {
        return peaks.isEmpty();
    }

    @Override
    public ExecutorMemory copy() {
        ExecutorMemory c = new ExecutorMemory();
        synchronized (peaks) {
            peaks.forEach((k, v) -> c.peaks.put(k, v.clone()));
        }
        return c;
    }

    @Override
    public void reset() {
        synchronized (peaks) {
            peaks.clear();
        }
    }

    @Override
    public void add(long[] peak) {
        SparkEnv env = SparkEnv.get();
        merge(env == null ? "driver" : env.executorId(), peak);
    }

    private void merge(String executor, long[] peak) {
        synchronized (peaks) {
            long[] p = peaks.computeIfAbsent(executor, k -> new long[] {0, -1});
            p[0] = Math.max(p[0], peak[0]);
            p[1] = Math.max(p[1], peak[1]);
        }
    }

    @Override
    public void merge(AccumulatorV2<long[], Map<String, long[]>> other) {
        other.value().forEach(this::merge);
    }

    @Override
    public Map<String, long[]> value() {
        synchronized (peaks) {
            TreeMap<String, long[]> v = new TreeMap<>();
            peaks.forEach((k, p) -> v.put(k, p.clone()));
            return v;
        }
    }
}
