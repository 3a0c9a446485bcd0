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
        long reported = -1;
        long period = Math.max(1_000_000L, thresholdNanos / 4);
        while (loop.thread.isAlive() || loop.thread.getState() == Thread.State.NEW) {
            LockSupport.parkNanos(this, period);
            long start = loop.stepStartNanos;
            long count = loop.stepCount;
            if (start == 0 || count == reported) {
                continue;
            }
            long held = System.nanoTime() - start;
            if (held < thresholdNanos || loop.stepStartNanos != start) {
                continue;
            }
            reported = count;
            StackTraceElement[] stack = loop.thread.getStackTrace();
            StringBuilder where = new StringBuilder();
            for (int i = 0; i < Math.min(stack.length, 25); i++) {
                where.append("\n\tat ").append(stack[i]);
            }
            LOG.warn("event loop '{}' has been held for {} ms by {} (threshold {} ms): the step blocks the loop and "
                    + "every other task on it waits. Move blocking calls to loop.toThread(...), or split the work "
                    + "into smaller steps. Loop thread now:{}", name, held / 1_000_000, describe(loop.stepOwner),
                    thresholdNanos / 1_000_000, where);
        }
    }

    static String describe(Object owner) {
        if (owner instanceof TaskRun<?> run) {
            return run.describe();
        }
        return owner == null ? "an unknown step" : "step " + owner;
    }
}
