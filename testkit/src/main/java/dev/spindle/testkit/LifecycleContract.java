package dev.spindle.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.ExecutorStats;
import dev.spindle.MapOptions;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What an executor promises on every backend: close, shutdownNow, map, mapStreaming, stats. */
public abstract class LifecycleContract extends BackendFixture {

    @Test
    void closeWaitsForEveryAcceptedTask() {
        TaskExecutor ex = executor(2);
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            ex.submit(() -> {
                Thread.sleep(1);
                return done.incrementAndGet();
            });
        }
        ex.close();
        assertEquals(50, done.get());
    }

    @Test
    void submittingAfterCloseIsRejectedWithTheExecutorsName() {
        TaskExecutor ex = executor(2);
        ex.close();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> ex.submit(() -> 1));
        assertTrue(e.getMessage().contains(ex.name()), e.getMessage());
    }

    @Test
    void shutdownNowCancelsRunningAndPendingTasksAndReturnsWithoutWaiting() {
        assumeTrue(interruptsRunningTasks(), "needs a blocked task to be interrupted");
        assumeFalse(runsOnCallerThread(), "nothing runs in the background on this backend");
        TaskExecutor ex = executor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch exited = new CountDownLatch(1);
        TaskHandle<Object> running = ex.submit(() -> {
            started.countDown();
            try {
                blockUntilInterrupted();
            } finally {
                exited.countDown();
            }
            return null;
        });
        TaskHandle<Object> pending = ex.submit(() -> "never");
        await(started, "start");
        ex.shutdownNow();
        assertEquals(TaskState.CANCELLED, running.taskState());
        assertEquals(TaskState.CANCELLED, pending.taskState());
        await(exited, "the running task to be interrupted");
        assertThrows(RejectedExecutionException.class, () -> ex.submit(() -> 1));
    }

    @Test
    void mapReturnsResultsInItemOrder() {
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        List<Integer> squares = executor(2).map(i -> i * i, items);
        assertEquals(items.stream().map(i -> i * i).toList(), squares);
        assertEquals(List.of(), executor(2).map(i -> i, List.<Integer>of()));
    }

    @Test
    void aMapFailureNamesTheItemsIndex() {
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> executor(2).map(i -> {
            if (i == 137) {
                throw new IllegalStateException("bad item");
            }
            return i;
        }, items));
        assertEquals(137, e.itemIndex());
        assertTrue(e.getMessage().contains("137"), e.getMessage());
        assertEquals("bad item", e.getCause().getMessage());
    }

    @Test
    void mapStreamingOrderedAndUnorderedDeliverEveryResult() {
        List<Integer> items = IntStream.range(0, 300).boxed().toList();
        try (Stream<Integer> s = executor(2).mapStreaming(i -> i + 1, items, MapOptions.ordered().withMaxInFlight(8))) {
            assertEquals(items.stream().map(i -> i + 1).toList(), s.toList());
        }
        try (Stream<Integer> s = executor(2).mapStreaming(i -> i + 1, items, MapOptions.unordered())) {
            assertEquals(items.stream().map(i -> i + 1).collect(Collectors.toSet()), s.collect(Collectors.toSet()));
        }
    }

    @Test
    void mapStreamingReadsAnEndlessInputLazily() {
        Iterable<Integer> naturals = () -> Stream.iterate(0, i -> i + 1).iterator();
        try (Stream<Integer> s = executor(2).mapStreaming(i -> i * 2, naturals, MapOptions.ordered())) {
            assertEquals(List.of(0, 2, 4, 6, 8), s.limit(5).toList());
        }
    }

    @Test
    void aMapStreamingFailureNamesTheItemsIndex() {
        List<Integer> items = IntStream.range(0, 50).boxed().toList();
        try (Stream<Integer> s = executor(2).mapStreaming(i -> {
            if (i == 17) {
                throw new IllegalArgumentException("17 is unlucky");
            }
            return i;
        }, items, MapOptions.ordered())) {
            TaskFailedException e = assertThrows(TaskFailedException.class, s::toList);
            assertEquals(17, e.itemIndex());
        }
    }

    @Test
    void statsCountOutcomes() {
        TaskExecutor ex = executor(2);
        List<TaskHandle<?>> hs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            hs.add(ex.submit(() -> 1));
        }
        for (int i = 0; i < 3; i++) {
            hs.add(ex.submit(() -> {
                throw new IllegalStateException("x");
            }));
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
            ex.submit(() -> {
                throw new IllegalStateException("forgotten failure");
            });
            ex.close();
            assertTrue(log.text().contains("forgotten failure"), "logged:\n" + log.text());
        }
    }

    @Test
    void executeRunsARunnable() {
        TaskExecutor ex = executor(2);
        AtomicInteger ran = new AtomicInteger();
        ex.execute(ran::incrementAndGet);
        ex.close();
        assertEquals(1, ran.get());
        assertSame(ex.backend(), ex.backend());
    }
}
