package org.taskscale.image;

import java.io.IOException;

/** An input that cannot be turned into an {@link Image}, with the file and a machine-readable reason. */
public final class ImageReadException extends IOException {
    /** Why an input was refused; the prep job counts rejects by these. */
    public enum Reason {
        /** zero bytes */
        EMPTY,
        /** no image reader recognises the bytes */
        NOT_AN_IMAGE,
        /** the data ends before the image does */
        TRUNCATED,
        /** the header or data is damaged */
        CORRUPT,
        /** the header announces more pixels than the configured limit (never decoded) */
        TOO_MANY_PIXELS,
        /** smaller than a job needs (for example the patch size) */
        TOO_SMALL,
        /** the file cannot be read at all (missing, no permission) */
        IO_ERROR
    }

    private final String source;
    private final Reason reason;

    public ImageReadException(String source, Reason reason, String detail) {
        this(source, reason, detail, null);
    }

    public ImageReadException(String source, Reason reason, String detail, Throwable cause) {
        super(source + ": " + detail, cause);
        this.source = source;
        this.reason = reason;
    }

    /** The file or name the bytes came from. */
    public String source() { return source; }

    public Reason reason() { return reason; }

    /** The message without the source prefix. */
    public String detail() {
        return getMessage().substring(source.length() + 2);
    }
}
