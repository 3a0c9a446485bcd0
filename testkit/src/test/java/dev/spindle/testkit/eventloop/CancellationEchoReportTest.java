package dev.spindle.testkit.eventloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.TaskState;
import dev.spindle.eventloop.EventLoop;
import dev.spindle.testkit.LogCapture;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task nobody joined is reported at close when its code threw something after it was cancelled, but not when what
 * it ended with is the cancellation's own echo: a WARN a user cannot act on teaches them to ignore the real ones.
 */
@Timeout(30)
class CancellationEchoReportTest {

    private static final String REPORT = "threw after it was cancelled and nobody joined it";

    @Test
    void aCancelledAsyncTaskWhoseStageEndsCancelledIsNotReported() {
        TaskHandle<Object> h;
        try (LogCapture log = LogCapture.start()) {
            EventLoop loop = EventLoop.create("echo-async");
            h = loop.submitAsync(() -> loop.sleep(Duration.ofSeconds(20)).thenApply(v -> null),
                    TaskOptions.named("sleeper").withTimeout(Duration.ofMillis(20))); // asyncio.timeout: cancels it
            while (!h.isDone()) {
                Thread.onSpinWait();
            }
            loop.close();
            assertEquals(TaskState.CANCELLED, h.taskState());
            assertEquals(0, log.linesContaining(REPORT).size(), log.text());
        }
    }

    @Test
    void aCancelledTaskThatEndsWithTheInterruptIsNotReported() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            TaskExecutor ex = Spindle.builder("echo-interrupt").backend("threads").parallelism(1).build();
            CountDownLatch blocked = new CountDownLatch(1);
            TaskHandle<Object> h = ex.submit(() -> {
                blocked.countDown();
                Thread.sleep(20_000); // its InterruptedException is the cancellation, echoed
                return null;
            });
            blocked.await();
            h.cancel();
            ex.close();
            assertEquals(TaskState.CANCELLED, h.taskState());
            assertEquals(0, log.linesContaining(REPORT).size(), log.text());
        }
    }

    @Test
    void aCancelledTaskThatThrowsSomethingElseIsStillReported() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            TaskExecutor ex = Spindle.builder("echo-other").backend("threads").parallelism(1).build();
            CountDownLatch blocked = new CountDownLatch(1);
            TaskHandle<Object> h = ex.submit(() -> {
                blocked.countDown();
                try {
                    Thread.sleep(20_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException("cleanup after the interrupt failed", e);
                }
                return null;
            });
            blocked.await();
            h.cancel();
            ex.close();
            assertEquals(TaskState.CANCELLED, h.taskState());
            assertTrue(log.linesContaining(REPORT).stream().anyMatch(l -> l.contains("#" + h.id() + ")")),
                    log.text());
            assertTrue(log.text().contains("cleanup after the interrupt failed"), log.text());
        }
    }
}
