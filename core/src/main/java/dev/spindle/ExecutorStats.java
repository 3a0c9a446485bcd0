package dev.spindle;

import java.time.Duration;

/**
 * A snapshot of an executor's counters and latencies. Counters are read one by one while tasks run, so their sum may
 * be off by the few tasks that moved between reads. A task is counted as ended before anyone waiting on its handle
 * wakes, but just after its group is told: a snapshot taken as soon as a group's join returns may still show its last
 * task as running for a moment; after {@code close()} or {@code awaitTermination} every count is final. The latency
 * percentiles come from a sample of one task in
 * eight (every task's latencies are in the JFR event {@code dev.spindle.Task} while it is enabled).
 *
 * @param submitted tasks accepted since the executor was created
 * @param queued tasks accepted and not started yet
 * @param running tasks whose code is running
 * @param succeeded tasks that returned a value
 * @param failed tasks that threw
 * @param cancelled tasks cancelled before or while running
 * @param queueWaitP50 median time from submission to start
 * @param queueWaitP99 99th percentile of time from submission to start
 * @param runTimeP50 median run time
 * @param runTimeP99 99th percentile of run time
 */
public record ExecutorStats(long submitted, long queued, long running, long succeeded, long failed, long cancelled,
        Duration queueWaitP50, Duration queueWaitP99, Duration runTimeP50, Duration runTimeP99) {
}
