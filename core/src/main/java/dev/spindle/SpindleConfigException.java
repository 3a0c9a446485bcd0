package dev.spindle;

/**
 * Configuration is wrong: a misspelt key, an unknown backend or a bad value. Thrown when the executor is created,
 * never later. The message names the key, the value, where the value came from, what is allowed, and what to do.
 */
public class SpindleConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message the key, the value, what was expected and what to do */
    public SpindleConfigException(String message) {
        super(message);
    }
}
