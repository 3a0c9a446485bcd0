package dev.spindle.spi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@link java.util.concurrent.ExecutorService} over a Spindle executor. Its futures are task handles, so
 * {@code cancel} reaches the work. {@code shutdownNow} returns an empty list: cancelled tasks are not handed back,
 * they are cancelled. Thread-safe.
 */
final class ExecutorServiceView extends AbstractExecutorService {

    private final AbstractTaskExecutor executor;

    ExecutorServiceView(AbstractTaskExecutor executor) {
        this.executor = executor;
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return executor.submit(Adapted.of(task));
    }

    @Override
    public Future<?> submit(Runnable task) {
        return executor.submit(Adapted.of(task, null));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return executor.submit(Adapted.of(task, result));
    }

    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }

    @Override
    public void shutdown() {
        executor.initiateClose();
    }

    @Override
    public List<Runnable> shutdownNow() {
        executor.shutdownNow();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return executor.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return executor.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return executor.awaitTermination(Duration.ofNanos(unit.toNanos(timeout)));
    }

    @Override
    public void close() {
        executor.close();
    }
}
