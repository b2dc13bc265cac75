package org.taskscale.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CAR's content-adaptive resampler as a graph vertex with three inputs: the HR image {@code [N, C, H, W]}, the
 * per-pixel kernel weights {@code [N, k*k, H/s, W/s]} and the offsets {@code [N, 2*k*k, H/s, W/s]} (x then y,
 * in units of {@code unit} HR pixels; CAR feeds tanh outputs with unit = s); output the LR image
 * {@code [N, C, H/s, W/s]} (all in {@code dataFormat}). See {@link AdaptiveResampling} for the geometry.
 *
 * <p>{@code softmax}: the weights input holds logits, normalised here over the taps (else they are used as given,
 * e.g. already summing to one). Exact gradients for all three inputs. The paper's regularisers act on the
 * offsets inside the backward pass (they add their gradient; the reported loss does not include them):
 * {@code offsetL1} times the mean absolute offset, and {@code offsetTv} times the mean absolute difference of
 * each offset map between neighbouring LR pixels (smooth sampling positions).
 *
 * <p>Two implementations compute the same thing ({@link Path}): Java loops over host arrays on the CPU backend, and
 * ND4J operations ({@link AdaptiveResamplingOps}) on any other, where the loops would copy each batch between the
 * GPU and the host.
 */
public class AdaptiveResample extends GraphVertex {
    /** The implementation that runs; the system property {@code taskscale.resampler} (loops or ops) overrides it. */
    public enum Path {
        /** {@link AdaptiveResampling}'s loops over dense double arrays: the fastest on the CPU. */
        LOOPS,
        /** {@link AdaptiveResamplingOps}: gathers and a segment sum, on the device the arrays live on. */
        OPS;

