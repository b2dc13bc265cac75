package org.taskscale.io;

/** CSV fields as RFC 4180 writes them: quoted when they hold a comma, a quote or a line break. */
public final class Csv {
    private Csv() {}

    /** {@code s} as one CSV field (line breaks become spaces, so that each record stays on one line). */
    public static String field(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n")
                ? "\"" + s.replace("\"", "\"\"").replace("\n", " ") + "\"" : s;
    }
}
