package org.taskscale.prep;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.image.ImageEncoder;

/**
 * Turns an ordered minibatch of source patches into the task's examples and the bytes of one DL4J
 * {@link MultiDataSet} file (the prep job writes them with {@code AtomicWrites.writeOnce}). Arrays of 8-bit
 * levels are stored as UINT8 (value x 255): a quarter of the bytes to write, store and read; {@link PrepData}
 * loads a file back in network units (what training's fitPaths loader does).
 *
 * <p>The bytes are exactly what {@link MultiDataSet#save} writes (a test holds them equal), produced in bulk:
 * ND4J writes a buffer one element at a time through a {@code DataOutputStream}, which made serialisation the
 * slowest step of the job.
 */
public final class BatchWriter {
    private BatchWriter() {}

    /**
     * One array of a minibatch, flat in the output layout: 8-bit levels ({@code bytes}, network value times 255)
     * where the values are exactly that, floats otherwise.
     */
    public record Entry(long[] shape, float[] floats, byte[] bytes) {
        public long length() {
            return bytes != null ? bytes.length : floats.length;
        }
    }

    /** A minibatch: its input arrays, then one label array per graph output. */
    public record Batch(List<Entry> entries, int inputs) {
        /** The network-unit floats of entry {@code i} (8-bit entries divided by 255). */
        public float[] floats(int i) {
            Entry e = entries.get(i);
            if (e.floats() != null) {
                return e.floats();
            }
            float[] f = new float[e.bytes().length];
            for (int k = 0; k < f.length; k++) {
                f[k] = UNITS[e.bytes()[k] & 0xff];
            }
            return f;
        }

        /**
         * Per-channel sums of entry {@code i} in network units ({@code channels} channels, NHWC or NCHW). An 8-bit
         * entry's sums are exact (integer level sums over 255); float entries are summed in element order.
         */
        public double[] channelSums(int i, int channels, boolean nhwc) {
            Entry e = entries.get(i);
            float[] f = e.floats();
            byte[] b = e.bytes();
            // the values come in runs of one channel (one value in NHWC, one plane in NCHW), channels in turn;
            // each channel is summed on its own, in a loop the JIT keeps tight (one loop that turned the channel
            // at every NHWC value was a sixth of the prep job's time)
            int run = nhwc ? 1 : (int) (e.shape()[2] * e.shape()[3]);
            int stride = run * channels;
            double[] sums = new double[channels];
            for (int c = 0; c < channels; c++) {
                long level = 0;
                double sum = 0;
                for (int k = c * run; k < e.length(); k += stride) {
                    if (b != null) {
                        level += run == 1 ? b[k] & 0xff : levelSum(b, k, run);
                    } else {
                        for (int j = k; j < k + run; j++) {
                            sum += f[j];
                        }
                    }
                }
                sums[c] = b != null ? level / 255.0 : sum;
            }
            return sums;
        }

        private static long levelSum(byte[] b, int from, int n) {
            long s = 0;
            for (int j = from; j < from + n; j++) {
                s += b[j] & 0xff;
            }
            return s;
        }

        /** The minibatch exactly as stored (8-bit arrays as UINT8). */
        public MultiDataSet stored() {
            INDArray[] all = new INDArray[entries.size()];
            for (int i = 0; i < all.length; i++) {
                Entry e = entries.get(i);
                all[i] = e.floats() != null ? Nd4j.create(e.floats(), e.shape(), 'c')
                        : Nd4j.create(e.bytes(), e.shape(), DataType.UINT8);
            }
            return new MultiDataSet(java.util.Arrays.copyOfRange(all, 0, inputs),
                    java.util.Arrays.copyOfRange(all, inputs, all.length));
        }
    }

    /**
     * Which arrays of a task's examples hold 8-bit levels exactly (stored as UINT8, a quarter of the bytes): the
     * clean image, the stored LR and JPEG images, in RGB; luma, upsampled and Lab arrays stay float.
     */
    static boolean[] eightBit(PrepConfig cfg) {
        boolean rgb = cfg.colors() == 3;
        return switch (cfg.task()) {
            case RESCALE -> new boolean[] {true, true, true};
            case SR -> new boolean[] {rgb, rgb};
            case SR_UPSAMPLED -> new boolean[] {false, rgb};
            case JPEG -> new boolean[] {rgb, rgb};
            case COLORIZE -> new boolean[] {false, false};
            case COLOR_EMBED -> new boolean[] {true, false, true};
        };
    }

