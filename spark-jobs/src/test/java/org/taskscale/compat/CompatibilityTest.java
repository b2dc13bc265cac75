package org.taskscale.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.cli.Main;
import org.taskscale.prep.Corpus;
import picocli.CommandLine;

/**
 * A prep output and a model zip written by an earlier main (see {@code compat/README.md} in the test resources) are
 * read by today's code: the model validates on the prep output's valid split to the figures that main printed.
 */
class CompatibilityTest {
    static final Path FIXTURES = Path.of("src/test/resources/compat");

    @TempDir
    Path dir;

    /**
     * {@code train} on a copy of the old prep output with {@code --load} of a copy of the old model zip (aetad-skip,
     * 8 channels, 1 block, in one process) and {@code more} arguments; checks the exit code; returns what it printed.
     */
    private record Trained(String out, String model) {}

    private Trained trainOnOldFixtures(String experiment, String... more) throws Exception {
        Path prep = dir.resolve("prep");
        Corpus.copyTree(FIXTURES.resolve("prep-rescale-x2"), prep);
        Path model = dir.resolve("model.zip");
        Files.copy(FIXTURES.resolve("aetad-skip-x2.zip"), model);
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", prep.toString(), "--load", model.toString(),
                "--experiment", experiment, "--model", "aetad-skip", "--set", "taskscale.train.runs-root=" + dir.resolve("runs"),
                "--set", "taskscale.model.channels=8", "--set", "taskscale.model.blocks=1",
                "--set", "taskscale.train.mode=single"));
        args.addAll(List.of(more));
        int code = cl.execute(args.toArray(String[]::new));
        assertEquals(0, code, err + "\n" + out);
        return new Trained(out.toString(), model.toString());
    }

    @Test
    void oldPrepOutputAndModelZipValidateToTheFiguresTheOldMainPrinted() throws Exception {
        String out = trainOnOldFixtures("compat", "--valid-only").out();
        Matcher m = Pattern.compile("PSNR-Y ([0-9.]+) dB \\(baseline ([0-9.]+).*SSIM-Y ([0-9.]+).*LR preview ([0-9.]+) dB")
                .matcher(out);
        assertTrue(m.find(), out);
        // the old main's validation row (metrics.csv beside the fixtures): 26.2748, 46.7369, 0.46988, 27.6676
        assertEquals(26.27, Double.parseDouble(m.group(1)), 0.006, out);
        assertEquals(46.74, Double.parseDouble(m.group(2)), 0.006);
        assertEquals(0.4699, Double.parseDouble(m.group(3)), 0.00006);
        assertEquals(27.67, Double.parseDouble(m.group(4)), 0.006);
    }

    @Test
    void oldModelZipTrainsOnUnderLoadAndTheBudgetsLastStateIsValidated() throws Exception {
        // an iteration budget that ends inside the first epoch, periodic validation that never comes due
        Trained r = trainOnOldFixtures("more", "--set", "taskscale.train.iterations=2",
                "--set", "taskscale.train.valid-minutes=60", "--set", "taskscale.train.epochs=0");
        assertTrue(r.out().contains("aetad-skip with the weights of " + r.model()), r.out());
        assertTrue(r.out().contains("validation at iteration 2:"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("runs/more/model.zip")));
    }

    @Test
    void oldModelZipRunsThroughInferenceAndEvaluation() throws Exception {
        Path model = dir.resolve("model.zip");
        Files.copy(FIXTURES.resolve("aetad-skip-x2.zip"), model);
        Path lr = dir.resolve("lr");
        assertEquals(0, Main.commandLine().execute("infer", "--model", model.toString(), "--mode", "downscale",
                "--out", lr.toString(), "../datasets-prep/samples/coffee.png"));
        assertTrue(Files.isRegularFile(lr.resolve("coffee_lr.png")), List.of(lr.toFile().list()).toString());
        Path ev = dir.resolve("eval");
        assertEquals(0, Main.commandLine().execute("eval", "--model", model.toString(), "--images",
                "../datasets-prep/samples/coffee.png", "--out", ev.toString()));
        assertTrue(Files.readString(ev.resolve("eval.csv")).contains("coffee"));
    }
}
