package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.spindle.DeadlineExceededException;
import dev.spindle.GroupTimeoutException;
import dev.spindle.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AsyncioExampleTest {

    @Test
    void runCreateTaskGatherTaskGroupTimeoutsAndToThreadBehaveLikeAsyncio() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AsyncioExample.Outcome o = AsyncioExample.run(new String[] {"3"}, new PrintStream(bytes, true,
                StandardCharsets.UTF_8));

        assertEquals("hello from the loop", o.hello(), "EventLoop.run returns main's result");
        assertEquals("A", o.created());
        assertEquals(List.of("K0", "K1", "K2"), o.gathered(), "gather keeps argument order");
        assertEquals(21, o.groupTotal(), "the group's tasks all ran before joinAsync completed");
        assertInstanceOf(DeadlineExceededException.class, o.taskTimeout(), "a task timeout cancels the task");
        assertInstanceOf(GroupTimeoutException.class, o.groupTimeout(), "a group timeout fails the group");
        assertEquals(List.of(TaskState.CANCELLED, TaskState.CANCELLED, TaskState.CANCELLED), o.afterGroupTimeout(),
                "and cancels its tasks");
        assertEquals("read on a virtual thread", o.toThread());
    }
}
