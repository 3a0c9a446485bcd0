package dev.spindle.testkit;

import dev.spindle.TaskExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The part of every contract a backend module supplies: how to make an executor of its backend. A backend module
 * runs the contract against itself with one line per contract class:
 *
 * <pre>{@code
 * class ThreadsGroupContractTest extends GroupContract {
 *     @Override protected TaskExecutor create(String name, int parallelism) {
 *         return Spindle.builder(name).backend("threads").parallelism(parallelism).build();
 *     }
 * }
 * }</pre>
 *
 * Executors made through {@link #executor(int)} are shut down after each test.
 */
public abstract class BackendFixture {

    /** How long any single wait in a contract test may take before the test fails instead of hanging. */
    protected static final Duration PATIENCE = Duration.ofSeconds(30);

    private final List<TaskExecutor> created = new ArrayList<>();

    /**
     * @param name the executor's name
     * @param parallelism how many tasks it should run at once (ignored by backends that run one at a time)
     * @return a new executor of the backend under test
     */
    protected abstract TaskExecutor create(String name, int parallelism);

    /**
     * @return whether the backend runs each task on the submitting thread before {@code submit} returns, so a
     *     handle is never seen PENDING or RUNNING by the submitter
     */
    protected boolean runsOnCallerThread() {
        return false;
    }

    /**
     * @return whether cancelling a running task interrupts the thread its code blocks on; an event loop does not
     *     (its thread runs every task's steps), so tests that need it are skipped there
     */
    protected boolean interruptsRunningTasks() {
        return true;
    }

    /**
     * @return whether a task may block to join other tasks (an event loop refuses blocking joins on its thread)
     */
    protected boolean allowsBlockingJoinsInTasks() {
        return true;
    }

    /**
     * @param parallelism how many tasks at once
     * @return an executor closed after the test
     */
    protected final TaskExecutor executor(int parallelism) {
        TaskExecutor ex = create("contract-" + getClass().getSimpleName().toLowerCase().replace("test", ""),
                parallelism);
        created.add(ex);
        return ex;
    }

    @AfterEach
    final void shutDownExecutors() {
        for (TaskExecutor ex : created) {
            ex.shutdownNow();
        }
        created.clear();
    }

    /**
     * Waits for a latch, failing the test instead of hanging.
     *
     * @param latch the latch
     * @param what what is awaited, for the failure message
     */
    protected static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("timed out after " + PATIENCE + " waiting for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        }
    }

    /**
     * Blocks until interrupted, then rethrows the interrupt. Fails the test if nothing interrupts it in time.
     *
     * @throws InterruptedException always, when interrupted
     */
    protected static void blockUntilInterrupted() throws InterruptedException {
        new CountDownLatch(1).await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        throw new AssertionError("task was not interrupted within " + PATIENCE);
    }
}
