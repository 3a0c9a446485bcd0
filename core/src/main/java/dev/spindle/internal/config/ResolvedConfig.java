package dev.spindle.internal.config;

import dev.spindle.spi.Backend;
import dev.spindle.spi.BackendContext;
import dev.spindle.spi.ConfigKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The validated configuration of one executor: its backend and a parsed value (configured or default) for each of
 * the backend's keys. Made by {@link ConfigResolver#resolve}. Immutable and thread-safe.
 */
public final class ResolvedConfig implements BackendContext {

    private final String executorName;
    private final Backend backend;
    private final String backendOrigin;
    private final Map<String, Object> values;
    private final Map<String, String> origins;

    /**
     * @param values parsed value by key name, in the backend's order; values may be {@code null}
     * @param origins where each value came from, by key name, e.g. {@code system property} or {@code default}
     */
    ResolvedConfig(String executorName, Backend backend, String backendOrigin, Map<String, Object> values,
            Map<String, String> origins) {
        this.executorName = Objects.requireNonNull(executorName, "executorName");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.backendOrigin = Objects.requireNonNull(backendOrigin, "backendOrigin");
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.origins = Map.copyOf(origins);
    }

    /** @return the selected backend */
    public Backend backend() {
        return backend;
    }

    @Override
    public String executorName() {
        return executorName;
    }

    @Override
    public String backendName() {
        return backend.name();
    }

    /**
     * @throws IllegalArgumentException if no key of the backend has {@code key}'s name
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        String name = key.name();
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a key of backend '" + backend.name()
                    + "'; its keys are " + values.keySet());
        }
        return (T) values.get(name);
    }

    /**
     * @return every value and where it came from, e.g. {@code executor 'io': backend=virtual (system property),
     *     maxConcurrency=100 (spindle.properties)}
     */
    public String describe() {
        StringBuilder sb = new StringBuilder("executor '").append(executorName).append("': backend=")
                .append(backend.name()).append(" (").append(backendOrigin).append(')');
        values.forEach((name, value) -> sb.append(", ").append(name).append('=').append(value)
                .append(" (").append(origins.get(name)).append(')'));
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
