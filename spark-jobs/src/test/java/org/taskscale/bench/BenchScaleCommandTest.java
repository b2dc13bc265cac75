package org.taskscale.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchScaleCommandTest {
    /** Progress every 5 s of a decode stage that runs at {@code early} patches/s for half its time, then {@code late}. */
    private static List<BenchScaleCommand.Point> progress(double seconds, double early, double late) {
        List<BenchScaleCommand.Point> pts = new ArrayList<>();
        double patches = 0;
        for (double t = 0; t <= seconds + 1e-9; t += 5) {
            pts.add(new BenchScaleCommand.Point(t, (long) (patches / 32), (long) patches));
            patches += 5 * (t < seconds / 2 ? early : late);
        }
        return pts;
    }

    @Test
    void tenthsMeasureTheFirstAndLastTenthAndRefuseShortRuns() {
        BenchScaleCommand.Run flat = new BenchScaleCommand.Run(1000, 1000, progress(1000, 800, 800), "", "", "", true);
        double[] t = BenchScaleCommand.tenths(flat, 30);
        assertEquals(800, t[0], 1e-6);
        assertEquals(800, t[1], 1e-6);
        BenchScaleCommand.Run slower = new BenchScaleCommand.Run(1000, 1000, progress(1000, 800, 600), "", "", "", true);
        double[] s = BenchScaleCommand.tenths(slower, 30);
        assertEquals(0.75, s[1] / s[0], 1e-6, "the last tenth at 600/s against the first at 800/s");
        BenchScaleCommand.Run shortRun = new BenchScaleCommand.Run(10, 300, progress(300, 800, 800), "", "", "", true);
        assertTrue(Double.isNaN(BenchScaleCommand.tenths(shortRun, 30)[0]), "a 30 s tenth measures task boundaries");
    }

    @Test
    void theCsvRoundTripsAndThePlotShowsBothTenths(@TempDir Path dir) throws Exception {
        List<BenchScaleCommand.Point> pts = progress(1200, 800, 780);
        Path csv = dir.resolve("scale-20000.csv");
        BenchScaleCommand.writeCsv(csv, new BenchScaleCommand.Run(20000, 1200, pts, "", "", "", true));
        assertEquals(pts, BenchScaleCommand.readCsv(csv));
        String svg = BenchScaleCommand.svg(20000, pts, 30);
        assertTrue(svg.contains("first tenth: 800/s") && svg.contains("last tenth: 780/s"), svg);
        assertTrue(svg.contains("<polyline") && svg.contains("20 min"), svg);
        assertEquals(200, BenchScaleCommand.niceStep(176), 1e-9);
        assertEquals(5, BenchScaleCommand.niceStep(2.5), 1e-9);
        assertEquals(1000, BenchScaleCommand.niceStep(1000), 1e-9);
    }
}
