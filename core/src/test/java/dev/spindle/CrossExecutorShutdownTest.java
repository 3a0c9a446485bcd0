package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code shutdownNow()} cancels everything an executor accepted, including tasks filed under another executor's tree:
 * a group opened on executor A inside a task of executor B hangs under B's task, not under A's root. Before, such a
 * task queued on A was dropped by a {@code forkjoin} pool's shutdown, never ran and never ended, and the group's join
 * in B's task waited for ever; on {@code threads} it ran after the shutdown.
 */
class CrossExecutorShutdownTest {

    @ParameterizedTest
    @ValueSource(strings = {"threads", "forkjoin"})
    void shutdownNowCancelsATaskForkedFromAnotherExecutorsTask(String backend) throws Exception {
        try (Pair p = new Pair(backend)) {
            AtomicBoolean ran = new AtomicBoolean();
            AtomicReference<TaskHandle<String>> inner = new AtomicReference<>();
            CountDownLatch forked = new CountDownLatch(1);
            TaskHandle<String> outer = p.b.submit(() -> {
                try (TaskGroup g = TaskGroup.open(p.a)) {
                    inner.set(g.fork(() -> {
                        ran.set(true);
                        return "ran";
                    }));
                    forked.countDown();
                    g.join();
                    return inner.get().join();
                }
            });
            assertTrue(forked.await(10, TimeUnit.SECONDS));
            p.a.shutdownNow();
            TaskCancelledException e = assertThrows(TaskCancelledException.class, () -> outer.get(Duration.ofSeconds(10)),
                    "the outer task must end cancelled, not hang (TimeoutException) or succeed");
            assertTrue(e.getMessage().contains("'" + p.a.name() + "' was shut down"), e.getMessage());
            assertEquals(TaskState.CANCELLED, inner.get().taskState());
            assertFalse(ran.get(), "the task ran after its executor was shut down");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "forkjoin"})
    void shutdownNowCancelsAStreamingMapRunFromAnotherExecutorsTask(String backend) throws Exception {
        try (Pair p = new Pair(backend)) {
            CountDownLatch started = new CountDownLatch(1);
            TaskHandle<List<Integer>> outer = p.b.submit(() -> {
                try (var results = p.a.mapStreaming(x -> x * 2, List.of(1, 2, 3), MapOptions.ordered())) {
                    started.countDown();
                    return results.toList();
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            p.a.shutdownNow();
            // the items in flight are cancelled, and the stream's next submission is refused: either ends it
            RuntimeException e = assertThrows(RuntimeException.class, () -> outer.get(Duration.ofSeconds(10)),
                    "the outer task must end, not hang (TimeoutException) or succeed");
            String all = e + " / " + e.getCause();
            assertTrue((e instanceof TaskCancelledException || e instanceof TaskFailedException)
                    && all.contains("'" + p.a.name() + "'") && all.contains("shut down"), all);
        }
    }

    /** Executor A of the backend under test, with its only thread held by a task; executor B on threads. */
    private static final class Pair implements AutoCloseable {
        final TaskExecutor a;
        final TaskExecutor b;
        private final CountDownLatch release = new CountDownLatch(1);

        Pair(String backend) throws InterruptedException {
            a = Spindle.builder("cross-a-" + backend).backend(backend).parallelism(1).build();
            b = Spindle.builder("cross-b-" + backend).backend("threads").parallelism(1).build();
            CountDownLatch holding = new CountDownLatch(1);
            a.submit(() -> {
                holding.countDown();
                release.await(); // interrupted by the shutdown
                return null;
            });
            assertTrue(holding.await(10, TimeUnit.SECONDS));
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            a.shutdownNow();
            b.shutdownNow(); // ends a task still waiting on A (as one did before the fix), so no test hangs here
            b.close();
        }
    }
}
