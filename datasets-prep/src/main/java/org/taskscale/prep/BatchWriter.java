package org.taskscale.prep;

import java.util.ArrayList;
import java.util.List;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.degrade.Degradation;
import org.taskscale.io.AtomicWrites;
import org.taskscale.io.BatchFile;
import org.taskscale.tasks.Example;

/**
 * Turns an ordered minibatch of source patches into the task's examples, as one {@link BatchFile.Batch} (the prep
 * job writes its {@link BatchFile#bytes} with {@code AtomicWrites.writeOnce}). Arrays of 8-bit levels are kept as
 * levels, so that they are stored as UINT8.
 */
public final class BatchWriter {
    private BatchWriter() {}

    /** The examples of {@code patches}, in order, as one minibatch. */
    public static BatchFile.Batch batch(List<PhotoPatcher.SourcePatch> patches, PrepConfig cfg) {
        BatchFile.Batch b = batchOfBytes(patches, cfg);
        return b != null ? b : batchThroughFloats(patches, cfg);
    }

    /**
     * The task's byte path ({@link org.taskscale.tasks.Task#example8}), where it has one: each patch's 8-bit arrays
     * go straight into the stored arrays, the same bytes {@link #batchThroughFloats} makes (tested). Null where the
     * task has no byte path.
     */
    private static BatchFile.Batch batchOfBytes(List<PhotoPatcher.SourcePatch> patches, PrepConfig cfg) {
        int p = patches.get(0).size();
        int plane = p * p;
        int n = patches.size();
        boolean nhwc = cfg.layout() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
        byte[][] arrays = null;
        for (int i = 0; i < n; i++) {
            PhotoPatcher.SourcePatch sp = patches.get(i);
            if (sp.size() != p) {
                throw new IllegalArgumentException("A batch needs patches of one size: patch " + i + " is " + sp.size()
                        + ", patch 0 is " + p + ".");
            }
            byte[][] ex = cfg.task().example8(new Degradation(cfg.scale(), cfg.colors(), sp.quality()), sp.rgb(), p);
            if (ex == null) {
                return null;
            }
            if (arrays == null) {
                arrays = new byte[ex.length][n * 3 * plane];
            }
            for (int k = 0; k < ex.length; k++) {
                place(ex[k], arrays[k], i, plane, nhwc);
            }
        }
        long[] shape = nhwc ? new long[] {n, p, p, 3} : new long[] {n, 3, p, p};
        List<BatchFile.Entry> entries = new ArrayList<>();
        for (byte[] a : arrays) {
            entries.add(new BatchFile.Entry(shape, null, a));
        }
        return new BatchFile.Batch(entries, 1);
    }

    /** RGB planes ({@code [3, plane]}) as item {@code i} of a batch array in NHWC or NCHW order. */
    private static void place(byte[] planes, byte[] out, int i, int plane, boolean nhwc) {
        int base = i * 3 * plane;
        if (!nhwc) {
            System.arraycopy(planes, 0, out, base, 3 * plane);
            return;
        }
        for (int k = 0; k < plane; k++) {
            out[base + 3 * k] = planes[k];
            out[base + 3 * k + 1] = planes[plane + k];
            out[base + 3 * k + 2] = planes[2 * plane + k];
        }
    }

    /** Every task: each patch through {@link org.taskscale.tasks.Task#example} in floats, stacked, 8-bit arrays stored as levels. */
    static BatchFile.Batch batchThroughFloats(List<PhotoPatcher.SourcePatch> patches, PrepConfig cfg) {
        List<Example> ex = new ArrayList<>(patches.size());
        for (PhotoPatcher.SourcePatch p : patches) {
            ex.add(cfg.task().example(new Degradation(cfg.scale(), cfg.colors(), p.quality()), p.image()));
        }
        int outputs = ex.get(0).labels().size();
        boolean[] u8 = cfg.task().eightBit(cfg.colors());
        List<BatchFile.Entry> entries = new ArrayList<>();
        for (int k = 0; k <= outputs; k++) {
            List<Planes> ps = new ArrayList<>(ex.size());
            for (Example e : ex) {
                ps.add(k == 0 ? e.input() : e.labels().get(k - 1));
            }
            long[] shape = Examples.batchShape(ps, cfg.layout());
            float[] flat = Examples.stack(ps, cfg.layout());
            entries.add(u8[k] ? new BatchFile.Entry(shape, null, levels(flat, cfg.task().name(), k)) : new BatchFile.Entry(shape, flat, null));
        }
        return new BatchFile.Batch(entries, 1);
    }

    /** Network values that are k/255 as the bytes k; anything else is a bug in the task table. */
    private static byte[] levels(float[] v, String task, int array) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            // floor(x + 0.5) is Math.round(x), which JDK 17 does not intrinsify (this loop was a tenth of prep's time)
            int k = (int) Math.floor(v[i] * 255f + 0.5);
            if (k < 0 || k > 255 || k / 255f != v[i]) {
                throw new IllegalStateException("Array " + array + " of task " + task + " holds " + v[i]
                        + ", not an 8-bit level: it cannot be stored as UINT8.");
            }
            out[i] = (byte) k;
        }
        return out;
    }
}
