package dev.spindle.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.Cancellation;
import dev.spindle.DeadlineExceededException;
import dev.spindle.Spindle;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.TaskState;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.io.Serializable;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** What a single task handle promises on every backend: results, failures, cancellation, deadlines. */
public abstract class HandleContract extends BackendFixture {

    @Test
    void joinReturnsTheResultAndTheStateIsSucceeded() {
        TaskHandle<String> h = executor(2).submit(task(() -> "done"), TaskOptions.named("greeter"));
        assertEquals("done", h.join());
        assertEquals(TaskState.SUCCEEDED, h.taskState());
        assertEquals("greeter", h.name());
        assertTrue(h.isDone());
        assertNull(h.failure());
    }

    @Test
    void aFailureIsThrownAsTaskFailedExceptionWithTheCause() throws Exception {
        IOException boom = new IOException("disk on fire", new IllegalStateException("the root of it"));
        TaskHandle<Object> h = executor(2).submit(task(() -> {
            throw boom;
        }));
        TaskFailedException e = assertThrows(TaskFailedException.class, h::join);
        assertSameFailure(boom, e.getCause());
        assertEquals(TaskState.FAILED, h.taskState());
        assertSameFailure(boom, h.failure());
        ExecutionException ee = assertThrows(ExecutionException.class, h::get);
        assertSameFailure(boom, ee.getCause());
    }

    /**
     * The very exception where tasks share the test's memory; where they cross processes, a copy with the same type,
     * message and cause chain.
     */
    private void assertSameFailure(Throwable expected, Throwable actual) {
        if (!tasksCrossProcesses()) {
            assertSame(expected, actual);
            return;
        }
        for (Throwable x = expected, a = actual; x != null || a != null; x = x.getCause(), a = a.getCause()) {
            assertNotNull(a, "the cause chain was cut short: expected " + x);
            assertNotNull(x, "an unexpected cause: " + a);
            assertEquals(x.getClass(), a.getClass(), "the failure keeps its type");
            assertEquals(x.getMessage(), a.getMessage(), "the failure keeps its message");
        }
    }

