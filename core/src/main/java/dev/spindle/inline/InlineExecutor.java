package dev.spindle.inline;

import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.time.Duration;

/**
 * Runs every task on the submitting thread, before {@code submit} returns; a task forked into a group runs at the
 * fork, so a fail-fast group never starts the tasks forked after the first failure. Deadlines and cancellation work
 * as elsewhere: a timed-out task is interrupted on the submitting thread. Thread-safe.
 */
public final class InlineExecutor extends AbstractTaskExecutor {

    /** @param name the executor's name */
    public InlineExecutor(String name) {
        super(name, "inline");
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        run.run();
    }

    @Override
    public int parallelism() {
        return 1;
    }

    @Override
    protected void stopMachinery() {
    }

    @Override
    protected void stopMachineryNow() {
    }

    @Override
    protected boolean awaitMachinery(Duration timeout) {
        return true;
    }
}
