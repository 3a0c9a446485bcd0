package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a pool decides to create and reuse its workers' AOT/CDS cache, and when it falls back to a plain start. */
class FastStartTest {

    @TempDir
    Path dir;

    private String jars(String... names) throws Exception {
        StringBuilder cp = new StringBuilder();
        for (String n : names) {
            Path jar = dir.resolve(n);
            if (!Files.exists(jar)) {
                Files.write(jar, new byte[] {'P', 'K', 3, 4});
            }
            cp.append(cp.isEmpty() ? "" : File.pathSeparator).append(jar);
        }
        return cp.toString();
    }

    private FastStart decide(int jdk, String cp, List<String> args) {
        return FastStart.decide(true, dir.resolve("cache"), jdk, "jdk-home 25.0.3+9", cp, args);
    }

    @Test
    void onJdk25TheFirstWorkerTrainsTheAotCacheAndLaterWorkersUseIt() throws Exception {
        FastStart f = decide(25, jars("a.jar", "b.jar"), List.of("-Xmx64m"));
        assertEquals(FastStart.Mode.AOT, f.mode());
        FastStart.Launch trainer = f.nextLaunch();
        assertTrue(trainer.options().stream().anyMatch(o -> o.startsWith("-XX:AOTCacheOutput=")), trainer.toString());
        assertTrue(trainer.options().contains("-Xlog:aot=off"), "a stale cache must not make noise");
        assertEquals(List.of(), f.nextLaunch().options(), "only one worker trains; the others start plainly");

        Files.writeString(trainer.trainingOutput(), "cache");
        f.trained(trainer.trainingOutput());
        assertTrue(Files.isRegularFile(f.file()), "the training output is moved into place");
        assertTrue(f.nextLaunch().options().contains("-XX:AOTCache=" + f.file()));
    }

    @Test
    void aTrainerThatWroteNothingLetsTheNextWorkerTrain() throws Exception {
        FastStart f = decide(25, jars("a.jar"), List.of());
        FastStart.Launch first = f.nextLaunch();
        f.trained(first.trainingOutput()); // killed before it could write
        FastStart.Launch second = f.nextLaunch();
        assertTrue(second.trainingOutput() != null && !second.trainingOutput().equals(first.trainingOutput()));
    }

    @Test
    void beforeJdk25ItUsesAnAutoCreatedCdsArchive() throws Exception {
        FastStart f = decide(21, jars("a.jar"), List.of());
        assertEquals(FastStart.Mode.CDS, f.mode());
        List<String> o = f.nextLaunch().options();
        assertTrue(o.contains("-XX:+AutoCreateSharedArchive") && o.stream()
                .anyMatch(x -> x.startsWith("-XX:SharedArchiveFile=")), o.toString());
    }

    @Test
    void theCacheIsKeyedByJdkClassPathAndOptions() throws Exception {
        String cp = jars("a.jar", "b.jar");
        Path base = decide(25, cp, List.of("-Xmx64m")).file();
        assertEquals(base, decide(25, cp, List.of("-Xmx64m")).file(), "same inputs, same cache");
        assertNotEquals(base, decide(25, cp, List.of("-Xmx128m")).file(), "other options");
        assertNotEquals(base, decide(25, jars("a.jar"), List.of("-Xmx64m")).file(), "other class path");
        assertNotEquals(base, FastStart.decide(true, dir.resolve("cache"), 25, "jdk-home 25.0.4+1", cp,
                List.of("-Xmx64m")).file(), "other JDK");
        Files.setLastModifiedTime(dir.resolve("b.jar"), FileTime.fromMillis(1_000_000_000L));
        assertNotEquals(base, decide(25, cp, List.of("-Xmx64m")).file(), "a rebuilt jar");
        assertTrue(base.startsWith(dir.resolve("cache")), "under the cache directory");
    }

    @Test
    void itFallsBackSilentlyWhereACacheCannotWork() throws Exception {
        Path classes = Files.createDirectory(dir.resolve("classes"));
        String cp = jars("a.jar") + File.pathSeparator + classes;
        assertOff(decide(25, cp, List.of()), "is a directory");
        assertOff(decide(25, jars("a.jar") + File.pathSeparator + dir.resolve("missing.jar"), List.of()),
                "does not exist");
        assertOff(decide(17, jars("a.jar"), List.of()), "JDK 17");
        assertOff(decide(25, jars("a.jar"), List.of("-Xshare:off")), "their own class data sharing");
        assertOff(FastStart.decide(false, dir, 25, "j", jars("a.jar"), List.of()), "fastStart=false");
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertOff(FastStart.decide(true, file.resolve("cache"), 25, "j", jars("a.jar"), List.of()),
                "cannot be created");
    }

    private static void assertOff(FastStart f, String why) {
        assertEquals(FastStart.Mode.OFF, f.mode());
        assertTrue(f.whyOff().contains(why), f.whyOff());
        assertEquals(List.of(), f.nextLaunch().options());
        assertNull(f.file());
    }

    @Test
    void aTestClassPathOfClassDirectoriesStartsWorkersPlainly() {
        WorkerSpec spec = WorkerSpec.of("plain", "", java.time.Duration.ofSeconds(1), "", "", true, dir.toString());
        assertEquals(FastStart.Mode.OFF, spec.fastStart().mode(), "surefire runs from target/classes");
    }

    @Test
    void anInvalidCacheDirIsRejectedWithItsValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pools.pool("badcache", "cacheDir", "bad\0dir").close());
        assertTrue(e.getMessage().contains("'cacheDir'") && e.getMessage().contains("not a valid path"),
                e.getMessage());
    }
}
