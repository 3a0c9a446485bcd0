package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The entry point, configuration errors as a user meets them, and the JFR event. */
class SpindleTest {

    @Test
    void theCoreBackendsArePresent() {
        assertTrue(Spindle.backends().containsAll(List.of("inline", "threads", "forkjoin")), Spindle.backends().toString());
    }

    @Test
    void theDefaultExecutorIsSharedAndRunsOnForkJoin() {
        TaskExecutor ex = Spindle.executor();
        assertSame(ex, Spindle.executor("default"));
        assertEquals("forkjoin", ex.backend());
        assertEquals(4, ex.submit(() -> 2 + 2).join());
    }

    @Test
    void aMissingBackendNamesTheModuleThatProvidesIt() {
        SpindleConfigException e = assertThrows(SpindleConfigException.class,
                () -> Spindle.builder("io").backend("process").build());
        assertTrue(e.getMessage().contains("spindle.executor.io.backend"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.spindle:spindle-executors-process"), e.getMessage());
        assertTrue(e.getMessage().contains("forkjoin") && e.getMessage().contains("threads"), e.getMessage());
    }

    @Test
    void aMisspeltBackendGetsASuggestion() {
        SpindleConfigException e = assertThrows(SpindleConfigException.class,
                () -> Spindle.builder("io").backend("thraeds").build());
        assertTrue(e.getMessage().contains("'thraeds'") && e.getMessage().contains("'threads'"), e.getMessage());
    }

    @Test
    void aMisspeltKeyNamesTheKeyAndTheRightSpelling() {
        SpindleConfigException e = assertThrows(SpindleConfigException.class,
                () -> Spindle.builder("cpu").backend("threads").set("paralelism", "4").build());
        assertTrue(e.getMessage().contains("spindle.executor.cpu.paralelism"), e.getMessage());
        assertTrue(e.getMessage().contains("parallelism"), e.getMessage());
    }

    @Test
    void aBadValueNamesTheKeyTheValueAndWhatIsAllowed() {
        SpindleConfigException e = assertThrows(SpindleConfigException.class,
                () -> Spindle.builder("cpu").backend("forkjoin").set("parallelism", "lots").build());
        assertTrue(e.getMessage().contains("spindle.executor.cpu.parallelism"), e.getMessage());
        assertTrue(e.getMessage().contains("lots"), e.getMessage());
        assertTrue(e.getMessage().contains("a whole number from 1 to 32767"), e.getMessage());
    }

    @Test
    void everyTaskEmitsAJfrEvent() throws Exception {
        Path file = Files.createTempFile("spindle", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.spindle.Task");
            recording.start();
            try (TaskExecutor ex = Spindle.builder("jfr").backend("threads").parallelism(2).build()) {
                ex.submit(() -> "ok", TaskOptions.named("traced")).join();
                TaskHandle<Object> bad = ex.submit(() -> {
                    throw new IllegalStateException("x");
                }, TaskOptions.named("traced-failure"));
                assertThrows(TaskFailedException.class, bad::join);
            }
            recording.stop();
            recording.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                    .filter(ev -> ev.getEventType().getName().equals("dev.spindle.Task"))
                    .filter(ev -> ev.getString("task").startsWith("traced"))
                    .toList();
            assertEquals(2, events.size(), events.toString());
            RecordedEvent ok = events.stream().filter(ev -> ev.getString("task").equals("traced")).findFirst().orElseThrow();
            assertEquals("threads", ok.getString("backend"));
            assertEquals("jfr", ok.getString("executor"));
            assertEquals("SUCCEEDED", ok.getString("outcome"));
            assertTrue(ok.getLong("runTime") >= 0 && ok.getLong("queueWait") >= 0);
            assertTrue(events.stream().anyMatch(ev -> ev.getString("outcome").equals("FAILED")));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void statsReportLatencyPercentiles() {
        try (TaskExecutor ex = Spindle.builder("stats").backend("threads").parallelism(2).build()) {
            for (int i = 0; i < 100; i++) {
                ex.submit(() -> {
                    Thread.sleep(1);
                    return null;
                }).join();
            }
            ExecutorStats s = ex.stats();
            assertEquals(100, s.succeeded());
            assertTrue(s.runTimeP50().toNanos() >= 500_000, "each task slept 1 ms: " + s);
            assertTrue(s.runTimeP99().compareTo(s.runTimeP50()) >= 0, s.toString());
        }
    }
}
