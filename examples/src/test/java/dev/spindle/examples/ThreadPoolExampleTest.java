package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadPoolExampleTest {

    @Test
    void submitResultMapTimeoutAndFailureBehaveLikeTheirPythonCounterparts() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ThreadPoolExample.Outcome o = ThreadPoolExample.run(5, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertEquals(List.of(0, 1, 4, 9, 16), o.squares(), "results come back in submission order");
        assertEquals(List.of(3, 5, 5, 3, 5), o.lengths(), "map keeps item order");
        assertInstanceOf(NumberFormatException.class, o.failure().getCause(), "join rethrows the task's exception");
        assertTrue(o.timedOut(), "get(timeout) gives up waiting");
        assertEquals(TaskState.CANCELLED, o.slowTaskState(), "cancel() after the timeout stops the slow task");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("squares:  [0, 1, 4, 9, 16]"));
    }
}
