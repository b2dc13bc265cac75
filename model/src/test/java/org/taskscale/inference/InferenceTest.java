package org.taskscale.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.degrade.Degradation;
import org.taskscale.image.Image;
import org.taskscale.io.ModelFile;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.tasks.Example;
import org.taskscale.tasks.Mode;
import org.taskscale.tasks.Task;
import org.taskscale.tasks.Tasks;
import org.taskscale.tiles.Footprint;
import org.taskscale.tiles.Raster8;
import org.taskscale.tiles.TiledRunner;

class InferenceTest {
    static ModelFile.Loaded model(String name, int scale, CNN2DFormat layout) {
        ModelConfig m = ModelConfig.defaults(name).withSize(name.equals("colorize-large") ? 4 : 8, 1).withScale(scale)
                .withLayout(layout);
        return new ModelFile.Loaded(ModelRegistry.build(m), ModelFile.Info.of(m));
    }

    /** A smooth but busy photo-like test image with odd sides (0..255). */
    static Image photo(int c, int h, int w) {
        float[] d = new float[c * h * w];
        java.util.Random r = new java.util.Random(7);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(ch * h + y) * w + x] = (float) Math.floor(127 + 90 * Math.sin(0.21 * x + 0.13 * y + ch)
                            * Math.cos(0.05 * x * y / 7.0) + 30 * r.nextFloat());
                }
            }
        }
        return new Image(c, h, w, d);
    }

    static double maxDiff(Planes a, Planes b) {
        assertArrayEquals(a.shape(), b.shape());
        double m = 0;
        for (int i = 0; i < a.data().length; i++) {
            m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        }
        return m;
    }

    static Stream<Arguments> models() {
        return Stream.of(Arguments.of("srcnn", 2), Arguments.of("edsr", 2), Arguments.of("edsr", 3),
                Arguments.of("arcnn", 1), Arguments.of("aetad-skip", 2), Arguments.of("aetad-small", 4),
                Arguments.of("colorize-basic", 1), Arguments.of("colorize-large", 1), Arguments.of("aetad-color", 1),
                Arguments.of("car", 2), Arguments.of("car", 4));
    }

    @ParameterizedTest(name = "{0} x{1}")
    @MethodSource("models")
    void tilesGiveTheWholeImageResult(String name, int scale) {
        ModelFile.Loaded m = model(name, scale, CNN2DFormat.NHWC);
        Task t = m.info().task();
        Image img = photo(3, 83, 71);
        var ex = t.example(new Degradation(Math.max(1, scale), m.info().colors(), 20), img);
        Inference whole = new Inference(m, 0, -1);
        Inference tiled = new Inference(m, 24, -1);
        List<Planes> a = whole.outputs(ex.input(), null);
        List<Planes> b = tiled.outputs(ex.input(), null);
        assertEquals(t.outputs().size(), a.size());
        for (int k = 0; k < a.size(); k++) {
            double d = maxDiff(a.get(k), b.get(k));
            assertTrue(d <= 1e-4, name + " output " + k + ": tiled differs from whole by " + d);
        }
        // the output has the label's shape
        assertArrayEquals(ex.labels().get(a.size() - 1).shape(), a.get(a.size() - 1).shape());
    }

    @Test
    void withoutOverlapTheTilesShowSeams() {
        ModelFile.Loaded m = model("srcnn", 2, CNN2DFormat.NCHW);
        var ex = Tasks.SR_UPSAMPLED.example(new Degradation(2, m.info().colors(), 20), photo(3, 64, 64));
        Planes whole = new Inference(m, 0, -1).outputs(ex.input(), null).get(0);
        Planes patches = new Inference(m, 16, 0).outputs(ex.input(), null).get(0);
        assertTrue(maxDiff(whole, patches) > 1e-3, "non-overlapping patches should differ near their borders");
        assertEquals(6.0, Footprint.of(m.net()).radius(), "srcnn 9-1-5 sees 4 + 0 + 2 pixels");
        assertEquals(7, new TiledRunner(m.net(), CNN2DFormat.NCHW, 16, -1).overlap());
    }

    @Test
    void theRescalersTwoHalvesEqualTheTrainedGraph() {
        ModelFile.Loaded m = model("aetad-skip", 2, CNN2DFormat.NCHW);
        var ex = Tasks.RESCALE.example(new Degradation(2, 3, 20), photo(3, 40, 48));
        INDArray[] full = m.net().output(Example.inputs(List.of(ex), CNN2DFormat.NCHW));
        List<Planes> parts = new Inference(m, 0, -1).outputs(ex.input(), null);
        Planes lr = Examples.unbatch(full[0], 0, CNN2DFormat.NCHW);
        Planes hr = Examples.unbatch(full[1], 0, CNN2DFormat.NCHW);
        assertTrue(maxDiff(Inference.quantized(lr), parts.get(0)) == 0, "the LR preview is the graph's, on 8 bits");
        assertTrue(maxDiff(hr, parts.get(1)) <= 1e-4, "the upscaler alone reproduces the graph's HR output");
    }

    @Test
    void modesCheckTheModelsTaskAndSizes() {
        ModelFile.Loaded m = model("aetad-skip", 2, CNN2DFormat.NHWC);
        Inference inf = new Inference(m, 32, -1);
        Image img = photo(3, 51, 40);
        Raster8 lr = inf.apply(Mode.DOWNSCALE, img, null);
        assertEquals(25, lr.height());
        assertEquals(20, lr.width());
        Raster8 hr = inf.apply(Mode.UPSCALE, lr.toImage(), null);
        assertEquals(50, hr.height());
        assertEquals(40, hr.width());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> inf.apply(Mode.RESTORE, img, null));
        assertTrue(e.getMessage().contains("downscale or upscale"), e.getMessage());
        // a Y model upscales colour photos, chroma by bicubic
        Raster8 sr = new Inference(model("srcnn", 3, CNN2DFormat.NCHW), 20, -1).apply(Mode.UPSCALE, img, null);
        assertEquals(153, sr.height());
        assertEquals(3, sr.channels());
        Raster8 col = new Inference(model("colorize-basic", 1, CNN2DFormat.NCHW), 20, -1)
                .apply(Mode.COLORIZE, img, null);
        assertEquals(51, col.height());
        assertEquals(40, col.width());
    }

    @Test
    void aRasterRoundTripsEightBitImages() {
        Image img = photo(3, 9, 7).quantized8();
        Raster8 r = new Raster8(3, 9, 7);
        r.put(0, 0, new Planes(3, 9, 7, img.data()));
        assertEquals(img, r.toImage());
        assertEquals(java.awt.image.BufferedImage.TYPE_3BYTE_BGR, r.bufferedImage().getType());
        assertEquals(((int) img.get(0, 2, 3) << 16) | ((int) img.get(1, 2, 3) << 8) | (int) img.get(2, 2, 3),
                r.bufferedImage().getRGB(3, 2) & 0xffffff);
    }

    @Test
    void modelFilesCarryWhatTheNetworkIs() throws Exception {
        ModelFile.Loaded m = model("aetad-skip", 4, CNN2DFormat.NHWC);
        byte[] zip = ModelFile.bytes(m.net(), m.info(), false);
        ModelFile.Loaded back = ModelFile.read(zip, "mem", null, 0);
        assertEquals(m.info(), back.info());
        assertEquals(m.info(), ModelFile.peek(new java.io.ByteArrayInputStream(zip)), "the entry comes first");
        assertEquals(m.net().params(), back.net().params());
        // a plain DL4J zip: the task is read from the outputs, the scale must be given
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        org.deeplearning4j.util.ModelSerializer.writeModel(m.net(), plain, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFile.read(plain.toByteArray(), "plain.zip", null, 0));
        assertTrue(e.getMessage().contains("plain.zip") && e.getMessage().contains("--scale"), e.getMessage());
        assertEquals(Tasks.RESCALE, ModelFile.read(plain.toByteArray(), "plain.zip", null, 4).info().task());
        assertEquals(null, ModelFile.peek(new java.io.ByteArrayInputStream(plain.toByteArray())), "no entry to peek at");
        ComputationGraph srcnn = model("srcnn", 2, CNN2DFormat.NCHW).net();
        java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
        org.deeplearning4j.util.ModelSerializer.writeModel(srcnn, s, false);
        e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(s.toByteArray(), "s.zip", null, 2));
        assertTrue(e.getMessage().contains("--task"), e.getMessage());
    }
}
