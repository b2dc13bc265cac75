package org.taskscale.image;

/**
 * EXIF orientation (tag 0x0112) read from a JPEG's APP1 segment, and applied to a decoded image so that it
 * appears as a camera's viewer shows it (the same as PIL's {@code ImageOps.exif_transpose}).
 */
final class ExifOrientation {
    private ExifOrientation() {}

    /** The orientation 1..8 stored in a JPEG's EXIF block, or 1 when there is none or it cannot be parsed. */
    static int readJpeg(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
            return 1;
        }
        int p = 2;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xff) != 0xff) {
                return 1;
            }
            int marker = b[p + 1] & 0xff;
            if (marker == 0xff) {  // fill byte
                p++;
                continue;
            }
            if (marker == 0xda || marker == 0xd9) {  // start of scan or end of image: no more headers
                return 1;
            }
            int len = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
            if (len < 2 || p + 2 + len > b.length) {
                return 1;
            }
            if (marker == 0xe1 && len >= 16 && b[p + 4] == 'E' && b[p + 5] == 'x' && b[p + 6] == 'i'
                    && b[p + 7] == 'f' && b[p + 8] == 0 && b[p + 9] == 0) {
                int o = parseTiff(b, p + 10, p + 2 + len);
                if (o != 0) {
                    return o;
                }
            }
            p += 2 + len;
        }
        return 1;
    }

    private static int parseTiff(byte[] b, int start, int end) {
        boolean little;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            little = true;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        if (u16(b, start + 2, little) != 42) {
            return 0;
        }
        long ifd = u32(b, start + 4, little);
        int q = (int) (start + ifd);
        if (ifd < 8 || q + 2 > end) {
            return 0;
        }
        int n = u16(b, q, little);
        for (int i = 0; i < n; i++) {
            int e = q + 2 + 12 * i;
            if (e + 12 > end) {
                return 0;
            }
            if (u16(b, e, little) == 0x0112) {
                int v = u16(b, e + 8, little);
                return v >= 1 && v <= 8 ? v : 0;
            }
        }
        return 0;
    }

    private static int u16(byte[] b, int i, boolean little) {
        return little ? (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8) : ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static long u32(byte[] b, int i, boolean little) {
        long v = little
                ? (b[i] & 0xffL) | ((b[i + 1] & 0xffL) << 8) | ((b[i + 2] & 0xffL) << 16) | ((b[i + 3] & 0xffL) << 24)
                : ((b[i] & 0xffL) << 24) | ((b[i + 1] & 0xffL) << 16) | ((b[i + 2] & 0xffL) << 8) | (b[i + 3] & 0xffL);
        return v;
    }

    /** The image turned as EXIF orientation {@code o} (1..8) says; 1 returns it unchanged. */
    static Image apply(Image in, int o) {
        if (o <= 1 || o > 8) {
            return in;
        }
        int h = in.height();
        int w = in.width();
        boolean swap = o >= 5;
        int oh = swap ? w : h;
        int ow = swap ? h : w;
        Image out = Image.zeros(in.channels(), oh, ow);
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int sy;
                    int sx;
                    switch (o) {
                        case 2 -> { sy = y; sx = w - 1 - x; }
                        case 3 -> { sy = h - 1 - y; sx = w - 1 - x; }
                        case 4 -> { sy = h - 1 - y; sx = x; }
                        case 5 -> { sy = x; sx = y; }
                        case 6 -> { sy = h - 1 - x; sx = y; }
                        case 7 -> { sy = h - 1 - x; sx = w - 1 - y; }
                        default -> { sy = x; sx = w - 1 - y; }  // 8
                    }
                    out.set(c, y, x, in.get(c, sy, sx));
                }
            }
        }
        return out;
    }
}
