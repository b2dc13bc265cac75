package org.taskscale.spark;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps ND4J's native memory bounded in a long-running process. ND4J's CPU buffers live outside the Java heap and
 * are freed only when the Java objects that hold them are collected; an iteration of a network leaves megabytes of
 * such buffers and only kilobytes on the heap, so the heap's own collections come far too seldom (the native
 * backend has no periodic collection of its own, unlike ND4J's CUDA one). Measured: the zoo's x2 rescaler run grew
 * by about 1 GB a minute until the kernel killed it at 24 GB; one forced collection stopped the growth for a
 * minute. A collection every {@value #INTERVAL_MS} ms costs a fraction of a second against a heap that holds little.
 */
public final class NativeMemory {
    /** Milliseconds between forced collections. */
    public static final long INTERVAL_MS = 15_000;

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private NativeMemory() {}

    /** Starts the collector thread (a daemon; once per JVM, later calls do nothing). */
    public static void collectPeriodically() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(INTERVAL_MS);
                } catch (InterruptedException e) {
                    return;
                }
                System.gc();
            }
        }, "taskscale-native-memory");
        t.setDaemon(true);
        t.start();
    }
}
