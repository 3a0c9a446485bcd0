package dev.spindle.internal.config;

/**
 * One raw value set for an executor, and where it was set. Immutable.
 *
 * @param executorName the executor it was set for
 * @param key the short key, e.g. {@code maxConcurrency}; for the environment, the key the variable most likely means
 * @param value the text as written
 * @param source which source set it
 * @param location the environment variable's name, or the address of {@code spindle.properties} (may be
 *     {@code null}); {@code null} for the other sources
 */
record Setting(String executorName, String key, String value, Source source, String location) {

    /** The sources, highest precedence first. */
    enum Source {
        BUILDER("builder"),
        SYSTEM_PROPERTY("system property"),
        ENVIRONMENT("environment variable"),
        FILE("spindle.properties");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        /** @return a short name, e.g. {@code system property} */
        String label() {
            return label;
        }
    }

    /** @return the full key, e.g. {@code spindle.executor.io.maxConcurrency} */
    String fullKey() {
        return ConfigNames.propertyName(executorName, key);
    }

    /** @return where the value came from, e.g. {@code environment variable SPINDLE_EXECUTOR_IO_BACKEND} */
    String where() {
        return location == null ? source.label() : source.label() + " " + (source == Source.FILE ? "at " : "")
                + location;
    }

    /**
     * @param otherKey a key of the same executor
     * @return how to write that key in this setting's source, e.g. {@code spindle.executor.io.parallelism} or
     *     {@code SPINDLE_EXECUTOR_IO_PARALLELISM}
     */
    String spellingOf(String otherKey) {
        return source == Source.ENVIRONMENT ? ConfigNames.envName(executorName, otherKey)
                : ConfigNames.propertyName(executorName, otherKey);
    }

    /** @return e.g. {@code spindle.executor.io.parallelism='0' (from system property)} */
    String describe() {
        return fullKey() + "='" + value + "' (from " + where() + ")";
    }
}
