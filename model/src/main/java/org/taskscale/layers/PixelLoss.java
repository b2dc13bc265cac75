package org.taskscale.layers;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A weighted pixel loss on an image output, the same in NCHW and NHWC: L1 or L2 averaged over every element
 * (PyTorch's {@code l1_loss} / {@code mse_loss}), or L2 summed over the minibatch (the seed restorer's
 * {@code MSELoss(reduction='sum')}), times {@code weight}. Several of them on the outputs of one graph make a
 * weighted multi-output loss (the TAD/TAR reconstruction + LR-guidance loss). DL4J's own CNN loss divides by the
 * minibatch only, so the relative weight of two outputs would depend on their sizes; its MSE is also wrong in
 * NHWC. Identity activation; no masks.
 */
public class PixelLoss extends CnnLossLayer {
    /** The reduction and the distance. */
    public enum Kind {
        /** mean absolute error over all elements */
        L1,
        /** mean squared error over all elements */
        L2,
        /** squared error summed over all elements of the minibatch */
        L2_SUM;

        /** Parses "l1", "l2", "l2-sum" (any case). */
        public static Kind parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "l1" -> L1;
                case "l2", "mse" -> L2;
                case "l2-sum", "l2_sum", "sse" -> L2_SUM;
                default -> throw new IllegalArgumentException("Unknown loss '" + s + "'; valid: l1, l2, l2-sum.");
            };
        }

        /** The name {@link #parse} reads. */
        public String configName() {
            return this == L2_SUM ? "l2-sum" : name().toLowerCase(Locale.ROOT);
        }
    }

    protected Kind kind = Kind.L1;
    protected double weight = 1.0;

    public PixelLoss() {}

    public PixelLoss(Kind kind, double weight, CNN2DFormat format) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("A loss weight must be a finite number >= 0, not " + weight + ".");
        }
        this.kind = kind;
        this.weight = weight;
        setFormat(format);
        setActivationFn(Activation.IDENTITY.getActivationFunction());
        // DL4J's config validation wants a loss function; ours replaces it in the runtime
        setLossFn(LossFunctions.LossFunction.L2.getILossFunction());
    }

    public Kind getKind() { return kind; }

    public void setKind(Kind kind) { this.kind = kind; }

    public double getWeight() { return weight; }

    public void setWeight(double weight) { this.weight = weight; }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        Runtime r = new Runtime(conf, dataType);
        r.setListeners(listeners);
        r.setIndex(index);
        r.setParamsViewArray(paramsView);
        Map<String, INDArray> table = initializer().init(conf, paramsView, initializeParams);
        r.setParamTable(table);
        r.setConf(conf);
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelLoss p && p.kind == kind && p.weight == weight && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + kind.hashCode() + Double.hashCode(weight);
    }

    @Override
    public PixelLoss clone() {
        return (PixelLoss) super.clone();
    }

    static final class Runtime extends org.deeplearning4j.nn.layers.convolution.CnnLossLayer {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private PixelLoss pixelConf() {
            return (PixelLoss) conf().getLayer();
        }

        private void check() {
            if (input == null || labels == null) {
                throw new IllegalStateException("PixelLoss " + layerId() + " needs its input and labels set.");
            }
            if (!input.equalShapes(labels)) {
                throw new IllegalArgumentException("PixelLoss " + layerId() + ": the label shape "
                        + java.util.Arrays.toString(labels.shape()) + " differs from the output shape "
                        + java.util.Arrays.toString(input.shape()) + ".");
            }
            if (maskArray != null) {
                throw new UnsupportedOperationException("PixelLoss " + layerId() + " does not support masks.");
            }
        }

        /** The factor turning a per-element loss sum into this loss: 1/elements for means, 1 for the sum. */
        private double norm(long elements) {
            return pixelConf().kind == Kind.L2_SUM ? pixelConf().weight : pixelConf().weight / elements;
        }

        /** |o - t| or (o - t)^2 per element, in a fresh working array. */
        private INDArray elementLoss(LayerWorkspaceMgr mgr) {
            INDArray d = mgr.createUninitialized(ArrayType.FF_WORKING_MEM, input.dataType(), input.shape(), 'c');
            Nd4j.exec(new SubOp(input, labels, d));
            return pixelConf().kind == Kind.L1 ? Transforms.abs(d, false) : d.muli(d);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            return mgr.dup(ArrayType.ACTIVATIONS, input);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            assertInputSet(true);
            check();
            INDArray delta = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
            Nd4j.exec(new SubOp(input, labels, delta));
            // DL4J divides parameter gradients by the minibatch size afterwards: multiply it back in
            double scale = norm(input.length()) * input.size(0);
            if (pixelConf().kind == Kind.L1) {
                Transforms.sign(delta, false).muli(scale);
            } else {
                delta.muli(2 * scale);
            }
            return new Pair<>(new DefaultGradient(), delta);
        }

        @Override
        public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr mgr) {
            check();
            double s = elementLoss(mgr).sumNumber().doubleValue() * norm(input.length());
            this.score = s + fullNetRegTerm;
            return this.score;
        }

        @Override
        public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr mgr) {
            check();
            long n = input.size(0);
            INDArray perExample = elementLoss(mgr).reshape('c', n, -1).sum(true, 1);
            // each example's share of the minibatch loss, times n: the loss of a minibatch of that one example
            perExample.muli(norm(input.length()) * (pixelConf().kind == Kind.L2_SUM ? 1 : n));
            if (fullNetRegTerm != 0) {
                perExample.addi(fullNetRegTerm);
            }
            return mgr.leverageTo(ArrayType.ACTIVATIONS, perExample);
        }
    }
}
