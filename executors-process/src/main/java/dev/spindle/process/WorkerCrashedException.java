package dev.spindle.process;

import java.util.List;
import java.util.OptionalInt;

/**
 * The failure of a task whose worker JVM died while running it: the task called {@code System.exit} or
 * {@code Runtime.halt}, ran out of memory (workers run with {@code -XX:+ExitOnOutOfMemoryError}), or the process
 * was killed. Only the task that worker held fails; a fresh worker replaces it for the next task. It is the cause of
 * the {@link dev.spindle.TaskFailedException} thrown by {@code join()}.
 *
 * <p>Also thrown when a worker could not start (its exit code and stderr say why). Immutable and thread-safe.
 */
public final class WorkerCrashedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long pid;
    private final int exitCode;
    private final List<String> lastStderrLines;

    /**
     * @param message what happened
     * @param pid the worker's process id
     * @param exitCode its exit code; on Unix, 128 + n for a process killed by signal n
     * @param lastStderrLines the last lines it wrote to stderr, oldest first
     */
    public WorkerCrashedException(String message, long pid, int exitCode, List<String> lastStderrLines) {
        super(message);
        this.pid = pid;
        this.exitCode = exitCode;
        this.lastStderrLines = List.copyOf(lastStderrLines);
    }

    /** @return the worker's process id */
    public long pid() {
        return pid;
    }

    /** @return the worker's exit code */
    public int exitCode() {
        return exitCode;
    }

    /** @return the signal that killed the worker (exit code above 128 on Unix), if any */
    public OptionalInt signal() {
        return signalOf(exitCode);
    }

    /** @return the last lines the worker wrote to stderr, oldest first; empty if none */
    public List<String> lastStderrLines() {
        return lastStderrLines;
    }

    static OptionalInt signalOf(int exitCode) {
        boolean unix = !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        return unix && exitCode > 128 && exitCode < 128 + 65 ? OptionalInt.of(exitCode - 128) : OptionalInt.empty();
    }

    static String describeExit(int exitCode) {
        OptionalInt signal = signalOf(exitCode);
        if (signal.isEmpty()) {
            return "exit code " + exitCode;
        }
        String name = switch (signal.getAsInt()) {
            case 1 -> " (SIGHUP)";
            case 2 -> " (SIGINT)";
            case 6 -> " (SIGABRT)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
        return "exit code " + exitCode + ", killed by signal " + signal.getAsInt() + name;
    }
}
