package dev.spindle.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.DeadlineExceededException;
import dev.spindle.Spindle;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lock types' promises, each as the sentence in its javadoc. */
class MutexTest {

    private final TaskExecutor ex = Spindle.builder("locks").backend("threads").parallelism(4).build();

    @AfterEach
    void close() {
        ex.shutdownNow();
    }

    @Test
    void reacquiringANonReentrantMutexFailsAtOnceInsteadOfHanging() {
        Mutex m = new Mutex("accounts");
        try (Held held = m.acquire()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, m::acquire);
            assertTrue(e.getMessage().contains("accounts") && e.getMessage().contains("ReentrantMutex"), e.getMessage());
        }
        assertFalse(m.isLocked());
    }

    @Test
    void anyThreadMayReleaseAMutexAsWithPythonsLock() throws Exception {
        Mutex m = new Mutex();
        m.lock();
        CompletableFuture.runAsync(m::unlock).get(10, TimeUnit.SECONDS);
        assertFalse(m.isLocked());
        assertThrows(IllegalStateException.class, m::unlock, "releasing an unlocked mutex is an error");
        m.lock();
        m.unlock();
        assertThrows(IllegalStateException.class, m::unlock, "the owner's second release is an error too");
        assertTrue(m.tryAcquire().isPresent(), "and leaves the mutex free for the next owner");
    }

    @Test
    void aTimedAcquireGivesUp() throws Exception {
        Mutex m = new Mutex();
        m.lock();
        CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
            try {
                m.acquire(Duration.ofMillis(20));
                return null;
            } catch (TimeoutException e) {
                return e;
            }
        });
        assertTrue(other.get(10, TimeUnit.SECONDS) instanceof TimeoutException);
        m.unlock();
    }

    @Test
    void aCancelledTaskStopsWaitingAndDoesNotTakeTheLock() throws Exception {
        Mutex m = new Mutex("contended");
        m.lock();
        CountDownLatch waiting = new CountDownLatch(1);
        TaskHandle<Object> waiter = ex.submit(() -> {
            waiting.countDown();
            try (Held held = m.acquire()) {
                return "got it";
            }
        });
        waiting.await(10, TimeUnit.SECONDS);
        while (!m.isLocked() || waiter.taskState() != dev.spindle.TaskState.RUNNING) {
            Thread.onSpinWait();
        }
        waiter.cancel();
        assertThrows(TaskCancelledException.class, waiter::join);
        waiter.toCompletableFuture().handle((v, e) -> null).get(10, TimeUnit.SECONDS);
        m.unlock();
        assertFalse(m.isLocked(), "the cancelled waiter did not leave the mutex taken");
        assertTrue(m.tryAcquire().isPresent());
    }

    @Test
    void aTasksDeadlineLimitsItsWaitForALock() {
        ReentrantMutex m = new ReentrantMutex("slow", false);
        m.lock();
        try {
            TaskHandle<Object> h = ex.submit(() -> {
                try (Held held = m.acquire()) {
                    return null;
                }
            }, TaskOptions.named("impatient").withTimeout(Duration.ofMillis(50)));
            assertThrows(DeadlineExceededException.class, h::join);
        } finally {
            m.unlock();
        }
    }

    @Test
    void aReentrantMutexCountsItsHolds() throws Exception {
        ReentrantMutex m = new ReentrantMutex();
        try (Held a = m.acquire(); Held b = m.acquire()) {
            assertEquals(2, m.holdCount());
            ExecutionException other = assertThrows(ExecutionException.class,
                    () -> CompletableFuture.runAsync(m::unlock).get(10, TimeUnit.SECONDS));
            assertTrue(other.getCause() instanceof IllegalMonitorStateException, "as RLock.release() from another "
                    + "thread raises: " + other.getCause());
            assertEquals(0, CompletableFuture.supplyAsync(m::holdCount).get(10, TimeUnit.SECONDS),
                    "another thread holds it 0 times");
            assertEquals(2, m.holdCount(), "and its failed release took nothing");
        }
        assertEquals(0, m.holdCount());
        assertFalse(m.isLocked());
        assertEquals(7, m.withLock(() -> 7));
    }

    @Test
    void aReaderCannotUpgradeToWriting() throws Exception {
        ReadWriteMutex rw = new ReadWriteMutex("table");
        try (Held r1 = rw.read(); Held r2 = rw.read()) {
            assertEquals(2, rw.readers());
            assertThrows(IllegalStateException.class, rw::write);
        }
        try (Held w = rw.write(); Held r = rw.read()) {
            assertTrue(rw.isWriteLocked());
        }
        assertFalse(rw.isWriteLocked());
    }

    @Test
    void overReleasingABoundedSemaphoreIsAnError() {
        BoundedSemaphore s = new BoundedSemaphore("pool", 2);
        Held h = s.acquire();
        h.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, s::release);
        assertTrue(e.getMessage().contains("pool"), e.getMessage());
        assertEquals(2, s.available());
    }

    @Test
    void anEventLetsEveryWaiterThroughAndWaitsAgainAfterClear() throws Exception {
        Event ev = new Event();
        assertFalse(ev.await(Duration.ofMillis(5)));
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(ev::await);
        ev.set();
        waiter.get(10, TimeUnit.SECONDS);
        assertTrue(ev.await(Duration.ZERO));
        ev.clear();
        assertFalse(ev.await(Duration.ofMillis(5)));
    }

    @Test
    void stripedMutexMapsEqualKeysToTheSameLock() {
        StripedMutex striped = new StripedMutex("users", 16);
        assertTrue(striped.forKey("alice") == striped.forKey(new String("alice")));
        try (Held a = striped.acquire("alice"); Held again = striped.acquire("alice")) {
            assertTrue(striped.forKey("alice").isHeldByCurrentThread());
        }
    }
}
