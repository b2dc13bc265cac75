package org.taskscale.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The peer scripts (PyTorch and PIL, in the resources beside this class, {@code peers/}) that benchmarks run beside
 * ours: written out once per process into a temporary folder, so that they run from a checkout and from the shaded
 * jar alike.
 */
final class Peers {
    private Peers() {}

    /** Every script, and the helper module the others import. */
    static final List<String> SCRIPTS = List.of("common.py", "torch_nets.py", "torch_train_bench.py", "pil_prep_bench.py",
            "pil_prep_peer.py", "torch_tad_quality.py");

    private static Path dir;

    /** The path of peer script {@code name}, written out on first use. */
    static synchronized Path script(String name) {
        try {
            if (dir == null) {
                Path d = Files.createTempDirectory("taskscale-peers");
                for (String s : SCRIPTS) {
                    try (InputStream in = Peers.class.getResourceAsStream("peers/" + s)) {
                        if (in == null) {
                            throw new IllegalStateException("The peer script " + s + " is missing from this build.");
                        }
                        Files.copy(in, d.resolve(s));
                    }
                }
                d.toFile().deleteOnExit();
                SCRIPTS.forEach(s -> d.resolve(s).toFile().deleteOnExit());
                dir = d;
            }
            return dir.resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
