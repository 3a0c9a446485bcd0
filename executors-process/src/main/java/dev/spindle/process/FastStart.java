package dev.spindle.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fast worker start: the pool creates, then reuses, the JDK's ahead-of-time cache of the classes its workers load
 * (JDK 25 and later: {@code -XX:AOTCacheOutput} in one training worker, {@code -XX:AOTCache} in the others; JDK 21 to
 * 24: a dynamic CDS archive, {@code -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile}). The cache file is keyed by
 * the JDK, the class path (each entry's name, size and modification time) and the pool's JVM options, and lives in
 * the cache directory. The training worker writes to a file of its own, renamed into place once it has exited, so a
 * reader never sees half a cache and two JVMs training at once do not collide.
 *
 * <p>Falls back silently to a plain start where a cache cannot work: a class path with a directory (exploded
 * classes, as in a build's tests) or a missing entry, no writable cache directory, or {@code fastStart=false}.
 *
 * <p>Thread-safe.
 */
final class FastStart {

    private static final Logger LOG = LoggerFactory.getLogger(FastStart.class);
    private static final AtomicInteger TRAINEES = new AtomicInteger();

    /** How workers of this pool use the cache. */
    enum Mode {
        /** No cache: a plain start. */
        OFF,
        /** JDK 25+: the AOT cache of JEP 483/514. */
        AOT,
        /** JDK 21-24: a dynamic CDS archive. */
        CDS
    }

    private final Mode mode;
    private final Path file;
    private final String why;
    private final AtomicBoolean trainerChosen = new AtomicBoolean();

    private FastStart(Mode mode, Path file, String why) {
        this.mode = mode;
        this.file = file;
        this.why = why;
    }

    static FastStart off(String why) {
        return new FastStart(Mode.OFF, null, why);
    }

    /**
     * Decides how this pool's workers start.
     *
     * @param enabled the {@code fastStart} key
     * @param cacheDir where caches live
     * @param jdkFeature the workers' JDK feature release (the parent's own java), e.g. 25
     * @param jdkIdentity what identifies that JDK exactly (home and VM version)
     * @param classPath the workers' class path
     * @param jvmArgs the pool's JVM options
     * @return the decision
     */
    static FastStart decide(boolean enabled, Path cacheDir, int jdkFeature, String jdkIdentity, String classPath,
            List<String> jvmArgs) {
        if (!enabled) {
            return off("fastStart=false");
        }
        if (jdkFeature < 19) {
            return off("JDK " + jdkFeature + " has neither an AOT cache nor auto-created CDS archives");
        }
        if (jvmArgs.stream().anyMatch(a -> a.contains("AOTCache") || a.contains("SharedArchiveFile")
                || a.startsWith("-Xshare") || a.contains("AOTMode"))) {
            return off("jvmArgs choose their own class data sharing");
        }
        StringBuilder key = new StringBuilder(jdkIdentity).append('\n');
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (IOException e) {
                return off("class path entry " + entry + " does not exist");
            }
            if (a.isDirectory()) {
                return off("class path entry " + entry + " is a directory (exploded classes cannot be cached)");
            }
            key.append(p.toAbsolutePath()).append(' ').append(a.size()).append(' ')
                    .append(a.lastModifiedTime().toMillis()).append('\n');
        }
        key.append(String.join(" ", jvmArgs));
        try {
            Files.createDirectories(cacheDir);
            if (!Files.isWritable(cacheDir)) {
                return off("cache directory " + cacheDir + " is not writable");
            }
        } catch (IOException | SecurityException e) {
            return off("cache directory " + cacheDir + " cannot be created: " + e);
        }
        Mode mode = jdkFeature >= 25 ? Mode.AOT : Mode.CDS;
        String name = "spindle-worker-" + hash(key.toString()) + (mode == Mode.AOT ? ".aot" : ".jsa");
        return new FastStart(mode, cacheDir.resolve(name).toAbsolutePath(), "");
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** @return the default cache directory: {@code ~/.cache/spindle}, or under {@code java.io.tmpdir} */
    static Path defaultCacheDir() {
        String home = System.getProperty("user.home", "");
        if (!home.isEmpty() && !home.equals("?") && Files.isWritable(Path.of(home))) {
            return Path.of(home, ".cache", "spindle");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "spindle-cache-" + System.getProperty("user.name", ""));
    }

    Mode mode() {
        return mode;
    }

    /** @return the cache file (which may not exist yet), or {@code null} when off */
    Path file() {
        return file;
    }

    /** @return why the cache is off, or empty */
    String whyOff() {
        return why;
    }

    /** The options for one worker, and where its training output goes if it trains. */
    record Launch(List<String> options, Path trainingOutput) {
        static final Launch PLAIN = new Launch(List.of(), null);
    }

    /**
     * @return the options of the next worker: use the cache if it exists; else the first worker trains it; the
     *     others start plainly
     */
    Launch nextLaunch() {
        if (mode == Mode.OFF) {
            return Launch.PLAIN;
        }
        List<String> opts = new ArrayList<>();
        opts.add(mode == Mode.AOT ? "-Xlog:aot=off" : "-Xlog:cds=off"); // a stale or foreign cache: start plainly, quietly
        opts.add(mode == Mode.AOT ? "-Xlog:cds=off" : "-Xshare:auto");
        if (Files.isRegularFile(file)) {
            opts.add(mode == Mode.AOT ? "-XX:AOTCache=" + file : "-XX:SharedArchiveFile=" + file);
            return new Launch(opts, null);
        }
        if (!trainerChosen.compareAndSet(false, true)) {
            return Launch.PLAIN;
        }
        Path out = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + TRAINEES.incrementAndGet());
        if (mode == Mode.AOT) {
            opts.add("-XX:AOTCacheOutput=" + out);
        } else {
            opts.add("-XX:+AutoCreateSharedArchive");
            opts.add("-XX:SharedArchiveFile=" + out);
        }
        return new Launch(opts, out);
    }

    /**
     * Called once a training worker has exited: moves its cache into place, or, if it wrote none (it was killed), lets
     * a later worker train.
     *
     * @param trainingOutput what {@link Launch#trainingOutput()} said
     */
    void trained(Path trainingOutput) {
        try {
            if (Files.isRegularFile(trainingOutput) && Files.size(trainingOutput) > 0) {
                Files.move(trainingOutput, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                LOG.debug("worker start cache written: {}", file);
                return;
            }
        } catch (IOException e) {
            LOG.debug("could not move the worker start cache {} into place: {}", trainingOutput, e.toString());
        }
        try {
            Files.deleteIfExists(trainingOutput);
            Files.deleteIfExists(trainingOutput.resolveSibling(trainingOutput.getFileName() + ".config"));
        } catch (IOException e) {
            // a leftover temporary file in the cache directory: harmless
        }
        trainerChosen.set(false);
    }
}
