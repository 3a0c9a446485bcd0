package dev.spindle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a new executor. Values set here win over system properties, the environment and {@code spindle.properties};
 * keys not set here still come from those sources. Not thread-safe; the executor it builds is.
 */
public final class ExecutorBuilder {

    private final String name;
    private final Map<String, String> values = new LinkedHashMap<>();

    ExecutorBuilder(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * @param backend a backend's name: {@code inline}, {@code threads}, {@code forkjoin}, or one from another module
     * @return this builder
     */
    public ExecutorBuilder backend(String backend) {
        return set("backend", backend);
    }

    /**
     * @param parallelism how many tasks run at once, for backends with a pool
     * @return this builder
     */
    public ExecutorBuilder parallelism(int parallelism) {
        return set("parallelism", Integer.toString(parallelism));
    }

    /**
     * Sets any key of the backend, as it would be written in {@code spindle.properties} after
     * {@code spindle.executor.<name>.}.
     *
     * @param key e.g. {@code maxConcurrency}
     * @param value e.g. {@code 10000}
     * @return this builder
     */
    public ExecutorBuilder set(String key, String value) {
        values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * @return a new executor; the caller owns it and closes it
     * @throws SpindleConfigException if the configuration is wrong
     */
    public TaskExecutor build() {
        return Spindle.create(name, Map.copyOf(values));
    }
}
