package dev.spindle.spi;

import dev.spindle.TaskExecutor;
import java.util.List;

/**
 * A machinery that runs tasks, found with {@link java.util.ServiceLoader} under its {@link #name()}: a module
 * {@code provides dev.spindle.spi.Backend with ...;} and lists the class in
 * {@code META-INF/services/dev.spindle.spi.Backend} for class-path users.
 *
 * <p>Implementations must be thread-safe and have a public no-argument constructor.
 */
public interface Backend {

    /** @return the name used in configuration ({@code spindle.executor.<name>.backend=<this>}); lower case */
    String name();

    /** @return one line saying what the backend is good for, shown in error messages and docs */
    String description();

    /** @return the configuration keys this backend reads, besides {@code backend}; unknown keys are rejected */
    List<ConfigKey<?>> keys();

    /**
     * Creates an executor. Configuration has been validated already: {@link BackendContext#get} returns typed
     * values.
     *
     * @param context the executor's name and configuration
     * @return a new executor, owned by the caller
     */
    TaskExecutor create(BackendContext context);
}
