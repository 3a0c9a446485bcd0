package dev.spindle.testkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import dev.spindle.forkjoin.ForkJoinExecutor;
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
            ForkJoinExecutor fj = (ForkJoinExecutor) ex;
            // a binary tree 20 levels deep whose leaves are at depth 20: 2^20 leaves, every level a TaskGroup
            TaskHandle<Long> root = ex.submit(() -> leaves(ex, fj, 20));
            assertEquals(1L << 20, root.get(Duration.ofSeconds(120)));
            assertTrue(MAX_POOL.get() <= parallelism + 2,
                    "helping joins need no extra threads; saw " + MAX_POOL.get() + " at parallelism " + parallelism);
        }
    }

    private static long leaves(TaskExecutor ex, ForkJoinExecutor fj, int depth) {
        MAX_POOL.accumulateAndGet(fj.poolSize(), Math::max);
        if (depth == 0) {
            return 1;
        }
        try (TaskGroup g = TaskGroup.open(ex)) {
            TaskHandle<Long> left = g.fork(() -> leaves(ex, fj, depth - 1));
            TaskHandle<Long> right = g.fork(() -> leaves(ex, fj, depth - 1));
            g.join();
            return left.join() + right.join();
        }
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
