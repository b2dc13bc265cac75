package org.taskscale.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The column matrices of stride-1 'same' convolutions (im2col) in transposed form, one row per (channel, tap):
 * row {@code (c, i, j)} is channel c's image shifted by tap (i, j), so every row is built from contiguous runs of
 * image rows (array copies), and the forward pass's sum over taps is a sum of shifted contiguous rows. Images are
 * channel-major ({@code [ch, n h w]}); {@code ph = (kh - 1) / 2}, {@code pw = (kw - 1) / 2}.
 */
final class ConvColumns {
    private ConvColumns() {}

    /** An image batch's geometry and a kernel. */
    record Grid(int n, int h, int w, int kh, int kw) {
        int pixels() {
            return n * h * w;
        }

        int taps() {
            return kh * kw;
        }
    }

    /**
     * {@code rows[(c, i, j), (b, y, x)] = t[c, (b, y + sign (i - ph), x + sign (j - pw))]}, 0 outside the image, for
     * channel-major {@code t} ({@code [ch, n h w]}). {@code sign = +1}: a convolution's input columns; {@code -1}:
     * the output-gradient columns each input pixel receives from. Returns {@code [ch kh kw, n h w]}.
     */
    static INDArray shiftedRows(INDArray t, Grid g, int sign) {
        int m = g.pixels();
        int ch = (int) (t.length() / m);
        long size = (long) ch * g.taps() * m;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("A column matrix of " + size + " entries is too large for one"
                    + " minibatch; use smaller minibatches or patches.");
        }
        Object src = read(t, 0);
        Object dst = scratch(t.dataType(), (int) size, 1);
        int ph = (g.kh() - 1) / 2;
        int pw = (g.kw() - 1) / 2;
        int row = 0;
        for (int c = 0; c < ch; c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int dy = sign * (i - ph);
                    int dx = sign * (j - pw);
                    int x0 = Math.max(0, -dx);
                    int x1 = Math.min(g.w(), g.w() - dx);
                    for (int b = 0; b < g.n(); b++) {
                        for (int y = 0; y < g.h(); y++) {
                            int to = row * m + (b * g.h() + y) * g.w();
                            if (y + dy < 0 || y + dy >= g.h() || x1 <= x0) {
                                zero(dst, to, g.w());
                                continue;
                            }
                            zero(dst, to, x0);
                            System.arraycopy(src, c * m + (b * g.h() + y + dy) * g.w() + x0 + dx, dst, to + x0, x1 - x0);
                            zero(dst, to + x1, g.w() - x1);
                        }
                    }
                }
            }
        }
        return write(dst, t.dataType(), (long) ch * g.taps(), m);
    }

    /**
     * The adjoint of {@link #shiftedRows} with {@code sign = -1}: {@code out[o, (b, y, x)] = sum_(i, j)
     * p[(o, i, j), (b, y + i - ph, x + j - pw)]} (terms outside the image left out), for {@code p}
     * {@code [och kh kw, n h w]}. This sums a convolution's output from the products of each pixel with each tap.
     */
    static INDArray sumShiftedRows(INDArray p, Grid g) {
        int m = g.pixels();
        int och = (int) (p.length() / ((long) m * g.taps()));
        Object src = read(p, 0);
        Object dst = scratch(p.dataType(), och * m, 1);
        zero(dst, 0, och * m);
        int ph = (g.kh() - 1) / 2;
        int pw = (g.kw() - 1) / 2;
        int row = 0;
        for (int o = 0; o < och; o++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int dy = i - ph;
                    int dx = j - pw;
                    int x0 = Math.max(0, -dx);
                    int x1 = Math.min(g.w(), g.w() - dx);
                    for (int b = 0; b < g.n(); b++) {
                        for (int y = Math.max(0, -dy); y < Math.min(g.h(), g.h() - dy) && x1 > x0; y++) {
                            int to = o * m + (b * g.h() + y) * g.w() + x0;
                            int from = row * m + (b * g.h() + y + dy) * g.w() + x0 + dx;
                            add(src, from, dst, to, x1 - x0);
                        }
                    }
                }
            }
        }
        return write(dst, p.dataType(), och, m);
    }

    /** {@code dst[to + k] += src[from + k]} for k below {@code length}. */
    private static void add(Object src, int from, Object dst, int to, int length) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int k = 0; k < length; k++) {
                d[to + k] += s[from + k];
            }
        } else {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            for (int k = 0; k < length; k++) {
                d[to + k] += s[from + k];
            }
        }
    }

    private static final float[] FLOAT_ZEROS = new float[4096];
    private static final double[] DOUBLE_ZEROS = new double[4096];

    /** Two working arrays per thread and type, reused: allocating (and zeroing) megabytes per call cost more than the copies. */
    private static final ThreadLocal<Object[]> SCRATCH = ThreadLocal.withInitial(() -> new Object[4]);

    /** A working array of at least {@code length} elements (contents undefined) in slot 0 or 1. */
    private static Object scratch(DataType type, int length, int slot) {
        int k = slot * 2 + switch (type) {
            case FLOAT -> 0;
            case DOUBLE -> 1;
            default -> throw new IllegalArgumentException("Matrix-product convolutions need FLOAT or DOUBLE data, got "
                    + type + ".");
        };
        Object[] arrays = SCRATCH.get();
        Object a = arrays[k];
        if (a == null || java.lang.reflect.Array.getLength(a) < length) {
            a = type == DataType.FLOAT ? new float[length] : new double[length];
            arrays[k] = a;
        }
        return a;
    }

    /** Zeros {@code length} elements of a float[] or double[] from {@code from}. */
    private static void zero(Object a, int from, int length) {
        Object zeros = a instanceof float[] ? FLOAT_ZEROS : DOUBLE_ZEROS;
        for (int done = 0; done < length; done += FLOAT_ZEROS.length) {
            System.arraycopy(zeros, 0, a, from + done, Math.min(FLOAT_ZEROS.length, length - done));
        }
    }

    /** The elements of {@code a} in c order in a working array (slot {@code slot}); one bulk copy. */
    private static Object read(INDArray a, int slot) {
        INDArray c = NativeOps.contiguous(a);
        int n = (int) a.length();
        Object out = scratch(a.dataType(), n, slot);
        if (out instanceof float[] f) {
            c.data().asNioFloat().get((int) c.offset(), f, 0, n);
        } else {
            c.data().asNioDouble().get((int) c.offset(), (double[]) out, 0, n);
        }
        return out;
    }

    /** A new {@code [rows, cols]} array holding the first {@code rows cols} values of a working array. */
    private static INDArray write(Object values, DataType type, long rows, long cols) {
        INDArray out = Nd4j.createUninitialized(type, rows, cols);
        int n = (int) (rows * cols);
        if (values instanceof float[] f) {
            out.data().asNioFloat().put((int) out.offset(), f, 0, n);
        } else {
            out.data().asNioDouble().put((int) out.offset(), (double[]) values, 0, n);
        }
        return out;
    }
}
