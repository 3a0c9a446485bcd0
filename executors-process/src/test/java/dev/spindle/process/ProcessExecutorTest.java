package dev.spindle.process;

import static dev.spindle.process.Pools.assertNoChildren;
import static dev.spindle.process.Pools.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.SerializableTask;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.TaskState;
import dev.spindle.testkit.Probe;
import java.io.NotSerializableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the process backend promises: isolation, failures that stay with their task, and no process left behind. */
@Timeout(90)
class ProcessExecutorTest {

    @AfterEach
    void noChildLeftBehind() throws InterruptedException {
        Pools.assertNoChildrenLeft();
    }

    static SerializableTask<Long> pid() {
        return () -> ProcessHandle.current().pid();
    }

    static SerializableTask<Integer> square(int i) {
        return () -> {
            Thread.sleep(20);
            return i * i;
        };
    }

    @Test
    void aSerializableTaskRunsInAChildOfThisJvm() {
        long me = ProcessHandle.current().pid();
        try (TaskExecutor ex = pool("where", "workers", "1")) {
            SerializableTask<long[]> t = () -> new long[] {ProcessHandle.current().pid(),
                    ProcessHandle.current().parent().orElseThrow().pid()};
            long[] seen = ex.submit(t).join();
            assertNotEquals(me, seen[0], "the task ran in another process");
            assertEquals(me, seen[1], "that process is a child of this JVM");
        }
    }

