package dev.spindle.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.ExecutorStats;
import dev.spindle.MapOptions;
import dev.spindle.SerializableFunction;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What an executor promises on every backend: close, shutdownNow, map, mapStreaming, stats. */
public abstract class LifecycleContract extends BackendFixture {

    @Test
    void closeWaitsForEveryAcceptedTask() {
        TaskExecutor ex = executor(2);
        Probe p = probe();
        for (int i = 0; i < 50; i++) {
            ex.submit(task(() -> {
                Thread.sleep(1);
                p.mark("done");
                return null;
            }));
        }
        ex.close();
        assertEquals(50, p.count("done"));
    }

    @Test
    void submittingAfterCloseIsRejectedWithTheExecutorsName() {
        TaskExecutor ex = executor(2);
        ex.close();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> ex.submit(task(() -> 1)));
        assertTrue(e.getMessage().contains(ex.name()), e.getMessage());
    }

    @Test
    void shutdownNowCancelsRunningAndPendingTasksAndReturnsWithoutWaiting() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "nothing runs in the background on this backend");
        TaskExecutor ex = executor(1);
        Probe p = probe();
        TaskHandle<Object> running = ex.submit(task(() -> {
            p.mark("started");
            try {
                blockUntilInterrupted();
            } finally {
                p.mark("exited");
            }
            return null;
        }));
        TaskHandle<Object> pending = ex.submit(task(() -> "never"));
        p.await("started");
        ex.shutdownNow();
        assertEquals(TaskState.CANCELLED, running.taskState());
        assertEquals(TaskState.CANCELLED, pending.taskState());
        awaitStopped(p, "started", "exited"); // interrupted, or its worker process killed
        assertThrows(RejectedExecutionException.class, () -> ex.submit(task(() -> 1)));
    }

    /**
     * A group opened on this executor inside a task of another executor hangs under that task, not under this
     * executor's root; {@code shutdownNow()} must still cancel its task here: not drop it (its group's join would then
     * wait for ever) and not run it after the shutdown.
     */
    @Test
    void shutdownNowReachesATaskForkedHereFromAnotherExecutorsTask() {
        assumeTrue(interruptsRunningTasks(), "needs the task holding the executor to be interrupted");
        assumeFalse(runsOnCallerThread(), "the fork would run at once on the caller's thread");
        TaskExecutor ex = executor(1);
        Probe p = probe();
        ex.submit(task(() -> {
            p.mark("holding");
            blockUntilInterrupted(); // keeps the fork below pending
            return null;
        }));
        p.await("holding");
        java.util.concurrent.atomic.AtomicReference<TaskHandle<String>> forked =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (TaskExecutor other = dev.spindle.Spindle.builder("contract-other").backend("threads").parallelism(1)
                .build()) {
            TaskHandle<String> outer = other.submit(() -> {
                try (dev.spindle.TaskGroup g = dev.spindle.TaskGroup.open(ex)) {
                    forked.set(g.fork(task(() -> {
                        p.mark("ran");
                        return "ran";
                    })));
                    p.mark("forked");
                    g.join();
                    return forked.get().join();
                }
            });
            p.await("forked");
            ex.shutdownNow();
            TaskCancelledException e = assertThrows(TaskCancelledException.class, () -> outer.get(PATIENCE),
                    "the other executor's task must end cancelled, not hang (TimeoutException) or succeed");
            assertTrue(e.getMessage().contains("'" + ex.name() + "' was shut down"), e.getMessage());
            assertEquals(TaskState.CANCELLED, forked.get().taskState());
            assertEquals(0, p.count("ran"), "the task ran after its executor was shut down");
        }
    }

    @Test
    void mapReturnsResultsInItemOrder() {
        assumeTrue(runsMap(), "map is not available on this backend yet");
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        List<Integer> squares = executor(2).map(fn(i -> i * i), items);
        assertEquals(items.stream().map(i -> i * i).toList(), squares);
        assertEquals(List.of(), executor(2).map(fn(i -> i), List.<Integer>of()));
    }

    @Test
    void aMapFailureNamesTheItemsIndex() {
        assumeTrue(runsMap(), "map is not available on this backend yet");
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> executor(2).map(fn(i -> {
            if (i == 137) {
                throw new IllegalStateException("bad item");
            }
            return i;
        }), items));
        assertEquals(137, e.itemIndex());
        assertTrue(e.getMessage().contains("137"), e.getMessage());
        assertEquals("bad item", e.getCause().getMessage());
    }

    @Test
    void mapStreamingOrderedAndUnorderedDeliverEveryResult() {
        assumeTrue(runsMap(), "map is not available on this backend yet");
        List<Integer> items = IntStream.range(0, 300).boxed().toList();
        try (Stream<Integer> s = executor(2).mapStreaming(fn(i -> i + 1), items,
                MapOptions.ordered().withMaxInFlight(8))) {
            assertEquals(items.stream().map(i -> i + 1).toList(), s.toList());
        }
        try (Stream<Integer> s = executor(2).mapStreaming(fn(i -> i + 1), items, MapOptions.unordered())) {
            assertEquals(items.stream().map(i -> i + 1).collect(Collectors.toSet()), s.collect(Collectors.toSet()));
        }
    }

    @Test
    void mapStreamingReadsAnEndlessInputLazily() {
        assumeTrue(runsMap(), "map is not available on this backend yet");
        Iterable<Integer> naturals = () -> Stream.iterate(0, i -> i + 1).iterator();
        try (Stream<Integer> s = executor(2).mapStreaming(fn(i -> i * 2), naturals, MapOptions.ordered())) {
            assertEquals(List.of(0, 2, 4, 6, 8), s.limit(5).toList());
        }
    }

    @Test
    void aMapStreamingFailureNamesTheItemsIndex() {
        assumeTrue(runsMap(), "map is not available on this backend yet");
        List<Integer> items = IntStream.range(0, 50).boxed().toList();
        try (Stream<Integer> s = executor(2).mapStreaming(fn(i -> {
            if (i == 17) {
                throw new IllegalArgumentException("17 is unlucky");
            }
            return i;
        }), items, MapOptions.ordered())) {
            TaskFailedException e = assertThrows(TaskFailedException.class, s::toList);
            assertEquals(17, e.itemIndex());
        }
    }

    /**
     * Types a lambda as a {@link SerializableFunction}, so that it can run on a backend whose tasks cross processes.
     *
     * @param f the function; it must capture only serializable values
     * @return {@code f}
     */
    static <T, R> SerializableFunction<T, R> fn(SerializableFunction<T, R> f) {
        return f;
    }

    @Test
    void statsCountOutcomes() {
        TaskExecutor ex = executor(2);
        List<TaskHandle<?>> hs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            hs.add(ex.submit(task(() -> 1)));
        }
        for (int i = 0; i < 3; i++) {
            hs.add(ex.submit(task(() -> {
                throw new IllegalStateException("x");
            })));
        }
        for (TaskHandle<?> h : hs) {
            try {
                h.join();
            } catch (TaskFailedException | TaskCancelledException expected) {
                // counted below
            }
        }
        ex.close();
        ExecutorStats s = ex.stats();
        assertEquals(10, s.submitted());
        assertEquals(7, s.succeeded());
        assertEquals(3, s.failed());
        assertEquals(0, s.queued());
        assertEquals(0, s.running());
    }

    @Test
    void aFailureNobodyJoinedIsLoggedWhenTheExecutorCloses() {
        TaskExecutor ex = executor(2);
        try (LogCapture log = LogCapture.start()) {
            ex.submit(task(() -> {
                throw new IllegalStateException("forgotten failure");
            }));
            ex.close();
            assertTrue(log.text().contains("forgotten failure"), "logged:\n" + log.text());
        }
    }

    @Test
    void executeRunsARunnable() {
        TaskExecutor ex = executor(2);
        Probe p = probe();
        ex.execute(runnable(() -> p.mark("ran")));
        ex.close();
        assertEquals(1, p.count("ran"));
        assertSame(ex.backend(), ex.backend());
    }
}
