package dev.spindle.threads;

import dev.spindle.internal.CarrierSlots;
import dev.spindle.internal.CurrentCarrier;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.time.Duration;

/**
 * A fixed pool of daemon platform threads named {@code spindle-<executor>-<n>}, fed by an unbounded FIFO queue
 * (Python's {@code ThreadPoolExecutor}; the JDK's {@code Executors.newFixedThreadPool}). The threads start with the
 * first task. See {@link FixedPool} for how workers wait for tasks without a wake-up per task.
 *
 * <p>A task that joins another task of this pool which has not started yet runs it on its own thread instead of
 * waiting (the joined task is claimed by CAS, so the queued copy does nothing later). A pool of one thread therefore
 * never deadlocks on a task that joins work queued behind it. Thread-safe.
 */
public final class ThreadsExecutor extends AbstractTaskExecutor {

    private final FixedPool pool;
    private final int parallelism;

    /**
     * @param name the executor's name
     * @param parallelism the number of threads
     */
    public ThreadsExecutor(String name, int parallelism) {
        super(name, "threads");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism is " + parallelism + "; expected at least 1");
        }
        this.parallelism = parallelism;
        this.pool = new FixedPool(name, parallelism, i -> new Worker(this, "spindle-" + name + "-" + (i + 1)));
    }

    /** A pool thread that keeps its current task and counters in fields (see {@link CurrentCarrier}). */
    private static final class Worker extends FixedPool.Worker implements CurrentCarrier {
        final ThreadsExecutor owner;
        private final CarrierSlots slots;

        Worker(ThreadsExecutor owner, String name) {
            super(name);
            this.owner = owner;
            this.slots = owner.newCarrierSlots();
        }

        @Override
        public CarrierSlots slots() {
            return slots;
        }

        @Override
        protected void ending() {
            retireCarrierSlots(slots);
        }
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        pool.execute(run);
    }

    @Override
    protected boolean isWorkerThread(Thread thread) {
        return thread instanceof Worker w && w.owner == this;
    }

    @Override
    public int parallelism() {
        return parallelism;
    }

    @Override
    protected void stopMachinery() {
        pool.shutdown();
    }

    @Override
    protected void stopMachineryNow() {
        pool.shutdown(); // every task was cancelled first: what is queued returns at once
    }

    @Override
    protected boolean awaitMachinery(Duration timeout) throws InterruptedException {
        return pool.awaitTermination(timeout);
    }
}
