package dev.spindle;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Per-task options: a name (shown in thread names, logs, JFR events and error messages) and a time limit.
 *
 * <p>A timeout is measured from the moment the task is submitted, so it covers time spent in the queue. When it
 * passes, the task is cancelled with {@link DeadlineExceededException}: the work is stopped, not only the waiting.
 * A task also inherits the deadline of the group it is forked into; the tighter of the two wins.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TaskOptions {

    /** No name, no time limit. */
    public static final TaskOptions DEFAULTS = new TaskOptions(null, null, null);

    private final String name;
    private final Duration timeout;
    private final Instant deadline;

    private TaskOptions(String name, Duration timeout, Instant deadline) {
        this.name = name;
        this.timeout = timeout;
        this.deadline = deadline;
    }

    /**
     * @param name the task's name; not blank
     * @return options with that name
     */
    public static TaskOptions named(String name) {
        return DEFAULTS.withName(name);
    }

    /**
     * @param name the task's name; not blank
     * @return a copy with that name
     */
    public TaskOptions withName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("task name is blank; give a name that identifies the task in logs, "
                    + "or leave it unset to get task-<id>");
        }
        return new TaskOptions(name, timeout, deadline);
    }

    /**
     * @param timeout the longest the task may take from submission; positive
     * @return a copy with that timeout
     */
    public TaskOptions withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("task timeout is " + timeout + "; expected a positive duration such as "
                    + "Duration.ofSeconds(2)");
        }
        return new TaskOptions(name, timeout, deadline);
    }

    /**
     * @param deadline the instant by which the task must have finished
     * @return a copy with that deadline
     */
    public TaskOptions withDeadline(Instant deadline) {
        Objects.requireNonNull(deadline, "deadline");
        return new TaskOptions(name, timeout, deadline);
    }

    /** @return the name, or {@code null} */
    public String name() {
        return name;
    }

    /** @return the timeout, or {@code null} */
    public Duration timeout() {
        return timeout;
    }

    /** @return the deadline, or {@code null} */
    public Instant deadline() {
        return deadline;
    }

    @Override
    public String toString() {
        return "TaskOptions[name=" + name + ", timeout=" + timeout + ", deadline=" + deadline + "]";
    }
}
