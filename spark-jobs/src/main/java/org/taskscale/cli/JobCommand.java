package org.taskscale.cli;

import com.typesafe.config.Config;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.spark.SparkContexts;
import picocli.CommandLine.Mixin;

/** A command that runs a job, on Spark where it needs it: the configured preamble and {@code --master}. */
abstract class JobCommand extends ConfiguredCommand {
    @Mixin
    SparkMaster sparkMaster;

    /** The job's Spark context (see {@code SparkContexts}). */
    final JavaSparkContext spark(Config c) {
        return sparkMaster.start(c);
    }
}
