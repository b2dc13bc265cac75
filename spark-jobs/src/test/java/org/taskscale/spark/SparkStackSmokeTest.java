package org.taskscale.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.input.PortableDataStream;
import org.junit.jupiter.api.Test;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageReadException;
import org.taskscale.image.NdImages;
import scala.Tuple2;

/**
 * The verified stack in one process: Spark 3.5 local mode on Java 17 (needs surefire's add-opens list),
 * the image core on executors, and ND4J's native backend loading inside a task.
 */
class SparkStackSmokeTest {

    @Test
    void decodesTheBundledSamplesOnExecutorsLikeLocally() throws ImageReadException {
        Path samples = Path.of("../datasets-prep/samples").toAbsolutePath().normalize();
        SparkConf conf = new SparkConf().setAppName("stack-smoke").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        Map<String, long[]> remote = new TreeMap<>();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            List<Tuple2<String, long[]>> rows = sc.binaryFiles(samples.toUri() + "/*.{png,jpg}", 2)
                    .mapToPair(f -> {
                        PortableDataStream s = f._2();
                        Image img = new ImageDecoder().decode(s.toArray(), f._1());
                        // a tensor made on the executor: ND4J's native backend loaded inside a Spark task
                        long sumMilli = Math.round(NdImages.toNchw(img).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sumNumber().doubleValue() * 1000);
                        String name = f._1().substring(f._1().lastIndexOf('/') + 1);
                        return new Tuple2<>(name, new long[] {img.channels(), img.height(), img.width(), sumMilli});
                    })
                    .collect();
            rows.forEach(t -> remote.put(t._1(), t._2()));
        }
        assertEquals(8, remote.size(), "decoded on executors: " + remote.keySet());
        for (Map.Entry<String, long[]> e : remote.entrySet()) {
            Image local = new ImageDecoder().decode(samples.resolve(e.getKey()));
            long[] r = e.getValue();
            assertArrayEquals(new long[] {local.channels(), local.height(), local.width()},
                    new long[] {r[0], r[1], r[2]}, e.getKey());
            double sum = 0;
            for (float v : local.data()) {
                sum += v / 255.0;
            }
            assertEquals(sum, r[3] / 1000.0, 0.01, e.getKey() + " pixel sum");
        }
    }
}
