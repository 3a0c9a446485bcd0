package dev.spindle.process;

import dev.spindle.Task;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.io.IOException;
import java.io.NotSerializableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool of child JVMs. Each task is serialized at submit, queued in the parent, and taken by the next free slot,
 * whose worker runs it; see {@link Slot} and {@link Worker}.
 *
 * <p>Cancelling a running task (or its timeout) interrupts it in its worker; a task that ignores that for
 * {@code cancelGrace} has its worker destroyed and replaced. A worker that dies fails only the task it held, with
 * {@link WorkerCrashedException}. {@link #close()} lets accepted work finish, then asks each worker to exit;
 * {@link #shutdownNow()} kills them.
 *
 * <p>Thread-safe.
 */
final class ProcessExecutor extends AbstractTaskExecutor {

    private final int workers;
    private final int maxTasksPerWorker;
    private final WorkerSpec spec;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Slot> slots = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean stopped; // guarded by lock
    private volatile boolean killing;
    private volatile boolean slotsStarted; // written under lock once the slots run; read without it on dispatch

    ProcessExecutor(String name, int workers, int maxTasksPerWorker, WorkerSpec spec) {
        super(name, "process");
        this.workers = workers;
        this.maxTasksPerWorker = maxTasksPerWorker;
        this.spec = spec;
    }

    @Override
    protected <T> Task<T> adapt(Task<T> task) {
        try {
            return new RemoteTask<>(Payload.encode(task));
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("executor '" + name() + "' (process) cannot send a task of class "
                    + task.getClass().getName() + " to a worker: " + NonSerializablePath.describe(task, e)
                    + ". Type the lambda as SerializableTask (SerializableTask<Long> t = () -> ...), or make the "
                    + "task a record of serializable values, and capture only serializable values", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("executor '" + name() + "' (process) cannot send a task of class "
                    + task.getClass().getName() + " to a worker: " + e, e);
        }
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        startSlots();
        queue.add(run);
    }

    private void startSlots() {
        if (slotsStarted) {
            return;
        }
        lock.lock();
        try {
            if (stopped) {
                throw new RejectedExecutionException("executor '" + name() + "' has stopped its workers");
            }
            if (slotsStarted) {
                return;
            }
            for (int i = 1; i <= workers; i++) {
                Slot s = new Slot(this, i, queue);
                slots.add(s);
                threads.add(Thread.ofPlatform().daemon().name("spindle-" + name() + "-slot-" + i).unstarted(s));
            }
            threads.forEach(Thread::start);
            slotsStarted = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void stopMachinery() {
        lock.lock();
        try {
            stopped = true;
            for (int i = 0; i < threads.size(); i++) {
                queue.add(Slot.STOP);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void stopMachineryNow() {
        killing = true;
        lock.lock();
        try {
            stopped = true;
            for (int i = 0; i < threads.size(); i++) {
                queue.add(Slot.STOP);
            }
            for (Slot s : slots) {
                s.kill("the pool was shut down");
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected boolean awaitMachinery(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> ts;
        lock.lock();
        try {
            ts = List.copyOf(threads);
        } finally {
            lock.unlock();
        }
        for (Thread t : ts) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int parallelism() {
        return workers;
    }

    WorkerSpec spec() {
        return spec;
    }

    int maxTasksPerWorker() {
        return maxTasksPerWorker;
    }

    boolean isKilling() {
        return killing;
    }
}
