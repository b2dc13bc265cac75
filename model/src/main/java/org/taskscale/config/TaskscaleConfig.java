package org.taskscale.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one place configuration is loaded. Precedence, highest first:
 * <ol>
 *   <li>{@code --set key=value} / {@code -D key=value} overrides from the command line;</li>
 *   <li>JVM system properties ({@code -Dtaskscale.x=y});</li>
 *   <li>the experiment file (which may {@code include} a base file and override it);</li>
 *   <li>the {@code reference.conf} of every module on the classpath (all defaults live there, some with
 *       {@code ${?ENV}} overrides).</li>
 * </ol>
 * The result is resolved and validated against the reference: wrong types fail through Typesafe's
 * {@code checkValid}, and a key under {@code taskscale} that the reference does not know fails with the
 * nearest valid key. Everything fails before any job work starts.
 */
public final class TaskscaleConfig {
    /** The root every key of this project lives under. */
    public static final String ROOT = "taskscale";

    private TaskscaleConfig() {}

    /** Loads defaults, the optional experiment file and the overrides; validates; returns the full config. */
    public static Config load(Path experimentFile, Map<String, String> overrides) {
        Config experiment = ConfigFactory.empty();
        if (experimentFile != null) {
            if (!Files.isRegularFile(experimentFile)) {
                throw new ConfigException("The experiment file " + experimentFile + " does not exist or is not a file.");
            }
            try {
                experiment = ConfigFactory.parseFile(experimentFile.toFile(),
                        ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException("The experiment file " + experimentFile + " cannot be parsed: "
                        + e.getMessage(), e);
            }
        }
        return loadWith(experiment, overrides);
    }

    /** Loads defaults, an experiment given as a parsed config (e.g. a classpath resource) and the overrides. */
    public static Config loadWith(Config experiment, Map<String, String> overrides) {
        ConfigFactory.invalidateCaches();
        Config reference = ConfigFactory.defaultReference();
        Config cli = parseOverrides(overrides);
        Config merged;
        try {
            merged = cli.withFallback(ConfigFactory.defaultOverrides())
                    .withFallback(experiment)
                    .withFallback(reference)
                    .resolve(ConfigResolveOptions.defaults());
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("The configuration cannot be resolved: " + e.getMessage(), e);
        }
        validate(merged, reference);
        return merged;
    }

    /** Defaults only (reference.conf, system properties). */
    public static Config defaults() {
        return load(null, Map.of());
    }

    private static Config parseOverrides(Map<String, String> overrides) {
        Config cli = ConfigFactory.empty();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey().trim();
            if (key.isEmpty()) {
                throw new ConfigException("An override has an empty key (expected key=value).");
            }
            String value = e.getValue().trim();
            Config one;
            if (looksTyped(value)) {
                try {
                    // numbers, booleans, lists and objects keep their HOCON types
                    one = ConfigFactory.parseString(quoteKey(key) + " = " + value,
                            ConfigParseOptions.defaults().setOriginDescription("--set " + key));
                } catch (com.typesafe.config.ConfigException ex) {
                    throw new ConfigException("The override for '" + key + "' has a value that is not valid HOCON: "
                            + value + " (" + ex.getMessage() + ").", ex);
                }
            } else {
                // anything else is a plain string (paths such as hdfs://nn/x must not read '//' as a comment)
                one = ConfigFactory.parseMap(Map.of(key, e.getValue()), "--set " + key);
            }
            cli = one.withFallback(cli);
        }
        return cli;
    }

    private static boolean looksTyped(String v) {
        return v.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?") || v.equals("true") || v.equals("false")
                || v.equals("null") || v.startsWith("[") || v.startsWith("{") || v.startsWith("\"");
    }

