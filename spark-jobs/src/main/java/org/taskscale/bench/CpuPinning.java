package org.taskscale.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.taskscale.config.UserException;

/**
 * Confines this whole process (every thread, with {@code taskset -a -p}) to a set of CPUs: {@code one} for a
 * one-core run (local[1] prep, single-process training), {@code two} for local[2], {@code all} (as found)
 * afterwards. A JVM left on every CPU lends a one-core run's JIT compiler, collector and Spark threads another core.
 */
record CpuPinning(long pid, String one, String two, String all) {
    static CpuPinning of(PrintWriter out) throws IOException {
        String all = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
                all = line.substring(line.indexOf(':') + 1).strip();
            }
        }
        List<Integer> cpus = all == null ? List.of() : cpuList(all);
        if (cpus.size() < 2) {
            throw new UserException("This benchmark pins one run to one CPU and another to two; this"
                    + " process may use " + (all == null ? "an unknown set" : all) + ": pass --no-pin.");
        }
        CpuPinning p = new CpuPinning(ProcessHandle.current().pid(), Integer.toString(cpus.get(0)),
                cpus.get(0) + "," + cpus.get(1), all);
        p.confine(p.all());  // fails early, naming taskset, where it is missing
        return p;
    }

    /** The CPUs of a list such as {@code 0-3,8}. */
    static List<Integer> cpuList(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.split(",")) {
            String[] r = part.strip().split("-");
            int from = Integer.parseInt(r[0]);
            int to = r.length > 1 ? Integer.parseInt(r[1]) : from;
            for (int c = from; c <= to; c++) {
                cpus.add(c);
            }
        }
        return cpus;
    }

    void confine(String cpus) {
        try {
            Process pr = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                    .redirectErrorStream(true).start();
            String text = new String(pr.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (pr.waitFor() != 0) {
                throw new UserException("taskset could not confine this process to CPUs " + cpus + ": "
                        + text.strip() + " (pass --no-pin).");
            }
        } catch (IOException e) {
            throw new UserException("taskset (util-linux) is needed to pin the runs to CPUs: " + e.getMessage()
                    + " (pass --no-pin).");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("Interrupted while pinning to CPUs " + cpus + ".");
        }
    }
}
