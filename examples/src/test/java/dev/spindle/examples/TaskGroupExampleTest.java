package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskGroupExampleTest {

    private static final Duration SLOW = Duration.ofSeconds(60);

    @Test
    void joinFailsFastCancelsTheSiblingAndTheTimeoutCancelsTheRest() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TaskGroupExample.Outcome o = TaskGroupExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), SLOW,
                Duration.ofMillis(100));

        assertEquals(List.of("A", "B", "C"), o.fetched());

        assertNotNull(o.failFast(), "join() throws when a task failed");
        assertInstanceOf(IllegalArgumentException.class, o.failFast().getCause(), "the first failure is the cause");
        assertEquals(TaskState.CANCELLED, o.cancelledSibling(), "the failure cancels the slow sibling");
        // ordering rather than timing: the group ended long before the sibling's own 60 s could have
        assertTrue(o.failFastTook().compareTo(SLOW.dividedBy(2)) < 0, "took " + o.failFastTook());

        assertNotNull(o.timeout(), "join() throws GroupTimeoutException when the group's time is up");
        assertEquals(List.of(TaskState.CANCELLED, TaskState.CANCELLED), o.afterTimeout());
    }
}
