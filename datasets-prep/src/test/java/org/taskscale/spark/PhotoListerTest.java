package org.taskscale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.config.ConfigException;

/** The distributed listing finds what the driver's listing finds: the same photos, keys and ignored files. */
class PhotoListerTest {
    @TempDir
    Path dir;

    private static void touch(Path p) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, p.getFileName().toString());
    }

    @Test
    void distributedListingEqualsTheDriversListing() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        // three levels of folders, photos at each, other files, hidden files and a hidden folder's photo
        for (String f : List.of("x.jpg", "one/y.png", "one/two/z.JPG", "one/two/three/w.jpeg", "one/notes.txt",
                "one/.hidden.jpg", "one/_SUCCESS", "two/u.jpg", "two/README")) {
            touch(a.resolve(f));
        }
        touch(b.resolve("v.jpg"));
        touch(b.resolve("skip.gif"));
        Path loose = dir.resolve("loose.jpg");
        touch(loose);
        // a list file naming a photo the inputs found too (the inputs' key wins), one they did not, and a comment
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "# photos\n" + a.resolve("x.jpg") + "\n\n" + dir.resolve("elsewhere/t.jpg") + "\n");
        List<String> inputs = List.of(a.toUri().toString(), b.toUri().toString(), loose.toUri().toString());
        List<String> ext = List.of("jpg", "jpeg", "png");
        PhotoLister.Listing expected = PhotoLister.list(inputs, list.toUri().toString(), ext, new Configuration(), "k");
        try (JavaSparkContext jsc = new JavaSparkContext(new SparkConf().setAppName("lister").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", RecordKryoRegistrator.class.getName()))) {
            PhotoLister.Distributed found = PhotoLister.distributed(jsc, inputs, list.toUri().toString(), ext, "k");
            List<PhotoLister.Photo> photos = found.photos().collect().stream()
                    .sorted(Comparator.comparing(PhotoLister.Photo::key).thenComparing(PhotoLister.Photo::path)).toList();
            assertEquals(expected.photos(), photos);
            assertEquals(expected.ignored(), found.ignoredFiles().count());
            assertEquals(3, expected.ignored());  // notes.txt, README, skip.gif
            assertEquals(8, photos.size());  // x y z w u, v, loose, and t from the list file
            assertEquals("one/two/three/w.jpeg", photos.stream().filter(p -> p.path().endsWith("w.jpeg")).findFirst()
                    .orElseThrow().key());
            found.release();
            assertThrows(ConfigException.class, () -> PhotoLister.distributed(jsc,
                    List.of(dir.resolve("missing").toUri().toString()), "", ext, "taskscale.prep.inputs"));
        }
    }
}
