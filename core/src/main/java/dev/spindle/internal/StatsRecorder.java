package dev.spindle.internal;

import dev.spindle.ExecutorStats;
import dev.spindle.TaskState;
import java.util.concurrent.atomic.LongAdder;

/** Counters and latency histograms of one executor. Thread-safe; each update is one striped increment. */
public final class StatsRecorder {

    private final LongAdder submitted = new LongAdder();
    private final LongAdder started = new LongAdder();
    private final LongAdder exitedAfterStart = new LongAdder();
    private final LongAdder cancelledBeforeStart = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LatencyHistogram queueWait = new LatencyHistogram();
    private final LatencyHistogram runTime = new LatencyHistogram();

    /** A task was accepted. */
    public void submitted() {
        submitted.increment();
    }

    /** @param queueNanos how long it waited */
    public void started(long queueNanos) {
        started.increment();
        queueWait.record(queueNanos);
    }

    /**
     * @param outcome its terminal state
     * @param ranNanos how long its code ran, or -1 if it never started
     */
    public void exited(TaskState outcome, long ranNanos) {
        if (ranNanos >= 0) {
            exitedAfterStart.increment();
            runTime.record(ranNanos);
        } else {
            cancelledBeforeStart.increment();
        }
        switch (outcome) {
            case SUCCEEDED -> succeeded.increment();
            case FAILED -> failed.increment();
            default -> cancelled.increment();
        }
    }

    /** @return a snapshot */
    public ExecutorStats snapshot() {
        long sub = submitted.sum();
        long st = started.sum();
        long queued = Math.max(0, sub - st - cancelledBeforeStart.sum());
        long running = Math.max(0, st - exitedAfterStart.sum());
        return new ExecutorStats(sub, queued, running, succeeded.sum(), failed.sum(), cancelled.sum(),
                queueWait.percentile(0.5), queueWait.percentile(0.99), runTime.percentile(0.5), runTime.percentile(0.99));
    }
}