        public static Path parse(String name) {
            for (Path p : values()) {
                if (p.name().equalsIgnoreCase(name.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("taskscale.resampler = " + name + " is not a resampler path; use one of"
                    + " loops, ops.");
        }

        /** The path for this JVM: the property if set, else the loops on the CPU backend and the ops elsewhere. */
        public static Path current() {
            Path p = chosen;
            if (p == null) {
                String prop = System.getProperty("taskscale.resampler");
                p = prop != null ? parse(prop) : Backend.current() == Backend.CPU ? LOOPS : OPS;
                chosen = p;
            }
            return p;
        }

        /** Sets the path for networks that run from now on (tests and benchmarks compare both). */
        public static void use(Path p) {
            chosen = p;
        }

        private static volatile Path chosen;
    }

    protected int kernel;
    protected int scale;
    protected double unit;
    protected boolean softmax;
    protected CNN2DFormat dataFormat = CNN2DFormat.NCHW;
    protected double offsetL1;
    protected double offsetTv;

    public AdaptiveResample() {}

    public AdaptiveResample(int kernel, int scale, double unit, boolean softmax, CNN2DFormat dataFormat, double offsetL1,
                            double offsetTv) {
        if (kernel < 1 || scale < 1 || !(unit >= 0) || !(offsetL1 >= 0) || !(offsetTv >= 0)) {
            throw new IllegalArgumentException("An adaptive resampler needs kernel >= 1, scale >= 1 and unit and"
                    + " regulariser weights >= 0, not " + kernel + ", " + scale + ", " + unit + ", " + offsetL1 + ", "
                    + offsetTv + ".");
        }
        this.kernel = kernel;
        this.scale = scale;
        this.unit = unit;
        this.softmax = softmax;
        this.dataFormat = dataFormat;
        this.offsetL1 = offsetL1;
        this.offsetTv = offsetTv;
    }

    public int getKernel() { return kernel; }
    public void setKernel(int kernel) { this.kernel = kernel; }
    public int getScale() { return scale; }
    public void setScale(int scale) { this.scale = scale; }
    public double getUnit() { return unit; }
    public void setUnit(double unit) { this.unit = unit; }
    public boolean isSoftmax() { return softmax; }
    public void setSoftmax(boolean softmax) { this.softmax = softmax; }
    public CNN2DFormat getDataFormat() { return dataFormat; }
    public void setDataFormat(CNN2DFormat dataFormat) { this.dataFormat = dataFormat; }
    public double getOffsetL1() { return offsetL1; }
    public void setOffsetL1(double offsetL1) { this.offsetL1 = offsetL1; }
    public double getOffsetTv() { return offsetTv; }
    public void setOffsetTv(double offsetTv) { this.offsetTv = offsetTv; }

    @Override
    public AdaptiveResample clone() {
        return new AdaptiveResample(kernel, scale, unit, softmax, dataFormat, offsetL1, offsetTv);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdaptiveResample a && a.kernel == kernel && a.scale == scale && a.unit == unit
                && a.softmax == softmax && a.dataFormat == dataFormat && a.offsetL1 == offsetL1 && a.offsetTv == offsetTv;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kernel, scale, unit, softmax, dataFormat, offsetL1, offsetTv);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 3;
    }

    @Override
    public int maxVertexInputs() {
        return 3;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new Runtime(graph, name, idx, networkDatatype, this);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) throws InvalidInputTypeException {
        if (in.length != 3 || !(in[0] instanceof InputType.InputTypeConvolutional hr)
                || !(in[1] instanceof InputType.InputTypeConvolutional w)
                || !(in[2] instanceof InputType.InputTypeConvolutional o)) {
            throw new InvalidInputTypeException("The adaptive resampler takes three convolutional inputs (image, weights,"
                    + " offsets).");
        }
        if (w.getChannels() != (long) kernel * kernel || o.getChannels() != 2L * kernel * kernel) {
            throw new InvalidInputTypeException("The adaptive resampler with a " + kernel + "x" + kernel + " kernel needs "
                    + kernel * kernel + " weight and " + 2 * kernel * kernel + " offset channels, not " + w.getChannels()
                    + " and " + o.getChannels() + ".");
        }
        return InputType.convolutional(hr.getHeight() / scale, hr.getWidth() / scale, hr.getChannels(), dataFormat);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, AdaptiveResample.class, inputTypes[0], out).standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    static final class Runtime extends BaseGraphVertex {
        private final AdaptiveResample conf;
        /** The forward pass's dense inputs (image, normalised weights, offsets), kept for the backward pass. */
        private double[][] kept;
        private INDArray keptFor;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType, AdaptiveResample conf) {
            super(graph, name, idx, null, null, dataType);
            this.conf = conf;
        }

        @Override
        public boolean hasLayer() {
            return false;
        }

        @Override
        public Layer getLayer() {
            return null;
        }

        private boolean nhwc() {
            return conf.dataFormat == CNN2DFormat.NHWC;
        }

        /** An input as dense NCHW doubles. */
        private double[] nchw(INDArray a) {
            INDArray x = nhwc() ? a.permute(0, 3, 1, 2) : a;
            return x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        }

        private long[] nchwShape(INDArray a) {
            long[] s = a.shape();
            return nhwc() ? new long[] {s[0], s[3], s[1], s[2]} : s;
        }

        private AdaptiveResampling.Shape shape() {
            long[] s = nchwShape(inputs[0]);
            return new AdaptiveResampling.Shape((int) s[0], (int) s[1], (int) s[2], (int) s[3], conf.kernel, conf.scale,
                    conf.unit);
        }

        /** The inputs as dense NCHW doubles, the weights normalised when asked. */
        private double[][] dense(AdaptiveResampling.Shape s) {
            double[] w = nchw(inputs[1]);
            if (conf.softmax) {
                w = normalised(w, s.n(), s.taps(), s.lrHeight() * s.lrWidth());
            }
            return new double[][] {nchw(inputs[0]), w, nchw(inputs[2])};
        }

        /** Softmax over the taps of each LR pixel (a new array). */
        private double[] normalised(double[] logits, int n, int taps, int plane) {
            double[] p = logits.clone();
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < plane; i++) {
                    int base = b * taps * plane + i;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < taps; t++) {
                        max = Math.max(max, p[base + t * plane]);
                    }
                    double sum = 0;
                    for (int t = 0; t < taps; t++) {
                        double e = Math.exp(p[base + t * plane] - max);
                        p[base + t * plane] = e;
                        sum += e;
                    }
                    for (int t = 0; t < taps; t++) {
                        p[base + t * plane] /= sum;
                    }
                }
            }
            return p;
        }

        private INDArray toLayout(double[] data, long[] nchw, ArrayType type, LayerWorkspaceMgr mgr) {
            INDArray a = Nd4j.create(data, nchw, 'c').castTo(dataType);
            if (nhwc()) {
                a = a.permute(0, 2, 3, 1);
            }
            INDArray out = mgr.createUninitialized(type, dataType,
                    nhwc() ? new long[] {nchw[0], nchw[2], nchw[3], nchw[1]} : nchw, 'c');
            return out.assign(a);
        }

        /** An input as an NCHW array (a view where the layout is NHWC). */
        private INDArray nchwView(INDArray a) {
            return nhwc() ? a.permute(0, 3, 1, 2) : a;
        }

        /** An NCHW result in the vertex's layout and data type, in the workspace array {@code type}. */
        private INDArray toLayout(INDArray nchw, ArrayType type, LayerWorkspaceMgr mgr) {
            long[] s = nchw.shape();
            INDArray out = mgr.createUninitialized(type, dataType, nhwc() ? new long[] {s[0], s[2], s[3], s[1]} : s, 'c');
            return out.assign(nhwc() ? nchw.permute(0, 2, 3, 1) : nchw);
        }

        /** The inputs as c-ordered NCHW arrays in the image's data type, the weights normalised when asked. */
        private INDArray[] opInputs() {
            INDArray hr = nchwView(inputs[0]).dup('c');
            INDArray w = nchwView(inputs[1]).castTo(hr.dataType()).dup('c');
            INDArray off = nchwView(inputs[2]).castTo(hr.dataType()).dup('c');
            return new INDArray[] {hr, conf.softmax ? AdaptiveResamplingOps.softmax(w) : w, off};
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
            if (Path.current() == Path.OPS) {
                INDArray out;
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    INDArray[] in = opInputs();
                    out = AdaptiveResamplingOps.forward(shape(), in[0], in[1], in[2]);
                }
                return toLayout(out, ArrayType.ACTIVATIONS, mgr);
            }
            AdaptiveResampling.Shape s = shape();
            double[][] in = dense(s);
            double[] out = AdaptiveResampling.forward(s, in[0], in[1], in[2]);
            kept = training ? in : null;
            keptFor = training ? inputs[0] : null;
            return toLayout(out, new long[] {s.n(), s.c(), s.lrHeight(), s.lrWidth()}, ArrayType.ACTIVATIONS, mgr);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
            if (Path.current() == Path.OPS) {
                INDArray[] g;
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    INDArray[] in = opInputs();
                    g = AdaptiveResamplingOps.backward(shape(), in[0], in[1], in[2], nchwView(epsilon).dup('c'));
                    if (conf.softmax) {
                        g[1] = AdaptiveResamplingOps.softmaxBackward(in[1], g[1]);
                    }
                    AdaptiveResamplingOps.regularise(g[2], in[2], conf.offsetL1, conf.offsetTv);
                }
                return new Pair<>(null, new INDArray[] {toLayout(g[0], ArrayType.ACTIVATION_GRAD, mgr),
                    toLayout(g[1], ArrayType.ACTIVATION_GRAD, mgr), toLayout(g[2], ArrayType.ACTIVATION_GRAD, mgr)});
            }
            AdaptiveResampling.Shape s = shape();
            int plane = s.lrHeight() * s.lrWidth();
            double[][] in = kept != null && keptFor == inputs[0] ? kept : dense(s);
            kept = null;
            keptFor = null;
            double[] p = in[1];
            double[] off = in[2];
            double[][] g = AdaptiveResampling.backward(s, in[0], p, off, nchw(epsilon));
            double[] dW = g[1];
            if (conf.softmax) {
                // d logits = p * (dp - sum_t p dp)
                for (int b = 0; b < s.n(); b++) {
                    for (int i = 0; i < plane; i++) {
                        int base = b * s.taps() * plane + i;
                        double dot = 0;
                        for (int t = 0; t < s.taps(); t++) {
                            dot += p[base + t * plane] * dW[base + t * plane];
                        }
                        for (int t = 0; t < s.taps(); t++) {
                            dW[base + t * plane] = p[base + t * plane] * (dW[base + t * plane] - dot);
                        }
                    }
                }
            }
            regularise(g[2], off, s);
            INDArray[] eps = {
                toLayout(g[0], nchwShape(inputs[0]), ArrayType.ACTIVATION_GRAD, mgr),
                toLayout(dW, nchwShape(inputs[1]), ArrayType.ACTIVATION_GRAD, mgr),
                toLayout(g[2], nchwShape(inputs[2]), ArrayType.ACTIVATION_GRAD, mgr)};
            return new Pair<>(null, eps);
        }

        /** Adds the gradients of the offset regularisers (means over all offset values / neighbour pairs). */
        private void regularise(double[] dOff, double[] off, AdaptiveResampling.Shape s) {
            if (conf.offsetL1 > 0) {
                double f = conf.offsetL1 / off.length;
                for (int i = 0; i < off.length; i++) {
                    dOff[i] += f * Math.signum(off[i]);
                }
            }
            if (conf.offsetTv > 0) {
                int h = s.lrHeight();
                int w = s.lrWidth();
                int maps = off.length / (h * w);
                double f = conf.offsetTv / Math.max(1, (double) maps * ((h - 1) * w + h * (w - 1)));
                for (int m = 0; m < maps; m++) {
                    int base = m * h * w;
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int i = base + y * w + x;
                            if (x + 1 < w) {
                                double d = f * Math.signum(off[i + 1] - off[i]);
                                dOff[i + 1] += d;
                                dOff[i] -= d;
                            }
                            if (y + 1 < h) {
                                double d = f * Math.signum(off[i + w] - off[i]);
                                dOff[i + w] += d;
                                dOff[i] -= d;
                            }
                        }
                    }
                }
            }
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
            if (backpropGradientsViewArray != null) {
                throw new IllegalStateException("The adaptive resampler has no parameters.");
            }
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                               int minibatchSize) {
            return maskArrays == null || maskArrays.length == 0 ? null : new Pair<>(maskArrays[0], currentMaskState);
        }

        @Override
        public String toString() {
            return "AdaptiveResample(id=" + getVertexIndex() + ",name=\"" + getVertexName() + "\",k=" + conf.kernel
                    + ",scale=" + conf.scale + ")";
        }
    }
}
