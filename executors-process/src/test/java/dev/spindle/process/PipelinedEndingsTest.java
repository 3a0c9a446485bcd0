package dev.spindle.process;

import static dev.spindle.process.Pools.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.SerializableTask;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import dev.spindle.spi.AbstractTaskExecutor;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every task ends, however its worker's reply goes wrong: tasks sent ahead to a busy worker when the pool is shut down,
 * and a reply the parent cannot read because a class fails to load here.
 */
@Timeout(90)
class PipelinedEndingsTest {

    private static final String POISON = "spindle.test.poisonedInParent";

    @AfterEach
    void noChildLeftBehind() throws InterruptedException {
        System.clearProperty(POISON);
        Pools.assertNoChildrenLeft();
    }

    @Test
    void shutdownNowEndsTasksSentAheadToABusyWorker() throws Exception {
        // pipelineAhead of an hour: once a round trip is measured, tasks go ahead to the busy worker however slow
        // this machine is (at the default 1 ms, a loaded machine may measure its no-op round trips above that)
        TaskExecutor ex = pool("ahead-now", "workers", "1", "pipeline", "4", "pipelineAhead", "1h", "cancelGrace",
                "60s");
        SerializableTask<Integer> noop = () -> 1;
        ex.submit(noop).join(); // one measured round trip
        SerializableTask<Object> sleeper = () -> {
            Thread.sleep(60_000);
            return null;
        };
        List<TaskHandle<Object>> hs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hs.add(ex.submit(sleeper));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long sent;
        do { // each was sent by its submit's pump, or by a pump running on another thread just then
            Thread.sleep(5);
            sent = hs.stream().filter(h -> h.taskState() == TaskState.RUNNING).count();
        } while (sent < hs.size() && System.nanoTime() < deadline);
        try {
            assertEquals(4, sent, "every task was sent ahead to the busy worker");
        } finally {
            ex.shutdownNow();
        }
        assertTrue(((AbstractTaskExecutor) ex).awaitTermination(Duration.ofSeconds(30)),
                "every task ended after shutdownNow, the ones sent ahead included");
        for (TaskHandle<Object> h : hs) {
            assertEquals(TaskState.CANCELLED, h.taskState());
        }
    }

    @Test
    void shutdownNowKillsAWorkerBeingReplacedThatStillRunsATask() throws Exception {
        TaskExecutor ex = pool("retiring-now", "workers", "1", "maxTasksPerWorker", "1", "cancelGrace", "60s");
        SerializableTask<Object> stubborn = () -> {
            for (;;) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ignored) {
                    // ignores its cancellation: only the end of its worker stops it
                }
            }
        };
        TaskHandle<Object> first = ex.submit(stubborn);
        TaskHandle<Object> second = ex.submit(stubborn); // its worker replaces the first's, which still runs
        try {
            Pools.awaitRunning(first, second);
        } catch (AssertionError e) {
            ex.shutdownNow();
            throw e;
        }
        long t0 = System.nanoTime();
        ex.shutdownNow();
        assertTrue(((AbstractTaskExecutor) ex).awaitTermination(Duration.ofSeconds(30)), "every task ended");
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(),
                "no cancelGrace waited: both workers were killed, the one being replaced included");
        assertEquals(TaskState.CANCELLED, first.taskState());
        assertEquals(TaskState.CANCELLED, second.taskState());
    }

    /** Loads in a worker; fails to initialize in the parent, where the test sets {@link #POISON}. */
    static final class PoisonedInParent implements Serializable {
        private static final long serialVersionUID = 1L;

        static {
            if (Boolean.getBoolean(POISON)) {
                throw new IllegalStateException("this class cannot be initialized in the parent");
            }
        }
    }

    @Test
    void aResultWhoseClassFailsToLoadHereFailsItsTaskAndThePoolGoesOn() {
        System.setProperty(POISON, "true");
        try (TaskExecutor ex = pool("poisoned-result", "workers", "1")) {
            SerializableTask<Object> t = () -> new PoisonedInParent();
            TaskHandle<Object> h = ex.submit(t);
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> h.get(Duration.ofSeconds(30)),
                    "the task ends (it failed), it does not hang");
            IOException cause = assertInstanceOf(IOException.class, e.getCause());
            assertTrue(cause.getMessage().contains("its result could not be read here"), cause.getMessage());
            assertInstanceOf(ExceptionInInitializerError.class, cause.getCause());
            SerializableTask<Integer> next = () -> 42;
            assertEquals(42, ex.submit(next).join(), "the worker and the pool live on");
        }
    }
}
