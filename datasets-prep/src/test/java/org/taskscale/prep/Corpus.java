package org.taskscale.prep;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * A mixed photo corpus for prep tests: real photos, every bad kind (with the reason the job must give), and
 * odd-but-valid kinds that must be converted and accepted.
 */
final class Corpus {
    static final Path SAMPLES = Path.of("samples").toAbsolutePath();
    static final Path FIXTURES = Path.of("../model/src/test/resources/fixtures/decode").toAbsolutePath().normalize();

    private Corpus() {}

    /** Writes the corpus into {@code dir}; returns the expected reject reason of each bad file by name. */
    static Map<String, String> write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.copy(SAMPLES.resolve("astronaut.png"), dir.resolve("astronaut.png"));
        Files.copy(SAMPLES.resolve("coffee.png"), dir.resolve("sub/coffee.png"));
        Files.copy(SAMPLES.resolve("rocket.jpg"), dir.resolve("sub/deeper/rocket.jpg"));
        Files.writeString(dir.resolve("README.txt"), "not a photo, ignored by extension");
        Map<String, String> bad = new TreeMap<>();
        bad.put("empty.png", "empty");
        Files.write(dir.resolve("empty.png"), new byte[0]);
        bad.put("random.jpg", "not_an_image");
        byte[] noise = new byte[5000];
        new Random(1).nextBytes(noise);
        Files.write(dir.resolve("random.jpg"), noise);
        bad.put("text.png", "not_an_image");
        Files.writeString(dir.resolve("text.png"), "this is text, not a PNG\n");
        bad.put("truncated.jpg", "truncated");
        byte[] rocket = Files.readAllBytes(SAMPLES.resolve("rocket.jpg"));
        Files.write(dir.resolve("truncated.jpg"), java.util.Arrays.copyOf(rocket, rocket.length / 3));
        bad.put("bomb.png", "too_many_pixels");
        Files.copy(FIXTURES.resolve("bad_bomb.png"), dir.resolve("bomb.png"));
        bad.put("tiny.png", "too_small");
        Files.copy(FIXTURES.resolve("grey.png"), dir.resolve("tiny.png"));
        // odd but valid
        Files.copy(FIXTURES.resolve("cmyk.jpg"), dir.resolve("cmyk.jpg"));
        BufferedImage photo = ImageIO.read(SAMPLES.resolve("coffee.png").toFile());
        BufferedImage crop = photo.getSubimage(0, 0, 64, 48);
        write(convert(crop, BufferedImage.TYPE_USHORT_GRAY), "png", dir.resolve("grey16.png"));
        write(convert(crop, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("grey.png"));
        write(convert(crop, BufferedImage.TYPE_INT_ARGB), "png", dir.resolve("alpha.png"));
        write(convert(crop, BufferedImage.TYPE_BYTE_INDEXED), "gif", dir.resolve("palette.gif"));
        write(convert(crop, BufferedImage.TYPE_INT_RGB), "jpg", dir.resolve("UPPER.JPG"));
        progressive(convert(crop, BufferedImage.TYPE_INT_RGB), dir.resolve("progressive.jpg"));
        return bad;
    }

    private static BufferedImage convert(BufferedImage src, int type) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), type);
        out.getGraphics().drawImage(src, 0, 0, null);
        return out;
    }

    private static void write(BufferedImage img, String format, Path file) throws IOException {
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
    }

    private static void progressive(BufferedImage img, Path file) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
    }
}
