package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import java.time.Duration;
import java.util.List;

/** Test helpers: process pools, and the check that no child process is left behind. */
final class Pools {

    private Pools() {
    }

    /** @param keys key, value, key, value... */
    static TaskExecutor pool(String name, String... keys) {
        var b = Spindle.builder(name).backend("process");
        for (int i = 0; i < keys.length; i += 2) {
            b.set(keys[i], keys[i + 1]);
        }
        return b.build();
    }

    static List<String> children() {
        return ProcessHandle.current().descendants()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    }

    /** Asserts that this JVM has no child process now: for a test whose claim is that its pool stopped them all. */
    static void assertNoChildren() {
        assertEquals(List.of(), children(), "no child process outlives its pool");
    }

    /**
     * The guard after a test or a class: waits (at most 30 s) for child processes that are on their way out, a worker
     * killed while it was still starting included, then asserts that none is left. A real leak still fails; one that
     * ends late does not fail whichever test runs next.
     */
    static void assertNoChildrenLeft() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!children().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertNoChildren();
    }

    /** Waits until every one of {@code hs} runs (in a worker), failing after 30 s with their states. */
    static void awaitRunning(dev.spindle.TaskHandle<?>... hs) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (java.util.Arrays.stream(hs).anyMatch(h -> h.taskState() != dev.spindle.TaskState.RUNNING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not all running after 30 s: "
                        + java.util.Arrays.stream(hs).map(h -> h.name() + "=" + h.taskState()).toList());
            }
            Thread.sleep(5);
        }
    }

    static boolean waitGone(List<ProcessHandle> ps, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (ps.stream().noneMatch(ProcessHandle::isAlive)) {
                return true;
            }
            Thread.sleep(20);
        }
        return ps.stream().noneMatch(ProcessHandle::isAlive);
    }
}
