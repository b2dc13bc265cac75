package org.taskscale.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The runtime of {@link TransposedConv2D}: libnd4j {@code deconv2d} forward, {@code deconv2d_bp} backward. */
public class TransposedConv2DLayer extends NativeConvRuntime<TransposedConv2D> {
    public TransposedConv2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected String forwardOp() {
        return "deconv2d";
    }

    @Override
    protected String backwardOp() {
        return "deconv2d_bp";
    }

    /** deconv2d integer arguments: kH, kW, sH, sW, pH, pW, dH, dW, same (never), data format, weight format. */
    @Override
    protected int[] opArgs() {
        TransposedConv2D c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        int[] p = c.explicitPadding();
        return new int[] {k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], 0,
            nhwc() ? 1 : 0, NativeOps.WEIGHT_FORMAT_OIHW};
    }

    @Override
    protected long[] outputShape(INDArray x) {
        boolean hw = nhwc();
        long[] ohw = layerConf().outputSize(x.size(hw ? 1 : 2), x.size(hw ? 2 : 3));
        long oc = layerConf().getNOut();
        return hw ? new long[] {x.size(0), ohw[0], ohw[1], oc} : new long[] {x.size(0), oc, ohw[0], ohw[1]};
    }
}
