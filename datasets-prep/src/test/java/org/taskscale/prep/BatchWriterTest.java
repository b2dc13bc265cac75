package org.taskscale.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.image.ImageDecoder;
import org.taskscale.io.BatchFile;
import org.taskscale.tasks.Task;
import org.taskscale.tasks.Tasks;

/** The bulk serialiser writes exactly MultiDataSet.save's bytes, for every task and both layouts. */
class BatchWriterTest {
    @Test
    void bytesEqualMultiDataSetSaveForEveryTaskAndLayout() throws Exception {
        var img = new ImageDecoder().decode(Corpus.SAMPLES.resolve("coffee.png"));
        for (Task task : Tasks.all()) {
            for (String layout : List.of("NHWC", "NCHW")) {
                PrepConfig cfg = PrepConfig.from(TaskscaleConfig.load(null, Map.of("taskscale.prep.task", task.name(),
                        "taskscale.prep.layout", layout, "taskscale.prep.patch-size", "12")));
                PhotoPatcher patcher = new PhotoPatcher(cfg);
                List<PhotoPatcher.SourcePatch> patches = new ArrayList<>(patcher.patch("coffee.png",
                        java.nio.file.Files.readAllBytes(Corpus.SAMPLES.resolve("coffee.png")), false).patches().subList(0, 3));
                BatchFile.Batch b = BatchWriter.batch(patches, cfg);
                MultiDataSet mds = b.stored();
                ByteArrayOutputStream ref = new ByteArrayOutputStream();
                mds.save(ref);
                byte[] ours = BatchFile.bytes(b);
                assertArrayEquals(ref.toByteArray(), ours, task + " " + layout);
                // read back in network units: equal to the examples made directly
                MultiDataSet back = BatchFile.read(new ByteArrayInputStream(ours));
                assertEquals(task.outputs().size(), back.numLabelsArrays(), task + " labels");
                List<org.taskscale.tasks.Example> direct = new ArrayList<>();
                for (PhotoPatcher.SourcePatch p : patches) {
                    direct.add(task.example(new org.taskscale.degrade.Degradation(
                            cfg.scale(), cfg.colors(), p.quality()), p.image()));
                }
                var layoutFormat = org.deeplearning4j.nn.conf.CNN2DFormat.valueOf(layout);
                assertEquals(org.taskscale.tasks.Example.inputs(direct, layoutFormat), back.getFeatures(0), task + " input");
                org.nd4j.linalg.api.ndarray.INDArray[] labels = org.taskscale.tasks.Example.labels(direct, layoutFormat);
                for (int k = 0; k < labels.length; k++) {
                    assertEquals(labels[k], back.getLabels(k), task + " label " + k);
                }
            }
        }
    }

    /** The RGB JPEG task's byte path stores exactly the arrays the float path makes, and the same channel sums. */
    @Test
    void rgbJpegBytePathEqualsTheFloatPath() throws Exception {
        for (String layout : List.of("NHWC", "NCHW")) {
            PrepConfig cfg = PrepConfig.from(TaskscaleConfig.load(null, Map.of("taskscale.prep.task", "jpeg",
                    "taskscale.prep.layout", layout, "taskscale.prep.patch-size", "40", "taskscale.prep.jpeg-quality", "5",
                    "taskscale.prep.jpeg-quality-max", "60")));
            List<PhotoPatcher.SourcePatch> patches = new PhotoPatcher(cfg).patch("chelsea.png",
                    java.nio.file.Files.readAllBytes(Corpus.SAMPLES.resolve("chelsea.png")), false).patches();
            BatchFile.Batch fast = BatchWriter.batch(patches, cfg);
            BatchFile.Batch slow = BatchWriter.batchThroughFloats(patches, cfg);
            assertEquals(2, fast.entries().size());
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(slow.entries().get(k).shape(), fast.entries().get(k).shape());
                assertArrayEquals(slow.entries().get(k).bytes(), fast.entries().get(k).bytes(), layout + " array " + k);
            }
            assertArrayEquals(BatchFile.bytes(slow), BatchFile.bytes(fast));
            boolean nhwc = layout.equals("NHWC");
            double[] sums = fast.channelSums(0, 3, nhwc);
            float[] f = slow.floats(0);
            byte[] levels = fast.entries().get(0).bytes();
            long[] exact = new long[3];
            double[] expected = new double[3];
            double[] floatOrder = new double[3];
            for (int i = 0; i < f.length; i++) {
                int c = nhwc ? i % 3 : (i / (40 * 40)) % 3;
                exact[c] += levels[i] & 0xff;
                floatOrder[c] += f[i];
            }
            for (int c = 0; c < 3; c++) {
                expected[c] = exact[c] / 255.0;
                assertEquals(floatOrder[c], sums[c], 1e-6 * floatOrder[c]);  // float k/255 values carry rounding
            }
            // float entries are summed in element order
            BatchFile.Batch floats = new BatchFile.Batch(List.of(new BatchFile.Entry(
                    fast.entries().get(0).shape(), f, null)), 1);
            assertArrayEquals(floatOrder, floats.channelSums(0, 3, nhwc), 0.0);
            assertArrayEquals(expected, sums, 0.0);
        }
    }
}
