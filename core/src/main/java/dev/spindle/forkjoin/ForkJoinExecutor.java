package dev.spindle.forkjoin;

import dev.spindle.internal.CarrierSlots;
import dev.spindle.internal.CurrentCarrier;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.time.Duration;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks on a dedicated {@link ForkJoinPool}. A task submitted from one of the pool's own threads (e.g. forked into a
 * group by a running task) is pushed on that thread's deque; joining it from a worker helps by running it or by
 * stealing, so recursive task groups nested at any depth run at parallelism 1 without blocking a thread per level.
 * A join that cannot help (the task runs elsewhere and blocks) waits through
 * {@link ForkJoinPool#managedBlock}, which adds a compensating thread. Thread-safe.
 */
public final class ForkJoinExecutor extends AbstractTaskExecutor {

    private final ForkJoinPool pool;

    /**
     * @param name the executor's name
     * @param parallelism the target parallelism
     */
    public ForkJoinExecutor(String name, int parallelism) {
        super(name, "forkjoin");
        AtomicInteger count = new AtomicInteger();
        this.pool = new ForkJoinPool(parallelism, p -> {
            ForkJoinWorkerThread t = new Worker(p, newCarrierSlots());
            t.setName("spindle-" + name + "-" + count.incrementAndGet());
            return t;
        }, null, false);
    }

    /** A pool thread that keeps its current task and counters in fields (see {@link CurrentCarrier}). */
    private static final class Worker extends ForkJoinWorkerThread implements CurrentCarrier {
        private final CarrierSlots slots;

        Worker(ForkJoinPool pool, CarrierSlots slots) {
            super(null, pool, true);
            this.slots = slots;
        }

        @Override
        public CarrierSlots slots() {
            return slots;
        }

        @Override
        protected void onTermination(Throwable exception) {
            try {
                retireCarrierSlots(slots);
            } finally {
                super.onTermination(exception);
            }
        }
    }

    /** Runs a {@link TaskRun} as a fork/join task. Its result is always {@code null}; the run carries the outcome. */
    private static final class RunTask extends ForkJoinTask<Void> {
        private static final long serialVersionUID = 1L;
        private final transient TaskRun<?> run;

        RunTask(TaskRun<?> run) {
            this.run = run;
        }

        @Override
        public Void getRawResult() {
            return null;
        }

        @Override
        protected void setRawResult(Void value) {
        }

        @Override
        protected boolean exec() {
            run.run();
            return true;
        }
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        RunTask task = new RunTask(run);
        run.backendData(task);
        if (isWorkerThread(Thread.currentThread())) {
            task.fork();
        } else {
            pool.execute(task);
        }
    }

    @Override
    protected void awaitExit(TaskRun<?> run) {
        if (run.backendData() instanceof RunTask task && isWorkerThread(Thread.currentThread())) {
            helpInline(task::quietlyJoin); // helps: runs it (or others) if local, else steals or compensates
            if (run.hasExited()) {
                return;
            }
        }
        super.awaitExit(run);
    }

    @Override
    protected void helpWith(TaskRun<?> run) {
        if (run.backendData() instanceof RunTask task) {
            task.quietlyJoin(); // runs it if it is still on this deque, else steals or compensates while it runs
        } else {
            super.helpWith(run);
        }
    }

    @Override
    protected boolean isWorkerThread(Thread thread) {
        return thread instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    @Override
    public int parallelism() {
        return pool.getParallelism();
    }

    @Override
    protected void stopMachinery() {
        pool.shutdown();
    }

    @Override
    protected void stopMachineryNow() {
        pool.shutdownNow();
    }

    @Override
    protected boolean awaitMachinery(Duration timeout) throws InterruptedException {
        return pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return the pool's current number of threads, for tests and diagnostics */
    public int poolSize() {
        return pool.getPoolSize();
    }
}
