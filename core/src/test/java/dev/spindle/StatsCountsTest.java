package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The executor's counts are exact whether a task was submitted from outside or forked by a task on one of the pool's
 * own threads (which count in per-thread slots instead of the shared counters), and while tasks still run.
 */
class StatsCountsTest {

    @ParameterizedTest
    @ValueSource(strings = {"inline", "threads", "forkjoin"})
    void countsTasksForkedByTasksAndFromOutside(String backend) {
        int outer = 20;
        int inner = 15;
        ExecutorBuilder b = Spindle.builder("counts-" + backend).backend(backend);
        TaskExecutor ex = backend.equals("inline") ? b.build() : b.parallelism(2).build();
        try (ex) {
            List<TaskHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < outer; i++) {
                hs.add(ex.submit(() -> {
                    try (TaskGroup g = TaskGroup.open(ex)) {
                        List<TaskHandle<Integer>> parts = new ArrayList<>();
                        for (int j = 0; j < inner; j++) {
                            int k = j;
                            parts.add(g.fork(() -> {
                                if (k == 0) {
                                    throw new IllegalStateException("planted");
                                }
                                return 1;
                            }));
                        }
                        try {
                            g.join();
                        } catch (TaskGroupException expected) {
                            // the planted failure cancels some siblings: every task still counts once
                        }
                        return parts.size();
                    }
                }));
            }
            for (TaskHandle<Integer> h : hs) {
                assertEquals(inner, h.join());
            }
        }
        // after close(): every task has gone. Before it, a task of a group may still be finishing its exit on a
        // worker when the group's join (and so its parent) has returned: its group is told of its exit just before
        // the executor counts it as gone
        ExecutorStats s = ex.stats();
        assertEquals(outer * (1 + inner), s.submitted(), s.toString());
        assertEquals(outer * (1 + inner), s.succeeded() + s.failed() + s.cancelled(), s.toString());
        assertEquals(outer, s.failed(), s.toString());
        assertEquals(0, s.queued(), s.toString());
        assertEquals(0, s.running(), s.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "forkjoin"})
    void countsRunningAndQueuedTasksWhileTheyRun(String backend) throws InterruptedException {
        try (TaskExecutor ex = Spindle.builder("running-" + backend).backend(backend).parallelism(2).build()) {
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<TaskHandle<Object>> hs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                hs.add(ex.submit(() -> {
                    started.countDown();
                    release.await();
                    return null;
                }));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "two tasks started on the two threads");
            ExecutorStats s = ex.stats();
            assertEquals(5, s.submitted(), s.toString());
            assertEquals(2, s.running(), s.toString());
            assertEquals(3, s.queued(), s.toString());
            release.countDown();
            hs.forEach(TaskHandle::join);
            s = ex.stats();
            assertEquals(5, s.succeeded(), s.toString());
            assertEquals(0, s.running(), s.toString());
        }
    }
}
