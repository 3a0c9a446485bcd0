package dev.spindle.testkit.eventloop;

import dev.spindle.eventloop.*;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import dev.spindle.lock.BoundedSemaphore;
import dev.spindle.lock.Held;
import dev.spindle.lock.Mutex;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Regressions for bugs a review found; each test failed before its fix. */
class ReviewRegressionTest {

    @Test
    void aWaiterThatTimesOutLeavesTheLineAndNoPermitOrItemIsLost() throws Exception {
        AsyncSemaphore sem = new AsyncSemaphore("s", 1);
        Held first = sem.acquire().toCompletableFuture().get();
        CompletableFuture<Held> late = sem.acquire().toCompletableFuture().orTimeout(1, TimeUnit.MILLISECONDS);
        assertThrows(Exception.class, () -> late.get(10, TimeUnit.SECONDS));
        first.close();
        assertEquals(1, sem.available(), "the timed-out waiter did not swallow the permit");

        AsyncQueue<String> q = new AsyncQueue<>(1);
        CompletableFuture<String> taker = q.take().toCompletableFuture().orTimeout(1, TimeUnit.MILLISECONDS);
        assertThrows(Exception.class, () -> taker.get(10, TimeUnit.SECONDS));
        q.put("item");
        assertEquals("item", q.poll().orElseThrow(), "the item went to nobody");
    }

    @Test
    void closingAHoldTwiceIsAnErrorAndCannotReleaseTheNextHolder() throws Exception {
        Mutex m = new Mutex("m");
        Held h = m.acquire();
        h.close();
        Held other = m.acquire();
        assertThrows(IllegalStateException.class, h::close);
        assertTrue(m.isLocked(), "the second holder still holds it");
        other.close();
        BoundedSemaphore s = new BoundedSemaphore("s", 1);
        Held p = s.acquire();
        p.close();
        assertThrows(IllegalStateException.class, p::close);
        assertEquals(1, s.available());
    }

    @Test
    void joinAsyncAfterJoinCompletesAndCloseAfterJoinAsyncWaits() throws Exception {
        try (TaskExecutor ex = Spindle.builder("regress").backend("threads").parallelism(2).build()) {
            TaskGroup g = TaskGroup.open(ex);
            g.fork(() -> 1);
            g.join();
            g.joinAsync().toCompletableFuture().get(10, TimeUnit.SECONDS);

            CountDownLatch release = new CountDownLatch(1);
            TaskGroup g2 = TaskGroup.open(ex);
            TaskHandle<Object> slow = g2.fork(() -> {
                release.await(10, TimeUnit.SECONDS);
                return null;
            });
            CompletableFuture<Void> done = g2.joinAsync().toCompletableFuture();
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                release.countDown();
            });
            g2.close();
            assertEquals(TaskState.SUCCEEDED, slow.taskState(), "close() waited for the task, and did not cancel it");
            done.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTimedOutSemaphoreWaitTakesNoPermit() throws Exception {
        BoundedSemaphore s = new BoundedSemaphore("t", 1);
        Held h = s.acquire();
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
            try {
                s.acquire(java.time.Duration.ofMillis(10));
                return true;
            } catch (TimeoutException e) {
                return false;
            }
        });
        assertEquals(false, other.get(10, TimeUnit.SECONDS));
        h.close();
        assertEquals(1, s.available());
    }
}
