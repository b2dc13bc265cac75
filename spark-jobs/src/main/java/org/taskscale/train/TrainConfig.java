package org.taskscale.train;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import org.taskscale.config.ConfigException;
import org.taskscale.tasks.Mode;

/** The {@code taskscale.train} block, checked before any Spark work. */
public record TrainConfig(String experiment, String runsRoot, String data, Mode mode, Optimizer optimizer,
                          double learningRate, int lrDecayIterations, double lrDecayFactor, int epochs, long iterations,
                          double minutes, int workers, int averagingFrequency, int prefetch, int checkpointIterations,
                          double checkpointMinutes, int keep, double validMinutes, int validBatches, long seed) {
    public static final String PATH = "taskscale.train";

    /** Where training runs: Spark parameter averaging over the executors, or this process alone. */
    public enum Mode {
        SPARK, SINGLE;

        public static Mode parse(String s) {
            return parseEnum(Mode.class, "mode", s);
        }
    }

    /** The update rule: Adam, or SGD with Nesterov momentum 0.9. */
    public enum Optimizer {
        ADAM, SGD;

        public static Optimizer parse(String s) {
            return parseEnum(Optimizer.class, "optimizer", s);
        }
    }

    /** The constant of {@code type} named {@code s} (any case); an unknown one fails naming the key and the legal values. */
    private static <E extends Enum<E>> E parseEnum(Class<E> type, String key, String s) {
        E[] all = type.getEnumConstants();
        for (E e : all) {
            if (e.name().equalsIgnoreCase(s.trim())) {
                return e;
            }
        }
        List<String> names = java.util.Arrays.stream(all).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        throw new ConfigException(PATH + "." + key + " must be " + String.join(" or ", names) + ", not "
                + s.trim().toLowerCase(Locale.ROOT) + ".");
    }

    public TrainConfig {
        check(experiment.matches("[A-Za-z0-9._-]+"), "experiment", "a file-name-safe name", experiment);
        check(learningRate > 0, "learning-rate", "positive", learningRate);
        check(lrDecayIterations >= 0, "lr-decay-iterations", "0 or positive", lrDecayIterations);
        check(lrDecayFactor > 0 && lrDecayFactor <= 1, "lr-decay-factor", "in (0, 1]", lrDecayFactor);
        check(epochs >= 0 && iterations >= 0 && minutes >= 0, "epochs", "0 or positive (also iterations, minutes)",
                epochs + "/" + iterations + "/" + minutes);
        check(epochs > 0 || iterations > 0 || minutes > 0, "epochs", "set, or iterations or minutes (a budget)", epochs);
        check(workers >= 0, "workers", "0 (default parallelism) or positive", workers);
        check(averagingFrequency >= 1, "averaging-frequency", "positive", averagingFrequency);
        check(prefetch >= 0, "prefetch", "0 or positive", prefetch);
        check(checkpointIterations >= 0 && checkpointMinutes >= 0, "checkpoint-iterations", "0 or positive",
                checkpointIterations);
        check(keep >= 1, "keep", "at least 1", keep);
        check(validMinutes >= 0 && validBatches >= 0, "valid-minutes", "0 or positive", validMinutes);
    }

    private static void check(boolean ok, String key, String what, Object v) {
        if (!ok) {
            throw new ConfigException(PATH + "." + key + " must be " + what + ", not " + v + ".");
        }
    }

    public static TrainConfig from(Config c) {
        Config t = c.getConfig(PATH);
        return new TrainConfig(t.getString("experiment").trim(), t.getString("runs-root").trim(), t.getString("data").trim(),
                Mode.parse(t.getString("mode")), Optimizer.parse(t.getString("optimizer")),
                t.getDouble("learning-rate"), t.getInt("lr-decay-iterations"), t.getDouble("lr-decay-factor"),
                t.getInt("epochs"), t.getLong("iterations"), t.getDouble("minutes"), t.getInt("workers"),
                t.getInt("averaging-frequency"), t.getInt("prefetch"), t.getInt("checkpoint-iterations"),
                t.getDouble("checkpoint-minutes"), t.getInt("keep"), t.getDouble("valid-minutes"),
                t.getInt("valid-batches"), t.getLong("seed"));
    }

    /** True when training runs on Spark (it needs a Spark context). */
    public boolean usesSpark() {
        return mode == Mode.SPARK;
    }

    /** The run directory: {@code <runs-root>/<experiment>}. */
    public String runDir() {
        return runsRoot.replaceAll("/+$", "") + "/" + experiment;
    }
}
