package dev.spindle.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Cancellation;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The SPI lets a backend start a thread per task ({@code threadPerTask}); the repository's one such backend uses
 * virtual threads, whose running task {@code Current} keeps in the thread's uncaught-exception handler. A third-party
 * backend may start platform threads instead: its tasks must still be current while they run (their deadline, their
 * cancellation, the groups they open), and its threads must be counted as ending.
 */
class PlatformThreadPerTaskTest {

    /** A platform thread per task, the task as the thread's code and uncaught-exception handler. */
    private static final class PlatformPerTask extends AbstractTaskExecutor {
        final AtomicInteger ended = new AtomicInteger();
        final java.util.Set<Thread> threads = ConcurrentHashMap.newKeySet();

        PlatformPerTask() {
            super("platform-per-task", "test", true);
        }

        @Override
        protected void dispatch(TaskRun<?> run) {
            Thread t = Thread.ofPlatform().name("platform-per-task#" + run.id()).unstarted(run);
            t.setUncaughtExceptionHandler(run);
            threads.add(t);
            t.start();
        }

        @Override
        protected void ownThreadEnding(TaskRun<?> run) {
            ended.incrementAndGet();
        }

        @Override
        public int parallelism() {
            return Integer.MAX_VALUE; // a thread per task
        }

        @Override
        protected void stopMachinery() {
        }

        @Override
        protected void stopMachineryNow() {
        }

        @Override
        protected boolean awaitMachinery(Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            for (Thread t : threads) {
                if (!t.join(Duration.ofNanos(Math.max(1, end - System.nanoTime())))) {
                    return false;
                }
            }
            return true;
        }
    }

    @Test
    void aTaskOnItsOwnPlatformThreadIsCurrentWhileItRuns() throws Exception {
        try (PlatformPerTask executor = new PlatformPerTask()) {
            TaskHandle<Optional<Duration>> deadline = executor.submit(Cancellation::remaining,
                    TaskOptions.DEFAULTS.withTimeout(Duration.ofMinutes(5)));
            Optional<Duration> left = deadline.join();
            assertTrue(left.isPresent(), "the task's own deadline is seen from its code: it is the current task");
            assertTrue(left.get().compareTo(Duration.ofMinutes(4)) > 0, "time left " + left.get());

            // A group opened by the task hangs under it: cancelling the task cancels the group's task through the
            // tree. The task waits without blocking (no interrupt reaches the group through its join), so only the
            // tree can stop the group's task.
            CountDownLatch inGroup = new CountDownLatch(1);
            CountDownLatch innerCancelled = new CountDownLatch(1);
            TaskHandle<Void> outer = executor.submit(() -> {
                try (TaskGroup group = TaskGroup.open(executor)) {
                    group.fork(() -> {
                        inGroup.countDown();
                        try {
                            // longer than the wait below, so only a cancel ends it in time; bounded, so that a
                            // failing run does not keep close() waiting for long
                            Thread.sleep(TimeUnit.SECONDS.toMillis(60));
                        } catch (InterruptedException e) {
                            innerCancelled.countDown();
                        }
                        return null;
                    });
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (innerCancelled.getCount() > 0 && System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                }
                return null;
            });
            assertTrue(inGroup.await(30, TimeUnit.SECONDS), "the group's task started");
            outer.cancel();
            assertTrue(innerCancelled.await(30, TimeUnit.SECONDS),
                    "cancelling the task cancelled the group it opened");
        }
    }

    @Test
    void everyOwnThreadIsCountedAsEndingOnce() throws Exception {
        PlatformPerTask executor = new PlatformPerTask();
        int tasks = 50;
        try (executor) {
            for (int i = 0; i < tasks; i++) {
                executor.submit(() -> Cancellation.isCancelled());
            }
        }
        assertTrue(executor.awaitMachinery(Duration.ofSeconds(30)));
        assertEquals(tasks, executor.ended.get());
    }
}
