package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.TaskState;
import dev.spindle.lock.Event;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CancellationThreadExampleTest {

    @Test
    void theSignalCancelsEveryWorkerAndEachRunsItsCleanup() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Event signal = new Event(); // stands in for Ctrl-C / SIGTERM, which main turns into signal.set()
        AtomicReference<CancellationThreadExample.Outcome> outcome = new AtomicReference<>();
        Thread program = Thread.ofPlatform().name("cancellation-example-test").start(
                () -> outcome.set(CancellationThreadExample.run(new String[] {"--workers", "3"}, out, signal)));

        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!bytes.toString(StandardCharsets.UTF_8).contains("3 workers running")) {
            assertTrue(System.nanoTime() < deadline, "the workers did not start: " + bytes);
            assertTrue(program.isAlive(), "the example ended without a signal: " + bytes);
            Thread.sleep(10);
        }
        signal.set();
        program.join(60_000);
        assertFalse(program.isAlive(), "the example did not stop after the signal: " + bytes);

        CancellationThreadExample.Outcome o = outcome.get();
        assertTrue(o.signalled());
        assertEquals(List.of(TaskState.CANCELLED, TaskState.CANCELLED, TaskState.CANCELLED), o.workers());
        assertEquals(3, o.cleanedUp(), "every worker ran its shielded cleanup to its end");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("stopped cleanly"), bytes.toString());
    }

    @Test
    void withoutASignalTheWorkersFinishAndTheWatcherStops() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CancellationThreadExample.Outcome o = CancellationThreadExample.run(
                new String[] {"--workers", "2", "--steps", "2"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertFalse(o.signalled());
        assertEquals(List.of(TaskState.SUCCEEDED, TaskState.SUCCEEDED), o.workers());
        assertEquals(4, o.steps());
        assertEquals(2, o.cleanedUp());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("cancellation-watcher"))) {
            assertTrue(System.nanoTime() < deadline, "the watcher thread outlived the example");
            Thread.sleep(10);
        }
    }
}
