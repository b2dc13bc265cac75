package org.taskscale.cli;

import com.typesafe.config.Config;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** A job configured by an optional experiment file (CONF) under the defaults and the command's overrides. */
abstract class ExperimentJobCommand extends JobCommand {
    @Parameters(arity = "0..1", paramLabel = "CONF", description = "Experiment file (HOCON); the defaults alone if"
            + " omitted.")
    Path conf;

    @Override
    final Config load() {
        return options.load(conf);
    }
}
