package org.taskscale.image;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.jpeg.JPEGQTable;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.NodeList;

/**
 * Encodes an {@link Image} as 8-bit PNG or as JPEG. Samples are rounded half away from zero and clamped to
 * [0, 255] first ({@link Image#quantized8()}), as MATLAB's uint8 cast does.
 *
 * <p>JPEG uses libjpeg's baseline encoder as the JDK ships it, with the standard IJG (Annex K) quantisation
 * tables scaled exactly as libjpeg's {@code jpeg_set_quality} scales them (baseline-clamped to 1..255),
 * standard Huffman tables, and 4:2:0 chroma subsampling for colour (libjpeg's and PIL's default).
 */
public final class ImageEncoder {
    static {
        // in-memory streams: ImageIO's default caches every encode in a temporary file
        ImageIO.setUseCache(false);
    }

    private ImageEncoder() {}

    /** Writes an 8-bit PNG (grey or RGB) to {@code path}, replacing it. */
    public static void writePng(Image img, Path path) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            writePng(img, out);
        }
    }

    public static void writePng(Image img, OutputStream out) throws IOException {
        if (!ImageIO.write(toBufferedImage(img), "png", out)) {
            throw new IOException("No PNG writer is available in this JVM.");
        }
    }

    public static byte[] png(Image img) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writePng(img, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes PNG or JPEG (quality {@code jpegQuality}) according to the file name's extension. */
    public static void write(Image img, Path path, int jpegQuality) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            Files.write(path, jpeg(img, jpegQuality));
        } else if (name.endsWith(".png")) {
            writePng(img, path);
        } else {
            throw new IOException("Cannot tell the output format of " + path + ": use a .png, .jpg or .jpeg name.");
        }
    }

    /** The bytes of a baseline JPEG of {@code img} at IJG quality {@code quality} (1-100). */
    public static byte[] jpeg(Image img, int quality) {
        return jpeg(toBufferedImage(img), quality);
    }

    /** The bytes of a baseline JPEG of an 8-bit grey or BGR image at IJG quality {@code quality} (1-100). */
    public static byte[] jpeg(BufferedImage bi, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be between 1 and 100, not " + quality + ".");
        }
        Codec codec = CODEC.get();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            codec.writer.setOutput(out);
            codec.writer.write(null, new IIOImage(bi, null, codec.metadata(bi, quality)), codec.writeParam);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed: " + e.getMessage(), e);
        } finally {
            codec.writer.reset();
        }
        return bytes.toByteArray();
    }

    /**
     * A thread's JDK JPEG writer and reader, kept: making and disposing them per patch (each holds native libjpeg
     * state), building the quantisation tables' metadata tree per patch and allocating each decoded patch's buffer
     * took more of prep's time than the codec itself. Prep's executor threads are pooled, so there are as many of
     * these as threads.
     */
    private static final class Codec {
        final ImageWriter writer = jdkJpegWriter();
        final ImageWriteParam writeParam = writer.getDefaultWriteParam();
        final ImageReader reader = jdkJpegReader();
        /** Metadata with libjpeg's tables, by image type, colour components and quality. */
        final Map<Long, IIOMetadata> metadata = new HashMap<>();
        BufferedImage bgr;
        BufferedImage decoded;

        /**
         * The default metadata of {@code bi}'s type with libjpeg's integer-scaled tables in its DQT markers. No
         * compression quality goes on the param: it would replace our tables with the JDK's own float scaling.
         */
        IIOMetadata metadata(BufferedImage bi, int quality) throws IOException {
            long key = ((long) bi.getType() << 40) | ((long) bi.getColorModel().getNumComponents() << 32) | quality;
            IIOMetadata meta = metadata.get(key);
            if (meta == null) {
                meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(bi), writeParam);
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(JPEG_NATIVE_FORMAT);
                NodeList tables = root.getElementsByTagName("dqtable");
                for (int i = 0; i < tables.getLength(); i++) {
                    IIOMetadataNode t = (IIOMetadataNode) tables.item(i);
                    int id = Integer.parseInt(t.getAttribute("qtableId"));
                    t.setUserObject(new JPEGQTable(ijgTable(id == 0 ? IJG_LUMINANCE : IJG_CHROMINANCE, quality)));
                }
                meta.setFromTree(JPEG_NATIVE_FORMAT, root);
                metadata.put(key, meta);
            }
            return meta;
        }

        /** A colour image of h x w this thread may fill and hand to {@link #jpeg(BufferedImage, int)}. */
        BufferedImage bgr(int h, int w) {
            if (bgr == null || bgr.getWidth() != w || bgr.getHeight() != h) {
                bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            }
            return bgr;
        }
    }

    private static final ThreadLocal<Codec> CODEC = ThreadLocal.withInitial(Codec::new);

    /**
     * JPEG round trip: encode at {@code quality}, decode back, as a JPEG-degraded training input. The bytes are our
     * own baseline JFIF, so the JDK's reader decodes them directly (3x faster than probing every reader, which
     * picks TwelveMonkeys' wrapper of the same decoder; the JPEG tests hold the result to PIL's).
     */
    public static Image jpegDegrade(Image img, int quality) {
        byte[] bytes = jpeg(img, quality);
        return decodeOwnJpeg(bytes, quality);
    }

    /**
     * {@link #jpegDegrade} of an RGB image held as 8-bit planes ({@code [3, h, w]}, c order), without a float
     * copy: the same JPEG bytes and the same decoded samples, as planes. The prep job's byte path for 8-bit tasks.
     */
    public static byte[] jpegDegradeRgb(byte[] planes, int h, int w, int quality) {
        int n = h * w;
        if (planes.length != 3 * n) {
            throw new IllegalArgumentException("RGB planes of " + h + "x" + w + " need " + 3 * n + " bytes, not "
                    + planes.length + ".");
        }
        Codec codec = CODEC.get();
        BufferedImage bi = codec.bgr(h, w);
        byte[] bgr = ((java.awt.image.DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        for (int i = 0, o = 0; i < n; i++, o += 3) {
            bgr[o] = planes[2 * n + i];
            bgr[o + 1] = planes[n + i];
            bgr[o + 2] = planes[i];
        }
        byte[] jpeg = jpeg(bi, quality);
        byte[] fast = readOwnJpeg(jpeg, reader -> {
            // decoded into this thread's buffer of the patch's size (the reader's own type for colour JPEG)
            ImageReadParam param = reader.getDefaultReadParam();
            if (codec.decoded == null || codec.decoded.getWidth() != w || codec.decoded.getHeight() != h) {
                codec.decoded = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            }
            param.setDestination(codec.decoded);
            return ImageDecoder.rgbPlanes(reader.read(0, param));
        });
        return fast != null ? fast : Image.planes8(decodeOwnJpeg(jpeg, quality));
    }

    private static Image decodeOwnJpeg(byte[] bytes, int quality) {
        Image img = readOwnJpeg(bytes, reader -> ImageDecoder.toImage(reader.read(0)));
        if (img != null) {
            return img;
        }
        try {
            return new ImageDecoder(Long.MAX_VALUE).decode(bytes, "jpeg(q=" + quality + ")");
        } catch (ImageReadException e2) {
            throw new IllegalStateException("A JPEG this process just wrote could not be read back: "
                    + e2.getMessage(), e2);
        }
    }

    private interface Read<T> {
        T read(ImageReader reader) throws IOException;
    }

    /** Our own JPEG through the JDK's reader (null when it fails: callers fall back to the full decoder). */
    private static <T> T readOwnJpeg(byte[] bytes, Read<T> read) {
        ImageReader reader = CODEC.get().reader;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return read.read(reader);
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            reader.reset();
        }
    }

    private static ImageReader jdkJpegReader() {
        return jdkPlugin(ImageIO.getImageReadersByFormatName("jpeg"), "com.sun.imageio.plugins.jpeg.JPEGImageReader",
                ImageReader::dispose, "reader");
    }

    /**
     * The JDK's own JPEG plug-in among {@code all} (libjpeg's tables and rounding; TwelveMonkeys' differ), or the
     * first one when it is missing; every other plug-in made on the way is disposed.
     */
    private static <T> T jdkPlugin(Iterator<T> all, String jdkClass, java.util.function.Consumer<T> dispose, String what) {
        T chosen = null;
        while (all.hasNext()) {
            T t = all.next();
            boolean better = chosen == null
                    || t.getClass().getName().equals(jdkClass) && !chosen.getClass().getName().equals(jdkClass);
            if (better && chosen != null) {
                dispose.accept(chosen);
            }
            if (better) {
                chosen = t;
            } else {
                dispose.accept(t);
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("No JPEG " + what + " is available in this JVM.");
        }
        return chosen;
    }

    private static final String JPEG_NATIVE_FORMAT = "javax_imageio_jpeg_image_1.0";

    private static ImageWriter jdkJpegWriter() {
        return jdkPlugin(ImageIO.getImageWritersByFormatName("jpeg"), "com.sun.imageio.plugins.jpeg.JPEGImageWriter",
                ImageWriter::dispose, "writer");
    }

    /** Annex K luminance table, natural (row-major) order, as in libjpeg's jcparam.c. */
    static final int[] IJG_LUMINANCE = {
        16, 11, 10, 16, 24, 40, 51, 61,
        12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101,
        72, 92, 95, 98, 112, 100, 103, 99};

    /** Annex K chrominance table, natural order. */
    static final int[] IJG_CHROMINANCE = {
        17, 18, 24, 47, 99, 99, 99, 99,
        18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99};

    /** libjpeg's jpeg_quality_scaling and jpeg_add_quant_table with force_baseline, in its integer arithmetic. */
    static int[] ijgTable(int[] basic, int quality) {
        int q = Math.max(1, Math.min(100, quality));
        int scale = q < 50 ? 5000 / q : 200 - q * 2;
        int[] out = new int[64];
        for (int i = 0; i < 64; i++) {
            long t = ((long) basic[i] * scale + 50L) / 100L;
            out[i] = (int) Math.max(1, Math.min(255, t));
        }
        return out;
    }

    /** An 8-bit BufferedImage (TYPE_BYTE_GRAY or TYPE_3BYTE_BGR) holding the rounded, clamped samples. */
    public static BufferedImage toBufferedImage(Image img) {
        int w = img.width();
        int h = img.height();
        float[] d = img.data();
        int n = w * h;
        BufferedImage bi = new BufferedImage(w, h,
                img.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster r = bi.getRaster();
        int[] row = new int[w];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < h; y++) {
                int off = c * n + y * w;
                for (int x = 0; x < w; x++) {
                    row[x] = (int) Image.quantize8(d[off + x]);
                }
                r.setSamples(0, y, w, 1, c, row);
            }
        }
        return bi;
    }
}
