package dev.spindle.benchmarks.process;

import dev.spindle.SerializableTask;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pool start to first result, with 2 workers ({@code close()} is outside the measurement):
 * <ul>
 *   <li>{@code poolToFirstResults}: build the executor, submit two tasks, join both: both workers started and
 *       answered;</li>
 *   <li>{@code poolToFirstResult}: build it with {@code prestart=true} (both workers start at once, as in a pool that
 *       receives work for both), submit one task, join it: the first answer, while the other worker still starts.</li>
 * </ul>
 * {@code cache=off} starts workers plainly ({@code fastStart=false}); {@code cache=on} uses the AOT cache, trained once
 * in the trial's setup. The peers are the floor any process pool pays on this machine: {@code bareJvm} starts one
 * child JVM running an empty {@code main} from the same jar and waits for it to exit; {@code twoBareJvms} starts two
 * at once and waits for both (two workers start together on 2 cores). Runs from the shaded jar, so the class path is
 * one jar and the cache can work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3)
@Measurement(iterations = 15)
public class PoolStartBenchmark {

    @Param({"off", "on"})
    public String cache;

    private Path cacheDir;
    private TaskExecutor pool;

    /** An empty main for the bare JVM start. */
    public static final class Empty {
        private Empty() {
        }

        public static void main(String[] args) {
            // nothing: the JVM's own start and exit is what is measured
        }
    }

    @Setup(Level.Trial)
    public void trainCache() throws IOException {
        cacheDir = Files.createTempDirectory("spindle-bench-cache");
        if (cache.equals("on")) {
            TaskExecutor trainer = start();
            trainer.close(); // the training worker writes the cache as it exits
            try (Stream<Path> files = Files.list(cacheDir)) {
                if (files.noneMatch(p -> p.toString().endsWith(".aot") || p.toString().endsWith(".jsa"))) {
                    throw new IllegalStateException("no cache was written in " + cacheDir
                            + ": is the class path a single jar?");
                }
            }
        }
    }

    private TaskExecutor pool(boolean prestart) {
        return ProcessPools.of("process", 2, "fastStart", cache.equals("on") ? "true" : "false",
                "cacheDir", cacheDir.toString(), "prestart", Boolean.toString(prestart));
    }

    private TaskExecutor start() {
        TaskExecutor ex = pool(false);
        SerializableTask<Long> pid = () -> ProcessHandle.current().pid();
        TaskHandle<Long> a = ex.submit(pid);
        TaskHandle<Long> b = ex.submit(pid);
        a.join();
        b.join();
        return ex;
    }

    @Benchmark
    public TaskExecutor poolToFirstResults() {
        pool = start();
        return pool;
    }

    @Benchmark
    public TaskExecutor poolToFirstResult() {
        pool = pool(true);
        SerializableTask<Long> pid = () -> ProcessHandle.current().pid();
        pool.submit(pid).join();
        return pool;
    }

    @Benchmark
    public int bareJvm() throws Exception {
        if (cache.equals("on")) {
            return 0; // the peer does not depend on the parameter: measured once, with cache=off
        }
        return emptyJvm().waitFor();
    }

    @Benchmark
    public int twoBareJvms() throws Exception {
        if (cache.equals("on")) {
            return 0;
        }
        Process a = emptyJvm();
        Process b = emptyJvm();
        return a.waitFor() + b.waitFor();
    }

    private static Process emptyJvm() throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Empty.class.getName()))
                .inheritIO().start();
    }

    @TearDown(Level.Invocation)
    public void closePool() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    @TearDown(Level.Trial)
    public void removeCache() throws IOException {
        try (Stream<Path> files = Files.walk(cacheDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
