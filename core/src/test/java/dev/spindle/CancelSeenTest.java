package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A running task that sees its cancellation ({@link Cancellation#isCancelled()}) and returns normally ends CANCELLED,
 * never SUCCEEDED. (A canceller sets the reason a moment before it moves the task's state; code that looked at the
 * reason could return in that moment and end SUCCEEDED: 57 to 156 of 20,000 cancels did before this was fixed.)
 * Bounded stress loop: 3,000 cancels or 20 seconds.
 */
class CancelSeenTest {

    @ParameterizedTest
    @ValueSource(strings = {"threads", "forkjoin"})
    void codeThatSawItsCancellationEndsCancelled(String backend) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (TaskExecutor ex = Spindle.builder("cancel-seen-" + backend).backend(backend).parallelism(2).build()) {
            for (int i = 0; i < 3_000 && System.nanoTime() < until; i++) {
                CountDownLatch running = new CountDownLatch(1);
                TaskHandle<Boolean> h = ex.submit(() -> {
                    running.countDown();
                    while (!Cancellation.isCancelled()) {
                        Thread.onSpinWait();
                    }
                    return true;
                });
                assertTrue(running.await(30, TimeUnit.SECONDS));
                assertTrue(h.cancel(), "the task was running, so this call cancelled it");
                assertEquals(TaskState.CANCELLED, h.taskState(), "cancel " + i);
                try {
                    h.join();
                } catch (TaskCancelledException expected) {
                    // it returned normally, but it was cancelled: the join says so
                }
                assertEquals(TaskState.CANCELLED, h.taskState(), "cancel " + i + ", after the task's code returned");
            }
        }
    }
}
