package org.taskscale.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Access to the committed known-answer fixtures (see model/src/test/fixtures/make_fixtures.sh). */
final class Fixtures {
    private Fixtures() {}

    static Path path(String relative) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + relative).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("Missing fixture " + relative, e);
        }
    }

    static Image image(String relative) {
        try {
            return new ImageDecoder().decode(path(relative));
        } catch (ImageReadException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String relative) {
        try {
            return new ObjectMapper().readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Max and mean absolute difference of two equally shaped images. */
    static double[] diff(Image a, Image b) {
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()) {
            throw new AssertionError("Shapes differ: " + a + " vs " + b);
        }
        double max = 0;
        double sum = 0;
        for (int i = 0; i < a.data().length; i++) {
            double d = Math.abs(a.data()[i] - b.data()[i]);
            max = Math.max(max, d);
            sum += d;
        }
        return new double[] {max, sum / a.data().length};
    }
}
