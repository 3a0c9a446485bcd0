package dev.spindle.eventloop;

import dev.spindle.TaskExecutor;
import dev.spindle.spi.Backend;
import dev.spindle.spi.BackendContext;
import dev.spindle.spi.ConfigKey;
import java.time.Duration;
import java.util.List;

/** The {@code eventloop} backend: one {@link EventLoop} per executor. */
public final class EventLoopBackend implements Backend {

    static final ConfigKey<Duration> SLOW_STEP = ConfigKey.durationKey("slowTaskThreshold",
            "a step holding the loop longer than this is logged at WARN with its stack; 0 turns the watchdog off",
            () -> Duration.ofMillis(100));
    static final ConfigKey<Boolean> STRICT = ConfigKey.booleanKey("strict",
            "whether a task whose step exceeds slowTaskThreshold fails with EventLoopBlockedException", false);
    static final ConfigKey<Integer> TO_THREAD_CAPACITY = ConfigKey.intKey("toThreadCapacity",
            "the most toThread(...) calls running at once", 1, 100_000, () -> 40);

    /** Creates the backend; found by {@link java.util.ServiceLoader}. */
    public EventLoopBackend() {
    }

    @Override
    public String name() {
        return "eventloop";
    }

    @Override
    public String description() {
        return "one thread running many small non-blocking steps, with timers, NIO and toThread for blocking calls";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(SLOW_STEP, STRICT, TO_THREAD_CAPACITY);
    }

    @Override
    public TaskExecutor create(BackendContext context) {
        return new EventLoop(context.executorName(), context.get(SLOW_STEP), context.get(STRICT),
                context.get(TO_THREAD_CAPACITY));
    }
}