    @Test
    void aFailureComesBackWithItsOriginalType() {
        try (TaskExecutor ex = pool("fail", "workers", "1")) {
            SerializableTask<Object> t = () -> {
                throw new IllegalStateException("boom in the worker");
            };
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> ex.submit(t).join());
            IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals("boom in the worker", cause.getMessage());
        }
    }

    static final class Unsendable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("unused")
        private final transient Object ok = new Object();
        @SuppressWarnings({"unused", "serial"})
        private final Object notOk = new Object();

        Unsendable(String message) {
            super(message);
        }
    }

    @Test
    void anExceptionThatCannotTravelComesBackAsRemoteTaskException() {
        try (TaskExecutor ex = pool("remote", "workers", "1")) {
            SerializableTask<Object> t = () -> {
                throw new Unsendable("cannot travel");
            };
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> ex.submit(t).join());
            RemoteTaskException cause = assertInstanceOf(RemoteTaskException.class, e.getCause());
            assertEquals(Unsendable.class.getName(), cause.remoteClassName());
            assertTrue(cause.getMessage().contains("cannot travel"), cause.getMessage());
            assertTrue(cause.getStackTrace().length > 0, "the worker's stack trace is kept");
        }
    }

    private static void assertOthersSucceed(List<TaskHandle<Integer>> others) {
        for (int i = 0; i < others.size(); i++) {
            assertEquals(i * i, others.get(i).join(), "task " + i + " completes normally");
        }
    }

    private static List<TaskHandle<Integer>> submitSquares(TaskExecutor ex, int n) {
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hs.add(ex.submit(square(i)));
        }
        return hs;
    }

    @Test
    void systemExitFailsOnlyThatTask() {
        try (TaskExecutor ex = pool("exit", "workers", "2")) {
            List<TaskHandle<Integer>> before = submitSquares(ex, 5);
            SerializableTask<Object> exit = () -> {
                System.exit(3);
                return null;
            };
            TaskHandle<Object> crash = ex.submit(exit);
            List<TaskHandle<Integer>> after = submitSquares(ex, 5);
            TaskFailedException e = assertThrows(TaskFailedException.class, crash::join);
            WorkerCrashedException w = assertInstanceOf(WorkerCrashedException.class, e.getCause());
            assertEquals(3, w.exitCode());
            assertTrue(w.signal().isEmpty());
            assertOthersSucceed(before);
            assertOthersSucceed(after);
        }
    }

    @Test
    void haltFailsOnlyThatTaskAndReportsTheLastStderrLines() {
        try (TaskExecutor ex = pool("halt", "workers", "2")) {
            SerializableTask<Object> halt = () -> {
                System.err.println("about to halt");
                System.err.flush();
                Runtime.getRuntime().halt(7);
                return null;
            };
            TaskHandle<Object> crash = ex.submit(halt);
            List<TaskHandle<Integer>> others = submitSquares(ex, 10);
            WorkerCrashedException w = assertInstanceOf(WorkerCrashedException.class,
                    assertThrows(TaskFailedException.class, crash::join).getCause());
            assertEquals(7, w.exitCode());
            assertTrue(w.lastStderrLines().contains("about to halt"), w.lastStderrLines().toString());
            assertTrue(w.getMessage().contains("about to halt"), w.getMessage());
            assertOthersSucceed(others);
        }
    }

    @Test
    void aSigkilledWorkerFailsOnlyItsTaskAndIsReplaced() throws Exception {
        try (TaskExecutor ex = pool("kill", "workers", "1")) {
            long first = ex.submit(pid()).join();
            SerializableTask<Object> sleeper = () -> {
                Thread.sleep(60_000);
                return null;
            };
            TaskHandle<Object> victim = ex.submit(sleeper);
            List<TaskHandle<Integer>> others = submitSquares(ex, 10);
            while (victim.taskState() != TaskState.RUNNING) {
                Thread.sleep(5);
            }
            assertTrue(ProcessHandle.of(first).orElseThrow().destroyForcibly());
            WorkerCrashedException w = assertInstanceOf(WorkerCrashedException.class,
                    assertThrows(TaskFailedException.class, victim::join).getCause());
            assertEquals(137, w.exitCode());
            assertEquals(9, w.signal().orElseThrow());
            assertOthersSucceed(others);
            assertNotEquals(first, ex.submit(pid()).join(), "a fresh worker replaced the killed one");
        }
    }

    @Test
    void cancellingARunningTaskInterruptsItInTheWorkerWhichStays() throws Exception {
        TaskExecutor ex = pool("cancel", "workers", "1", "cancelGrace", "60s");
        try {
            long worker = ex.submit(pid()).join();
            SerializableTask<Object> loop = () -> {
                for (;;) {
                    Thread.sleep(100);
                }
            };
            TaskHandle<Object> h = ex.submit(loop);
            Pools.awaitRunning(h);
            long t0 = System.nanoTime();
            assertTrue(h.cancel());
            assertThrows(TaskCancelledException.class, h::join);
            assertEquals(worker, ex.submit(pid()).join(), "the interrupt ended the task: the worker lives on");
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos(), "ended by the interrupt");
        } finally {
            ex.shutdownNow(); // a task that never ends would keep close() waiting: after a failure, kill it
            ex.close();
        }
    }

    static SerializableTask<Object> ignoresInterrupts() {
        return ignoresInterrupts(null);
    }

    /** @param started told when the task's code runs in its worker, or {@code null} */
    static SerializableTask<Object> ignoresInterrupts(Probe started) {
        return () -> {
            if (started != null) {
                started.mark("started");
            }
            for (;;) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ignored) {
                    // this task will not stop
                }
            }
        };
    }

    @Test
    void aTaskIgnoringItsCancellationHasItsWorkerKilledAfterTheGrace() throws Exception {
        Path dir = Files.createTempDirectory("spindle-probe-");
        TaskExecutor ex = pool("stubborn", "workers", "1", "cancelGrace", "300ms");
        try {
            long worker = ex.submit(pid()).join();
            Probe probe = Probe.inFile(dir.resolve("events"));
            TaskHandle<Object> h = ex.submit(ignoresInterrupts(probe));
            probe.await("started"); // cancelled before its code runs in the worker, it would simply never run
            h.cancel();
            assertThrows(TaskCancelledException.class, h::join);
            assertEquals(TaskState.CANCELLED, h.taskState());
            long next = ex.submit(pid()).join();
            assertNotEquals(worker, next, "the stubborn task's worker was replaced");
            assertTrue(ProcessHandle.of(worker).map(p -> !p.isAlive()).orElse(true), "and is gone");
        } finally {
            ex.shutdownNow(); // after a failure the stubborn task may still run: kill it rather than wait in close()
            ex.close();
            Files.deleteIfExists(dir.resolve("events"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aTimeoutEscalatesTheSameWay() {
        try (TaskExecutor ex = pool("timeout", "workers", "1", "cancelGrace", "200ms")) {
            TaskHandle<Object> h = ex.submit(ignoresInterrupts(), TaskOptions.DEFAULTS.withTimeout(
                    Duration.ofMillis(300)));
            assertThrows(TaskCancelledException.class, h::join);
            assertEquals(4, ex.submit(square(2)).join(), "the pool keeps working");
        }
    }

    @Test
    void printingToStdoutCannotCorruptResults() throws Exception {
        byte[] fakeFrames = fakeResultFrames();
        try (TaskExecutor ex = pool("noisy", "workers", "2")) {
            List<TaskHandle<String>> hs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                SerializableTask<String> t = () -> {
                    for (int k = 0; k < 20; k++) {
                        System.out.println("line " + k + " of task " + n);
                    }
                    System.out.write(fakeFrames);
                    System.out.flush();
                    var fd1 = new java.io.FileOutputStream(java.io.FileDescriptor.out); // not closed: it is fd 1
                    fd1.write(fakeFrames); // as native code writing to fd 1 would
                    System.err.write(fakeFrames);
                    return "real " + n;
                };
                hs.add(ex.submit(t));
            }
            for (int i = 0; i < hs.size(); i++) {
                assertEquals("real " + i, hs.get(i).join());
            }
        }
    }

    /** RESULT frames for task ids 1 to 100, each carrying "fake": what a corrupting print would look like. */
    private static byte[] fakeResultFrames() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        var out = new java.io.DataOutputStream(bytes);
        byte[] payload = Payload.encode("fake");
        for (long id = 1; id <= 100; id++) {
            out.writeInt(9 + payload.length);
            out.writeByte(Frame.RESULT);
            out.writeLong(id);
            out.write(payload);
        }
        return bytes.toByteArray();
    }

    record HoldsAThread(Thread thread) implements SerializableTask<String> {
        @Override
        public String call() {
            return thread.getName();
        }
    }

    @Test
    void aNonSerializableTaskFailsAtSubmitSayingHowToFixIt() {
        try (TaskExecutor ex = pool("unsendable", "workers", "1")) {
            Thread local = Thread.currentThread();
            dev.spindle.Task<String> plainLambda = () -> local.getName();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ex.submit(plainLambda));
            assertTrue(e.getMessage().contains(plainLambda.getClass().getName()), e.getMessage());
            assertTrue(e.getMessage().contains("SerializableTask"), e.getMessage());

            SerializableTask<String> capturing = () -> local.getName();
            e = assertThrows(IllegalArgumentException.class, () -> ex.submit(capturing));
            assertTrue(e.getMessage().contains("arg$1 (a java.lang.Thread)"), e.getMessage());

            e = assertThrows(IllegalArgumentException.class, () -> ex.submit(new HoldsAThread(local)));
            assertTrue(e.getMessage().contains("task.thread (a java.lang.Thread)"), e.getMessage());
            assertTrue(e.getMessage().contains("record"), e.getMessage());
            assertEquals(0, ex.stats().submitted(), "nothing was accepted");
        }
    }

    @Test
    void aNonSerializableResultFailsThatTaskOnly() {
        try (TaskExecutor ex = pool("badresult", "workers", "1")) {
            long worker = ex.submit(pid()).join();
            SerializableTask<Object> t = Object::new;
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> ex.submit(t).join());
            NotSerializableException cause = assertInstanceOf(NotSerializableException.class, e.getCause());
            assertTrue(cause.getMessage().contains("java.lang.Object"), cause.getMessage());
            assertEquals(worker, ex.submit(pid()).join(), "the worker survived");
        }
    }

    @Test
    void workersAreRecycledAfterMaxTasksPerWorker() {
        try (TaskExecutor ex = pool("recycle", "workers", "1", "maxTasksPerWorker", "2")) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                pids.add(ex.submit(pid()).join());
            }
            assertEquals(pids.get(0), pids.get(1));
            assertEquals(pids.get(2), pids.get(3));
            assertEquals(3, new HashSet<>(pids).size(), pids.toString());
        }
    }

    @Test
    void jvmArgsReachTheWorkers() {
        try (TaskExecutor ex = pool("args", "workers", "1", "jvmArgs", "-Dspindle.test=42  -Xmx96m")) {
            SerializableTask<String> t = () -> System.getProperty("spindle.test") + " "
                    + (Runtime.getRuntime().maxMemory() <= 96L * 1024 * 1024);
            assertEquals("42 true", ex.submit(t).join());
        }
    }

    @Test
    void aWorkerThatCannotStartFailsTheTaskWithItsStderr() {
        try (TaskExecutor ex = pool("badargs", "workers", "1", "jvmArgs", "-XX:+NoSuchSpindleOption")) {
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> ex.submit(pid()).join());
            WorkerCrashedException w = assertInstanceOf(WorkerCrashedException.class, e.getCause());
            assertTrue(w.getMessage().contains("NoSuchSpindleOption"), w.getMessage());
            assertNotEquals(0, w.exitCode());
        }
    }

    @Test
    void outOfMemoryCrashesOnlyThatWorker() {
        try (TaskExecutor ex = pool("oom", "workers", "1", "jvmArgs", "-Xmx64m")) {
            SerializableTask<Object> hog = () -> {
                List<long[]> keep = new ArrayList<>();
                for (;;) {
                    keep.add(new long[1 << 20]);
                }
            };
            WorkerCrashedException w = assertInstanceOf(WorkerCrashedException.class,
                    assertThrows(TaskFailedException.class, () -> ex.submit(hog).join()).getCause());
            assertTrue(String.join("\n", w.lastStderrLines()).contains("OutOfMemoryError"), w.getMessage());
            assertEquals(9, ex.submit(square(3)).join());
        }
    }

    @Test
    void closeFinishesAcceptedWorkThenStopsEveryWorker() {
        TaskExecutor ex = pool("close", "workers", "2");
        List<TaskHandle<Integer>> hs = submitSquares(ex, 20);
        ex.close();
        assertOthersSucceed(hs);
        assertNoChildren();
    }

    @Test
    void shutdownNowKillsRunningWorkersAndCancelsEverything() throws Exception {
        TaskExecutor ex = pool("now", "workers", "2", "cancelGrace", "60s");
        SerializableTask<Object> sleeper = () -> {
            Thread.sleep(60_000);
            return null;
        };
        List<TaskHandle<Object>> hs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hs.add(ex.submit(sleeper));
        }
        try {
            Pools.awaitRunning(hs.get(0), hs.get(1));
        } catch (AssertionError e) {
            ex.shutdownNow();
            throw e;
        }
        long t0 = System.nanoTime();
        ex.shutdownNow();
        assertTrue(((dev.spindle.spi.AbstractTaskExecutor) ex).awaitTermination(Duration.ofSeconds(30)));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "no grace period waited");
        for (TaskHandle<Object> h : hs) {
            assertEquals(TaskState.CANCELLED, h.taskState());
        }
        assertNoChildren();
    }

    @Test
    void anInvalidAllowPatternIsRejectedAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool("badallow", "allow", "com.example.*;maxdepth=notanumber").close());
        assertTrue(e.getMessage().contains("the 'allow' pattern 'com.example.*;maxdepth=notanumber'"),
                e.getMessage());
    }

    /** A task that waits (in its worker) until the file exists. */
    static SerializableTask<Integer> waitFor(String file) {
        return () -> {
            while (!Files.exists(Path.of(file))) {
                Thread.sleep(5);
            }
            return 1;
        };
    }

    @Test
    void aBlockingJoinInACallbackOnTheReaderThreadIsRefusedNotHung() throws Exception {
        Path dir = Files.createTempDirectory("spindle-callback-test-");
        Path go = dir.resolve("go");
        try (TaskExecutor ex = pool("callback", "workers", "1")) {
            TaskHandle<Integer> first = ex.submit(waitFor(go.toString()));
            CompletableFuture<Object> seen = new CompletableFuture<>();
            CompletableFuture<String> thread = new CompletableFuture<>();
            SerializableTask<Integer> two = () -> 2;
            first.toCompletableFuture().whenComplete((v, x) -> {
                thread.complete(Thread.currentThread().getName());
                try {
                    seen.complete(ex.submit(two).join()); // the reply it waits for comes to this very thread
                } catch (Throwable t) {
                    seen.complete(t);
                }
            });
            Files.createFile(go); // only now can the first task end: the callback is attached by then
            Object outcome = seen.get(30, TimeUnit.SECONDS);
            assertTrue(thread.get().endsWith("-reader"), thread.get());
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, outcome);
            assertTrue(e.getMessage().contains("reader thread of process worker"), e.getMessage());
            assertTrue(e.getMessage().contains("thenAcceptAsync"), e.getMessage());
            assertEquals(1, first.join());
            SerializableTask<Integer> three = () -> 3;
            assertEquals(3, ex.submit(three).join(), "the worker still serves");
        } finally {
            Files.deleteIfExists(go);
            Files.deleteIfExists(dir);
        }
    }
}
