package org.taskscale.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop configuration shipped to executors (a {@link Configuration} is not serialisable): as a map,
 * broadcast once, and back.
 */
public final class HadoopConfs {
    private HadoopConfs() {}

    /** A Hadoop configuration as a serialisable map. */
    public static Map<String, String> toMap(Configuration conf) {
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    /** The inverse of {@link #toMap}. */
    public static Configuration fromMap(Map<String, String> m) {
        Converted last = lastConverted;
        if (last != null && last.from() == m) {
            return last.conf();  // the same broadcast map: every batch of an executor
        }
        Configuration c = new Configuration(false);
        m.forEach(c::set);
        lastConverted = new Converted(m, c);
        return c;
    }

    /** A map {@link #fromMap} converted, and its configuration. */
    private record Converted(Map<String, String> from, Configuration conf) {}

    /** The last conversion (building a configuration for every batch file cost 4% of prep). */
    private static volatile Converted lastConverted;
}
