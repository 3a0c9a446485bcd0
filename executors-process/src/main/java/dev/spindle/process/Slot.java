package dev.spindle.process;

import dev.spindle.spi.TaskRun;
import java.io.IOException;
import java.io.InvalidClassException;
import java.time.Duration;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a pool and the parent threads (lanes) that feed it. Each lane takes the next task from the pool's
 * queue (pull-based: a task stays in the parent, cancellable, until a lane is free), gets the slot's worker (starting
 * it on first need, replacing it after a crash, a kill or {@code maxTasksPerWorker} tasks), and waits for its reply.
 *
 * <p>Lane 0 always works. The other lanes (the {@code pipeline} depth) take tasks only while this worker's recent
 * tasks were short (under {@value #PIPELINE_BELOW_MICROS} µs each on average, estimated from round trips): then several tasks are in flight to
 * the worker, which runs them one after the other, and the round trips overlap. Long tasks are never queued behind
 * each other in a worker while another could take them.
 *
 * <p>Thread-safe: the worker is swapped under {@code lock}; {@link #kill} may come from any thread.
 */
final class Slot {

    private static final Logger LOG = LoggerFactory.getLogger(Slot.class);
    private static final ThreadLocal<Slot> CURRENT = new ThreadLocal<>();
    /** Put in the queue once per lane to stop it. */
    static final Runnable STOP = () -> {
    };
    static final long PIPELINE_BELOW_MICROS = 1000;

    private final ProcessExecutor executor;
    private final int index;
    private final BlockingDeque<Runnable> queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition fast = lock.newCondition();
    private volatile Worker worker; // written under lock
    private int sent; // tasks given to the current worker; guarded by lock
    private int lanesLeft; // guarded by lock
    private volatile int parked; // further lanes waiting in awaitFast; written under lock
    private volatile long meanRoundTripNanos = Long.MAX_VALUE; // unknown: no pipelining until measured

    Slot(ProcessExecutor executor, int index, BlockingDeque<Runnable> queue, int lanes) {
        this.executor = executor;
        this.index = index;
        this.queue = queue;
        this.lanesLeft = lanes;
    }

    /** @return the slot whose lane is the current thread, or {@code null} */
    static Slot current() {
        return CURRENT.get();
    }

    /** @return the loop of lane {@code lane} (0 is the one that always works) */
    Runnable lane(int lane) {
        return () -> runLane(lane);
    }

    private void runLane(int lane) {
        CURRENT.set(this);
        try {
            if (lane == 0 && executor.prestart()) {
                try {
                    release(acquire().worker());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{} of executor '{}' could not pre-start its worker (its first task will try again): {}",
                            this, executor.name(), e.getMessage());
                }
            }
            for (;;) {
                Runnable next;
                try {
                    next = lane == 0 ? takeFirstLane() : takeAhead();
                } catch (InterruptedException e) {
                    continue; // an interrupt meant for a task that has just ended: ours to ignore
                }
                if (next == null) {
                    continue;
                }
                if (next == STOP) {
                    return;
                }
                TaskRun<?> run = (TaskRun<?>) next;
                if (run.isPending()) { // else cancelled while it waited
                    run.run();
                    Thread.interrupted();
                }
            }
        } finally {
            Worker last = null;
            lock.lock();
            try {
                if (--lanesLeft == 0) {
                    last = worker;
                    worker = null;
                }
            } finally {
                lock.unlock();
            }
            if (last != null) {
                last.stopGracefully("the pool was closed", Duration.ofSeconds(5));
            }
        }
    }

    private Runnable takeFirstLane() throws InterruptedException {
        executor.idleFirstLanes().incrementAndGet();
        try {
            return queue.take();
        } finally {
            executor.idleFirstLanes().decrementAndGet();
        }
    }

    /**
     * A further lane: takes a task only while pipelining pays; a task it took just as that stopped goes back to the
     * head of the queue.
     *
     * @return the task, STOP, or {@code null} to look again
     */
    private Runnable takeAhead() throws InterruptedException {
        if (executor.isStopping()) {
            return queue.take();
        }
        if (!pipelining()) {
            awaitFast();
            return null;
        }
        Runnable next = queue.poll(100, TimeUnit.MILLISECONDS);
        if (next != null && next != STOP && !pipelining()) {
            queue.offerFirst(next);
            return null;
        }
        return next;
    }

    /**
     * @return whether to send a task ahead to this worker: its recent tasks were short, the one it runs has not run
     *     long, and no other worker is waiting for a task
     */
    private boolean pipelining() {
        long limit = PIPELINE_BELOW_MICROS * 1000;
        if (meanRoundTripNanos >= limit || executor.idleFirstLanes().get() > 0) {
            return false;
        }
        Worker w = worker;
        return w == null || w.oldestCallAgeNanos() < limit;
    }

    private void awaitFast() throws InterruptedException {
        lock.lock();
        try {
            if (!pipelining()) {
                parked++;
                try {
                    fast.await(100, TimeUnit.MILLISECONDS); // timed: also notices the pool stopping
                } finally {
                    parked--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A task was queued while every first lane was busy: lanes waiting to send tasks ahead look again. Any thread. */
    void wakeParkedLanes() {
        if (parked > 0) {
            lock.lock();
            try {
                fast.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void measured(long nanos) {
        long before = meanRoundTripNanos;
        long mean = before == Long.MAX_VALUE ? nanos : before - (before >> 3) + (nanos >> 3);
        meanRoundTripNanos = mean;
        if (before >= PIPELINE_BELOW_MICROS * 1000 && mean < PIPELINE_BELOW_MICROS * 1000) {
            lock.lock();
            try {
                fast.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Runs one task's payload in this slot's worker. Called by the task's code, on this slot's thread.
     *
     * @return the task's result
     * @throws Exception what the task threw in the worker, a {@link WorkerCrashedException}, or an
     *     {@link InterruptedException} when it was cancelled
     */
    Object execute(long taskId, String taskName, byte[] payload) throws Exception {
        Frame reply = callWithRetries(taskId, taskName, payload);
        Object value;
        try {
            value = Payload.decode(reply.payload(), executor.spec().extraFilter());
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            String what = reply.type() == Frame.RESULT ? "result" : "exception";
            String hint = e instanceof InvalidClassException
                    ? "; a class was rejected by the serialization filter: if it is expected, add it to the "
                            + "executor's 'allow' key (ObjectInputFilter pattern, e.g. com.example.*)"
                    : "";
            throw new IOException(taskName + " ran, but its " + what + " could not be read here: " + e + hint, e);
        }
        if (reply.type() == Frame.RESULT) {
            return value;
        }
        if (value instanceof Exception x) {
            throw x;
        }
        if (value instanceof Error x) {
            throw x;
        }
        throw new RemoteTaskException(String.valueOf(value), "the task failed with something not an exception",
                new StackTraceElement[0]);
    }

    /**
     * Sends the task to this slot's worker; if the worker dies under it (or cannot start) and {@code retries} allow,
     * sends it again to a fresh worker. A task that has killed two workers is not retried again. A task the worker
     * had not started when it died is sent again without counting.
     */
    private Frame callWithRetries(long taskId, String taskName, byte[] payload) throws Exception {
        int retries = executor.retries();
        WorkerCrashedException earlier = null;
        int killed = 0;
        for (int attempt = 0;;) {
            Worker w = null;
            try {
                Lease lease = acquire();
                w = lease.worker();
                long t0 = System.nanoTime();
                Frame reply = w.call(taskId, taskName, payload);
                // the worker ran the tasks ahead of this one first: what this task cost it is a share of the wait
                measured((System.nanoTime() - t0) / lease.inFlight());
                return reply;
            } catch (Worker.NotStartedException e) {
                continue; // it never ran: send it again, to the worker that replaces the dead one
            } catch (WorkerCrashedException e) {
                if (earlier != null) {
                    e.addSuppressed(earlier);
                }
                if (w != null && w.endedByPool()) {
                    throw e; // shut down, or destroyed by the pool: not the task's doing
                }
                if (w != null) {
                    killed++;
                }
                if (attempt >= retries || executor.isKilling() || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                if (killed >= 2) {
                    WorkerCrashedException last = new WorkerCrashedException(taskName + " killed two workers, so it "
                            + "is not retried again (retries=" + retries + "); the last: " + e.getMessage(), e.pid(),
                            e.exitCode(), e.lastStderrLines());
                    last.addSuppressed(e);
                    throw last;
                }
                attempt++;
                LOG.warn("{}: {}; retrying it on a fresh worker (retry {} of {})", taskName, e.getMessage(),
                        attempt, retries);
                earlier = e;
            } finally {
                if (w != null) {
                    release(w);
                }
            }
        }
    }

    /** A worker given one more task, and how many it then had in flight (this one included). */
    private record Lease(Worker worker, int inFlight) {
    }

    /**
     * @return this slot's worker, started or replaced as needed, with one more task in flight
     * @throws IOException if a worker cannot be started
     */
    private Lease acquire() throws IOException {
        Worker retired = null;
        lock.lock();
        try {
            Worker w = worker;
            int max = executor.maxTasksPerWorker();
            if (w != null && (!w.isUsable() || (max > 0 && sent >= max))) {
                if (w.isUsable()) {
                    LOG.debug("recycling {} after {} tasks", w, sent);
                }
                w.retire(max > 0 && sent >= max ? "it ran maxTasksPerWorker=" + max + " tasks" : "it is being replaced");
                worker = null;
                if (w.inFlight() == 0) {
                    retired = w;
                }
                w = null;
            }
            if (w == null) {
                w = executor.source().take();
                sent = 0;
                worker = w;
                if (executor.isKilling()) {
                    w.kill("the pool was shut down"); // shutdownNow() read no worker here before we published it
                }
            }
            sent++;
            return new Lease(w, w.addInFlight(1));
        } finally {
            lock.unlock();
            if (retired != null) {
                retired.stopGracefully("it is being replaced", Duration.ofSeconds(5));
            }
        }
    }

    /** One task of {@code w} has ended; stops {@code w} if it was retired and this was its last. */
    private void release(Worker w) {
        boolean stop;
        lock.lock();
        try {
            stop = w.addInFlight(-1) == 0 && w != worker;
        } finally {
            lock.unlock();
        }
        if (stop) {
            w.stopGracefully("it is being replaced", Duration.ofSeconds(5));
        }
    }

    /** Kills this slot's worker at once, if it has one. Any thread. */
    void kill(String why) {
        Worker w = worker;
        if (w != null) {
            w.kill(why);
        }
    }

    @Override
    public String toString() {
        return "slot " + index;
    }
}
