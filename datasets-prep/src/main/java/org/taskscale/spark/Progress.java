package org.taskscale.spark;

/**
 * A daemon thread that prints a job's progress line every few seconds while a Spark stage runs; the job says what
 * the line holds (items, rate, ETA). Closing it stops the thread.
 */
public final class Progress implements AutoCloseable {
    private final Thread thread;

    private Progress(Thread thread) {
        this.thread = thread;
    }

    /** Starts calling {@code report} every {@code periodMillis} in a thread named {@code name}. */
    public static Progress every(long periodMillis, String name, Runnable report) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(periodMillis);
                    report.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return new Progress(t);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
