package dev.spindle.testkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fork/join backend's promises beyond the shared contract: nested groups by work stealing, compensation. */
class ForkJoinRecursionTest {

    private static final AtomicInteger MAX_POOL = new AtomicInteger();

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void groupsNestedTwentyDeepRunWithoutDeadlockOrThreadExplosion(int parallelism) throws Exception {
        MAX_POOL.set(0);
        try (TaskExecutor ex = Spindle.builder("fj-deep").backend("forkjoin").parallelism(parallelism).build()) {
            // a binary tree 20 levels deep whose leaves are at depth 20: 2^20 leaves, every level a TaskGroup
            TaskHandle<Long> root = ex.submit(() -> leaves(ex, 20));
            Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                while (!root.isDone()) {
                    MAX_POOL.accumulateAndGet(poolThreads(), Math::max); // sampled while the tree runs
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
            });
            assertEquals(1L << 20, root.get(Duration.ofSeconds(120)));
            watcher.join(10_000);
            assertTrue(MAX_POOL.get() <= parallelism + 2,
                    "helping joins need no extra threads; saw " + MAX_POOL.get() + " at parallelism " + parallelism);
        }
    }

    private static long leaves(TaskExecutor ex, int depth) {
        if (depth == 0) {
            return 1;
        }
        try (TaskGroup g = TaskGroup.open(ex)) {
            TaskHandle<Long> left = g.fork(() -> leaves(ex, depth - 1));
            TaskHandle<Long> right = g.fork(() -> leaves(ex, depth - 1));
            g.join();
            return left.join() + right.join();
        }
    }

    /** @return the live threads of the executor named fj-deep (its workers are named spindle-fj-deep-N) */
    private static int poolThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("spindle-fj-deep-") && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aBlockingWaitInsideATaskIsCompensated(int parallelism) throws Exception {
        // every task blocks until all of them run at once: impossible without compensating threads
        int tasks = parallelism + 3;
        CountDownLatch allRunning = new CountDownLatch(tasks);
        try (TaskExecutor ex = Spindle.builder("fj-block").backend("forkjoin").parallelism(parallelism).build()) {
            TaskHandle<Integer> outer = ex.submit(() -> {
                try (TaskGroup g = TaskGroup.open(ex)) {
                    for (int i = 0; i < tasks; i++) {
                        g.fork(() -> {
                            allRunning.countDown();
                            java.util.concurrent.ForkJoinPool.managedBlock(new LatchBlocker(allRunning));
                            return null;
                        });
                    }
                    g.join();
                }
                return tasks;
            });
            assertEquals(tasks, outer.get(Duration.ofSeconds(60)));
        }
    }

    private record LatchBlocker(CountDownLatch latch) implements java.util.concurrent.ForkJoinPool.ManagedBlocker {
        @Override
        public boolean block() throws InterruptedException {
            latch.await(60, TimeUnit.SECONDS);
            return true;
        }

        @Override
        public boolean isReleasable() {
            return latch.getCount() == 0;
        }
    }
}
