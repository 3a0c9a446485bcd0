package dev.spindle.inline;

import dev.spindle.TaskExecutor;
import dev.spindle.spi.Backend;
import dev.spindle.spi.BackendContext;
import dev.spindle.spi.ConfigKey;
import java.util.List;

/** The {@code inline} backend: every task runs on the thread that submits it, before {@code submit} returns. */
public final class InlineBackend implements Backend {

    /** Creates the backend; found by {@link java.util.ServiceLoader}. */
    public InlineBackend() {
    }

    @Override
    public String name() {
        return "inline";
    }

    @Override
    public String description() {
        return "runs each task on the submitting thread: tests, debugging, deterministic runs";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of();
    }

    @Override
    public TaskExecutor create(BackendContext context) {
        return new InlineExecutor(context.executorName());
    }
}
