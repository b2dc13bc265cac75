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
 * A mixed photo corpus for the tests of every entry point (prep here, eval and infer in spark-jobs through this
 * module's test jar): real photos, every bad kind (with the reason prep gives), and odd-but-valid kinds that
 * must be converted and accepted.
 */
public final class Corpus {
    /** The bundled photos, from this module's folder or a sibling module's. */
    public static final Path SAMPLES = (Files.isDirectory(Path.of("samples")) ? Path.of("samples")
            : Path.of("../datasets-prep/samples")).toAbsolutePath().normalize();
    static final Path FIXTURES = SAMPLES.resolve("../../model/src/test/resources/fixtures/decode").normalize();

    /** The good photos and the odd-but-valid ones {@link #write} writes (relative paths). */
    public static final java.util.List<String> USABLE = java.util.List.of("astronaut.png", "sub/coffee.png",
            "sub/deeper/rocket.jpg", "cmyk.jpg", "grey16.png", "grey.png", "alpha.png", "palette.gif", "UPPER.JPG",
            "progressive.jpg");

    private Corpus() {}

    /**
     * Writes the corpus into {@code dir}; returns the expected reject reason of each bad file by name. tiny.png
     * (8x6) and dot.png (1x1) are too small for prep's patches; dot.png is smaller than any model's size multiple.
     */
    /** Copies the folder {@code from} with everything in it to {@code to} (made as needed). */
    public static void copyTree(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path f : s.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }

    public static Map<String, String> write(Path dir) throws IOException {
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
        bad.put("huge.png", "too_many_pixels");
        Files.write(dir.resolve("huge.png"), pngHeader(60000, 60000));
        bad.put("tiny.png", "too_small");
        Files.copy(FIXTURES.resolve("grey.png"), dir.resolve("tiny.png"));
        bad.put("dot.png", "too_small");
        write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("dot.png"));
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

    /** A PNG signature, an IHDR chunk announcing {@code w x h} 8-bit RGB, and IEND: a header without pixels. */
    static byte[] pngHeader(int w, int h) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4 + 12)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue())
                .putInt(0).put("IEND".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(0xAE426082);
        return png.array();
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
