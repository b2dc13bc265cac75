package org.taskscale.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoding odd formats against PIL's reading of the same files, and refusing bad ones with a reason. */
class ImageDecoderTest {
    private final JsonNode fx = Fixtures.json("decode/expected.json");

    @Test
    void decodesEveryFormatLikePil() throws ImageReadException {
        ImageDecoder dec = new ImageDecoder();
        Iterator<Map.Entry<String, JsonNode>> it = fx.get("images").fields();
        int checked = 0;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode ex = e.getValue();
            Image img = dec.decode(Fixtures.path("decode/" + name));
            assertEquals(ex.get("channels").asInt(), img.channels(), name + " channels");
            assertEquals(ex.get("height").asInt(), img.height(), name + " height");
            assertEquals(ex.get("width").asInt(), img.width(), name + " width");
            float[] expected = new float[img.data().length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = (float) ex.get("chw").get(i).asDouble();
            }
            double[] d = Fixtures.diff(img, new Image(img.channels(), img.height(), img.width(), expected));
            boolean lossy = name.toLowerCase().endsWith(".jpg");
            if (ex.has("loose")) {
                // CMYK through an ICC profile: colours close to the source, not equal
                assertTrue(d[1] < 12, name + ": mean difference " + d[1]);
            } else if (lossy) {
                // JDK libjpeg 6b vs PIL's libjpeg-turbo decoding the same file
                assertTrue(d[0] <= 2 && d[1] <= 0.25, name + ": max " + d[0] + ", mean " + d[1]);
            } else {
                assertTrue(d[0] <= 1e-3, name + ": max difference " + d[0]);
            }
            checked++;
        }
        assertTrue(checked >= 15, "checked " + checked);
    }

    @Test
    void refusesBadInputsWithTheirReason() {
        ImageDecoder dec = new ImageDecoder();
        Iterator<Map.Entry<String, JsonNode>> it = fx.get("refusals").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Path p = Fixtures.path("decode/" + e.getKey());
            ImageReadException ex = assertThrows(ImageReadException.class, () -> dec.decode(p), e.getKey());
            assertTrue(e.getValue().asText().contains(ex.reason().name()),
                    e.getKey() + ": expected " + e.getValue().asText() + ", got " + ex.reason() + " (" + ex.getMessage() + ")");
            assertTrue(ex.getMessage().startsWith(p.toString()), "message names the file: " + ex.getMessage());
            assertTrue(!ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
        }
    }

    @Test
    void pixelLimitIsJudgedFromTheHeader() throws ImageReadException {
        Path photo = Fixtures.path("decode/photo.png");  // 32x24 = 768 pixels
        assertEquals(24, new ImageDecoder(768).decode(photo).height());
        ImageReadException e = assertThrows(ImageReadException.class, () -> new ImageDecoder(767).decode(photo));
        assertEquals(ImageReadException.Reason.TOO_MANY_PIXELS, e.reason());
        assertTrue(e.getMessage().contains("taskscale.image.max-pixels"));
    }

    @Test
    void missingFileIsAnIoError() {
        ImageReadException e = assertThrows(ImageReadException.class,
                () -> new ImageDecoder().decode(Path.of("no/such/file.png")));
        assertEquals(ImageReadException.Reason.IO_ERROR, e.reason());
    }

    @Test
    void pngRoundTripIsExactOnEightBitValues() throws ImageReadException {
        Image src = Fixtures.image("resize/rgb_a.png");
        Image back = new ImageDecoder().decode(ImageEncoder.png(src), "memory");
        assertEquals(src, back);
        Image grey = Fixtures.image("resize/grey_a.png");
        assertEquals(grey, new ImageDecoder().decode(ImageEncoder.png(grey), "memory"));
    }

    @Test
    void exifOrientationSixTurnsClockwise() {
        Image in = new Image(1, 2, 3, new float[] {1, 2, 3, 4, 5, 6});
        Image out = ExifOrientation.apply(in, 6);
        assertEquals(3, out.height());
        assertEquals(2, out.width());
        // rows of the stored image become columns, bottom row first
        assertEquals(4f, out.get(0, 0, 0));
        assertEquals(1f, out.get(0, 0, 1));
        assertEquals(6f, out.get(0, 2, 0));
    }

    @Test
    void readChecksThePixelLimitFromTheHeaderBeforeReadingTheFileWhole() throws Exception {
        // the 20000x20000 bomb followed by 64 MiB: refused having read only what the header takes
        byte[] bomb = java.nio.file.Files.readAllBytes(Fixtures.path("decode/bad_bomb.png"));
        long[] read = {0};
        ImageDecoder.Source source = () -> new java.io.InputStream() {
            private long pos;

            @Override
            public int read() {
                read[0]++;
                return pos < bomb.length ? bomb[(int) pos++] & 0xff : pos++ < bomb.length + (64L << 20) ? 0 : -1;
            }
        };
        ImageReadException e = assertThrows(ImageReadException.class, () -> new ImageDecoder().read(source, "bomb"));
        assertEquals(ImageReadException.Reason.TOO_MANY_PIXELS, e.reason());
        assertTrue(read[0] < 1 << 20, read[0] + " bytes read");
        // a real photo within a limit reads and decodes as from bytes; one over it is refused by its header
        Path photo = Fixtures.path("decode/photo.png");
        Image whole = new ImageDecoder().decode(photo);
        Image streamed = new ImageDecoder(whole.pixels()).read(() -> java.nio.file.Files.newInputStream(photo), "photo");
        assertEquals(whole, streamed);
        ImageReadException over = assertThrows(ImageReadException.class,
                () -> new ImageDecoder(whole.pixels() - 1).read(() -> java.nio.file.Files.newInputStream(photo), "photo"));
        assertTrue(over.getMessage().contains("over the limit of " + (whole.pixels() - 1)), over.getMessage());
        ImageReadException empty = assertThrows(ImageReadException.class,
                () -> new ImageDecoder().read(() -> new java.io.ByteArrayInputStream(new byte[0]), "empty"));
        assertEquals(ImageReadException.Reason.EMPTY, empty.reason());
    }
}
