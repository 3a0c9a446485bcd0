package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.spi.TaskRun;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Nodes opened on executor A inside a task of executor B are linked from A's root so that A's shutdown reaches them
 * (see CrossExecutorShutdownTest); that link must never keep them alive once nobody uses them, however they end:
 * a group closed on an event loop (which cannot wait for its tasks), a stream abandoned after findFirst, a stream
 * whose source fails (whose tasks in flight must then be cancelled, not left running).
 */
class CrossExecutorNodesTest {

    @Test
    void aGroupClosedOnAnEventLoopWithoutJoinIsNotKeptByTheOtherExecutor() {
        try (TaskExecutor a = Spindle.builder("nodes-a1").backend("threads").parallelism(1).build();
                TaskExecutor loop = Spindle.builder("nodes-loop").backend("eventloop").build()) {
            AtomicReference<WeakReference<TaskGroup>> group = new AtomicReference<>();
            AtomicReference<TaskHandle<String>> forked = new AtomicReference<>();
            loop.submit(() -> {
                TaskGroup g = TaskGroup.open(a);
                forked.set(g.fork(() -> "x"));
                g.close(); // cannot wait on the loop's thread
                group.set(new WeakReference<>(g));
                return null;
            }).join();
            try {
                forked.getAndSet(null).join(); // it has ended, one way or the other
            } catch (TaskCancelledException expected) {
                // closed before join: cancelled if it had not run yet
            }
            assertCollected(group.get(), "the group closed on the event loop");
        }
    }

    @Test
    void aStreamAbandonedAfterFindFirstIsNotKeptByTheOtherExecutor() {
        try (TaskExecutor a = Spindle.builder("nodes-a2").backend("threads").parallelism(2).build();
                TaskExecutor b = Spindle.builder("nodes-b2").backend("threads").parallelism(1).build()) {
            AtomicReference<WeakReference<Object>> node = new AtomicReference<>();
            Optional<Integer> first = b.submit(() -> a.mapStreaming(x -> {
                node.compareAndSet(null, new WeakReference<>(TaskRun.current().parent()));
                return x;
            }, List.of(1, 2, 3, 4, 5, 6, 7, 8), MapOptions.ordered()).findFirst()).join(); // never closed
            assertEquals(Optional.of(1), first);
            a.close(); // every task of the stream has ended
            assertCollected(node.get(), "the abandoned stream's node");
        }
    }

    @Test
    void aStreamWhoseSourceFailsCancelsWhatItStartedAndIsNotKept() throws Exception {
        TaskExecutor a = Spindle.builder("nodes-a3").backend("threads").parallelism(2).build();
        try (TaskExecutor b = Spindle.builder("nodes-b3").backend("threads").parallelism(1).build()) {
            CountDownLatch interrupted = new CountDownLatch(2);
            CountDownLatch running = new CountDownLatch(2);
            AtomicReference<WeakReference<Object>> node = new AtomicReference<>();
            Iterable<Integer> failing = () -> new Iterator<>() {
                private int n;

                @Override
                public boolean hasNext() {
                    if (n == 2) {
                        try {
                            running.await(10, TimeUnit.SECONDS); // fail once both tasks run
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new IllegalStateException("expected by the test: the source failed");
                    }
                    return true;
                }

                @Override
                public Integer next() {
                    return n++;
                }
            };
            TaskHandle<List<Integer>> outer = b.submit(() -> a.mapStreaming(x -> {
                node.compareAndSet(null, new WeakReference<>(TaskRun.current().parent()));
                running.countDown();
                try {
                    new CountDownLatch(1).await(); // until cancelled
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                return x;
            }, failing, MapOptions.ordered().withMaxInFlight(4)).toList());
            TaskFailedException e = assertThrows(TaskFailedException.class, outer::join);
            assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
            assertTrue(interrupted.await(10, TimeUnit.SECONDS),
                    "the stream's tasks in flight were not cancelled when its source failed");
            a.close();
            assertCollected(node.get(), "the failed stream's node");
        } finally {
            a.shutdownNow(); // if the tasks were left running, close() would wait for them for ever
        }
    }

    private static void assertCollected(WeakReference<?> ref, String what) {
        for (int i = 0; i < 10 && ref.get() != null; i++) {
            System.gc(); // a full collection clears the reference once nothing holds the object
        }
        assertNull(ref.get(), what + " is still reachable");
    }
}
