package dev.spindle.forkjoin;

import dev.spindle.internal.CarrierSlots;
import dev.spindle.internal.CurrentCarrier;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

/**
 * Tasks on a dedicated {@link ForkJoinPool}. A task submitted from one of the pool's own threads (e.g. forked into a
 * group by a running task) is pushed on that thread's deque; joining it from a worker helps by running it or by
 * stealing, so recursive task groups nested at any depth run at parallelism 1 without blocking a thread per level.
 * A join that cannot help (the task runs elsewhere and blocks) waits through
 * {@link ForkJoinPool#managedBlock}, which adds a compensating thread. A task submitted from outside the pool goes
 * into an inbox, which a drain task moves onto a worker's deque (see {@code Drain}): a burst of submissions costs
 * one queue insert each and a worker wake-up per batch, and one worker runs one submitter's tasks in order.
 * Thread-safe.
 */
public final class ForkJoinExecutor extends AbstractTaskExecutor {

    private static final int DRAIN_BATCH = 256;
    private static final VarHandle DRAINING;

    static {
        try {
            DRAINING = MethodHandles.lookup().findVarHandle(ForkJoinExecutor.class, "draining", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ForkJoinPool pool;
    // tasks submitted from outside the pool: one producer's offer is one CAS, and a Drain moves them onto a worker's
    // deque (external submissions to the pool cost a CAS, a lock-free queue push and, often, a worker wake-up each)
    private final MpscUnboundedVarHandleArrayQueue<RunTask> inbox = new MpscUnboundedVarHandleArrayQueue<>(256);
    private volatile int draining; // 1 while a Drain is in the pool or running

    /**
     * @param name the executor's name
     * @param parallelism the target parallelism
     */
    public ForkJoinExecutor(String name, int parallelism) {
        super(name, "forkjoin", false, true);
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

    /** A fork/join task without a result: what it does is its effect. */
    private abstract static class EffectTask extends ForkJoinTask<Void> {
        private static final long serialVersionUID = 1L;

        @Override
        public final Void getRawResult() {
            return null;
        }

        @Override
        protected final void setRawResult(Void value) {
        }
    }

    /** Runs a {@link TaskRun} as a fork/join task; the run carries the outcome. */
    private static final class RunTask extends EffectTask {
        private static final long serialVersionUID = 1L;
        private final transient TaskRun<?> run;

        RunTask(TaskRun<?> run) {
            this.run = run;
        }

        @Override
        protected boolean exec() {
            run.run();
            return true;
        }
    }

    /**
     * Moves the tasks submitted from outside the pool onto a worker's deque, in submission order for that worker
     * (others steal the oldest). It stays in the pool (draining set) while it finds tasks: it forks its successor
     * below what it found, so an idle worker steals the successor first and the busy one runs it after the batch;
     * a Drain that finds the inbox empty clears draining.
     */
    private final class Drain extends EffectTask {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean exec() {
            for (;;) {
                RunTask first = inbox.poll();
                if (first != null) {
                    // a batch of its own: the successor, once forked, may be stolen and run while this one forks
                    RunTask[] batch = new RunTask[8];
                    batch[0] = first;
                    int n = 1;
                    for (RunTask t; n < DRAIN_BATCH && (t = inbox.poll()) != null; ) {
                        if (n == batch.length) {
                            batch = Arrays.copyOf(batch, n * 2);
                        }
                        batch[n++] = t;
                    }
                    new Drain().fork(); // at the bottom: an idle worker steals it first, this one runs it last
                    for (int i = n - 1; i >= 0; i--) {
                        batch[i].fork(); // newest first, so that this worker pops them in submission order
                    }
                    return true;
                }
                DRAINING.setVolatile(ForkJoinExecutor.this, 0);
                // a producer offers, then reads draining; we write draining, then read the inbox: one of us sees
                // the other, so no task is left in the inbox without a Drain
                if (inbox.isEmpty() || !DRAINING.compareAndSet(ForkJoinExecutor.this, 0, 1)) {
                    return true;
                }
            }
        }
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        RunTask task = new RunTask(run);
        run.backendData(task);
        if (isWorkerThread(Thread.currentThread())) {
            task.fork();
            return;
        }
        inbox.offer(task);
        if (draining == 0 && DRAINING.compareAndSet(this, 0, 1)) {
            try {
                pool.execute(new Drain());
            } catch (RuntimeException | Error e) {
                inbox.clear(); // the pool is shut down: the tasks left were cancelled with it; we still hold the token,
                draining = 0; // so we are the inbox's one consumer until we let go here
                throw e;
            }
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
