package org.taskscale.spark;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The memory a process used at its peak, for the line every job that holds whole images ends with: the peak heap
 * (each heap pool's peak, summed: an upper bound that includes garbage and depends on how often the collector ran), the peak
 * live heap (the most that survived a collection: what the process really keeps, and the figure that shows whether
 * memory grows with the work), and the peak resident size.
 */
public final class PeakMemory {
    private static final AtomicLong LIVE_PEAK = new AtomicLong(-1);

    private PeakMemory() {}

    /**
     * Starts following the live heap after every collection (once per JVM; later calls do nothing). Jobs call it
     * first, and executors' tasks before they work, so that {@link #livePeak} covers the whole run.
     */
    public static void track() {
        if (!LIVE_PEAK.compareAndSet(-1, 0)) {
            return;
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        GarbageCollectionNotificationInfo info =
                                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                        long live = 0;
                        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                            if (isHeap(e.getKey())) {
                                live += e.getValue().getUsed();
                            }
                        }
                        long l = live;
                        LIVE_PEAK.accumulateAndGet(l, Math::max);
                    }
                }, null, null);
            }
        }
    }

    private static boolean isHeap(String pool) {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getName().equals(pool)) {
                return p.getType() == MemoryType.HEAP;
            }
        }
        return false;
    }

    /** The peak heap (all heap pools' peaks, since the JVM started), in bytes. */
    public static long heapPeak() {
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        return heapPeak;
    }

    /** The most heap that survived a collection since {@link #track} (bytes), or -1 when not tracked or none ran. */
    public static long livePeak() {
        long l = LIVE_PEAK.get();
        return l <= 0 ? -1 : l;
    }

    /** Peak heap against the limit, the peak live heap, and the process's peak resident size. */
    public static String describe() {
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
        long live = livePeak();
        // the pools peak at different moments, so their sum bounds the heap's peak from above
        return String.format(Locale.ROOT, "heap %d MiB of %d MiB (pools' peaks summed)%s, process resident %s",
                heapPeak() >> 20, max >> 20,
                live < 0 ? "" : String.format(Locale.ROOT, " (live after GC at most %d MiB)", live >> 20), rss);
    }
}
