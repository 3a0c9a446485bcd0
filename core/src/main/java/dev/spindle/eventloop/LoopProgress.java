package dev.spindle.eventloop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** 128 bytes before the fields of {@link LoopProgress}. */
@SuppressWarnings("unused")
abstract class LoopProgressPadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The fields of {@link LoopProgress}, between its pads. */
abstract class LoopProgressFields extends LoopProgressPadBefore {
    long stepSeq; // odd while a step runs; written with setRelease by the loop thread only, read with getAcquire
    Object stepOwner; // the step's task, or null for a plain step; published by the release store of the odd stepSeq
}

/**
 * What an event loop runs now, for its slow-step watchdog, alone on its cache lines. The loop writes it twice per
 * step, while every producer reads the loop's wake-up state on every submission: were they on one cache line, each
 * submission would miss the cache (false sharing) and a single producer would go several times slower. Padded by
 * inheritance as in JCTools: HotSpot lays out a superclass's fields before a subclass's, so the pads stay on both
 * sides.
 *
 * <p>{@code stepSeq} is bumped with release stores (plain moves on x86): no fence and no clock read per step. The
 * watchdog samples it; a step is slow when the same odd value stays for the threshold.
 */
final class LoopProgress extends LoopProgressFields {

    private static final VarHandle STEP_SEQ;

    static {
        try {
            STEP_SEQ = MethodHandles.lookup().findVarHandle(LoopProgressFields.class, "stepSeq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    /**
     * Loop thread: a step starts.
     *
     * @param task the task the step runs, or {@code null} for a plain step (the watchdog names it by its stack)
     * @return the sequence to pass to {@link #stepEnded}
     */
    long stepStarts(Object task) {
        long seq = stepSeq; // plain read: only the loop thread writes it
        if (task != null || stepOwner != null) {
            // only then: this object lives long (old generation), and G1 fences a store of a young reference into it
            stepOwner = task;
        }
        STEP_SEQ.setRelease(this, seq + 1); // odd: in a step; orders the stepOwner write before it
        return seq;
    }

    /** Loop thread: the step that {@link #stepStarts} began has ended. */
    void stepEnded(long seq) {
        STEP_SEQ.setRelease(this, seq + 2); // even: between steps
    }

    /** Loop thread: forget the last step's owner, so that its closure is not kept alive while the loop sleeps. */
    void idle() {
        stepOwner = null;
    }

    /** @return the step sequence: odd while a step runs, changed by every step; any thread (acquire) */
    long seq() {
        return (long) STEP_SEQ.getAcquire(this);
    }

    /**
     * @return the task the step runs, {@code null} for a plain step; racy, but the race is benign: read after an odd
     *     {@link #seq()} and trusted only if the sequence still has that value afterwards
     */
    Object owner() {
        return stepOwner;
    }
}