    /** Level k in network units: k / 255 as a float. */
    private static final float[] UNITS = new float[256];

    static {
        for (int k = 0; k < 256; k++) {
            UNITS[k] = k / 255f;
        }
    }

    /** The examples of {@code patches}, in order, as one minibatch. */
    public static Batch batch(List<PhotoPatcher.SourcePatch> patches, PrepConfig cfg) {
        if (cfg.task() == PrepTask.JPEG && cfg.colors() == 3) {
            return rgbJpegBatch(patches, cfg);
        }
        return batchThroughFloats(patches, cfg);
    }

    /**
     * The JPEG task in RGB, where both arrays are 8-bit: the patches' bytes and their JPEG round trips go straight
     * into the stored arrays, the same bytes {@link #batchThroughFloats} makes (tested) without the float copies of
     * every patch (they were a third of the job's time).
     */
    private static Batch rgbJpegBatch(List<PhotoPatcher.SourcePatch> patches, PrepConfig cfg) {
        int p = patches.get(0).size();
        int plane = p * p;
        int n = patches.size();
        boolean nhwc = cfg.layout() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
        byte[] in = new byte[n * 3 * plane];
        byte[] clean = new byte[n * 3 * plane];
        for (int i = 0; i < n; i++) {
            PhotoPatcher.SourcePatch sp = patches.get(i);
            if (sp.size() != p) {
                throw new IllegalArgumentException("A batch needs patches of one size: patch " + i + " is " + sp.size()
                        + ", patch 0 is " + p + ".");
            }
            place(ImageEncoder.jpegDegradeRgb(sp.rgb(), p, p, sp.quality()), in, i, plane, nhwc);
            place(sp.rgb(), clean, i, plane, nhwc);
        }
        long[] shape = nhwc ? new long[] {n, p, p, 3} : new long[] {n, 3, p, p};
        return new Batch(List.of(new Entry(shape, null, in), new Entry(shape, null, clean)), 1);
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

    /** Every task: each patch through {@link Examples#make} in floats, stacked, 8-bit arrays stored as levels. */
    static Batch batchThroughFloats(List<PhotoPatcher.SourcePatch> patches, PrepConfig cfg) {
        List<Examples.Example> ex = new ArrayList<>(patches.size());
        for (PhotoPatcher.SourcePatch p : patches) {
            ex.add(Examples.make(cfg.task().task(), new Examples.Degradation(cfg.scale(), cfg.colors(), p.quality()),
                    p.image()));
        }
        int outputs = ex.get(0).labels().size();
        boolean[] u8 = eightBit(cfg);
        List<Entry> entries = new ArrayList<>();
        for (int k = 0; k <= outputs; k++) {
            List<Planes> ps = new ArrayList<>(ex.size());
            for (Examples.Example e : ex) {
                ps.add(k == 0 ? e.input() : e.labels().get(k - 1));
            }
            long[] shape = Examples.batchShape(ps, cfg.layout());
            float[] flat = Examples.stack(ps, cfg.layout());
            entries.add(u8[k] ? new Entry(shape, null, levels(flat, cfg.task().configName(), k)) : new Entry(shape, flat, null));
        }
        return new Batch(entries, 1);
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

    /** The bytes {@link MultiDataSet#save} writes for {@code b.stored()} (no masks). */
    public static byte[] bytes(Batch b) {
        long total = 64;
        for (Entry e : b.entries()) {
            total += (e.floats() != null ? 4 : 1) * e.length() + 256;
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16, total));
        try (DataOutputStream dos = new DataOutputStream(new BufferedOutputStream(bos, 1 << 16))) {
            dos.writeInt(b.inputs());
            dos.writeInt(b.entries().size() - b.inputs());
            dos.writeInt(0);
            dos.writeInt(0);
            for (Entry e : b.entries()) {
                boolean f = e.floats() != null;
                Nd4j.getShapeInfoProvider().createShapeInformation(e.shape(), 'c', f ? DataType.FLOAT : DataType.UINT8)
                        .getFirst().write(dos);
                dos.writeUTF("MIXED_DATA_TYPES");
                dos.writeLong(e.length());
                dos.writeUTF(f ? "FLOAT" : "UBYTE");
                if (f) {
                    ByteBuffer bb = ByteBuffer.allocate(4 * e.floats().length).order(ByteOrder.BIG_ENDIAN);
                    bb.asFloatBuffer().put(e.floats());
                    dos.write(bb.array());
                } else {
                    dos.write(e.bytes());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bos.toByteArray();
    }
}
