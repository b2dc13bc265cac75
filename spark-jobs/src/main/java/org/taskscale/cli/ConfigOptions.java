package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.taskscale.config.TaskscaleConfig;
import picocli.CommandLine.Option;

/** Options every job shares: overrides and --show-config. Mixed into each subcommand. */
public final class ConfigOptions {
    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Override a configuration key, e.g. --set taskscale.image.max-pixels=50000000."
                    + " Repeatable; wins over the experiment file and the defaults.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--show-config", description = "Print the resolved configuration (with where each value"
            + " came from) and exit without running anything.")
    boolean showConfig;

    /** A flag's value as an override of {@code key} (nothing when the flag was not given). */
    public void set(String key, Object value) {
        if (value != null) {
            overrides.put(key, value.toString());
        }
    }

    /** A flag's string value (a path, a name) as a quoted HOCON string override of {@code key}. */
    public void setString(String key, String value) {
        if (value != null) {
            overrides.put(key, quote(value));
        }
    }

    /** {@code s} as a HOCON quoted string. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Loads and validates the configuration for a command, from an optional experiment file. */
    public Config load(Path experimentFile) {
        return TaskscaleConfig.load(experimentFile, overrides);
    }

    /** If --show-config was given, prints the configuration and returns true (the caller then stops). */
    public boolean showIfAsked(Config config, java.io.PrintWriter out) {
        if (showConfig) {
            out.println(TaskscaleConfig.render(config, true));
            out.flush();
        }
        return showConfig;
    }
}
