package org.taskscale.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A prep batch file: one DL4J {@link MultiDataSet} file whose arrays of 8-bit levels are stored as UINT8 (value x
 * 255; a quarter of the bytes to write, store and read), the rest as FLOAT. {@link #bytes} writes exactly what
 * {@link MultiDataSet#save} writes (a test holds them equal), in bulk: ND4J writes a buffer one element at a time
 * through a {@code DataOutputStream}, which made serialisation the slowest step of prep. {@link #read} loads a file
 * back in network units; as a {@link MultiDataSetLoader} this class is what
 * {@code SparkComputationGraph.fitPathsMultiDataSet} takes to train from a prep output.
 */
public final class BatchFile implements MultiDataSetLoader {
    private static final long serialVersionUID = 1L;

    /** Level k in network units: k / 255 as a float. */
    private static final float[] UNITS = new float[256];

    static {
        for (int k = 0; k < 256; k++) {
            UNITS[k] = k / 255f;
        }
    }

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
            if (b != null && run == 1 && channels == 3) {
                // interleaved RGB levels (prep's NHWC default): one pass, a sum per channel; the strided loop per
                // channel below was a tenth of prep's time
                long r = 0;
                long g = 0;
                long bl = 0;
                for (int k = 0; k + 2 < b.length; k += 3) {
                    r += b[k] & 0xff;
                    g += b[k + 1] & 0xff;
                    bl += b[k + 2] & 0xff;
                }
                return new double[] {r / 255.0, g / 255.0, bl / 255.0};
            }
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

    /** A prep batch file's minibatch in network units. */
    public static MultiDataSet read(InputStream in) throws IOException {
        MultiDataSet m = new MultiDataSet();
        m.load(in);
        INDArray[] f = m.getFeatures();
        INDArray[] l = m.getLabels();
        for (int i = 0; i < f.length; i++) {
            f[i] = units(f[i]);
        }
        for (int i = 0; i < l.length; i++) {
            l[i] = units(l[i]);
        }
        return new MultiDataSet(f, l);
    }

    private static INDArray units(INDArray a) {
        return a.dataType() == DataType.UINT8 ? a.castTo(DataType.FLOAT).divi(255f) : a;
    }

    @Override
    public MultiDataSet load(Source source) throws IOException {
        try (InputStream in = source.getInputStream()) {
            return read(in);
        }
    }
}
