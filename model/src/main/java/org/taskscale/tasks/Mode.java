package org.taskscale.tasks;

import java.util.Locale;

/** What {@code infer} does to a photo; each task says which modes apply to its models. */
public enum Mode {
    /** A rescaler's learned LR image (the preview). */
    DOWNSCALE,
    /** A rescaler's upscaler on a (learned) LR image, or a super-resolution model on any image. */
    UPSCALE,
    /** JPEG artifact removal. */
    RESTORE,
    /** A colorization model on a grey (or any) photo, or a colour embedder's decoder on its grey embedding. */
    COLORIZE;

    /** The command-line name. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown mode '" + s + "': valid modes are downscale, upscale, restore"
                    + " and colorize.");
        }
    }
}
