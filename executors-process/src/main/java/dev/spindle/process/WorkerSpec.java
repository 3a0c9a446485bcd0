package dev.spindle.process;

import java.io.ObjectInputFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a pool starts its workers and talks to them, fixed when the executor is created. Immutable and thread-safe.
 *
 * @param executorName the executor's name, for thread names and log lines
 * @param javaCommand the java launcher: the parent's own
 * @param jvmArgs per-pool JVM options, e.g. {@code -Xmx256m}
 * @param classPath the parent's class path
 * @param cancelGrace how long a cancelled task may take to stop before its worker is destroyed
 * @param allow the {@code allow} pattern, possibly empty
 * @param extraFilter the filter made from {@code allow}, or {@code null}
 * @param initializer the initializer's class name, or empty
 * @param fastStart how workers use the AOT/CDS cache
 */
record WorkerSpec(String executorName, String javaCommand, List<String> jvmArgs, String classPath,
        Duration cancelGrace, String allow, ObjectInputFilter extraFilter, String initializer, FastStart fastStart) {

    static WorkerSpec of(String executorName, String jvmArgs, Duration cancelGrace, String allow,
            String initializer, boolean fastStart, String cacheDir) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> args = jvmArgs.isBlank() ? List.of()
                : Arrays.stream(jvmArgs.strip().split("\\s+")).toList();
        ObjectInputFilter extra;
        try {
            extra = PayloadFilter.extra(allow);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("executor '" + executorName + "': the 'allow' pattern '" + allow
                    + "' is not a valid ObjectInputFilter pattern (" + e.getMessage()
                    + "); write e.g. com.example.model.*;com.example.Point", e);
        }
        if (!initializer.isEmpty()) {
            Initializers.check(executorName, initializer);
        }
        String classPath = System.getProperty("java.class.path", "");
        Path dir;
        try {
            dir = cacheDir.isEmpty() ? FastStart.defaultCacheDir() : Path.of(cacheDir);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("executor '" + executorName + "': the 'cacheDir' '" + cacheDir
                    + "' is not a valid path (" + e.getMessage() + "); give a directory, e.g. /var/cache/spindle, or "
                    + "leave it empty for ~/.cache/spindle", e);
        }
        FastStart fast = FastStart.decide(fastStart, dir, Runtime.version().feature(),
                System.getProperty("java.home") + " " + System.getProperty("java.vm.version"), classPath, args);
        return new WorkerSpec(executorName, java, args, classPath, cancelGrace, allow, extra, initializer, fast);
    }

    /** @return the command line of a worker connecting to {@code socket}, with the fast-start options of its launch */
    List<String> command(Path socket, FastStart.Launch launch) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaCommand);
        cmd.add("-XX:+ExitOnOutOfMemoryError"); // a JVM out of memory is unreliable: make it a crash, reported
        cmd.add("-XX:+DisplayVMOutputToStderr"); // so the VM's own last words land in the crash report
        cmd.addAll(launch.options());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(WorkerMain.class.getName());
        cmd.add(socket.toString());
        cmd.add(allow);
        cmd.add(initializer);
        return cmd;
    }
}
