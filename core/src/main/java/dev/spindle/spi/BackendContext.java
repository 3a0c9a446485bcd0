package dev.spindle.spi;

/** The validated configuration of one executor being created. Immutable and thread-safe. */
public interface BackendContext {

    /** @return the executor's name, e.g. {@code "default"} or {@code "io"} */
    String executorName();

    /** @return the backend's name */
    String backendName();

    /**
     * @param key one of the backend's keys
     * @param <T> the value type
     * @return the configured value, parsed, or the key's default
     * @throws IllegalArgumentException if {@code key} is not one of the backend's keys
     */
    <T> T get(ConfigKey<T> key);
}
