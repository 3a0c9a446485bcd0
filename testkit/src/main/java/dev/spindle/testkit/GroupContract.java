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
import dev.spindle.SerializableTask;
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
            TaskHandle<Integer> a = g.fork(task(() -> 1));
            TaskHandle<Integer> b = g.fork(task(() -> 2));
            g.join();
            assertEquals(3, a.join() + b.join());
        }
    }

    @Test
    void joinWaitsUntilACancelledSiblingsCodeHasFinished() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "a blocking sibling would run before the failing one");
        Probe p = probe();
        TaskGroupException e;
        try (TaskGroup g = TaskGroup.open(executor(2))) {
            g.fork(task(() -> {
                p.mark("slow started");
                try {
                    blockUntilInterrupted();
                } finally {
                    // stubborn: keeps running for a while after the interrupt
                    long until = System.nanoTime() + 30_000_000L;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    p.mark("slow exited");
                }
                return null;
            }));
            p.await("slow started");
            g.fork(task(() -> {
                throw new Planted("fast failure");
            }));
            e = assertThrows(TaskGroupException.class, g::join);
            assertEquals(1, p.count("slow exited"), "join returned before the cancelled sibling's code finished");
        }
        assertInstanceOf(Planted.class, e.getCause());
    }

    @Test
    void theFirstFailureIsTheCauseAndTheOthersAreSuppressed() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "the failures must happen at the same time");
        int n = 3;
        Probe p = probe();
        TaskGroupException e;
        try (TaskGroup g = TaskGroup.open(executor(n))) {
            for (int i = 0; i < n; i++) {
                String name = "failure-" + i;
                g.fork(task(() -> {
                    p.mark("there");
                    awaitUninterruptibly(p, "there", n);
                    throw new Planted(name);
                }));
            }
            e = assertThrows(TaskGroupException.class, g::join);
        }
        Set<String> seen = new HashSet<>();
        seen.add(e.getCause().getMessage());
        Arrays.stream(e.getSuppressed()).forEach(s -> seen.add(s.getMessage()));
        assertEquals(Set.of("failure-0", "failure-1", "failure-2"), seen, "every failure is kept: " + e);
        assertEquals(n - 1, e.getSuppressed().length, "no cancellation is reported as a failure");
    }

    private static void awaitUninterruptibly(Probe p, String event, int times) {
        boolean interrupted = false;
        for (;;) {
            try {
                p.await(event, times);
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
            g.fork(task(() -> {
                throw new Planted("the only failure");
            }));
            sibling = g.fork(task(() -> {
                blockUntilInterrupted();
                return null;
            }));
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
            first = g.fork(task(() -> "kept"));
            assertEquals("kept", first.join());
            g.fork(task(() -> {
                throw new Planted("later");
            }));
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
        Probe p = probe();
        TaskExecutor ex = executor(2);
        GroupOnAnotherThread root = GroupOnAnotherThread.start(ex, nested(depth, p));
        p.await("leaf started");
        root.group().cancel();
        assertInstanceOf(TaskCancelledException.class, root.outcome());
        assertEquals(1, p.count("leaf interrupted"), "the innermost task was interrupted");
        assertEquals(depth, p.count("group cancelled"), "every nested group saw the cancellation: " + p.events());
    }

    private static SerializableTask<Object> nested(int depth, Probe p) {
        if (depth == 0) {
            return () -> {
                p.mark("leaf started");
                try {
                    blockUntilInterrupted();
                } catch (InterruptedException e) {
                    p.mark("leaf interrupted");
                    throw e;
                }
                return null;
            };
        }
        return () -> {
            try (TaskGroup g = TaskGroup.open(here())) {
                g.fork(nested(depth - 1, p));
                try {
                    g.join();
                } finally {
                    if (g.isCancelled()) {
                        p.mark("group cancelled");
                    }
                }
            }
            return null;
        };
    }

    @Test
    void aGroupTimeoutCancelsTheTasksAndSaysSo() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        Probe p = probe();
        GroupTimeoutException e;
        TaskHandle<Object> slow;
        try (TaskGroup g = TaskGroup.open(executor(2)).named("slow-group").withTimeout(Duration.ofMillis(100))) {
            slow = g.fork(task(() -> {
                p.mark("started");
                try {
                    blockUntilInterrupted();
                } catch (InterruptedException ie) {
                    p.mark("interrupted");
                    throw ie;
                }
                return null;
            }));
            e = assertThrows(GroupTimeoutException.class, g::join);
        }
        assertTrue(e.getMessage().contains("slow-group") && e.getMessage().contains("timed out"), e.getMessage());
        // on a loaded machine the task may not have started before the timeout: then it must never start
        assertTrue(p.count("interrupted") == 1 || p.count("started") == 0, "the work was stopped, not only the waiting");
        assertEquals(TaskState.CANCELLED, slow.taskState());
    }

    @Test
    void deadlinesAreInheritedAndTheTighterOneWins() {
        // minutes, not seconds: the tasks must run before their deadlines even where starting a worker is slow
        // (a child JVM on a loaded machine), and the claim does not depend on how long
        Duration groupTimeout = Duration.ofMinutes(10);
        Duration taskTimeout = Duration.ofMinutes(1);
        Duration inherited;
        Duration own;
        try (TaskGroup g = TaskGroup.open(executor(2)).withTimeout(groupTimeout)) {
            TaskHandle<Duration> a = g.fork(task(() -> Cancellation.remaining().orElseThrow()));
            TaskHandle<Duration> b = g.fork(task(() -> Cancellation.remaining().orElseThrow()),
                    TaskOptions.DEFAULTS.withTimeout(taskTimeout));
            g.join();
            inherited = a.join();
            own = b.join();
        }
        assertTrue(inherited.compareTo(groupTimeout) <= 0 && inherited.compareTo(taskTimeout) > 0,
                "inherits the group's deadline: " + inherited);
        assertTrue(own.compareTo(taskTimeout) <= 0, "its own tighter timeout wins: " + own);
    }

    @Test
    void collectAllRunsEverythingAndKeepsEveryFailure() {
        Probe p = probe();
        try (TaskGroup g = TaskGroup.open(executor(2), GroupPolicy.collectAll())) {
            for (int i = 0; i < 6; i++) {
                int k = i;
                g.fork(task(() -> {
                    p.mark("ran");
                    if (k % 2 == 0) {
                        throw new Planted("f" + k);
                    }
                    return k;
                }));
            }
            g.join();
            assertEquals(6, p.count("ran"));
            assertEquals(3, g.failures().size());
        }
    }

    @Test
    void firstSuccessCancelsTheRest() {
        TaskHandle<Object> loser;
        try (TaskGroup g = TaskGroup.open(executor(2), GroupPolicy.firstSuccess())) {
            TaskHandle<String> winner = g.fork(task(() -> "winner"));
            loser = g.fork(task(() -> {
                blockUntilInterrupted();
                return null;
            }));
            g.join();
            assertSame(winner, g.firstSucceeded().orElseThrow());
        }
        assertEquals(TaskState.CANCELLED, loser.taskState());
    }

    @Test
    void aQuorumThatCannotBeReachedFailsWithEveryFailure() {
        TaskGroupException e;
        try (TaskGroup g = TaskGroup.open(executor(2), GroupPolicy.quorum(2))) {
            g.fork(task(() -> "ok"));
            g.fork(task(() -> {
                throw new Planted("q1");
            }));
            g.fork(task(() -> {
                throw new Planted("q2");
            }));
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
            g.fork(task(() -> 1));
            g.fork(task(() -> 2));
            extra = g.fork(task(() -> {
                blockUntilInterrupted();
                return 3;
            }));
            g.join();
        }
        assertEquals(TaskState.CANCELLED, extra.taskState());
    }

    @Test
    void aTaskJoiningWorkQueuedOnItsOwnBoundedPoolDoesNotDeadlock() throws Exception {
        assumeTrue(allowsBlockingJoinsInTasks(), "needs tasks that join other tasks");
        TaskExecutor ex = executor(1);
        TaskHandle<Integer> outer = ex.submit(task(() -> {
            TaskExecutor own = here();
            int sum = 0;
            try (TaskGroup g = TaskGroup.open(own)) {
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
            return sum + own.submit(() -> 100).join();
        }));
        assertEquals(155, outer.get(PATIENCE));
    }

    @Test
    void aFailureNobodyLookedAtIsLoggedWhenTheGroupCloses() {
        try (LogCapture log = LogCapture.start()) {
            try (TaskGroup g = TaskGroup.open(executor(2), GroupPolicy.collectAll()).named("careless")) {
                g.fork(task(() -> {
                    throw new Planted("unseen failure");
                }));
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
        Probe p = probe();
        TaskHandle<Object> h;
        try (TaskGroup g = TaskGroup.open(executor(2))) {
            h = g.fork(task(() -> {
                p.mark("started");
                try {
                    blockUntilInterrupted();
                } finally {
                    p.mark("exited");
                }
                return null;
            }));
            p.await("started");
        }
        assertEquals(1, p.count("exited"), "close() returned only after the task's code finished");
        assertEquals(TaskState.CANCELLED, h.taskState());
    }

    @Test
    void forkingIntoAClosedGroupIsRefused() {
        TaskGroup g = TaskGroup.open(executor(2));
        g.join();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.fork(task(() -> 1)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
