package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A task may see its group's deadline before the group's timer does: a wait that honours the deadline, or (on the
 * process backend) a child JVM's own clock, ends the task cancelled by the deadline while the timer has not fired
 * yet. Whichever comes first, the group's join must report its timeout.
 */
class GroupDeadlineTest {

    @Test
    void aTaskThatSeesTheGroupDeadlineFirstStillMakesTheJoinReportTheTimeout() {
        try (TaskExecutor ex = Spindle.builder("deadline").backend("threads").parallelism(2).build()) {
            for (int round = 0; round < 20; round++) {
                TaskGroup g = TaskGroup.open(ex).withTimeout(Duration.ofMillis(15));
                TaskHandle<Object> h;
                try (g) {
                    h = g.fork(() -> {
                        // watch the inherited deadline, and give up the moment it has passed, racing the timer
                        while (Cancellation.remaining().orElseThrow().compareTo(Duration.ZERO) > 0) {
                            Thread.onSpinWait();
                        }
                        throw new DeadlineExceededException("saw the group's deadline pass");
                    });
                    GroupTimeoutException e = assertThrows(GroupTimeoutException.class, g::join, "round " + round);
                    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
                }
                assertEquals(TaskState.CANCELLED, h.taskState());
                assertTrue(g.isCancelled());
            }
        }
    }
}
