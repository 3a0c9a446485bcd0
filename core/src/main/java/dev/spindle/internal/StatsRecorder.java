package dev.spindle.internal;

import dev.spindle.ExecutorStats;
import dev.spindle.TaskState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and latency histograms of one executor. Thread-safe. A task that succeeds moves three counts (accepted,
 * started, exited); the other counts move only on the rare paths, and the rest is derived. On the executor's own
 * worker threads the three counts live in the thread's {@link CarrierSlots}, written with plain stores (the exit
 * count with a fenced one, see {@link CarrierSlots#gone()}); other threads count in cells striped by thread id
 * ({@link ThreadStripedCounter}). Latencies are recorded for a sample of tasks (see {@link #sampled(long)}): reading
 * the clock twice more per task would cost more than a no-op task itself.
 */
public final class StatsRecorder {

    private static final VarHandle LOCALS;

    static {
        try {
            LOCALS = MethodHandles.lookup().findVarHandle(StatsRecorder.class, "locals", CarrierSlots[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile CarrierSlots[] locals = new CarrierSlots[0];
    final ConcurrentLinkedQueue<CarrierSlots> free = new ConcurrentLinkedQueue<>();

    /** One task in this many has its queue wait and run time recorded. */
    public static final int SAMPLE_EVERY = 32;

    // the three counts of every task, written by whatever thread submits, starts or ends one outside the executor's
    // own workers: often a thread that lives for one task (see ThreadStripedCounter)
    private final ThreadStripedCounter accepted = new ThreadStripedCounter();
    private final LongAdder rejected = new LongAdder();
    private final ThreadStripedCounter started = new ThreadStripedCounter();
    private final ThreadStripedCounter exited = new ThreadStripedCounter();
    private final LongAdder cancelledBeforeStart = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LatencyHistogram queueWait = new LatencyHistogram();
    private final LatencyHistogram runTime = new LatencyHistogram();

    /**
     * @param taskId a task's id (ids are dense per thread)
     * @return whether that task's latencies are recorded
     */
    public static boolean sampled(long taskId) {
        return (taskId & (SAMPLE_EVERY - 1)) == 0;
    }

    /**
     * @return slots for a new worker thread of this executor, with its share of the counts: a retired thread's if there
     *     is one, else new ones that every snapshot includes from now on
     */
    public CarrierSlots newSlots() {
        CarrierSlots l = free.poll();
        if (l != null) {
            return l;
        }
        l = new CarrierSlots(this);
        for (;;) { // copy on write: workers start rarely, snapshots read the array often
            CarrierSlots[] a = locals;
            CarrierSlots[] b = Arrays.copyOf(a, a.length + 1);
            b[a.length] = l;
            if (LOCALS.compareAndSet(this, a, b)) {
                return l;
            }
        }
    }

    /** A task was offered; {@link #rejected()} follows if it was not taken. */
    public void accepted() {
        accepted.increment();
    }

    /** A task offered was not taken after all; it counts as gone at once. */
    public void rejected() {
        rejected.increment();
        exited.increment();
    }

    /** A task's code started. */
    public void started() {
        started.increment();
    }

    /** @param queueNanos how long a sampled task waited */
    public void queueWait(long queueNanos) {
        queueWait.record(queueNanos);
    }

    /** @param ranNanos how long a sampled task's code ran */
    public void runTime(long ranNanos) {
        runTime.record(ranNanos);
    }

    /**
     * Counts a task's outcome; {@link #gone()} follows once everyone was told.
     *
     * @param outcome its terminal state
     * @param startedBefore whether its code had started
     */
    public void exited(TaskState outcome, boolean startedBefore) {
        if (!startedBefore) {
            cancelledBeforeStart.increment();
        }
        switch (outcome) {
            case SUCCEEDED -> { }
            case FAILED -> failed.increment();
            default -> cancelled.increment();
        }
    }

    /** A task's exit is complete: its group, its waiters and its executor were told. */
    public void gone() {
        exited.increment();
    }

    /**
     * @return whether every task offered has gone; exits are counted after the offer they match, so the sum is never
     *     ahead
     */
    public boolean drained() {
        long gone = exitedSum();
        return gone >= acceptedSum(); // accepted read after exited: every exit seen has its offer seen
    }

    private long exitedSum() {
        long n = exited.sum();
        for (CarrierSlots l : locals) {
            n += l.goneCount();
        }
        return n;
    }

    private long acceptedSum() {
        long n = accepted.sum();
        for (CarrierSlots l : locals) {
            n += l.acceptedCount();
        }
        return n;
    }

    private long startedSum() {
        long n = started.sum();
        for (CarrierSlots l : locals) {
            n += l.startedCount();
        }
        return n;
    }

    /** @return a snapshot */
    public ExecutorStats snapshot() {
        long rej = rejected.sum();
        long done = exitedSum() - rej;
        long st = startedSum();
        long notStarted = cancelledBeforeStart.sum();
        long fail = failed.sum();
        long canc = cancelled.sum();
        long sub = Math.max(0, acceptedSum() - rej);
        long queued = Math.max(0, sub - st - notStarted);
        long running = Math.max(0, st - (done - notStarted));
        long succeeded = Math.max(0, done - fail - canc);
        return new ExecutorStats(sub, queued, running, succeeded, fail, canc,
                queueWait.percentile(0.5), queueWait.percentile(0.99), runTime.percentile(0.5), runTime.percentile(0.99));
    }
}
