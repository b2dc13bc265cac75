package org.taskscale.spark;

import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * Says on the job's console when an executor is lost (a worker killed, a node gone), and when one joins after a
 * loss, so that a run that slowed down or retried tasks tells why. Spark itself retries the lost executor's tasks elsewhere; a loss does
 * not count against spark.task.maxFailures when the executor's host went away.
 */
public final class ExecutorReporter extends SparkListener {
    private final PrintWriter out;
    private volatile boolean lost;

    public ExecutorReporter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded e) {
        if (lost) {  // a replacement; the executors a job starts with are no news
            say("spark: executor %s joined on %s with %d core(s)", e.executorId(), e.executorInfo().executorHost(),
                    e.executorInfo().totalCores());
        }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
        lost = true;
        say("spark: executor %s was lost (%s); Spark runs its tasks again on the remaining executors", e.executorId(),
                e.reason());
    }

    private void say(String format, Object... args) {
        synchronized (out) {
            out.printf(Locale.ROOT, format + "%n", args);
            out.flush();
        }
    }
}
