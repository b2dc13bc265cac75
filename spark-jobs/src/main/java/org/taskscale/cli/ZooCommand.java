package org.taskscale.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.taskscale.io.ModelZoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code taskscale zoo}: the trained models inside the jar, one line each, starting with the name to give as
 * {@code --model zoo:NAME}, the task as {@code eval --task} spells it and the scale.
 */
@Command(name = "zoo", description = "List the trained models that ship inside the jar: name (use it as --model zoo:NAME"
        + " in eval and infer, --load zoo:NAME in train), task, scale, architecture, training (iterations, hours, data,"
        + " configuration) and figures on the corpus's validation photos.")
public final class ZooCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        var entries = ModelZoo.entries();
        if (entries.isEmpty()) {
            out.println("# this build ships no trained models");
        }
        for (ModelZoo.Entry e : entries) {
            out.printf(Locale.ROOT, "%-22s %-12s %-3s %s: %s; %,d iterations, %.1f h on %s; %s; trained with %s%n",
                    e.name(), e.task(), e.scale() > 1 ? "x" + e.scale() : "-", e.arch(), e.description(), e.iterations(),
                    e.hours(), e.data(), figures(e.validation()), e.config());
        }
        out.flush();
        return 0;
    }

    /** The validation figures for people: PSNR-Y and its gain over the baseline, SSIM-Y, and the LR preview's PSNR-Y. */
    static String figures(Map<String, Double> v) {
        StringBuilder b = new StringBuilder("validation");
        if (v.containsKey("psnr_y")) {
            b.append(String.format(Locale.ROOT, " PSNR-Y %.2f dB", v.get("psnr_y")));
            if (v.containsKey("baseline_psnr_y")) {
                b.append(String.format(Locale.ROOT, " (%+.2f over the baseline)", v.get("psnr_y") - v.get("baseline_psnr_y")));
            }
        }
        if (v.containsKey("ssim_y")) {
            b.append(String.format(Locale.ROOT, ", SSIM-Y %.4f", v.get("ssim_y")));
        }
        if (v.containsKey("lr_psnr_y")) {
            b.append(String.format(Locale.ROOT, ", LR preview %.2f dB", v.get("lr_psnr_y")));
        }
        if (v.containsKey("psnr_rgb")) {
            b.append(String.format(Locale.ROOT, ", PSNR-RGB %.2f dB", v.get("psnr_rgb")));
        }
        return v.isEmpty() ? "no validation figures" : b.toString();
    }
}
