package org.taskscale.prep;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.taskscale.data.Examples;

/**
 * Turns an ordered minibatch of source patches into the task's examples and writes them as one DL4J
 * {@link MultiDataSet} file (what {@code SparkComputationGraph.fitPathsMultiDataSet} loads), atomically: the
 * bytes go to a temporary name in the same directory, which is then renamed.
 */
public final class BatchWriter {
    private BatchWriter() {}

    /** The examples of {@code patches}, in order, as one minibatch. */
    public static MultiDataSet batch(List<PhotoPatcher.SourcePatch> patches, PrepConfig cfg) {
        List<Examples.Example> ex = new ArrayList<>(patches.size());
        for (PhotoPatcher.SourcePatch p : patches) {
            ex.add(Examples.make(cfg.task().task(), new Examples.Degradation(cfg.scale(), cfg.colors(), p.quality()),
                    p.image()));
        }
        return new MultiDataSet(new INDArray[] {Examples.inputs(ex, cfg.layout())}, Examples.labels(ex, cfg.layout()));
    }

    /** The serialized bytes of {@code mds}. */
    public static byte[] bytes(MultiDataSet mds) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            mds.save(bos);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /** Writes {@code data} to {@code file}: a temporary sibling first, then a rename (replacing nothing). */
    public static void writeAtomically(Path file, byte[] data, Configuration conf) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        Path tmp = new Path(file.getParent(), "_tmp." + file.getName() + "." + UUID.randomUUID());
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(data);
        }
        if (fs.exists(file)) {
            // a retried task (speculation, executor loss) wrote the same bytes before: keep the first copy
            fs.delete(tmp, false);
            return;
        }
        if (!fs.rename(tmp, file)) {
            fs.delete(tmp, false);
            if (!fs.exists(file)) {
                throw new IOException("Could not rename " + tmp + " to " + file + ".");
            }
        }
    }
}
