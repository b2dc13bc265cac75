package org.taskscale.tiles;

import java.io.PrintWriter;
import java.util.Locale;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;

/**
 * Runs a one-input, one-output fully convolutional graph on an image of any size in tiles: each tile is cut
 * with {@code overlap} input pixels of context on every side (clipped at the image border), run on its own, and
 * only its core is kept. With the overlap at least the graph's {@link Footprint} the result equals running the
 * whole image at once (the image is first padded, by repeating its last row and column, to the graph's
 * alignment, and both ways see the same padded image); an overlap of 0 runs plain non-overlapping patches.
 * Memory is bounded by the tile, not the image.
 */
public final class TiledRunner {
    /** Receives the output tile by tile: {@code core} belongs at output row {@code y}, column {@code x}. */
    public interface Sink {
        void put(int y, int x, Planes core);
    }

    private final ComputationGraph graph;
    private final CNN2DFormat layout;
    private final Footprint footprint;
    private final int tile;
    private final int overlap;

    /**
     * @param tile core side of a tile in input pixels (rounded up to the alignment); 0 = the whole image at once
     * @param overlap context on each side in input pixels; negative = the graph's footprint (exact)
     */
    public TiledRunner(ComputationGraph graph, CNN2DFormat layout, int tile, int overlap) {
        this.graph = graph;
        this.layout = layout;
        this.footprint = Footprint.of(graph);
        int a = footprint.alignment();
        this.tile = tile <= 0 ? 0 : (tile + a - 1) / a * a;
        this.overlap = overlap < 0 ? footprint.overlap() : (overlap + a - 1) / a * a;
    }

    public Footprint footprint() {
        return footprint;
    }

    public int overlap() {
        return overlap;
    }

    /** Output size for an input of {@code height x width}. */
    public int[] outputSize(int height, int width) {
        double r = footprint.outputPerInput();
        return new int[] {(int) Math.floor(height * r + 1e-9), (int) Math.floor(width * r + 1e-9)};
    }

    /** The whole output as planes. */
    public Planes run(Planes input, PrintWriter progress) {
        int[] size = outputSize(input.height(), input.width());
        float[][] holder = new float[1][];
        int[] channels = new int[1];
        run(input, (y, x, core) -> {
            if (holder[0] == null) {
                channels[0] = core.channels();
                holder[0] = new float[core.channels() * size[0] * size[1]];
            }
            paste(core, holder[0], size[0], size[1], y, x);
        }, progress);
        return new Planes(channels[0], size[0], size[1], holder[0]);
    }

    /** Copies {@code core} into a CHW array of {@code h x w} planes at ({@code y}, {@code x}). */
    public static void paste(Planes core, float[] dst, int h, int w, int y, int x) {
        for (int c = 0; c < core.channels(); c++) {
            for (int r = 0; r < core.height(); r++) {
                System.arraycopy(core.data(), (c * core.height() + r) * core.width(), dst, (c * h + y + r) * w + x,
                        core.width());
            }
        }
    }

    /** Runs every tile and hands each core to {@code sink}, in row-major tile order. */
    public void run(Planes input, Sink sink, PrintWriter progress) {
        int a = footprint.alignment();
        int hp = (input.height() + a - 1) / a * a;
        int wp = (input.width() + a - 1) / a * a;
        int th = tile == 0 ? hp : tile;
        int tw = tile == 0 ? wp : tile;
        int[] out = outputSize(input.height(), input.width());
        double r = footprint.outputPerInput();
        int tilesY = (hp + th - 1) / th;
        int tilesX = (wp + tw - 1) / tw;
        long start = System.nanoTime();
        long lastReport = start;
        int done = 0;
        for (int ty = 0; ty < hp; ty += th) {
            for (int tx = 0; tx < wp; tx += tw) {
                int y0 = Math.max(0, ty - overlap);
                int x0 = Math.max(0, tx - overlap);
                int y1 = Math.min(hp, ty + th + overlap);
                int x1 = Math.min(wp, tx + tw + overlap);
                INDArray in = region(input, y0, x0, y1 - y0, x1 - x0);
                INDArray o = graph.output(false, in)[0];
                Planes all = Examples.unbatch(o, 0, layout);
                o.close();
                in.close();
                int oy = (int) Math.round((ty - y0) * r);
                int ox = (int) Math.round((tx - x0) * r);
                int outY = (int) Math.round(ty * r);
                int outX = (int) Math.round(tx * r);
                int ch = Math.min((int) Math.round(Math.min(th, hp - ty) * r), out[0] - outY);
                int cw = Math.min((int) Math.round(Math.min(tw, wp - tx) * r), out[1] - outX);
                if (ch > 0 && cw > 0) {
                    sink.put(outY, outX, crop(all, oy, ox, ch, cw));
                }
                done++;
                long now = System.nanoTime();
                if (progress != null && now - lastReport > 10_000_000_000L && done < tilesY * tilesX) {
                    double per = (now - start) / 1e9 / done;
                    progress.printf(Locale.ROOT, "infer: tile %d/%d, %.1f s per tile, ETA %.0f s%n", done,
                            tilesY * tilesX, per, per * (tilesY * tilesX - done));
                    progress.flush();
                    lastReport = now;
                }
            }
        }
    }

    /** The padded input's region as a batch of one in the graph's layout (rows and columns past the end repeat the last). */
    private INDArray region(Planes p, int y0, int x0, int h, int w) {
        int c = p.channels();
        float[] d = new float[c * h * w];
        float[] s = p.data();
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int sy = Math.min(y0 + y, p.height() - 1);
                int srcRow = (ch * p.height() + sy) * p.width();
                for (int x = 0; x < w; x++) {
                    int sx = Math.min(x0 + x, p.width() - 1);
                    float v = s[srcRow + sx];
                    if (layout == CNN2DFormat.NHWC) {
                        d[(y * w + x) * c + ch] = v;
                    } else {
                        d[(ch * h + y) * w + x] = v;
                    }
                }
            }
        }
        long[] shape = layout == CNN2DFormat.NHWC ? new long[] {1, h, w, c} : new long[] {1, c, h, w};
        return Nd4j.create(d, shape, 'c');
    }

    /** A window of {@code p}. */
    public static Planes crop(Planes p, int y, int x, int h, int w) {
        if (y == 0 && x == 0 && h == p.height() && w == p.width()) {
            return p;
        }
        float[] d = new float[p.channels() * h * w];
        for (int c = 0; c < p.channels(); c++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(p.data(), (c * p.height() + y + r) * p.width() + x, d, (c * h + r) * w, w);
            }
        }
        return new Planes(p.channels(), h, w, d);
    }

}
