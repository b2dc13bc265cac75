package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.taskscale.config.TaskscaleConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code taskscale config [CONF]}: validate an experiment file and print the resolved configuration. */
@Command(name = "config",
        description = "Validate an experiment file (or the defaults) and print the resolved configuration.")
public final class ConfigCommand extends ConfiguredCommand {
    @Parameters(arity = "0..1", paramLabel = "CONF", description = "Experiment file (HOCON); defaults only if omitted.")
    Path conf;

    @Override
    Config load() {
        return options.load(conf);
    }

    @Override
    int run(Config c, PrintWriter out) {
        out.println(TaskscaleConfig.render(c, false));
        return 0;
    }
}
