package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Workers never outlive their parent JVM, however it ends. */
@Timeout(90)
class ParentDeathTest {

    private static Process startParent(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OrphanParent.class.getName(),
                mode)
                .redirectError(Path.of("target", "orphan-parent-" + mode + ".log").toFile())
                .start();
    }

    private static BufferedReader stdout(Process parent) {
        return new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
    }

    private List<ProcessHandle> workersOnceReady(Process parent) throws Exception {
        return workersOnceReady(parent, stdout(parent));
    }

    private List<ProcessHandle> workersOnceReady(Process parent, BufferedReader out) throws Exception {
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            // skip anything else
        }
        assertEquals("READY", line, "the parent started its pool (see target/orphan-parent-*.log)");
        List<ProcessHandle> workers = parent.descendants().toList();
        started.addAll(workers);
        assertEquals(2, workers.size(), "two workers run: " + workers);
        return workers;
    }

    /** Every worker a test saw: killed after it whatever happened, so that a failed test leaves nothing behind. */
    private final List<ProcessHandle> started = new java.util.ArrayList<>();

    private void stop(Process parent) throws InterruptedException {
        parent.destroyForcibly();
        parent.waitFor(10, TimeUnit.SECONDS);
        started.forEach(ProcessHandle::destroyForcibly);
        Pools.waitGone(started, Duration.ofSeconds(10));
    }

    @Test
    void workersDieWithinFiveSecondsOfTheirParentBeingSigkilled() throws Exception {
        Process parent = startParent("kill");
        try {
            List<ProcessHandle> workers = workersOnceReady(parent);
            parent.destroyForcibly();
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
            assertTrue(Pools.waitGone(workers, Duration.ofSeconds(5)), "workers still alive: " + workers);
        } finally {
            stop(parent);
        }
    }

    @Test
    void workersDieWhenTheirParentExitsWithoutClosingThePool() throws Exception {
        Process parent = startParent("exit");
        try {
            List<ProcessHandle> workers = workersOnceReady(parent);
            assertTrue(parent.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Pools.waitGone(workers, Duration.ofSeconds(5)), "workers still alive: " + workers);
        } finally {
            stop(parent);
        }
    }

    @Test
    void theShutdownHookStopsTheWorkersWhileTheParentIsStillAlive() throws Exception {
        Process parent = startParent("hook");
        try {
            BufferedReader out = stdout(parent);
            List<ProcessHandle> workers = workersOnceReady(parent, out);
            assertEquals("WORKERS-GONE-DURING-SHUTDOWN", out.readLine());
            assertTrue(parent.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Pools.waitGone(workers, Duration.ofSeconds(5)), "workers still alive: " + workers);
        } finally {
            stop(parent);
        }
    }
}
