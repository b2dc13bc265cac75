package org.taskscale.config;

/** A mistake in what the user asked for (a bad argument or path): reported in one line, exit code 2. */
public final class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }
}
