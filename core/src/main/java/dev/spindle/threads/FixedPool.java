package dev.spindle.threads;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of platform threads taking tasks from one lock-free FIFO queue: the job of a fixed-size
 * {@code ThreadPoolExecutor} with an unbounded {@code LinkedBlockingQueue}, without its two locks and without a
 * wake-up per task when the workers keep up. (Unlike it, a worker that dies is not replaced: tasks' own failures
 * never reach the pool, and anything else escaping a task is logged and the thread goes on.)
 *
 * <p>A worker that waited for a task (spinning or parked) and took one while others are parked and more tasks are
 * queued wakes one of them, so a backlog spreads over the threads one wake-up at a time. A worker that finds the queue
 * empty first <em>spins</em> for 20 microseconds, polling and yielding, if no other worker is spinning; otherwise, or
 * when the spin ends, it registers as idle, looks once more, and parks. A submitter offers its task and wakes a parked
 * worker only if nobody is spinning: the spinner takes the task (on a machine with more runnable threads than cores the
 * spinner may be descheduled for a moment; the task then waits for it, not for ever). (A {@code LinkedBlockingQueue}
 * signals a waiting worker whenever a put finds the queue empty: with workers faster than the submitter, that is one
 * futex wake-up per task.)
 *
 * <p>No task is left queued with every worker parked while the pool runs. The two places where that could happen are
 * each a pair of full fences read in opposite orders: a submitter offers and then reads the spinning and idle counts; a
 * worker changes those counts (atomic adds) and then polls the queue. Whichever comes second sees the other. This
 * relies on {@code ConcurrentLinkedQueue}'s offer being a CAS and its poll and isEmpty reading volatile fields, as in
 * OpenJDK (its specification promises less). A stop is the same pair: a submitter reads the run state after its offer
 * and takes the task back if the pool stopped meanwhile; a worker polls one last time after it reads the stop.
 *
 * <p>Thread-safe.
 */
final class FixedPool {

    private static final Logger LOG = LoggerFactory.getLogger(FixedPool.class);

    /** How long a worker that ran out of tasks polls before it parks. */
    private static final long SPIN_NANOS = 20_000;

    /** A worker's state: running or looking for a task. */
    private static final int ACTIVE = 0;
    /** A worker's state: counted in {@code idle}, parked or about to park. */
    private static final int PARKED = 1;
    /** A worker's state: a submitter moved it out of PARKED and unparked it (and took it out of {@code idle}). */
    private static final int WOKEN = 2;

    private static final VarHandle SPINNING;
    private static final VarHandle IDLE;
    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SPINNING = l.findVarHandle(FixedPool.class, "spinning", int.class);
            IDLE = l.findVarHandle(FixedPool.class, "idle", int.class);
            STATE = l.findVarHandle(Worker.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A thread of the pool. */
    abstract static class Worker extends Thread {
        private volatile int state = ACTIVE;
        private FixedPool pool;

        /** @param name the thread's name */
        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                pool.work(this);
            } finally {
                try {
                    ending();
                } finally {
                    pool.ended.countDown();
                }
            }
        }

