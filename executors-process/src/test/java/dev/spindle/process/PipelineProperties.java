package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.SerializableTask;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * With several short tasks in flight to each worker (pipelining), a crash fails only the task that was running, a
 * cancellation only its task, and every other task completes: those waiting in the dead worker are sent again.
 */
class PipelineProperties {

    private static TaskExecutor ex;

    @BeforeContainer
    static void start() {
        // pipelineAhead of an hour: tasks go ahead to a busy worker however slow this machine's round trips are
        ex = Pools.pool("pipeline", "workers", "2", "pipeline", "4", "pipelineAhead", "1h");
    }

    /** Measured round trips switch pipelining on. */
    static void warm() {
        SerializableTask<Integer> noop = () -> 0;
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            hs.add(ex.submit(noop));
        }
        hs.forEach(TaskHandle::join);
    }

    @AfterContainer
    static void stop() throws InterruptedException {
        ex.close();
        Pools.assertNoChildrenLeft();
    }

    static SerializableTask<Integer> value(int i) {
        return () -> i;
    }

    @Property(tries = 8)
    void onlyTheCrashingAndTheCancelledTasksFail(@ForAll @IntRange(min = 1, max = 60) int n,
            @ForAll @IntRange(min = 0, max = 59) int crashAt, @ForAll @IntRange(min = -1, max = 59) int cancelAt) {
        warm();
        int crash = crashAt % n;
        int cancel = cancelAt < 0 || cancelAt % n == crash ? -1 : cancelAt % n;
        SerializableTask<Integer> exit = () -> {
            System.exit(9);
            return -1;
        };
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        boolean cancelled = false;
        for (int i = 0; i < n; i++) {
            hs.add(ex.submit(i == crash ? exit : value(i)));
            if (i == cancel) {
                cancelled = hs.get(i).cancel();
            }
        }
        for (int i = 0; i < n; i++) {
            TaskHandle<Integer> h = hs.get(i);
            if (i == crash) {
                TaskFailedException e = assertThrows(TaskFailedException.class, h::join);
                assertEquals(9, assertInstanceOf(WorkerCrashedException.class, e.getCause()).exitCode());
            } else if (i == cancel && cancelled) {
                assertThrows(TaskCancelledException.class, h::join);
                assertEquals(TaskState.CANCELLED, h.taskState());
            } else {
                assertEquals(i, h.join(), "task " + i + " of " + n + " (crash at " + crash + ")");
            }
        }
    }
}
