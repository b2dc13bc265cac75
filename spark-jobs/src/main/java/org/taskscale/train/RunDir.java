package org.taskscale.train;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.taskscale.io.AtomicWrites;
import org.taskscale.io.ModelFile;

/**
 * A run directory on any Hadoop filesystem: {@code config.conf}, {@code checkpoints/iter-N.zip} + {@code .json}
 * (the JSON is written after the model, so it is the completion record: a checkpoint counts only with it),
 * {@code metrics.csv} and {@code model.zip} (the best model so far). Every file is published by
 * {@link AtomicWrites#replace} (flushed temporary, renamed over the old file), so a kill at any moment leaves each
 * file whole. Opening the directory removes what a killed writer left: temporaries, and checkpoint models whose
 * completion record was never written (or whose record a prune had already deleted).
 */
final class RunDir {
    /** A checkpoint that loaded: the network with its updater state, and the training state. */
    record Loaded(String name, ComputationGraph net, TrainState state) {}

    private final Path root;
    private final FileSystem fs;
    private final ModelFile.Info info;
    private final int removed;

    RunDir(String dir, Configuration conf, ModelFile.Info info) throws IOException {
        this.info = info;
        Path p = new Path(dir);
        this.fs = AtomicWrites.fileSystem(p, conf);
        this.root = fs.makeQualified(p);
        fs.mkdirs(checkpoints());
        this.removed = AtomicWrites.removeTemporaries(fs, root) + AtomicWrites.removeTemporaries(fs, checkpoints())
                + removeIncompleteCheckpoints();
    }

    /** How many leftovers of an interrupted write opening the directory removed. */
    int removedLeftovers() {
        return removed;
    }

    private int removeIncompleteCheckpoints() throws IOException {
        int n = 0;
        for (FileStatus st : fs.listStatus(checkpoints(), p -> p.getName().matches("iter-\\d+\\.zip"))) {
            Path json = new Path(checkpoints(), st.getPath().getName().replace(".zip", ".json"));
            if (!fs.exists(json) && fs.delete(st.getPath(), false)) {
                n++;
            }
        }
        return n;
    }

    Path root() {
        return root;
    }

    Path checkpoints() {
        return new Path(root, "checkpoints");
    }

    /** Writes {@code data} to a temporary sibling, then renames it over {@code file}. */
    void replace(Path file, byte[] data) throws IOException {
        AtomicWrites.replace(fs, file, data);
    }

    void writeString(String name, String text) throws IOException {
        replace(new Path(root, name), text.getBytes(StandardCharsets.UTF_8));
    }

    boolean exists(String name) throws IOException {
        return fs.exists(new Path(root, name));
    }

    String readString(String name) throws IOException {
        Path p = new Path(root, name);
        if (!fs.exists(p)) {
            return null;
        }
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The model zip of {@code net} (with its updater state, and what the network is: {@link ModelFile}). */
    byte[] zip(ComputationGraph net) throws IOException {
        return ModelFile.bytes(net, info, true);
    }

    /** Saves a checkpoint (model and updater first, then the state that marks it complete). */
    String save(ComputationGraph net, TrainState state) throws IOException {
        String name = String.format(java.util.Locale.ROOT, "iter-%010d", state.iteration());
        replace(new Path(checkpoints(), name + ".zip"), zip(net));
        replace(new Path(checkpoints(), name + ".json"), state.json().getBytes(StandardCharsets.UTF_8));
        return name;
    }

    /** Complete checkpoints, newest first. */
    List<String> names() throws IOException {
        FileStatus[] st = fs.listStatus(checkpoints(), p -> p.getName().matches("iter-\\d+\\.json"));
        return Arrays.stream(st).map(s -> s.getPath().getName().replace(".json", ""))
                .sorted(Comparator.reverseOrder()).toList();
    }

    /** The newest checkpoint that loads; each that does not is reported and skipped. */
    Loaded latest(PrintWriter out) throws IOException {
        for (String name : names()) {
            try {
                TrainState state;
                try (InputStream in = fs.open(new Path(checkpoints(), name + ".json"))) {
                    state = TrainState.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                byte[] zip;
                try (InputStream in = fs.open(new Path(checkpoints(), name + ".zip"))) {
                    zip = in.readAllBytes();
                }
                ComputationGraph net = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(zip), true);
                return new Loaded(name, net, state);
            } catch (Exception e) {
                out.printf("train: checkpoint %s cannot be loaded (%s): skipped%n", new Path(checkpoints(), name),
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                out.flush();
            }
        }
        return null;
    }

    /**
     * Deletes all but the newest {@code keep} checkpoints: the completion record first, so that a kill between the
     * two deletes leaves a model without a record, which is not counted and is removed at the next start.
     */
    void prune(int keep) throws IOException {
        List<String> names = new ArrayList<>(names());
        for (String old : names.subList(Math.min(keep, names.size()), names.size())) {
            fs.delete(new Path(checkpoints(), old + ".json"), false);
            fs.delete(new Path(checkpoints(), old + ".zip"), false);
        }
    }

    /** Whether the directory holds a complete checkpoint (a completion record). */
    boolean hasCheckpoints() throws IOException {
        return !names().isEmpty();
    }
}
