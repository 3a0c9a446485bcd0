package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PoolExampleTest {

    @Test
    void applyAsyncMapImapCloseAndTerminateBehaveLikeThePool() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PoolExample.Outcome o = PoolExample.run(new String[] {"20"}, new PrintStream(bytes, true,
                StandardCharsets.UTF_8));

        assertEquals(49, o.applied(), "apply_async(square, 7).get()");
        assertEquals(IntStream.range(0, 20).map(i -> i * i).boxed().toList(), o.squares(), "map keeps item order");
        assertTrue(o.mapTasks() >= 1 && o.mapTasks() < 20, "map sends items in chunks: " + o.mapTasks() + " tasks");
        assertEquals(List.of(0, 1, 4, 9, 16), o.firstOfEndless(), "imap over an endless input stops when asked");

        List<Integer> sorted = new java.util.ArrayList<>(o.unordered());
        Collections.sort(sorted);
        assertEquals(List.of(10, 20, 30, 40), sorted, "imap_unordered returns every result once, in any order");

        assertEquals(List.of(TaskState.SUCCEEDED, TaskState.SUCCEEDED, TaskState.SUCCEEDED, TaskState.SUCCEEDED),
                o.afterClose(), "close() waits for the accepted tasks");
        assertTrue(o.rejectedAfterClose(), "a closed pool accepts no more work");

        assertEquals(6, o.afterTerminate().size());
        assertTrue(o.afterTerminate().stream().allMatch(s -> s == TaskState.CANCELLED), o.afterTerminate().toString());
        // ordering rather than timing: the tasks sleep for a minute; shutdownNow does not wait for them
        assertTrue(o.terminateTook().compareTo(Duration.ofSeconds(30)) < 0, "took " + o.terminateTook());
    }
}