    @Test
    void cancellingARunningTaskInterruptsItAndJoinThrowsAtOnce() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "the submitter never holds a running task's handle");
        Probe p = probe();
        TaskHandle<Object> h = executor(2).submit(task(() -> {
            p.mark("started");
            try {
                blockUntilInterrupted();
            } catch (InterruptedException e) {
                p.mark("interrupted");
                throw e;
            } finally {
                p.mark("exited");
            }
            return null;
        }));
        p.await("started");
        assertTrue(h.cancel(), "cancel() of a running task returns true");
        assertEquals(TaskState.CANCELLED, h.taskState());
        assertTrue(h.isCancelled());
        assertThrows(TaskCancelledException.class, h::join);
        p.await("exited");
        assertEquals(1, p.count("interrupted"), "the task's thread was interrupted");
    }

    @Test
    void aCancelledPendingTaskNeverRuns() {
        assumeFalse(runsOnCallerThread(), "nothing is ever pending on this backend");
        TaskExecutor ex = executor(1);
        Probe p = probe();
        ex.submit(task(() -> {
            p.mark("blocker started");
            p.await("release");
            return null;
        }));
        p.await("blocker started");
        TaskHandle<Object> queued = ex.submit(task(() -> {
            p.mark("queued ran");
            return null;
        }));
        assertEquals(TaskState.PENDING, queued.taskState());
        assertTrue(queued.cancel());
        p.mark("release");
        ex.close();
        assertEquals(0, p.count("queued ran"), "a task cancelled while pending must never run");
        assertEquals(TaskState.CANCELLED, queued.taskState());
    }

    @Test
    void cancellingASucceededTaskChangesNothing() {
        TaskHandle<Integer> h = executor(2).submit(task(() -> 42));
        assertEquals(42, h.join());
        assertFalse(h.cancel(), "cancellation never un-happens a success");
        assertEquals(TaskState.SUCCEEDED, h.taskState());
        assertEquals(42, h.join());
    }

    @Test
    void aTimeoutStopsTheWorkNotOnlyTheWaiting() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        Probe p = probe();
        TaskHandle<Object> h = executor(2).submit(task(() -> {
            p.mark("started");
            try {
                blockUntilInterrupted();
            } catch (InterruptedException e) {
                p.mark("interrupted");
                throw e;
            }
            return null;
        }), TaskOptions.named("slow").withTimeout(Duration.ofMillis(100)));
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, h::join);
        assertTrue(e.getMessage().contains("slow"), e.getMessage());
        awaitExit(h);
        // on a loaded machine the task may not have started before its deadline: then it must never start
        assertTrue(p.count("interrupted") == 1 || p.count("started") == 0, "the timed-out task was interrupted");
    }

    @Test
    void cancellationCheckStopsACpuLoop() {
        Probe p = probe();
        GroupOnAnotherThread g = GroupOnAnotherThread.start(executor(2), task(() -> {
            p.mark("looping");
            try {
                for (;;) {
                    Cancellation.check();
                    Thread.onSpinWait();
                }
            } catch (TaskCancelledException e) {
                p.mark("check threw");
                throw e;
            }
        }));
        p.await("looping");
        g.group().cancel();
        assertInstanceOf(TaskCancelledException.class, g.outcome());
        assertEquals(1, p.count("check threw"), "Cancellation.check() ended the loop");
    }

    @Test
    void shieldedCleanupIsNotInterruptedAndTheCancellationArrivesAfterIt() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        Probe p = probe();
        GroupOnAnotherThread g = GroupOnAnotherThread.start(executor(2), task(() -> {
            Cancellation.shielded(() -> {
                p.mark("in shield");
                p.await("cancelled"); // an interrupt here would fail the test
                // The handle says cancelled even inside the shield. Across processes the cancellation reaches the
                // task's JVM a moment after cancel() returned: wait for it, so the shield ends after it arrived.
                TaskHandle<?> self = Spindle.currentTask().orElseThrow();
                long until = System.nanoTime() + PATIENCE.toNanos();
                while (!self.isCancelled() && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                if (Cancellation.isCancelled()) {
                    p.mark("looked cancelled inside the shield");
                }
                Cancellation.check(); // shielded: does not throw
                p.mark("cleanup finished");
                return null;
            });
            if (Thread.currentThread().isInterrupted()) {
                p.mark("interrupted after the shield");
            }
            Cancellation.check();
            return null;
        }));
        p.await("in shield");
        g.group().cancel();
        p.mark("cancelled");
        assertInstanceOf(TaskCancelledException.class, g.outcome());
        assertEquals(1, p.count("cleanup finished"), "shielded code ran to its end");
        assertEquals(0, p.count("looked cancelled inside the shield"),
                "inside the shield the task does not look cancelled");
        assertEquals(1, p.count("interrupted after the shield"), "the cancellation was delivered when the shield ended");
    }

    @Test
    void aTaskThatSwallowsItsCancellationIsReportedOnceAtWarn() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        Probe p = probe();
        try (LogCapture log = LogCapture.start()) {
            GroupOnAnotherThread g = GroupOnAnotherThread.start(executor(2), task(() -> {
                try {
                    p.mark("blocked");
                    blockUntilInterrupted();
                } catch (InterruptedException swallowed) {
                    // the bug this report exists for
                }
                return "ignored";
            }));
            p.await("blocked");
            g.group().cancel();
            assertInstanceOf(TaskCancelledException.class, g.outcome());
            TaskHandle<?> h = g.group().tasks().get(0);
            long warnings = log.linesContaining("swallowed the interrupt").stream()
                    .filter(l -> l.contains("#" + h.id() + ")")).count();
            assertEquals(1, warnings, "exactly one WARN names the task:\n" + log.text());
            assertThrows(TaskCancelledException.class, h::join);
        }
    }

    @Test
    void getWithATimeoutStopsTheWaitingButNotTheWork() throws Exception {
        assumeFalse(runsOnCallerThread(), "the submitter only gets the handle once the task is done");
        Probe p = probe();
        TaskHandle<String> h = executor(2).submit(task(() -> {
            p.await("release");
            return "finished";
        }));
        assertThrows(TimeoutException.class, () -> h.get(Duration.ofMillis(20)));
        assertFalse(h.isDone(), "the work goes on after the waiter's timeout");
        p.mark("release");
        assertEquals("finished", h.get(PATIENCE));
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheTask() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "the submitter only gets the handle once the task is done");
        Probe p = probe();
        TaskHandle<Object> h = executor(2).submit(task(() -> {
            p.mark("started");
            blockUntilInterrupted();
            return null;
        }));
        CompletableFuture<Object> cf = h.toCompletableFuture();
        p.await("started");
        cf.cancel(true);
        assertEquals(TaskState.CANCELLED, h.taskState());
        awaitExit(h);
    }

    @Test
    void theExecutorServiceViewsFuturesReachTheWork() throws Exception {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "the submitter only gets the future once the task is done");
        Probe p = probe();
        Future<?> f = executor(2).asExecutorService().submit(runnable(() -> {
            p.mark("started");
            try {
                blockUntilInterrupted();
            } catch (InterruptedException e) {
                p.mark("interrupted");
            } finally {
                p.mark("exited");
            }
        }));
        p.await("started");
        assertTrue(f.cancel(false), "even cancel(false) stops the work: Spindle always interrupts");
        p.await("exited");
        assertEquals(1, p.count("interrupted"));
        SerializableCallable<Integer> seven = () -> 7;
        assertEquals(7, executor(2).asExecutorService().submit(seven).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** A {@link Callable} that can travel to another process. */
    private interface SerializableCallable<T> extends Callable<T>, Serializable {
    }

    /**
     * Waits until a task's code has finished.
     *
     * @param h the handle
     */
    protected static void awaitExit(TaskHandle<?> h) {
        try {
            h.toCompletableFuture().handle((v, e) -> null).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("task did not exit within " + PATIENCE, e);
        }
    }
}
