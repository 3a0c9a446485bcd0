package dev.spindle.eventloop;

import dev.spindle.spi.TaskRun;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one loop from a daemon thread: a step that holds the loop longer than the threshold is logged once at
 * WARN, with the task it belongs to and the loop thread's stack at that moment — the blocked event loop nobody
 * notices in asyncio (where debug mode is off by default) is named here.
 *
 * <p>The loop pays no clock read per step: it only bumps its step sequence (odd while a step runs). Every quarter
 * threshold the watchdog samples the sequence; the first sample that sees an odd value starts that step's clock, and
 * a step is reported once its value has stayed for the threshold. So a step is reported after between 1 and 1¼
 * thresholds of holding the loop, and the time logged is a lower bound (the step began up to one sample earlier).
 */
final class SlowStepWatchdog implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SlowStepWatchdog.class);

    private final LoopRunner loop;
    private final String name;
    private final long thresholdNanos;
    private final Thread thread;

    SlowStepWatchdog(LoopRunner loop, String name, Duration threshold) {
        this.loop = loop;
        this.name = name;
        this.thresholdNanos = threshold.toNanos();
        this.thread = Thread.ofPlatform().daemon().name("spindle-loop-" + name + "-watchdog").unstarted(this);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        long seen = 0; // the step sequence at the last sample
        long seenSince = 0; // when a sample first saw it
        long reported = -1;
        long period = Math.max(1_000_000L, thresholdNanos / 4);
        while (loop.thread.isAlive() || loop.thread.getState() == Thread.State.NEW) {
            LockSupport.parkNanos(this, period);
            long seq = loop.progress.seq();
            long now = System.nanoTime();
            if (seq != seen) {
                seen = seq;
                seenSince = now;
                continue;
            }
            long held = now - seenSince;
            if ((seq & 1) == 0 || seq == reported || held < thresholdNanos) {
                continue; // between steps, already reported, or not slow yet
            }
            Object owner = loop.progress.owner();
            StackTraceElement[] stack = loop.thread.getStackTrace();
            if (loop.progress.seq() != seq) {
                continue; // the step ended while we looked: owner and stack may belong to another
            }
            reported = seq;
            StringBuilder where = new StringBuilder();
            for (int i = 0; i < Math.min(stack.length, 25); i++) {
                where.append("\n\tat ").append(stack[i]);
            }
            LOG.warn("event loop '{}' has been held for at least {} ms by {} (threshold {} ms): the step blocks the "
                    + "loop and every other task on it waits. Move blocking calls to loop.toThread(...), or split the "
                    + "work into smaller steps. Loop thread now:{}", name, held / 1_000_000, describe(owner, stack),
                    thresholdNanos / 1_000_000, where);
        }
    }

    /**
     * @param owner the task the step runs, or {@code null} for a plain step
     * @param stack the loop thread's stack while the step ran
     * @return the task, or for a plain step where it began: the frame its runnable's code was called from the loop
     */
    static String describe(Object owner, StackTraceElement[] stack) {
        if (owner instanceof TaskRun<?> run) {
            return run.describe();
        }
        for (int i = 1; i < stack.length; i++) {
            if (stack[i].getClassName().equals(LoopRunner.class.getName()) && stack[i].getMethodName().equals("step")) {
                return "the step " + stack[i - 1];
            }
        }
        return "a step";
    }
}
