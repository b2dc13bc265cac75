package org.taskscale.spark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;

/** The memory a job's process used at its peak, for the line every job that holds whole images ends with. */
public final class PeakMemory {
    private PeakMemory() {}

    /** Peak heap (all heap pools, since the JVM started) against the limit, and the process's peak resident size. */
    public static String describe() {
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        long max = Runtime.getRuntime().maxMemory();
        String rss = "?";
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmHWM:")) {
                    rss = String.format(Locale.ROOT, "%d MiB", Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no resident-size figure
        }
        return String.format(Locale.ROOT, "heap %d MiB of %d MiB, process resident %s", heapPeak >> 20, max >> 20, rss);
    }
}
