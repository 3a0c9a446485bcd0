package dev.spindle.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.Cancellation;
import dev.spindle.GroupPolicy;
import dev.spindle.GroupTimeoutException;
import dev.spindle.Task;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskGroupException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.TaskState;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a task group promises on every backend: structure, fail-fast, policies, nesting, timeouts. */
public abstract class GroupContract extends BackendFixture {

    /** A failure planted by a test. */
    protected static final class Planted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param name which one */
        public Planted(String name) {
            super(name);
        }
    }

    @Test
    void joinReturnsTheResultsOfAllTasks() {
        try (TaskGroup g = TaskGroup.open(executor(2))) {
            TaskHandle<Integer> a = g.fork(() -> 1);
            TaskHandle<Integer> b = g.fork(() -> 2);
            g.join();
            assertEquals(3, a.join() + b.join());
        }
    }

    @Test
    void joinWaitsUntilACancelledSiblingsCodeHasFinished() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "a blocking sibling would run before the failing one");
        CountDownLatch slowStarted = new CountDownLatch(1);
        AtomicBoolean slowExited = new AtomicBoolean();
        TaskGroupException e;
        try (TaskGroup g = TaskGroup.open(executor(2))) {
            g.fork(() -> {
                slowStarted.countDown();
                try {
                    blockUntilInterrupted();
                } finally {
                    // stubborn: keeps running for a while after the interrupt
                    long until = System.nanoTime() + 30_000_000L;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    slowExited.set(true);
                }
                return null;
            });
            await(slowStarted, "the slow sibling to start");
            g.fork(() -> {
                throw new Planted("fast failure");
            });
            e = assertThrows(TaskGroupException.class, g::join);
            assertTrue(slowExited.get(), "join returned before the cancelled sibling's code finished");
        }
        assertInstanceOf(Planted.class, e.getCause());
    }

    @Test
    void theFirstFailureIsTheCauseAndTheOthersAreSuppressed() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "the failures must happen at the same time");
        int n = 3;
        CountDownLatch allThere = new CountDownLatch(n);
        TaskGroupException e;
        try (TaskGroup g = TaskGroup.open(executor(n))) {
            for (int i = 0; i < n; i++) {
                String name = "failure-" + i;
                g.fork(() -> {
                    allThere.countDown();
                    awaitUninterruptibly(allThere);
                    throw new Planted(name);
                });
            }
            e = assertThrows(TaskGroupException.class, g::join);
        }
        Set<String> seen = new HashSet<>();
        seen.add(e.getCause().getMessage());
        Arrays.stream(e.getSuppressed()).forEach(s -> seen.add(s.getMessage()));
        assertEquals(Set.of("failure-0", "failure-1", "failure-2"), seen, "every failure is kept: " + e);
        assertEquals(n - 1, e.getSuppressed().length, "no cancellation is reported as a failure");
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        for (;;) {
            try {
                await(latch, "all tasks");
                break;
            } catch (AssertionError e) {
                if (!(e.getCause() instanceof InterruptedException)) {
                    throw e;
                }
                interrupted = true;
                Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void cancelledSiblingsAreNotFailures() {
        TaskGroupException e;
        TaskHandle<Object> sibling;
        try (TaskGroup g = TaskGroup.open(executor(2))) {
            g.fork(() -> {
                throw new Planted("the only failure");
            });
            sibling = g.fork(() -> {
                blockUntilInterrupted();
                return null;
            });
            e = assertThrows(TaskGroupException.class, g::join);
        }
        assertEquals("the only failure", e.getCause().getMessage());
        assertEquals(0, e.getSuppressed().length, "a cancelled sibling is not a failure: " + List.of(e.getSuppressed()));
        assertEquals(TaskState.CANCELLED, sibling.taskState());
    }

    @Test
    void aSucceededTaskStaysSucceededWhenTheGroupFailsLater() {
        TaskHandle<String> first;
        try (TaskGroup g = TaskGroup.open(executor(2))) {
            first = g.fork(() -> "kept");
            TaskHandle<String> firstRef = first;
            g.fork(() -> {
                firstRef.join();
                throw new Planted("later");
            });
            assertThrows(TaskGroupException.class, g::join);
        }
        assertEquals(TaskState.SUCCEEDED, first.taskState());
        assertFalse(first.cancel());
        assertEquals("kept", first.join());
    }

    @Test
    void cancellingAGroupReachesNestedGroupsAtAnyDepth() {
        assumeTrue(allowsBlockingJoinsInTasks(), "needs tasks that join other tasks");
        int depth = 6;
        CountDownLatch leafStarted = new CountDownLatch(1);
        AtomicInteger interruptedLevels = new AtomicInteger();
        TaskExecutor ex = executor(2);
        GroupOnAnotherThread root = GroupOnAnotherThread.start(ex, nested(ex, depth, leafStarted, interruptedLevels));
        await(leafStarted, "the innermost task to start");
        root.group().cancel();
        assertInstanceOf(TaskCancelledException.class, root.outcome());
        assertEquals(1, interruptedLevels.get(), "the innermost task was interrupted");
    }

    private static Task<Object> nested(TaskExecutor ex, int depth, CountDownLatch leafStarted, AtomicInteger hits) {
        if (depth == 0) {
            return () -> {
                leafStarted.countDown();
                try {
                    blockUntilInterrupted();
                } catch (InterruptedException e) {
                    hits.incrementAndGet();
                    throw e;
                }
                return null;
            };
        }
        return () -> {
            try (TaskGroup g = TaskGroup.open(ex)) {
                g.fork(nested(ex, depth - 1, leafStarted, hits));
                g.join();
            }
            return null;
        };
    }

    @Test
    void aGroupTimeoutCancelsTheTasksAndSaysSo() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean interrupted = new AtomicBoolean();
        GroupTimeoutException e;
        TaskHandle<Object> slow;
        try (TaskGroup g = TaskGroup.open(executor(2)).named("slow-group").withTimeout(Duration.ofMillis(100))) {
            slow = g.fork(() -> {
                started.set(true);
                try {
                    blockUntilInterrupted();
                } catch (InterruptedException ie) {
                    interrupted.set(true);
                    throw ie;
                }
                return null;
            });
            e = assertThrows(GroupTimeoutException.class, g::join);
        }
        assertTrue(e.getMessage().contains("slow-group") && e.getMessage().contains("timed out"), e.getMessage());
        // on a loaded machine the task may not have started before the timeout: then it must never start
        assertTrue(interrupted.get() || !started.get(), "the work was stopped, not only the waiting");
        assertEquals(TaskState.CANCELLED, slow.taskState());
    }

    @Test
    void deadlinesAreInheritedAndTheTighterOneWins() {
        Duration[] seen = new Duration[2];
        try (TaskGroup g = TaskGroup.open(executor(2)).withTimeout(Duration.ofSeconds(20))) {
            g.fork(() -> {
                seen[0] = Cancellation.remaining().orElseThrow();
                return null;
            });
            g.fork(() -> {
                seen[1] = Cancellation.remaining().orElseThrow();
                return null;
            }, TaskOptions.DEFAULTS.withTimeout(Duration.ofSeconds(5)));
            g.join();
        }
        assertTrue(seen[0].compareTo(Duration.ofSeconds(20)) <= 0 && seen[0].compareTo(Duration.ofSeconds(5)) > 0,
                "inherits the group's deadline: " + seen[0]);
        assertTrue(seen[1].compareTo(Duration.ofSeconds(5)) <= 0, "its own tighter timeout wins: " + seen[1]);
    }

    @Test
    void collectAllRunsEverythingAndKeepsEveryFailure() {
        AtomicInteger ran = new AtomicInteger();
        try (TaskGroup g = TaskGroup.open(executor(2), GroupPolicy.collectAll())) {
            for (int i = 0; i < 6; i++) {
                int k = i;
                g.fork(() -> {
                    ran.incrementAndGet();
                    if (k % 2 == 0) {
                        throw new Planted("f" + k);
                    }
                    return k;
                });
            }
            g.join();
            assertEquals(6, ran.get());
            assertEquals(3, g.failures().size());
        }
    }

    @Test
    void firstSuccessCancelsTheRest() {
        TaskHandle<Object> loser;
        try (TaskGroup g = TaskGroup.open(executor(2), GroupPolicy.firstSuccess())) {
            TaskHandle<String> winner = g.fork(() -> "winner");
            loser = g.fork(() -> {
                blockUntilInterrupted();
                return null;
            });
            g.join();
            assertSame(winner, g.firstSucceeded().orElseThrow());
        }
        assertEquals(TaskState.CANCELLED, loser.taskState());
    }

    @Test
    void aQuorumThatCannotBeReachedFailsWithEveryFailure() {
        TaskGroupException e;
        try (TaskGroup g = TaskGroup.open(executor(2), GroupPolicy.quorum(2))) {
            g.fork(() -> "ok");
            g.fork(() -> {
                throw new Planted("q1");
            });
            g.fork(() -> {
                throw new Planted("q2");
            });
            e = assertThrows(TaskGroupException.class, g::join);
        }
        assertTrue(e.getMessage().contains("quorum"), e.getMessage());
        assertNotNull(e.getCause());
        assertEquals(1, e.getSuppressed().length);
    }

    @Test
    void aQuorumReachedCancelsTheRest() {
        TaskHandle<Object> extra;
        try (TaskGroup g = TaskGroup.open(executor(2), GroupPolicy.quorum(2))) {
            g.fork(() -> 1);
            g.fork(() -> 2);
            extra = g.fork(() -> {
                blockUntilInterrupted();
                return 3;
            });
            g.join();
        }
        assertEquals(TaskState.CANCELLED, extra.taskState());
    }

    @Test
    void aTaskJoiningWorkQueuedOnItsOwnBoundedPoolDoesNotDeadlock() throws Exception {
        assumeTrue(allowsBlockingJoinsInTasks(), "needs tasks that join other tasks");
        TaskExecutor ex = executor(1);
        TaskHandle<Integer> outer = ex.submit(() -> {
            int sum = 0;
            try (TaskGroup g = TaskGroup.open(ex)) {
                List<TaskHandle<Integer>> parts = new java.util.ArrayList<>();
                for (int i = 1; i <= 10; i++) {
                    int k = i;
                    parts.add(g.fork(() -> k));
                }
                g.join();
                for (TaskHandle<Integer> p : parts) {
                    sum += p.join();
                }
            }
            return sum + ex.submit(() -> 100).join();
        });
        assertEquals(155, outer.get(PATIENCE));
    }

    @Test
    void aFailureNobodyLookedAtIsLoggedWhenTheGroupCloses() {
        try (LogCapture log = LogCapture.start()) {
            try (TaskGroup g = TaskGroup.open(executor(2), GroupPolicy.collectAll()).named("careless")) {
                g.fork(() -> {
                    throw new Planted("unseen failure");
                });
                g.join();
            }
            assertTrue(log.text().contains("unseen failure") && log.text().contains("careless"),
                    "the failure was logged:\n" + log.text());
        }
    }

    @Test
    void closingWithoutJoinCancelsAndWaits() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "the blocking task would run at the fork");
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean exited = new AtomicBoolean();
        TaskHandle<Object> h;
        try (TaskGroup g = TaskGroup.open(executor(2))) {
            h = g.fork(() -> {
                started.countDown();
                try {
                    blockUntilInterrupted();
                } finally {
                    exited.set(true);
                }
                return null;
            });
            await(started, "start");
        }
        assertTrue(exited.get(), "close() returned only after the task's code finished");
        assertEquals(TaskState.CANCELLED, h.taskState());
    }

    @Test
    void forkingIntoAClosedGroupIsRefused() {
        TaskGroup g = TaskGroup.open(executor(2));
        g.join();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.fork(() -> 1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
