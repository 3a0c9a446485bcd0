package dev.spindle.internal;

import dev.spindle.spi.TaskRun;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What a pool worker thread keeps for itself: its current task, its block of task ids, and its share of its
 * executor's counters. Written only by the thread that holds it (a worker that ends hands it back with
 * {@link #retire()} and a later worker of the same executor takes it over); the counters are read by anyone through
 * {@link StatsRecorder}. Padded on both sides: the slots of two workers are often allocated next to each other, and
 * sharing a cache line would make every task's bookkeeping a cache miss on the other core.
 */
public final class CarrierSlots extends CarrierSlotsFields {
    @SuppressWarnings("unused")
    private long q01, q02, q03, q04, q05, q06, q07, q08;

    CarrierSlots(StatsRecorder owner) {
        super(owner);
    }
}

/** Padding before the fields. */
abstract class CarrierSlotsPad {
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07, p08;
}

/** The fields of {@link CarrierSlots}, between its paddings. */
abstract class CarrierSlotsFields extends CarrierSlotsPad {
    private static final VarHandle ACCEPTED;
    private static final VarHandle STARTED;
    private static final VarHandle GONE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ACCEPTED = l.findVarHandle(CarrierSlotsFields.class, "accepted", long.class);
            STARTED = l.findVarHandle(CarrierSlotsFields.class, "started", long.class);
            GONE = l.findVarHandle(CarrierSlotsFields.class, "gone", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The task running on the thread, or {@code null}. */
    public TaskRun<?> current;
    /** The next task id of the thread's block. */
    public long nextId;
    /** The end of the thread's block of task ids (exclusive). */
    public long idLimit;
    private final StatsRecorder owner;
    private volatile long accepted;
    private volatile long started;
    private volatile long gone;

    CarrierSlotsFields(StatsRecorder owner) {
        this.owner = owner;
    }

    /** @return the recorder whose counts these are */
    public final StatsRecorder owner() {
        return owner;
    }

    /**
     * A task was offered by this thread while it ran a task of the same executor. That task has not exited, so
     * {@link StatsRecorder#drained()} cannot be true before it sees this count: no fence needed.
     */
    public final void accepted() {
        ACCEPTED.setRelease(this, (long) ACCEPTED.getOpaque(this) + 1);
    }

    /** A task's code started on this thread. */
    public final void started() {
        STARTED.setRelease(this, (long) STARTED.getOpaque(this) + 1);
    }

    /**
     * A task's exit completed on this thread. Fenced: the executor reads its run state right after, and a
     * {@code close()} that wrote the state before that read must then see this count.
     */
    public final void gone() {
        GONE.setVolatile(this, (long) GONE.getOpaque(this) + 1);
    }

    final long acceptedCount() {
        return accepted;
    }

    final long startedCount() {
        return started;
    }

    final long goneCount() {
        return gone;
    }

    /** The thread that held these slots ends; a later worker of the same executor takes them over. */
    public final void retire() {
        current = null;
        owner.free.add((CarrierSlots) this);
    }
}
