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

    static void assertNoChildren() {
        assertEquals(List.of(), children(), "no child process outlives its pool");
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
