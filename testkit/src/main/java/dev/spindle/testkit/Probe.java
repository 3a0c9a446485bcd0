package dev.spindle.testkit;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * How contract tasks tell the test (and each other) what happened: an append-only log of named events. Tasks capture
 * a probe instead of latches and atomics, so the same contract runs where tasks share the test's memory and where
 * they run in another process.
 *
 * <p>{@link #inMemory()} keeps the log in this JVM; {@link #inFile(Path)} appends it to a file, one line per event,
 * so a task deserialized in a child JVM writes where the test reads. Waits are bounded by
 * {@link BackendFixture#PATIENCE} and fail the test instead of hanging. Thread-safe, and safe across processes for
 * the file-backed kind (each event is one {@code O_APPEND} write of a short line).
 */
public abstract sealed class Probe implements Serializable permits Probe.InMemory, Probe.InFile {

    private static final long serialVersionUID = 1L;
    /** Each line is {@code pid event}; events longer than this are refused so that a line stays one small write. */
    private static final int MAX_EVENT = 400;

    /** One recorded event and the process that recorded it. */
    record Entry(long pid, String event) {
    }

    Probe() {
    }

    /** @return a probe for tasks that run in this JVM */
    public static Probe inMemory() {
        return new InMemory();
    }

    /**
     * @param file where the events go; created empty if missing
     * @return a probe that tasks in other processes can write to
     */
    public static Probe inFile(Path file) {
        try {
            if (Files.notExists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the probe file " + file, e);
        }
        return new InFile(file.toAbsolutePath().toString());
    }

    /**
     * Records one occurrence of an event.
     *
     * @param event a short text without line breaks
     */
    public final void mark(String event) {
        if (event.isEmpty() || event.length() > MAX_EVENT || event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("probe event '" + event + "': expected 1 to " + MAX_EVENT
                    + " characters on one line");
        }
        append(new Entry(ProcessHandle.current().pid(), event));
    }

    /** @return every event recorded so far, in order, with the process that recorded it */
    abstract List<Entry> entries();

    abstract void append(Entry e);

    /** Waits until {@code condition} holds, re-checking after each change (or poll). */
    abstract boolean awaitChange(BooleanSupplier condition, long deadlineNanos) throws InterruptedException;

    /** @return every event recorded so far, in order */
    public final List<String> events() {
        return entries().stream().map(Entry::event).toList();
    }

    /**
     * @param event the event
     * @return how often it was recorded
     */
    public final int count(String event) {
        return (int) entries().stream().filter(e -> e.event().equals(event)).count();
    }

    /**
     * @param event the event
     * @return the processes that recorded it
     */
    public final Set<Long> pidsOf(String event) {
        Set<Long> pids = new LinkedHashSet<>();
        for (Entry e : entries()) {
            if (e.event().equals(event)) {
                pids.add(e.pid());
            }
        }
        return pids;
    }

    /**
     * Waits until an event was recorded once, failing the test after {@link BackendFixture#PATIENCE}. An interrupt
     * ends the wait with an {@link AssertionError} whose cause is the {@link InterruptedException}; the thread's
     * interrupt flag is set again.
     *
     * @param event the event
     */
    public final void await(String event) {
        await(event, 1);
    }

    /**
     * Waits until an event was recorded {@code times} times; see {@link #await(String)}.
     *
     * @param event the event
     * @param times how often
     */
    public final void await(String event, int times) {
        awaitUntil(() -> count(event) >= times, times + " x '" + event + "'");
    }

    /**
     * Waits until a condition over the recorded events holds; see {@link #await(String)}.
     *
     * @param condition checked after each change
     * @param what what is awaited, for the failure message
     */
    public final void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BackendFixture.PATIENCE.toNanos();
        try {
            if (!awaitChange(condition, deadline)) {
                throw new AssertionError("timed out after " + BackendFixture.PATIENCE + " waiting for " + what
                        + "; events so far: " + events());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        }
    }

    /**
     * Waits until a condition over the recorded events holds, at most {@code within}.
     *
     * @param condition checked after each change
     * @param within the longest wait
     * @return whether it holds; {@code false} after the wait, or when interrupted (the interrupt flag is set again)
     */
    public final boolean awaitUntil(BooleanSupplier condition, java.time.Duration within) {
        try {
            return awaitChange(condition, System.nanoTime() + within.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Events in this JVM's memory. */
    static final class InMemory extends Probe {
        private static final long serialVersionUID = 1L;
        private final transient ReentrantLock lock = new ReentrantLock();
        private final transient Condition changed = lock.newCondition();
        private final transient List<Entry> log = new ArrayList<>();

        @Override
        List<Entry> entries() {
            lock.lock();
            try {
                return List.copyOf(log);
            } finally {
                lock.unlock();
            }
        }

        @Override
        void append(Entry e) {
            lock.lock();
            try {
                log.add(e);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        boolean awaitChange(BooleanSupplier condition, long deadlineNanos) throws InterruptedException {
            lock.lock();
            try {
                while (!condition.getAsBoolean()) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    changed.awaitNanos(left);
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        private Object writeReplace() throws ObjectStreamException {
            throw new NotSerializableException("an in-memory Probe cannot leave its JVM: a fixture whose tasks run "
                    + "in other processes must answer true to tasksCrossProcesses(), which makes file-backed probes");
        }
    }

    /** Events appended to a file, one {@code pid event} line each; readers poll it. */
    static final class InFile extends Probe {
        private static final long serialVersionUID = 1L;
        private final String file;

        InFile(String file) {
            this.file = file;
        }

        @Override
        List<Entry> entries() {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the probe file " + file, e);
            }
            List<Entry> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') { // a line still being written has no newline yet: left for the next read
                    String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                    int space = line.indexOf(' ');
                    out.add(new Entry(Long.parseLong(line.substring(0, space)), line.substring(space + 1)));
                    start = i + 1;
                }
            }
            return out;
        }

        @Override
        void append(Entry e) {
            byte[] line = (e.pid() + " " + e.event() + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                Files.write(Path.of(file), line, StandardOpenOption.APPEND);
            } catch (IOException x) {
                throw new UncheckedIOException("cannot append to the probe file " + file, x);
            }
        }

        @Override
        boolean awaitChange(BooleanSupplier condition, long deadlineNanos) throws InterruptedException {
            long pauseMicros = 200;
            while (!condition.getAsBoolean()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.MICROSECONDS.sleep(Math.min(pauseMicros, TimeUnit.NANOSECONDS.toMicros(left) + 1));
                pauseMicros = Math.min(pauseMicros * 2, 5_000);
            }
            return true;
        }
    }
}
