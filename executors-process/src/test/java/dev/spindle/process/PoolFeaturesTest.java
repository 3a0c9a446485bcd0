package dev.spindle.process;

import static dev.spindle.process.Pools.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.SerializableTask;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Pre-started workers, warm spares, the initializer, retries, and worker output in the log. */
@Timeout(120)
class PoolFeaturesTest {

    @AfterEach
    void noChildLeftBehind() throws InterruptedException {
        Pools.assertNoChildrenLeft();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    static Set<Long> childPids() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    static SerializableTask<Long> pid() {
        return () -> ProcessHandle.current().pid();
    }

    @Test
    void workersStartLazilyByDefaultAndAtBuildWithPrestart() throws Exception {
        try (TaskExecutor lazy = pool("lazy", "workers", "2")) {
            assertEquals(Set.of(), childPids(), "no worker before the first task");
            lazy.submit(pid()).join();
        }
        try (TaskExecutor eager = pool("eager", "workers", "2", "prestart", "true")) {
            await("both workers run before any task", () -> childPids().size() == 2);
            Set<Long> before = childPids();
            assertTrue(before.contains(eager.submit(pid()).join()), "a pre-started worker runs the task");
        }
    }

    @Test
    void aWarmSpareReplacesACrashedWorkerAndIsReplenished() throws Exception {
        try (TaskExecutor ex = pool("spare", "workers", "1", "spares", "1", "prestart", "true")) {
            await("the worker and its spare run", () -> childPids().size() == 2);
            Set<Long> warm = childPids();
            long first = ex.submit(pid()).join();
            SerializableTask<Object> exit = () -> {
                System.exit(4);
                return null;
            };
            assertThrows(TaskFailedException.class, () -> ex.submit(exit).join());
            long next = ex.submit(pid()).join();
            assertTrue(next != first && warm.contains(next), "the spare, started before the crash, took over: "
                    + warm + " then " + next);
            await("a new spare is started", () -> childPids().size() == 2 && !childPids().equals(Set.of(next)));
        }
    }

    /** Counts its runs in a system property of the worker. */
    public static final class CountsRuns implements Runnable {
        @Override
        public void run() {
            System.setProperty("spindle.test.inits",
                    Integer.toString(Integer.getInteger("spindle.test.inits", 0) + 1));
        }
    }

    /** Always fails. */
    public static final class Fails implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("no licence for this worker");
        }
    }

    @Test
    void theInitializerRunsOncePerWorkerBeforeItsFirstTask() {
        try (TaskExecutor ex = pool("init", "workers", "1", "maxTasksPerWorker", "3", "initializer",
                CountsRuns.class.getName())) {
            SerializableTask<String> inits = () -> System.getProperty("spindle.test.inits");
            for (int i = 0; i < 6; i++) {
                assertEquals("1", ex.submit(inits).join(), "task " + i + " (two workers, three tasks each)");
            }
        }
    }

    @Test
    void aFailingInitializerFailsTheTaskClearlyAndStopsThePoolAfterThreeTries() throws Exception {
        try (TaskExecutor ex = pool("badinit", "workers", "1", "initializer", Fails.class.getName())) {
            for (int i = 0; i < WorkerSource.MAX_INIT_FAILURES; i++) {
                TaskFailedException e = assertThrows(TaskFailedException.class, () -> ex.submit(pid()).join());
                WorkerInitializerException w = assertInstanceOf(WorkerInitializerException.class, e.getCause());
                assertInstanceOf(IllegalStateException.class, w.getCause());
                assertTrue(w.getMessage().contains("no licence") && w.getMessage().contains(Fails.class.getName()),
                        w.getMessage());
            }
            await("the failed workers are gone", () -> childPids().isEmpty());
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> ex.submit(pid()).join());
            assertTrue(e.getCause().getMessage().contains("starts no more workers"), e.getCause().getMessage());
            assertEquals(Set.of(), childPids(), "no worker was started for it");
        }
    }

    @Test
    void anUnusableInitializerIsRejectedWhenTheExecutorIsBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool("noinit", "initializer", "com.example.Missing").close());
        assertTrue(e.getMessage().contains("'com.example.Missing'") && e.getMessage().contains("no such class"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> pool("noinit2", "initializer", String.class.getName()).close());
        assertTrue(e.getMessage().contains("neither Runnable nor dev.spindle.Task"), e.getMessage());
    }

    @Test
    void badValuesForTheNewKeysNameTheValueAndWhatIsExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool("badspares", "spares", "-1").close());
        assertTrue(e.getMessage().contains("spares") && e.getMessage().contains("-1")
                && e.getMessage().contains("0 to 64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pool("badretries", "retries", "often").close());
        assertTrue(e.getMessage().contains("retries") && e.getMessage().contains("often"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pool("badprestart", "prestart", "yes").close());
        assertTrue(e.getMessage().contains("prestart") && e.getMessage().contains("true or false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pool("badahead", "pipelineAhead", "0").close());
        assertTrue(e.getMessage().contains("pipelineAhead") && e.getMessage().contains("'0'")
                && e.getMessage().contains("above zero"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pool("badpipeline", "pipeline", "0").close());
        assertTrue(e.getMessage().contains("pipeline") && e.getMessage().contains("1 to 64"), e.getMessage());
    }

    /** Exits its worker the first time (when {@code marker} does not exist yet), then returns its pid. */
    record ExitsOnce(String marker) implements SerializableTask<Long> {
        @Override
        public Long call() throws Exception {
            Path m = Path.of(marker);
            if (!Files.exists(m)) {
                Files.createFile(m);
                System.exit(5);
            }
            return ProcessHandle.current().pid();
        }
    }

    @Test
    void retriesSendATaskWhoseWorkerDiedToAFreshWorker(@TempDir Path dir) {
        try (TaskExecutor ex = pool("retry", "workers", "1", "retries", "1")) {
            assertTrue(ex.submit(new ExitsOnce(dir.resolve("a").toString())).join() > 0, "the retry succeeded");
        }
        try (TaskExecutor ex = pool("noretry", "workers", "1")) {
            TaskFailedException e = assertThrows(TaskFailedException.class,
                    () -> ex.submit(new ExitsOnce(dir.resolve("b").toString())).join());
            assertEquals(5, assertInstanceOf(WorkerCrashedException.class, e.getCause()).exitCode());
        }
    }

    @Test
    void aTaskThatKillsTwoWorkersIsNotRetriedAgain() {
        try (TaskExecutor ex = pool("poison", "workers", "1", "retries", "5")) {
            SerializableTask<Long> exitPid = () -> {
                System.exit(6);
                return 0L;
            };
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> ex.submit(exitPid).join());
            WorkerCrashedException w = assertInstanceOf(WorkerCrashedException.class, e.getCause());
            assertTrue(w.getMessage().contains("killed two workers"), w.getMessage());
            assertEquals(6, w.exitCode());
            assertTrue(ex.submit(pid()).join() > 0, "the pool goes on");
        }
    }

    @Test
    void workerOutputIsLoggedLineByLineTaggedWithWorkerAndTask(@TempDir Path dir) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(tee); // slf4j-simple writes to the current System.err
        try (TaskExecutor ex = pool("logged", "workers", "1")) {
            String go = dir.resolve("go").toString();
            SerializableTask<Long> t = () -> {
                System.out.println("hello on stdout");
                System.err.println("hello on stderr");
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!Files.exists(Path.of(go)) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                return ProcessHandle.current().pid();
            };
            var h = ex.submit(t);
            String tag = "task #" + ((dev.spindle.spi.TaskRun<?>) h).id() + ": ";
            await("both lines are logged", () -> {
                String log = captured.toString(StandardCharsets.UTF_8);
                return log.contains(tag + "hello on stdout") && log.contains(tag + "hello on stderr");
            });
            Files.createFile(Path.of(go));
            long pid = h.join();
            List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
            String out = lines.stream().filter(l -> l.contains("hello on stdout")).findFirst().orElseThrow();
            String err = lines.stream().filter(l -> l.contains("hello on stderr")).findFirst().orElseThrow();
            assertTrue(out.contains("INFO") && out.contains("logged-worker-1 (pid " + pid + ") " + tag), out);
            assertTrue(err.contains("WARN") && err.contains("logged-worker-1 (pid " + pid + ") " + tag), err);
        } finally {
            System.setErr(original);
            original.print(captured.toString(StandardCharsets.UTF_8));
        }
    }
}
