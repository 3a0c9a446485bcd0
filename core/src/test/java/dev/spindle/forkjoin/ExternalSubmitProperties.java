package dev.spindle.forkjoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Tasks submitted to a {@code forkjoin} executor from threads outside its pool go through its inbox and a drain task
 * that moves them onto a worker's deque. Whatever the number of submitting threads, their bursts and pauses, and the
 * pool's parallelism: every task runs exactly once and every handle ends (a task left in the inbox would hang its
 * join, bounded here); and with one worker, one thread's tasks run in the order it submitted them.
 */
class ExternalSubmitProperties {

    @Property(tries = 60)
    void everyTaskSubmittedFromOutsideRunsExactlyOnce(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 4) int producers, @ForAll @IntRange(min = 1, max = 2_000) int perProducer,
            @ForAll @IntRange(min = 1, max = 3) int parallelism) {
        Random random = new Random(seed);
        AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
        ConcurrentLinkedQueue<TaskHandle<Integer>> handles = new ConcurrentLinkedQueue<>();
        try (TaskExecutor ex = Spindle.builder("external").backend("forkjoin").parallelism(parallelism).build()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                long producerSeed = random.nextLong();
                threads.add(Thread.ofPlatform().start(() -> {
                    Random r = new Random(producerSeed);
                    awaitQuietly(go);
                    for (int i = 0; i < perProducer; i++) {
                        int id = producer * perProducer + i;
                        int spin = r.nextInt(4) == 0 ? r.nextInt(20_000) : 0; // some tasks take a while
                        handles.add(ex.submit(() -> {
                            runs.incrementAndGet(id);
                            long until = System.nanoTime() + spin;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            return id;
                        }));
                        if (r.nextInt(50) == 0) {
                            Thread.yield(); // a pause: the drain may find the inbox empty and let go
                        }
                    }
                }));
            }
            go.countDown();
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (Thread t : threads) {
                    t.join();
                }
                for (TaskHandle<Integer> h : handles) {
                    h.join();
                }
            }, "a task submitted from outside never ran");
            for (int i = 0; i < runs.length(); i++) {
                assertEquals(1, runs.get(i), "task " + i + " ran " + runs.get(i) + " times");
            }
        }
    }

    @Property(tries = 30)
    void oneWorkerRunsOneThreadsTasksInSubmissionOrder(@ForAll @IntRange(min = 1, max = 3_000) int tasks,
            @ForAll @IntRange(min = 0, max = 3_000) int blockFirstFor) {
        ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
        try (TaskExecutor ex = Spindle.builder("external-order").backend("forkjoin").parallelism(1).build()) {
            List<TaskHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                int id = i;
                int spin = id == 0 ? blockFirstFor * 1_000 : 0; // holds the worker while the others queue up
                hs.add(ex.submit(() -> {
                    long until = System.nanoTime() + spin;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    order.add(id);
                    return id;
                }));
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> hs.forEach(TaskHandle::join));
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                expected.add(i);
            }
            assertEquals(expected, new ArrayList<>(order));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
