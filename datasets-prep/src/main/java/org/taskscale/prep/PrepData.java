package org.taskscale.prep;

import java.io.IOException;
import java.io.InputStream;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * Reads a prep batch file in network units: UINT8 arrays (8-bit levels) become FLOAT divided by 255, float
 * arrays are kept. As a {@link MultiDataSetLoader} it is what {@code SparkComputationGraph.fitPathsMultiDataSet}
 * takes to train from a prep output.
 */
public final class PrepData implements MultiDataSetLoader {
    private static final long serialVersionUID = 1L;

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