        /** Called on the thread when it ends, after its last task. */
        protected abstract void ending();
    }

    private final String executorName;
    private final int size;
    private final IntFunction<? extends Worker> newWorker;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final CountDownLatch ended;
    private final ReentrantLock lifecycle = new ReentrantLock(); // start and stop; no monitor: see NoSynchronizedTest
    private volatile Worker[] workers; // null until the first task; its entries never change afterwards
    private volatile int spinning; // workers polling without parking: 0 or 1
    private volatile int idle; // workers in state PARKED
    private volatile boolean stopped; // set once by shutdown(): the threads run what is queued, then end
    private volatile String refusal; // why execute() refuses tasks, if not because the executor was stopped
    private int wakeFrom; // where the next wake-up scan starts; racy on purpose, it only spreads the scans

    /**
     * @param executorName for messages
     * @param size the number of threads, at least 1
     * @param newWorker makes worker {@code i} (0-based), unstarted
     */
    FixedPool(String executorName, int size, IntFunction<? extends Worker> newWorker) {
        this.executorName = executorName;
        this.size = size;
        this.newWorker = newWorker;
        this.ended = new CountDownLatch(size);
    }

    /**
     * Queues a task; the threads are started by the first.
     *
     * @param task what a worker runs
     * @throws RejectedExecutionException if the pool is stopped, or no thread could be started
     */
    void execute(Runnable task) {
        if (workers == null) {
            start();
        }
        if (stopped) {
            throw new RejectedExecutionException("executor '" + executorName + "' "
                    + (refusal != null ? refusal : "has stopped its threads") + "; it accepts no more tasks");
        }
        queue.offer(task);
        if (stopped && queue.remove(task)) {
            // stopped between the check above and the offer: the workers may have seen the queue empty and ended.
            // (Read after the offer; a stop writes stopped before the workers' last poll: one side sees the other.)
            throw new RejectedExecutionException("executor '" + executorName + "' stopped its threads as this task "
                    + "was queued; it accepts no more tasks");
        }
        if (spinning == 0 && idle > 0) { // read after the offer's CAS: see the class comment
            wakeOne();
        }
    }

    private void start() {
        lifecycle.lock();
        try {
            if (workers != null) {
                return;
            }
            if (stopped) {
                return; // stopped before its first task: execute() refuses it
            }
            Worker[] ws = new Worker[size];
            int started = 0;
            Throwable failure = null;
            for (int i = 0; i < size; i++) {
                try {
                    Worker w = newWorker.apply(i);
                    w.pool = this;
                    w.start();
                    ws[i] = w;
                    started++;
                } catch (Throwable e) { // e.g. OutOfMemoryError "unable to create native thread"; never half-started
                    failure = e;
                    ended.countDown(); // this one will never end by itself
                }
            }
            workers = ws;
            if (started == 0) {
                refusal = "could not start any of its " + size + " threads (" + failure + ")";
                stopped = true;
                throw new RejectedExecutionException("executor '" + executorName + "' " + refusal, failure);
            }
            if (failure != null) {
                LOG.warn("executor '{}' started {} of its {} threads; it runs with those: {}", executorName, started,
                        size, failure.toString());
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** The worker's loop: a task at a time until the pool stops and the queue is empty. */
    private void work(Worker w) {
        for (;;) {
            Runnable task = queue.poll();
            if (task == null) {
                task = awaitTask(w);
                if (task == null) {
                    return;
                }
            }
            Thread.interrupted(); // a stale interrupt (left by earlier code) must not reach this task
            try {
                task.run();
            } catch (Throwable e) { // a task's own failures are its outcome: this is Spindle's bug or a VM error
                LOG.error("executor '{}': an error escaped a task on thread {}; the thread goes on", executorName,
                        w.getName(), e);
            }
        }
    }

    /** @return a task, or {@code null} once the pool is stopping and nothing is left for this worker */
    private Runnable awaitTask(Worker w) {
        for (;;) {
            if (stopped) {
                return queue.poll(); // stopping: what is queued still runs, then the thread ends
            }
            if (spinning == 0 && SPINNING.compareAndSet(this, 0, 1)) {
                Runnable task;
                try {
                    task = spin();
                } finally {
                    SPINNING.getAndAdd(this, -1); // a full fence before the polls below and in spreadBacklog
                } // (in a finally: a count stuck at 1 would stop every submitter from waking anyone)
                if (task != null) {
                    spreadBacklog();
                    return task;
                }
            }
            w.state = PARKED;
            IDLE.getAndAdd(this, 1); // a full fence: then look once more before parking
            Runnable task = queue.poll();
            if (task != null || stopped) {
                if (STATE.compareAndSet(w, PARKED, ACTIVE)) {
                    IDLE.getAndAdd(this, -1);
                } else {
                    w.state = ACTIVE; // a waker took us out of idle and unparked us: that permit is spent later
                }
                if (task != null) {
                    spreadBacklog();
                    return task;
                }
                continue;
            }
            while (w.state == PARKED) {
                Thread.interrupted(); // park returns at once for an interrupted thread
                LockSupport.park(this);
            }
            w.state = ACTIVE;
        }
    }

    /**
     * Polls until a task comes or the spin time is over. Between polls the thread yields rather than pausing on the
     * core: on a machine with more runnable threads than cores (a submitter and two workers on two cores) the submitter
     * gets the core while the spinner waits for its next task. Measured on 2 cores, a fan-out of 10,000 tasks from
     * one submitter on a pool of 2, Spindle's group against a raw {@code ThreadPoolExecutor}: 0.70-0.85x with a
     * 20 us yielding spin, 1.18-1.69x with a 5 us spin pausing on the core (docs/benchmarks.md, 2026-12-06).
     *
     * @return a task found within the spin time, or {@code null}
     */
    private Runnable spin() {
        long deadline = System.nanoTime() + SPIN_NANOS;
        for (;;) {
            Runnable task = queue.poll();
            if (task != null) {
                return task;
            }
            if (stopped || System.nanoTime() - deadline > 0) {
                return null;
            }
            Thread.yield();
        }
    }

    /**
     * Called by a worker that took a task after waiting for one (spinning or parked): if more are queued and nobody
     * looks for them, wake a parked worker. (A worker that takes its next task straight after the last one does not
     * call it: it was not short of work.)
     */
    private void spreadBacklog() {
        if (idle > 0 && spinning == 0 && !queue.isEmpty()) {
            wakeOne();
        }
    }

    /** Wakes one parked worker, if there is one. */
    private void wakeOne() {
        Worker[] ws = workers;
        int n = ws.length;
        int from = wakeFrom;
        for (int k = 0; k < n; k++) {
            Worker w = ws[Math.floorMod(from + k, n)];
            if (w != null && w.state == PARKED && STATE.compareAndSet(w, PARKED, WOKEN)) {
                IDLE.getAndAdd(this, -1);
                wakeFrom = Math.floorMod(from + k + 1, n); // kept in [0, n): a running sum would overflow
                LockSupport.unpark(w);
                return;
            }
        }
    }

    /**
     * Runs what is queued, then ends the threads; returns at once. For the executor's shutdownNow() too: it has
     * cancelled every task first, so a task still queued returns at once when run; it is run rather than dropped, so
     * that a task the executor's cancellation did not reach still ends.
     */
    void shutdown() {
        Worker[] ws;
        lifecycle.lock();
        try {
            stopped = true;
            ws = workers;
            if (ws == null) { // never started, and start() now refuses to
                for (int i = 0; i < size; i++) {
                    ended.countDown();
                }
                return;
            }
        } finally {
            lifecycle.unlock();
        }
        for (Worker w : ws) { // read after stopped was written: a worker about to park sees one or the other
            if (w != null && STATE.compareAndSet(w, PARKED, WOKEN)) {
                IDLE.getAndAdd(this, -1);
                LockSupport.unpark(w);
            }
        }
    }

    /**
     * @param timeout the longest to wait
     * @return whether every thread has ended
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        Worker[] ws = workers;
        if (ws != null) {
            for (Worker w : ws) { // past its last task: wait until the thread itself is gone, so none outlives us
                if (w != null && !w.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return the number of threads that have not ended, for tests and diagnostics */
    int liveThreads() {
        return (int) ended.getCount();
    }
}
