package org.taskscale.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG (baseline, progressive, CMYK and YCCK), BMP, GIF, TIFF and WebP into an {@link Image}
 * with ImageIO and the TwelveMonkeys plugins.
 *
 * <ul>
 *   <li>8- and 16-bit samples keep their precision (16-bit values are scaled by 255/65535).</li>
 *   <li>Grey stays one channel; palette, RGB and CMYK become three sRGB channels.</li>
 *   <li>Alpha is composited on white ({@code v * a + 255 * (1 - a)}), so transparent regions read as paper.</li>
 *   <li>A JPEG's EXIF orientation is applied.</li>
 *   <li>Embedded ICC profiles are not applied to RGB or grey data: samples are taken as stored, as PIL,
 *       scikit-image and MATLAB read them, so that metrics agree with those tools. CMYK and YCCK JPEGs are
 *       converted to sRGB (through their profile when they have one).</li>
 *   <li>The pixel count is read from the header and checked against the limit before any pixel is decoded;
 *       {@link #read} checks it on a stream, before the file is read whole.</li>
 * </ul>
 * Every failure is an {@link ImageReadException} naming the source and a {@link ImageReadException.Reason}.
 */
public final class ImageDecoder {
    /** The default pixel limit: 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    static {
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("The pixel limit must be positive, not " + maxPixels + ".");
        }
        this.maxPixels = maxPixels;
    }

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public long maxPixels() { return maxPixels; }

    /** Reads and decodes a local file. */
    public Image decode(Path path) throws ImageReadException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ImageReadException(path.toString(), ImageReadException.Reason.IO_ERROR,
                    "cannot be read (" + describe(e) + ")", e);
        }
        return decode(bytes, path.toString());
    }

    /** Width and height from the header alone; throws for anything that is not a readable image header. */
    public int[] probe(byte[] bytes, String source) throws ImageReadException {
        try (Opened o = open(bytes, source)) {
            return new int[] {o.width, o.height};
        }
    }

    /** Opens the file to read (a local or Hadoop file). */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    /**
     * Reads and decodes a file: its header first, from the stream (the pixel limit is checked there, before the
     * file is read whole), then the whole file, at most {@link #maxBytes} of it.
     */
    public Image read(Source source, String name) throws ImageReadException {
        return decode(readBytes(source, name), name);
    }

    /**
     * The file's bytes, read whole only after its header passed the pixel limit, at most {@link #maxBytes}. The file
     * is opened once: the bytes the header check consumed are kept and read again in front of the rest.
     */
    public byte[] readBytes(Source source, String name) throws ImageReadException {
        byte[] bytes;
        try (InputStream raw = openStream(source, name)) {
            Recording head = new Recording(raw);
            PushbackInputStream in = new PushbackInputStream(head, 1);
            int first = in.read();
            if (first < 0) {
                throw new ImageReadException(name, ImageReadException.Reason.EMPTY, "is empty (0 bytes)");
            }
            in.unread(first);
            // closing the image stream frees its cache and leaves the file's stream open
            try (Opened o = open(ImageIO.createImageInputStream(in), name)) {
                // the header passed
            }
            bytes = new SequenceInputStream(new ByteArrayInputStream(head.bytes()), raw).readNBytes(maxBytes() + 1);
        } catch (ImageReadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageReadException(name, ImageReadException.Reason.IO_ERROR, "cannot be read (" + describe(e) + ")", e);
        }
        if (bytes.length > maxBytes()) {
            throw new ImageReadException(name, ImageReadException.Reason.TOO_MANY_PIXELS, "is over " + maxBytes()
                    + " bytes, more than an image within the limit of " + maxPixels + " pixels"
                    + " (taskscale.image.max-pixels) takes; it was not decoded");
        }
        return bytes;
    }

    /** A stream that keeps a copy of what was read through it (a header: a few kilobytes). */
    private static final class Recording extends FilterInputStream {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                seen.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                seen.write(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.max(0, Math.min(n, 8192))];
            long left = n;
            while (left > 0) {
                int r = read(buf, 0, (int) Math.min(left, buf.length));  // recorded like any read
                if (r < 0) {
                    break;
                }
                left -= r;
            }
            return n - left;
        }

        @Override
        public boolean markSupported() {
            return false;  // a reset would record the same bytes twice
        }

        byte[] bytes() {
            return seen.toByteArray();
        }
    }

    /** The largest file {@link #read} reads: 8 bytes a pixel (16-bit RGBA, uncompressed) plus 1 MiB of metadata. */
    public int maxBytes() {
        return (int) Math.min(Integer.MAX_VALUE - 16L, maxPixels * 8 + (1 << 20));
    }

    private static InputStream openStream(Source source, String name) throws ImageReadException {
        try {
            return source.open();
        } catch (IOException e) {
            throw new ImageReadException(name, ImageReadException.Reason.IO_ERROR, "cannot be read (" + describe(e) + ")", e);
        }
    }

    /** Decodes {@code bytes}; {@code source} names them in errors. */
    public Image decode(byte[] bytes, String source) throws ImageReadException {
        try (Opened o = open(bytes, source)) {
            List<String> warnings = new ArrayList<>();
            o.reader.addIIOReadWarningListener((r, w) -> warnings.add(w));
            BufferedImage bi;
            try {
                bi = o.reader.read(0);
            } catch (IOException | RuntimeException e) {
                String msg = describe(e);
                boolean truncated = endsEarly(e);
                throw new ImageReadException(source,
                        truncated ? ImageReadException.Reason.TRUNCATED : ImageReadException.Reason.CORRUPT,
                        (truncated ? "is truncated: " : "has corrupt image data: ") + msg, e);
            }
            for (String w : warnings) {
                if (w.toLowerCase(Locale.ROOT).contains("premature end")) {
                    throw new ImageReadException(source, ImageReadException.Reason.TRUNCATED,
                            "is truncated: " + w.trim());
                }
            }
            Image img;
            try {
                img = toImage(bi);
            } catch (RuntimeException e) {
                throw new ImageReadException(source, ImageReadException.Reason.CORRUPT,
                        "has a pixel layout that cannot be converted: " + describe(e), e);
            }
            if (o.format.equals("jpeg")) {
                img = ExifOrientation.apply(img, ExifOrientation.readJpeg(bytes));
            }
            return img;
        }
    }

    private record Opened(ImageReader reader, ImageInputStream stream, int width, int height, String format)
            implements AutoCloseable {
        @Override
        public void close() {
            reader.dispose();
            try {
                stream.close();
            } catch (IOException ignored) {
                // a byte-array stream does not fail to close
            }
        }
    }

    private Opened open(byte[] bytes, String source) throws ImageReadException {
        if (bytes.length == 0) {
            throw new ImageReadException(source, ImageReadException.Reason.EMPTY, "is empty (0 bytes)");
        }
        ImageInputStream in;
        try {
            in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new ImageReadException(source, ImageReadException.Reason.IO_ERROR, describe(e), e);
        }
        return open(in, source);
    }

    private Opened open(ImageInputStream in, String source) throws ImageReadException {
        if (in == null) {
            throw new ImageReadException(source, ImageReadException.Reason.IO_ERROR, "cannot be opened as a stream");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            closeQuietly(in);
            throw new ImageReadException(source, ImageReadException.Reason.NOT_AN_IMAGE,
                    "is not an image in a supported format (PNG, JPEG, BMP, GIF, TIFF, WebP)");
        }
        ImageReader reader = readers.next();
        String format;
        int w;
        int h;
        try {
            format = reader.getFormatName().toLowerCase(Locale.ROOT);
            if (format.equals("jpg")) {
                format = "jpeg";
            }
            reader.setInput(in, true, true);
            w = reader.getWidth(0);
            h = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            reader.dispose();
            closeQuietly(in);
            String msg = describe(e);
            boolean truncated = endsEarly(e);
            throw new ImageReadException(source,
                    truncated ? ImageReadException.Reason.TRUNCATED : ImageReadException.Reason.CORRUPT,
                    (truncated ? "is truncated before its header ends: " : "has a corrupt header: ") + msg, e);
        }
        if (w <= 0 || h <= 0) {
            reader.dispose();
            closeQuietly(in);
            throw new ImageReadException(source, ImageReadException.Reason.CORRUPT,
                    "has an invalid size " + w + "x" + h + " in its header");
        }
        if ((long) w * h > maxPixels) {
            reader.dispose();
            closeQuietly(in);
            throw new ImageReadException(source, ImageReadException.Reason.TOO_MANY_PIXELS,
                    "has " + w + "x" + h + " = " + ((long) w * h) + " pixels, over the limit of " + maxPixels
                            + " (taskscale.image.max-pixels); it was not decoded");
        }
        return new Opened(reader, in, w, h, format);
    }

    private static void closeQuietly(ImageInputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to release for a byte-array stream
        }
    }

    /** True when the failure (or a cause) says the data ran out: an EOF, or libjpeg's "premature end". */
    private static boolean endsEarly(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof EOFException || m.contains("premature end") || m.contains("end of file")
                    || m.contains("unexpected end") || m.contains("no image data present")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return (m == null || m.isBlank()) ? e.getClass().getSimpleName() : m.replace('\n', ' ').trim();
    }

    /** Converts any decoded BufferedImage: grey and sRGB rasters are read sample by sample, the rest through sRGB. */
    static Image toImage(BufferedImage bi) {
        ColorModel cm = bi.getColorModel();
        Raster r = bi.getRaster();
        int w = bi.getWidth();
        int h = bi.getHeight();
        int bands = r.getNumBands();
        boolean direct = cm instanceof ComponentColorModel || cm instanceof DirectColorModel;
        ColorSpace cs = cm.getColorSpace();
        if (direct && cs.getType() == ColorSpace.TYPE_GRAY && (bands == 1 || bands == 2)) {
            return fromSamples(r, cm, w, h, 1, bands == 2);
        }
        if (direct && cs.getType() == ColorSpace.TYPE_RGB && (bands == 3 || bands == 4)) {
            return fromSamples(r, cm, w, h, 3, bands == 4);
        }
        return fromArgb(bi, w, h, !(cm instanceof IndexColorModel) || cm.hasAlpha());
    }

    /**
     * The RGB planes ({@code [3, h, w]} bytes) of a decoded image whose samples are interleaved 8-bit RGB without
     * alpha (what the JDK's JPEG reader returns for colour), read in place; null for any other kind. The same
     * values {@link #toImage} gives, as bytes.
     */
    static byte[] rgbPlanes(BufferedImage bi) {
        ColorModel cm = bi.getColorModel();
        Raster r = bi.getRaster();
        if (!(cm instanceof ComponentColorModel) || cm.getColorSpace().getType() != ColorSpace.TYPE_RGB
                || r.getNumBands() != 3 || !interleavedBytes(r, 3)) {
            return null;
        }
        int w = bi.getWidth();
        int h = bi.getHeight();
        int n = w * h;
        byte[] out = new byte[3 * n];
        Interleaved in = Interleaved.of(r);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                int from = in.row(c, y);
                int off = c * n + y * w;
                for (int x = 0; x < w; x++) {
                    out[off + x] = in.data()[from + x * in.pixel()];
                }
            }
        }
        return out;
    }

    /** Where band c of row y starts in an interleaved 8-bit raster's one byte array, and the pixel stride. */
    private record Interleaved(byte[] data, int origin, int pixel, int scan, int[] band) {
        static Interleaved of(Raster r) {
            ComponentSampleModel sm = (ComponentSampleModel) r.getSampleModel();
            DataBufferByte db = (DataBufferByte) r.getDataBuffer();
            int pixel = sm.getPixelStride();
            int scan = sm.getScanlineStride();
            int origin = db.getOffset() - r.getSampleModelTranslateY() * scan - r.getSampleModelTranslateX() * pixel
                    + r.getMinY() * scan + r.getMinX() * pixel;
            return new Interleaved(db.getData(), origin, pixel, scan, sm.getBandOffsets());
        }

        int row(int c, int y) {
            return origin + y * scan + band[c];
        }
    }

    private static Image fromSamples(Raster r, ColorModel cm, int w, int h, int colour, boolean alpha) {
        int n = w * h;
        float[] out = new float[colour * n];
        if (!alpha && interleavedBytes(r, colour)) {
            // 8-bit samples in one byte array (what JPEG and most PNG decoders give): read them in place; getSamples
            // copies every row of every band through the generic sample model (a tenth of prep's time)
            Interleaved in = Interleaved.of(r);
            byte[] data = in.data();
            int pixel = in.pixel();
            for (int c = 0; c < colour; c++) {
                for (int y = 0; y < h; y++) {
                    int from = in.row(c, y);
                    int off = c * n + y * w;
                    for (int x = 0; x < w; x++) {
                        out[off + x] = data[from + x * pixel] & 0xff;
                    }
                }
            }
            return new Image(colour, h, w, out);
        }
        float[] scale = new float[colour + (alpha ? 1 : 0)];
        for (int b = 0; b < scale.length; b++) {
            int bits = r.getSampleModel().getSampleSize(b);
            scale[b] = (float) (255.0 / ((1L << bits) - 1));
        }
        boolean premultiplied = cm.isAlphaPremultiplied();
        int[] row = new int[w];
        float[] a = alpha ? new float[w] : null;
        for (int y = 0; y < h; y++) {
            if (alpha) {
                r.getSamples(0, y, w, 1, colour, row);
                for (int x = 0; x < w; x++) {
                    a[x] = row[x] * scale[colour] / 255f;
                }
            }
            for (int c = 0; c < colour; c++) {
                r.getSamples(0, y, w, 1, c, row);
                int off = c * n + y * w;
                for (int x = 0; x < w; x++) {
                    float v = row[x] * scale[c];
                    if (alpha) {
                        v = premultiplied ? v + 255f * (1f - a[x]) : v * a[x] + 255f * (1f - a[x]);
                    }
                    out[off + x] = v;
                }
            }
        }
        return new Image(colour, h, w, out);
    }

    /** Whether {@code r} keeps 8-bit samples of its first {@code bands} bands in one byte array. */
    private static boolean interleavedBytes(Raster r, int bands) {
        if (!(r.getDataBuffer() instanceof DataBufferByte db) || db.getNumBanks() != 1
                || !(r.getSampleModel() instanceof ComponentSampleModel sm) || sm.getNumBands() < bands) {
            return false;
        }
        for (int b = 0; b < bands; b++) {
            if (sm.getSampleSize(b) != 8 || sm.getBankIndices()[b] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Image fromArgb(BufferedImage bi, int w, int h, boolean mayBeColour) {
        int n = w * h;
        int[] argb = bi.getRGB(0, 0, w, h, null, 0, w);
        boolean grey = true;
        for (int p : argb) {
            int rr = (p >>> 16) & 0xff;
            if (rr != ((p >>> 8) & 0xff) || rr != (p & 0xff)) {
                grey = false;
                break;
            }
        }
        // a palette image whose entries are all grey stays one channel
        int channels = (grey && !mayBeColour) ? 1 : 3;
        float[] out = new float[channels * n];
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            float a = ((p >>> 24) & 0xff) / 255f;
            for (int c = 0; c < channels; c++) {
                float v = (p >>> (16 - 8 * c)) & 0xff;
                out[c * n + i] = v * a + 255f * (1f - a);
            }
        }
        return new Image(channels, h, w, out);
    }
}
