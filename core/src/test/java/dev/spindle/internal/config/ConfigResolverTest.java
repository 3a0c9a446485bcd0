package dev.spindle.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.SpindleConfigException;
import dev.spindle.TaskExecutor;
import dev.spindle.spi.Backend;
import dev.spindle.spi.BackendContext;
import dev.spindle.spi.ConfigKey;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigResolverTest {

    static final ConfigKey<Integer> PARALLELISM =
            ConfigKey.intKey("parallelism", "threads", 1, 32767, () -> 4);
    static final ConfigKey<Duration> KEEP_ALIVE =
            ConfigKey.durationKey("keepAlive", "idle time", () -> Duration.ofSeconds(60));
    static final ConfigKey<Integer> MAX_CONCURRENCY =
            ConfigKey.intKey("maxConcurrency", "running at once", 1, 1_000_000, () -> 10_000);

    /** A backend that only declares keys; public with a no-argument constructor for ServiceLoader. */
    public abstract static class FakeBackend implements Backend {
        private final String name;
        private final List<ConfigKey<?>> keys;

        FakeBackend(String name, ConfigKey<?>... keys) {
            this.name = name;
            this.keys = List.of(keys);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "fake " + name;
        }

        @Override
        public List<ConfigKey<?>> keys() {
            return keys;
        }

        @Override
        public TaskExecutor create(BackendContext context) {
            throw new UnsupportedOperationException("fake");
        }
    }

    public static final class ThreadsBackend extends FakeBackend {
        public ThreadsBackend() {
            super("threads", PARALLELISM, KEEP_ALIVE);
        }
    }

    public static final class ForkJoinBackend extends FakeBackend {
        public ForkJoinBackend() {
            super("forkjoin", PARALLELISM);
        }
    }

    public static final class VirtualBackend extends FakeBackend {
        public VirtualBackend() {
            super("virtual", MAX_CONCURRENCY);
        }
    }

    private final Properties system = new Properties();
    private final Map<String, String> env = new HashMap<>();
    private final Properties file = new Properties();
    private List<Backend> backends = List.of(new ThreadsBackend(), new VirtualBackend(), new ForkJoinBackend());

    private ResolvedConfig resolve(String executor, Map<String, String> builder) {
        return new ConfigResolver(system, env, file, backends).resolve(executor, builder);
    }

    private String failure(String executor, Map<String, String> builder) {
        return assertThrows(SpindleConfigException.class, () -> resolve(executor, builder)).getMessage();
    }

    private static void assertContains(String message, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "expected <" + fragment + "> in: " + message);
        }
    }

    // ---- precedence ----

    @Test
    void eachSourceOverridesTheNext() {
        system.setProperty("spindle.executor.io.backend", "threads");
        system.setProperty("spindle.executor.io.parallelism", "2");
        env.put("SPINDLE_EXECUTOR_IO_PARALLELISM", "3");
        file.setProperty("spindle.executor.io.parallelism", "4");
        Map<String, String> builder = Map.of("parallelism", "1");

        assertEquals(1, resolve("io", builder).get(PARALLELISM));
        assertEquals(2, resolve("io", Map.of()).get(PARALLELISM));
        system.remove("spindle.executor.io.parallelism");
        assertEquals(3, resolve("io", Map.of()).get(PARALLELISM));
        env.remove("SPINDLE_EXECUTOR_IO_PARALLELISM");
        assertEquals(4, resolve("io", Map.of()).get(PARALLELISM));
        file.remove("spindle.executor.io.parallelism");
        ResolvedConfig config = resolve("io", Map.of());
        assertEquals(4, config.get(PARALLELISM)); // the key's default
        assertEquals(Duration.ofSeconds(60), config.get(KEEP_ALIVE));
        assertContains(config.describe(), "parallelism=4 (default)");
    }

    @Test
    void backendKeyFollowsTheSamePrecedence() {
        file.setProperty("spindle.executor.io.backend", "forkjoin");
        env.put("SPINDLE_EXECUTOR_IO_BACKEND", "threads");
        system.setProperty("spindle.executor.io.backend", "virtual");
        assertEquals("forkjoin", resolve("io", Map.of("backend", "forkjoin")).backendName());
        assertEquals("virtual", resolve("io", Map.of()).backendName());
        system.clear();
        assertEquals("threads", resolve("io", Map.of()).backendName());
        env.clear();
        assertEquals("forkjoin", resolve("io", Map.of()).backendName());
    }

    @Test
    void describeNamesEachValueAndItsSource() {
        system.setProperty("spindle.executor.io.backend", "virtual");
        file.setProperty("spindle.executor.io.maxConcurrency", "100");
        ResolvedConfig config = resolve("io", Map.of());
        assertEquals("executor 'io': backend=virtual (system property), maxConcurrency=100 (spindle.properties)",
                config.describe());
        assertEquals("io", config.executorName());
        assertSame(backends.get(1), config.backend());
        assertEquals(100, config.get(MAX_CONCURRENCY));
    }

    // ---- the default executor ----

    @Test
    void backendIsInheritedFromTheDefaultExecutor() {
        env.put("SPINDLE_EXECUTOR_DEFAULT_BACKEND", "virtual");
        ResolvedConfig config = resolve("io", Map.of());
        assertEquals("virtual", config.backendName());
        assertContains(config.describe(), "backend=virtual (inherited from executor 'default', environment variable)");
        // the executor's own setting wins
        file.setProperty("spindle.executor.io.backend", "threads");
        assertEquals("threads", resolve("io", Map.of()).backendName());
    }

    @Test
    void onlyTheBackendIsInheritedNotOtherKeys() {
        system.setProperty("spindle.executor.default.backend", "threads");
        system.setProperty("spindle.executor.default.parallelism", "9");
        assertEquals(4, resolve("io", Map.of()).get(PARALLELISM));
        assertEquals(9, resolve("default", Map.of()).get(PARALLELISM));
    }

    @Test
    void forkJoinWhenNothingSetsABackend() {
        ResolvedConfig config = resolve("io", Map.of());
        assertEquals("forkjoin", config.backendName());
        assertContains(config.describe(), "backend=forkjoin (default)");
    }

    @Test
    void missingDefaultBackendSaysWhatToSet() {
        backends = List.of(new ThreadsBackend());
        assertContains(failure("io", Map.of()), "default backend 'forkjoin' is not present",
                "Present backends: threads", "spindle.executor.io.backend", "spindle.executor.default.backend");
    }

    // ---- unknown backend ----

    @Test
    void unknownBackendListsThePresentOnesSorted() {
        system.setProperty("spindle.executor.io.backend", "eventloop");
        assertContains(failure("io", Map.of()), "executor 'io'", "spindle.executor.io.backend='eventloop'",
                "system property", "unknown backend 'eventloop'", "Present backends: forkjoin, threads, virtual");
    }

    @Test
    void absentKnownBackendNamesItsArtifact() {
        String message = failure("io", Map.of("backend", "process"));
        assertContains(message, "spindle.executor.io.backend='process' (from builder)",
                "Present backends: forkjoin, threads, virtual", "dev.spindle:spindle-executors-process",
                "add it as a dependency");

        backends = List.of(new ThreadsBackend(), new ForkJoinBackend());
        assertContains(failure("io", Map.of("backend", "virtual")), "Present backends: forkjoin, threads",
                "dev.spindle:spindle-executors-virtual", "add it as a dependency");
    }

    @Test
    void inheritedUnknownBackendNamesTheDefaultExecutorsKey() {
        file.setProperty("spindle.executor.default.backend", "nope");
        assertContains(failure("io", Map.of()), "spindle.executor.default.backend='nope' (from spindle.properties)");
    }

    @Test
    void typoInBackendSuggestsTheClosestName() {
        env.put("SPINDLE_EXECUTOR_IO_BACKEND", "virtaul");
        assertContains(failure("io", Map.of()), "Did you mean 'virtual'?",
                "environment variable SPINDLE_EXECUTOR_IO_BACKEND");

        backends = List.of(new ThreadsBackend(), new ForkJoinBackend());
        assertContains(failure("io", Map.of()), "Did you mean 'virtual'?", "dev.spindle:spindle-executors-virtual");
        assertContains(failure("io", Map.of("backend", "thraeds")), "Did you mean 'threads'?");
        assertFalse(failure("io", Map.of("backend", "zzzzzzz")).contains("Did you mean"));
    }

    @Test
    void twoBackendsWithOneNameAreAnError() {
        backends = List.of(new ThreadsBackend(), new ThreadsBackend());
        assertContains(failure("io", Map.of("backend", "threads")), "more than one backend is named 'threads'",
                ThreadsBackend.class.getName());
    }

    // ---- unknown keys ----

    @Test
    void misspeltKeyIsNamedWithASuggestion() {
        system.setProperty("spindle.executor.io.backend", "threads");
        system.setProperty("spindle.executor.io.paralelism", "8");
        assertContains(failure("io", Map.of()), "spindle.executor.io.paralelism='8' (from system property)",
                "unknown key 'paralelism'", "Did you mean 'parallelism' (spindle.executor.io.parallelism)?",
                "accepts: backend, parallelism, keepAlive");
    }

    @Test
    void keySuggestionIgnoresCase() {
        assertContains(failure("io", Map.of("backend", "virtual", "maxconcurrency", "5")),
                "spindle.executor.io.maxconcurrency='5' (from builder)", "Did you mean 'maxConcurrency'?");
    }

    @Test
    void misspeltEnvironmentVariableIsNamedWithASuggestion() {
        env.put("SPINDLE_EXECUTOR_IO_BACKEND", "virtual");
        env.put("SPINDLE_EXECUTOR_IO_MAX_CONCURENCY", "5");
        assertContains(failure("io", Map.of()),
                "spindle.executor.io.maxConcurency='5' (from environment variable SPINDLE_EXECUTOR_IO_MAX_CONCURENCY)",
                "Did you mean 'maxConcurrency' (SPINDLE_EXECUTOR_IO_MAX_CONCURRENCY)?");
    }

    @Test
    void keyOfAnotherBackendSaysWhose() {
        file.setProperty("spindle.executor.io.backend", "threads");
        file.setProperty("spindle.executor.io.maxConcurrency", "100");
        assertContains(failure("io", Map.of()), "spindle.executor.io.maxConcurrency='100' (from spindle.properties)",
                "maxConcurrency is a key of backend 'virtual', not of 'threads'", "select backend 'virtual'");

        assertContains(failure("io", Map.of("backend", "virtual", "parallelism", "2")),
                "parallelism is a key of backends 'forkjoin', 'threads', not of 'virtual'");
    }

    @Test
    void otherExecutorsAndOtherSpindleKeysAreIgnored() {
        system.setProperty("spindle.executor.cpu.paralelism", "oops");
        system.setProperty("spindle.executor.iox.whatever", "1");
        system.setProperty("spindle.metrics.enabled", "true");
        env.put("SPINDLE_EXECUTOR_CPU_WHATEVER", "1");
        env.put("SPINDLE_LOG", "x");
        file.setProperty("spindle.other", "x");
        assertEquals("forkjoin", resolve("io", Map.of()).backendName());
    }

    @Test
    void allProblemsAreReportedTogether() {
        String message = failure("io", Map.of("backend", "threads", "paralelism", "2", "keepAlive", "soon"));
        assertContains(message, "executor 'io' has 2 configuration problems", "1. ", "2. ", "paralelism",
                "keepAlive='soon'");
    }

    // ---- bad values ----

    @Test
    void badIntNamesKeyValueSourceAndRange() {
        file.setProperty("spindle.executor.io.backend", "threads");
        file.setProperty("spindle.executor.io.parallelism", "0");
        assertContains(failure("io", Map.of()), "spindle.executor.io.parallelism='0' (from spindle.properties)",
                "out of range", "Expected a whole number from 1 to 32767");

        env.put("SPINDLE_EXECUTOR_IO_PARALLELISM", "many");
        assertContains(failure("io", Map.of()),
                "spindle.executor.io.parallelism='many' (from environment variable SPINDLE_EXECUTOR_IO_PARALLELISM)",
                "not a whole number", "Expected a whole number from 1 to 32767");
    }

    @Test
    void badDurationNamesTheExpectedForms() {
        system.setProperty("spindle.executor.pool.keepAlive", "5 parsecs");
        assertContains(failure("pool", Map.of("backend", "threads")),
                "spindle.executor.pool.keepAlive='5 parsecs' (from system property)",
                "Expected a duration such as 250ms, 2s, 1m, PT2S, or 0");
        system.setProperty("spindle.executor.pool.keepAlive", "9999999999999999h");
        assertContains(failure("pool", Map.of("backend", "threads")),
                "spindle.executor.pool.keepAlive='9999999999999999h'", "too long",
                "Expected a duration such as 250ms, 2s, 1m, PT2S, or 0");
    }

    @Test
    void valuesAreParsed() {
        ResolvedConfig config = resolve("io", Map.of("backend", "threads", "keepAlive", "250ms", "parallelism",
                "1_000"));
        assertEquals(Duration.ofMillis(250), config.get(KEEP_ALIVE));
        assertEquals(1000, config.get(PARALLELISM));
        assertThrows(IllegalArgumentException.class, () -> config.get(MAX_CONCURRENCY));
    }

    // ---- names ----

    @ParameterizedTest
    @CsvSource({
        "io, maxConcurrency, SPINDLE_EXECUTOR_IO_MAX_CONCURRENCY",
        "cpu-bound, backend, SPINDLE_EXECUTOR_CPU_BOUND_BACKEND",
        "a1-b2-c3, jvmArgs, SPINDLE_EXECUTOR_A1_B2_C3_JVM_ARGS",
        "x, maxHTTPConnections, SPINDLE_EXECUTOR_X_MAX_HTTP_CONNECTIONS",
    })
    void environmentVariableNames(String executor, String key, String expected) {
        assertEquals(expected, ConfigNames.envName(executor, key));
    }

    @Test
    void executorNamesWithDashesReadTheirEnvironmentVariables() {
        env.put("SPINDLE_EXECUTOR_CPU_BOUND_BACKEND", "virtual");
        env.put("SPINDLE_EXECUTOR_CPU_BOUND_MAX_CONCURRENCY", "7");
        ResolvedConfig config = resolve("cpu-bound", Map.of());
        assertEquals("virtual", config.backendName());
        assertEquals(7, config.get(MAX_CONCURRENCY));
        // executor 'cpu' does not take SPINDLE_EXECUTOR_CPU_BOUND_* for misspelt keys of its own
        assertEquals("forkjoin", resolve("cpu", Map.of()).backendName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "IO", "1io", "-io", "my_pool", "my pool", "io.x",
        "a12345678901234567890123456789012345678901234567890123456789012345"})
    void invalidExecutorNamesAreRejected(String name) {
        assertContains(failure(name, Map.of()), "invalid executor name '" + name + "'", "[a-z][a-z0-9-]*",
                "at most 64 characters");
    }

    @Test
    void longestValidExecutorName() {
        String name = "a" + "b".repeat(63);
        assertEquals(name, resolve(name, Map.of()).executorName());
    }

    // ---- the real sources ----

    @Test
    void fromEnvironmentReadsSpindlePropertiesAndBackendsThroughTheContextClassLoader(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("spindle.properties"), """
                spindle.executor.config-resolver-test.backend=virtual
                spindle.executor.config-resolver-test.maxConcurrency=0
                """, StandardCharsets.UTF_8);
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(Backend.class.getName()), VirtualBackend.class.getName() + "\n");

        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            ConfigResolver resolver = ConfigResolver.fromEnvironment();
            assertTrue(resolver.backends().stream().anyMatch(b -> b instanceof VirtualBackend));
            Executable resolve = () -> resolver.resolve("config-resolver-test", Map.of());
            String message = assertThrows(SpindleConfigException.class, resolve).getMessage();
            assertContains(message, "(from spindle.properties at file:", dir.resolve("spindle.properties") + ")",
                    "spindle.executor.config-resolver-test.maxConcurrency='0'");
            assertEquals(3, resolver.resolve("config-resolver-test", Map.of("maxConcurrency", "3"))
                    .get(MAX_CONCURRENCY));
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