    private static String quoteKey(String key) {
        StringBuilder sb = new StringBuilder();
        for (String part : key.split("\\.", -1)) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append('"').append(part.replace("\"", "\\\"")).append('"');
        }
        return sb.toString();
    }

    /** checkValid against the reference, then unknown keys under {@link #ROOT}. */
    static void validate(Config config, Config reference) {
        if (!reference.hasPath(ROOT)) {
            throw new ConfigException("No reference.conf with a '" + ROOT + "' block is on the classpath.");
        }
        List<String> unknown = new ArrayList<>();
        Set<String> known = leafPaths(reference.getConfig(ROOT), ROOT);
        Set<String> open = openPaths(reference);
        if (config.hasPath(ROOT)) {
            for (String path : leafPaths(config.getConfig(ROOT), ROOT)) {
                if (!known.contains(path) && open.stream().noneMatch(o -> path.startsWith(o + "."))) {
                    unknown.add(path);
                }
            }
        }
        if (!unknown.isEmpty()) {
            String key = unknown.get(0);
            String near = nearest(key, known);
            String origin = originOf(config, key);
            throw new ConfigException("Unknown configuration key '" + key + "'" + origin
                    + (near == null ? "." : "; did you mean '" + near + "'?")
                    + (unknown.size() > 1 ? " (" + (unknown.size() - 1) + " more unknown: "
                    + String.join(", ", unknown.subList(1, unknown.size())) + ")" : ""));
        }
        try {
            config.checkValid(reference, ROOT);
        } catch (com.typesafe.config.ConfigException.ValidationFailed e) {
            StringBuilder sb = new StringBuilder("Invalid configuration:");
            for (com.typesafe.config.ConfigException.ValidationProblem p : e.problems()) {
                sb.append(" key '").append(p.path()).append("': ").append(p.problem()).append(';');
            }
            sb.setLength(sb.length() - 1);
            throw new ConfigException(sb.append('.').toString(), e);
        }
        // checkValid lets a string stand for any type; a number or boolean key must really convert
        for (Map.Entry<String, ConfigValue> e : reference.getConfig(ROOT).entrySet()) {
            String path = ROOT + "." + e.getKey();
            try {
                switch (e.getValue().valueType()) {
                    case NUMBER -> config.getNumber(path);
                    case BOOLEAN -> config.getBoolean(path);
                    default -> { }
                }
            } catch (com.typesafe.config.ConfigException ex) {
                throw new ConfigException("Invalid configuration: key '" + path + "' must be a "
                        + e.getValue().valueType().name().toLowerCase(java.util.Locale.ROOT) + ", not '"
                        + config.getValue(path).unwrapped() + "'" + originOf(config, path) + ".", ex);
            }
        }
    }

    /**
     * Paths whose children are free-form (for example per-layer multipliers keyed by layer name). A reference
     * marks one by listing it in {@code taskscale.config.open-paths}.
     */
    private static Set<String> openPaths(Config reference) {
        Set<String> open = new TreeSet<>();
        if (reference.hasPath(ROOT + ".config.open-paths")) {
            open.addAll(reference.getStringList(ROOT + ".config.open-paths"));
        }
        emptyObjects(reference.getObject(ROOT), ROOT, open);
        return open;
    }

    /** An empty object in a reference.conf (such as {@code lr-multipliers {}}) is a free-form map: its keys are open. */
    private static void emptyObjects(com.typesafe.config.ConfigObject obj, String path, Set<String> open) {
        for (Map.Entry<String, com.typesafe.config.ConfigValue> e : obj.entrySet()) {
            if (e.getValue() instanceof com.typesafe.config.ConfigObject child) {
                String p = path + "." + e.getKey();
                if (child.isEmpty()) {
                    open.add(p);
                } else {
                    emptyObjects(child, p, open);
                }
            }
        }
    }

    private static String originOf(Config config, String key) {
        try {
            String d = config.getValue(key).origin().description();
            return d == null ? "" : " (from " + d + ")";
        } catch (com.typesafe.config.ConfigException e) {
            return "";
        }
    }

    static Set<String> leafPaths(Config c, String prefix) {
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            out.add(prefix + "." + e.getKey());
        }
        return out;
    }

    /** The known key with the smallest edit distance to {@code key}, or null if none is reasonably close. */
    static String nearest(String key, Set<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = levenshtein(key, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        return best != null && bestD <= Math.max(3, leaf.length()) ? best : null;
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The {@link #ROOT} block rendered as HOCON with comments saying where each value came from. */
    public static String render(Config config, boolean originComments) {
        return config.getConfig(ROOT).atKey(ROOT).root().render(ConfigRenderOptions.defaults()
                .setOriginComments(originComments).setComments(false).setJson(false));
    }

    /** Saves the resolved {@link #ROOT} block next to a run, so that the run can be repeated. */
    public static void save(Config config, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, render(config, false), StandardCharsets.UTF_8);
    }

    /** Parses {@code key=value} strings (as given to --set) into an ordered map; fails naming a malformed one. */
    public static Map<String, String> parseAssignments(List<String> assignments) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("The override '" + a + "' is not of the form key=value.");
            }
            out.put(a.substring(0, eq).trim(), a.substring(eq + 1));
        }
        return out;
    }
}
