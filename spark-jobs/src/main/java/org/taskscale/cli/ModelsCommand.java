package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.taskscale.models.Architecture;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code taskscale models [--verbose] [CONF]}: the registered architectures, one name per line, name first.
 * With --verbose each line adds the parameter count of the network the configuration's {@code taskscale.model}
 * block would build under that name (scale, colors, channels, blocks), its task and its description.
 */
@Command(name = "models",
        description = "List the registered model architectures (one name per line). --verbose adds parameter"
                + " counts for the configured size, the task, and a description.")
public final class ModelsCommand extends ConfiguredCommand {
    @Parameters(arity = "0..1", paramLabel = "CONF", description = "Experiment file whose taskscale.model block sizes"
            + " the networks counted by --verbose (defaults if omitted).")
    Path conf;

    @Option(names = {"-v", "--verbose"}, description = "Also print parameters, task and description, after a first line (# ...) naming the ND4J"
            + " backend and its devices.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (!verbose) {  // the names alone read no configuration
            PrintWriter out = spec.commandLine().getOut();
            ModelRegistry.names().forEach(out::println);
            out.flush();
            return 0;
        }
        return super.call();
    }

    @Override
    Config load() {
        return options.load(conf);
    }

    @Override
    int run(Config c, PrintWriter out) {
        out.println("# " + TaskscaleCommand.Version.backendLine());
        ModelConfig base = ModelConfig.from(c);
        for (String name : ModelRegistry.names()) {
            Architecture a = ModelRegistry.get(name);
            ModelConfig m = base.withName(name);
            if (!a.scales().contains(m.scale())) {
                m = m.withScale(a.scales().contains(2) ? 2 : 1);
            }
            long params = ModelRegistry.build(m).numParams();
            String scale = a.scales().equals(java.util.Set.of(1)) ? "-" : "x" + m.scale();
            out.printf(Locale.ROOT, "%-15s %,12d params  %-4s %-30s %s%n", name, params, scale,
                    a.task().label(), a.description());
            out.flush();
        }
        return 0;
    }
}
