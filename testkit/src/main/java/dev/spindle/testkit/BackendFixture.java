package dev.spindle.testkit;

import dev.spindle.SerializableTask;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *
 * <p>Contract tasks are {@link SerializableTask}s that capture only serializable values (a {@link Probe}, strings,
 * numbers), so that they can run in another process; they report to the test through the {@link #probe()}, and a
 * task that opens a group forks onto {@link #here()}, the executor running it.
 */
public abstract class BackendFixture {

    /** How long any single wait in a contract test may take before the test fails instead of hanging. */
    protected static final Duration PATIENCE = Duration.ofSeconds(30);

    private final List<TaskExecutor> created = new ArrayList<>();
    private Probe probe;
    private Path probeDir;

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
     * @return whether tasks run in another process (so they share no memory with the test): probes are then
     *     file-backed, failures arrive as copies, and tests that need shared memory are skipped
     */
    protected boolean tasksCrossProcesses() {
        return false;
    }

    /**
     * @return whether {@code map} and {@code mapStreaming} run serializable functions on this backend
     */
    protected boolean runsMap() {
        return true;
    }

    /**
     * @return this test's probe: in memory, or in a private temporary directory when
     *     {@link #tasksCrossProcesses()}; deleted after the test
     */
    protected final Probe probe() {
        if (probe == null) {
            if (tasksCrossProcesses()) {
                try {
                    probeDir = Files.createTempDirectory("spindle-probe-");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a directory for the probe", e);
                }
                probe = Probe.inFile(probeDir.resolve("events"));
            } else {
                probe = Probe.inMemory();
            }
        }
        return probe;
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
        probe = null;
        deleteProbeDir(probeDir);
        probeDir = null;
    }

    static void deleteProbeDir(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the probe directory " + dir, e);
        }
    }

    /** A {@link Runnable} that can travel to another process. */
    @FunctionalInterface
    public interface SerializableRunnable extends Runnable, Serializable {
    }

    /**
     * Types a lambda as a {@link SerializableTask}, so that it can run on a backend whose tasks cross processes.
     *
     * @param task the task; it must capture only serializable values
     * @param <T> its result type
     * @return {@code task}
     */
    protected static <T> SerializableTask<T> task(SerializableTask<T> task) {
        return task;
    }

    /**
     * @param r the runnable; it must capture only serializable values
     * @return {@code r}
     */
    protected static Runnable runnable(SerializableRunnable r) {
        return r;
    }

    /**
     * @return the executor running the current task: where a task forks the tasks of a group it opens (in a child
     *     JVM of the {@code process} backend, the worker's own local executor)
     */
    public static TaskExecutor here() {
        return Spindle.currentExecutor().orElseThrow(() -> new IllegalStateException(
                "here() is for task code: the current thread runs no Spindle task"));
    }

    /**
     * Waits until a task's code has stopped: it recorded {@code exited}, or every other process that recorded
     * {@code started} is gone (a backend that kills a worker to stop its task).
     *
     * @param probe the probe
     * @param started the event the task recorded when it started
     * @param exited the event it records when its code ends
     */
    protected static void awaitStopped(Probe probe, String started, String exited) {
        long me = ProcessHandle.current().pid();
        probe.awaitUntil(() -> probe.count(exited) > 0 || !probe.pidsOf(started).isEmpty() && probe.pidsOf(started)
                .stream().allMatch(pid -> pid != me && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)),
                "'" + exited
                + "', or the exit of the process that recorded '" + started + "'");
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
