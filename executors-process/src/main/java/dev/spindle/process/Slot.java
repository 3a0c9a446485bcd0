package dev.spindle.process;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker place of a pool. The pool's pump (see {@link ProcessExecutor#pump}) asks each slot for room
 * ({@link #reserve}); a task is sent only into room, so queued tasks stay in the parent, cancellable, until a worker
 * can take them (pull-based dispatch). A slot starts its worker on first need (on a thread of its own, never the
 * submitter's), and replaces it after a crash, a kill or {@code maxTasksPerWorker} tasks.
 *
 * <p>Room: one task while the worker's tasks are long or unknown; while its recent tasks were short (estimated from
 * round trips) and the one it runs has not run long, as many as make about {@link Pipeline#aheadNanos} of work, at
 * most {@link Pipeline#max} (see {@link Pipeline#room}): then the worker runs them one after the other, the round
 * trips overlap, and the frames of many tasks travel in one write (see {@link SendBatch}). A task goes ahead to a
 * busy worker only when no worker is idle, so long tasks never queue behind each other in a worker while another
 * could take them.
 *
 * <p>No parent thread waits for a task: the worker's reply, on its reader thread, completes the task and pumps the
 * next one into the room it left.
 *
 * <p>Thread-safe: the worker is swapped under {@code lock}; {@link #kill} may come from any thread.
 */
final class Slot {

    private static final Logger LOG = LoggerFactory.getLogger(Slot.class);

    private final ProcessExecutor executor;
    private final int index;
    private final Pipeline pipeline;
    private final ReentrantLock lock = new ReentrantLock();
    private Worker worker; // guarded by lock
    private boolean starting; // a thread is starting this slot's next worker; guarded by lock
    private boolean stopped; // guarded by lock
    private int sent; // tasks given to the current worker; guarded by lock
    private final List<Worker> retiring = new ArrayList<>(); // replaced, still running tasks; guarded by lock
    private volatile long meanRoundTripNanos = Long.MAX_VALUE; // unknown: no pipelining until measured

    /** Room for one task in a worker, taken by {@link #reserve}: either used to send a task, or given back. */
    static final class Lease {
        private final Slot slot;
        private final Worker worker;
        private final int inFlight;
        private boolean used; // the pumping thread's alone

        private Lease(Slot slot, Worker worker, int inFlight) {
            this.slot = slot;
            this.worker = worker;
            this.inFlight = inFlight;
        }

        Slot slot() {
            return slot;
        }

        Worker worker() {
            return worker;
        }

        /** @return how many tasks the worker had in flight with this one */
        int inFlight() {
            return inFlight;
        }

        /** Marks the lease as used to send a task. */
        void use() {
            used = true;
        }

        boolean isUsed() {
            return used;
        }
    }

    Slot(ProcessExecutor executor, int index, Pipeline pipeline) {
        this.executor = executor;
        this.index = index;
        this.pipeline = pipeline;
    }

    /**
     * @param ahead whether the worker may be busy already (pipelining); else only an idle worker has room
     * @param mayStart whether, lacking a worker, the slot may start one now (it pumps once it is ready)
     * @return room for one task, or {@code null} if there is none
     */
    Lease reserve(boolean ahead, boolean mayStart) {
        Worker retired = null;
        lock.lock();
        try {
            if (stopped || starting) {
                return null;
            }
            Worker w = worker;
            int max = executor.maxTasksPerWorker();
            if (w != null && (!w.isUsable() || (max > 0 && sent >= max))) {
                if (w.isUsable()) {
                    LOG.debug("recycling {} after {} tasks", w, sent);
                }
                w.retire(max > 0 && sent >= max ? "it ran maxTasksPerWorker=" + max + " tasks"
                        : "it is being replaced");
                worker = null;
                if (w.inFlight() == 0) {
                    retired = w;
                } else {
                    retiring.add(w); // its last task stops it; until then shutdownNow must still reach it
                }
                w = null;
            }
            if (w == null) {
                if (mayStart) {
                    startWorker();
                }
                return null;
            }
            int n = w.inFlight();
            if (n > 0 && n >= (ahead ? room(w) : 1)) { // an idle worker always has room: no estimate needed
                return null;
            }
            sent++;
            return new Lease(this, w, w.addInFlight(1));
        } finally {
            lock.unlock();
            if (retired != null) {
                stopLater(retired, "it is being replaced");
            }
        }
    }

    /** Starts the worker now if the slot has none (a pre-started pool). */
    void prestart() {
        lock.lock();
        try {
            if (!stopped && !starting && worker == null) {
                startWorker();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Starts the slot's next worker on a thread of its own; guarded by lock. */
    private void startWorker() {
        starting = true;
        executor.startingSlots().incrementAndGet();
        try {
            executor.background("slot-" + index + "-start", this::runStart);
        } catch (RuntimeException | Error e) {
            starting = false; // no thread: the slot is not starting, and the next pump may try again
            executor.startingSlots().decrementAndGet();
            throw e;
        }
    }

    private void runStart() {
        Worker w = null;
        Exception failure = null;
        try {
            w = executor.source().take();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        boolean unwanted;
        lock.lock();
        try {
            starting = false;
            executor.startingSlots().decrementAndGet();
            unwanted = stopped;
            if (w != null && !stopped) {
                worker = w;
                sent = 0;
            }
        } finally {
            lock.unlock();
        }
        if (w != null && (unwanted || executor.isKilling())) {
            if (executor.isKilling()) {
                w.kill("the pool was shut down"); // shutdownNow() read no worker here before we published it
                w.awaitExit(Duration.ofSeconds(30)); // this thread is one close() waits for: gone means gone
            } else {
                w.stopGracefully("the pool was closed", Duration.ofSeconds(5));
            }
        }
        if (failure != null && !unwanted && !executor.isKilling()) {
            executor.startFailed(this, failure);
        }
        executor.pump();
    }

    /** Gives back a lease that sent nothing. */
    void unreserve(Lease lease) {
        release(lease.worker(), true);
    }

    /**
     * Sends {@code call} into the room of {@code lease}; the reply completes it on the worker's reader thread.
     */
    void send(Lease lease, RemoteCall call) {
        Worker w = lease.worker();
        call.sentTo(w);
        long t0 = System.nanoTime();
        CompletableFuture<Frame> reply;
        try {
            reply = w.send(call.taskId, call.taskName, call.payload);
        } catch (RuntimeException | Error e) {
            w.forget(call.taskId);
            release(w); // nothing went out: the room is free again
            throw e;
        }
        if (call.cancelRequested()) {
            w.cancel(call.taskId, call.taskName); // cancelled while being sent: it saw no worker, we see its flag
        }
        reply.whenComplete((f, x) -> replied(lease, call, t0, f, x));
    }

    private void replied(Lease lease, RemoteCall call, long t0, Frame reply, Throwable x) {
        // runs inside whenComplete, which would hide anything thrown here: every path ends the call
        try {
            Worker w = lease.worker();
            w.forget(call.taskId);
            if (reply != null) {
                // the worker ran the tasks ahead of this one first: what this task cost it is a share of the wait
                measured((System.nanoTime() - t0) / lease.inFlight());
            }
            release(w);
            if (x instanceof Worker.NotStartedException) {
                executor.again(call); // it never ran: send it again, to the worker that replaces the dead one
            } else if (x instanceof WorkerCrashedException e) {
                crashed(w, call, e);
            } else if (x != null) {
                call.fail(x);
            }
        } catch (Throwable e) {
            LOG.error("{}: handling the reply of {} failed; the task fails with it", this, call.taskName, e);
            call.fail(e);
        }
        try {
            executor.pump(); // into the room this task left, before its outcome wakes whoever waits for it
        } finally {
            if (reply != null) {
                // on a reader handling several replies: once the tasks pumped for all of them have gone out
                SendBatch.afterFlush(() -> {
                    try {
                        call.replied(reply, executor.spec().extraFilter());
                    } catch (Throwable e) {
                        call.fail(e);
                    }
                });
            }
        }
    }

    /**
     * The worker died under {@code call}: fails it, or, if {@code retries} allow, sends it again to a fresh worker. A
     * task that has killed two workers is not retried again.
     */
    private void crashed(Worker w, RemoteCall call, WorkerCrashedException e) {
        if (call.earlier != null) {
            e.addSuppressed(call.earlier);
        }
        if (w.endedByPool()) {
            call.fail(e); // shut down, or destroyed by the pool: not the task's doing
            return;
        }
        call.killed++;
        int retries = executor.retries();
        if (call.attempt >= retries || executor.isKilling() || call.cancelRequested()) {
            call.fail(e);
            return;
        }
        if (call.killed >= 2) {
            WorkerCrashedException last = new WorkerCrashedException(call.taskName + " killed two workers, so it "
                    + "is not retried again (retries=" + retries + "); the last: " + e.getMessage(), e.pid(),
                    e.exitCode(), e.lastStderrLines());
            last.addSuppressed(e);
            call.fail(last);
            return;
        }
        call.attempt++;
        LOG.warn("{}: {}; retrying it on a fresh worker (retry {} of {})", call.taskName, e.getMessage(),
                call.attempt, retries);
        call.earlier = e;
        executor.again(call);
    }

    private int room(Worker w) {
        return pipeline.room(meanRoundTripNanos, w.oldestCallAgeNanos());
    }

    private void measured(long nanos) {
        long before = meanRoundTripNanos;
        meanRoundTripNanos = before == Long.MAX_VALUE ? nanos : before - (before >> 3) + (nanos >> 3);
    }

    /** One task of {@code w} has ended; stops {@code w} if it was retired and this was its last. */
    private void release(Worker w) {
        release(w, false);
    }

    /**
     * @param w the worker a task had room in
     * @param unsent whether that room was given back unused: then it does not count towards maxTasksPerWorker
     */
    private void release(Worker w, boolean unsent) {
        boolean stop;
        lock.lock();
        try {
            if (unsent && w == worker) {
                sent--;
            }
            stop = w.addInFlight(-1) == 0 && w != worker;
            if (stop) {
                retiring.remove(w);
            }
        } finally {
            lock.unlock();
        }
        if (stop) {
            stopLater(w, "it is being replaced");
        }
    }

    /**
     * Takes no more tasks and asks the worker to exit, on a thread of the pool's (see
     * {@link ProcessExecutor#background}). Called once every accepted task has ended.
     */
    void stop() {
        Worker w;
        lock.lock();
        try {
            stopped = true;
            w = worker;
            worker = null;
        } finally {
            lock.unlock();
        }
        if (w != null) {
            stopLater(w, "the pool was closed");
        }
    }

    private void stopLater(Worker w, String why) {
        executor.background("stop-" + w.pid(), () -> w.stopGracefully(why, Duration.ofSeconds(5)));
    }

    /** Kills this slot's worker at once, if it has one, and takes no more tasks. Any thread. */
    void kill(String why) {
        Worker w;
        List<Worker> old;
        lock.lock();
        try {
            stopped = true;
            w = worker;
            old = List.copyOf(retiring);
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.kill(why);
        }
        for (Worker r : old) {
            r.kill(why);
        }
    }

    @Override
    public String toString() {
        return "slot " + index;
    }
}
