package org.taskscale.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageEncoder;

/** The robust rescaler's JPEG round trip: real JPEG files while training, nothing otherwise, a straight gradient. */
class JpegRoundTripTest {
    static final Path SAMPLES = Path.of("../datasets-prep/samples").toAbsolutePath().normalize();

    /** Four 32x40 crops of a real photo as an 8-bit batch in network units. */
    static INDArray batch(CNN2DFormat f) throws Exception {
        Image photo = new ImageDecoder().decode(SAMPLES.resolve("coffee.png")).quantized8();
        java.util.List<Planes> crops = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            crops.add(Examples.units(photo.crop(40 * i, 60 * i, 32, 40)));
        }
        return Examples.batch(crops, f);
    }

    @Test
    void trainingStoresEachImageAsARealJpegOfAQualityInTheRange() throws Exception {
        for (CNN2DFormat f : CNN2DFormat.values()) {
            INDArray in = batch(f);
            MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(32, 40, 3, f),
                    new JpegRoundTrip.Builder(30, 40).dataFormat(f).build());
            INDArray trained = net.output(in, true);
            assertEquals(in, net.output(in, false), "outside training the layer passes its input on");
            assertEquals(trained, net.output(in, true), "the same images draw the same qualities");
            for (int i = 0; i < 4; i++) {
                Planes p = Examples.unbatch(in, i, f);
                Image img = new Image(3, 32, 40, scaled(p.data(), 255f));
                Planes got = Examples.unbatch(trained, i, f);
                // exactly one quality of the range gives what the layer made, through an encoded file and its decoding
                Set<Integer> matches = new HashSet<>();
                for (int q = 25; q <= 45; q++) {
                    Image viaFile = new ImageDecoder().decode(ImageEncoder.jpeg(img, q), "patch.jpg");
                    if (java.util.Arrays.equals(units(viaFile.data()), got.data())) {
                        matches.add(q);
                    }
                }
                assertEquals(1, matches.size(), f + " image " + i + ": qualities matching " + matches);
                int q = matches.iterator().next();
                assertTrue(q >= 30 && q <= 40, "quality " + q);
            }
        }
    }

    @Test
    void theGradientPassesStraightThrough() throws Exception {
        INDArray in = batch(CNN2DFormat.NHWC);
        MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(32, 40, 3, CNN2DFormat.NHWC),
                new JpegRoundTrip.Builder(10, 90).dataFormat(CNN2DFormat.NHWC).build());
        Layer l = net.getLayer(0);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        l.setInput(in, mgr);
        l.activate(true, mgr);
        INDArray eps = GradientChecks.rand(in.shape()).castTo(in.dataType());
        assertEquals(eps, l.backpropGradient(eps, mgr).getSecond());
    }

    @Test
    void qualitiesCoverTheRangeAndBadRangesAreRefused() {
        int[] seen = new int[101];
        java.util.Random r = new java.util.Random(1);
        for (int k = 0; k < 2000; k++) {
            byte[] levels = new byte[48];
            r.nextBytes(levels);
            seen[JpegRoundTrip.quality(levels, 30, 95)]++;
        }
        for (int q = 0; q <= 100; q++) {
            assertTrue(q < 30 || q > 95 ? seen[q] == 0 : seen[q] > 5, "quality " + q + " drawn " + seen[q] + " times");
        }
        assertThrows(IllegalArgumentException.class, () -> new JpegRoundTrip.Builder(50, 40));
        assertThrows(IllegalArgumentException.class, () -> new JpegRoundTrip.Builder(0, 40));
        assertArrayEquals(new int[] {30, 95}, new int[] {new JpegRoundTrip.Builder(30, 95).build().getMinQuality(),
                new JpegRoundTrip.Builder(30, 95).build().getMaxQuality()});
    }

    private static float[] units(float[] d) {
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] / 255f;
        }
        return out;
    }

    private static float[] scaled(float[] d, float by) {
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] * by;
        }
        return out;
    }
}
