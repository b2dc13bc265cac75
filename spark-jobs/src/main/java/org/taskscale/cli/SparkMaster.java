package org.taskscale.cli;

import com.typesafe.config.Config;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.spark.SparkContexts;
import picocli.CommandLine.Option;

/** The {@code --master} option of every command that starts Spark, mixed into each. */
public final class SparkMaster {
    @Option(names = "--master", description = "Spark master, e.g. local[1] or spark://head:7077 (default: the"
            + " launcher's local[*], or spark-submit's).")
    String master;

    /** The command's Spark context (see {@link SparkContexts}). */
    JavaSparkContext start(Config config) {
        return SparkContexts.create(config, master);
    }
}
