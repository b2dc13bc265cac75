package org.taskscale.cli;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.taskscale.config.TaskscaleConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code taskscale config [CONF]}: validate an experiment file and print the resolved configuration. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Validate an experiment file (or the defaults) and print the resolved configuration.")
public final class ConfigCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "CONF", description = "Experiment file (HOCON); defaults only if omitted.")
    Path conf;

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config c = options.load(conf);
        spec.commandLine().getOut().println(TaskscaleConfig.render(c, options.showConfig));
        return 0;
    }
}
