package org.taskscale.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.taskscale.datasets.DebianPhotos;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taskscale datasets ...}: training corpora anyone can rebuild. */
@Command(name = "datasets", description = "Assemble a training corpus anyone can rebuild.",
        subcommands = {DatasetsCommand.DebianPhotosCommand.class})
public final class DatasetsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code datasets debian-photos --out DIR}: see {@link DebianPhotos}. */
    @Command(name = "debian-photos",
            description = "Copy the photographs of Debian's mate-backgrounds, lomiri-wallpapers and python3-skimage"
                    + " packages (chosen by eye; their licences allow training) into OUT/train and OUT/valid, split once"
                    + " by the name's hash, with OUT/SOURCES.tsv giving each photo's package, path and licence. Install"
                    + " the packages first: apt-get install mate-backgrounds lomiri-wallpapers python3-skimage.")
    static final class DebianPhotosCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, description = "Output folder (made if missing; other files there are"
                + " left alone).")
        Path out;

        @Option(names = "--root", defaultValue = "/", hidden = true, description = "Where the packages are installed.")
        Path root;

        @Override
        public Integer call() throws Exception {
            PrintWriter log = spec.commandLine().getOut();
            DebianPhotos.Result r = DebianPhotos.assemble(root, out, log);
            int listed = DebianPhotos.entries().size();
            if (!r.missingPackages().isEmpty()) {
                log.printf("datasets: %d of the %d listed photos are not installed (packages %s); install them with:"
                                + " apt-get install %s%n", listed - r.photos().size() - r.problems().size(), listed,
                        String.join(", ", r.missingPackages()), String.join(" ", DebianPhotos.PACKAGES));
            }
            log.printf(Locale.ROOT, "datasets: debian-photos: %d photos (%d train, %d valid), %.0f megapixels, in %s;"
                            + " sources and licences in %s%n", r.photos().size(), r.train(), r.valid(), r.megapixels(),
                    out.resolve("train") + " and " + out.resolve("valid"), out.resolve("SOURCES.tsv"));
            log.printf(Locale.ROOT, "datasets: prep both folders with taskscale.prep.valid-fraction = %s to keep this"
                    + " split, e.g. --set 'taskscale.prep.inputs=[\"%s\", \"%s\"]' --set taskscale.prep.valid-fraction=%s%n",
                    DebianPhotos.VALID_FRACTION, out.resolve("train"), out.resolve("valid"), DebianPhotos.VALID_FRACTION);
            log.flush();
            return r.photos().size() == listed ? 0 : Main.EXIT_BAD_INPUT;
        }
    }
}
