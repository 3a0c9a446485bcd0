package dev.spindle.process;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the slots of a pool get their workers: a warm spare if one is ready (started and initialized, so a crashed or
 * recycled worker is replaced without a cold start), otherwise a worker started on the spot. A background thread keeps
 * {@code spares} workers ready. Counts initializer failures in a row: at {@value #MAX_INIT_FAILURES} the pool is
 * broken and starts no more workers.
 *
 * <p>Thread-safe.
 */
final class WorkerSource {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerSource.class);
    /** Initializer failures in a row, with no worker initialized in between, after which no worker is started. */
    static final int MAX_INIT_FAILURES = 3;

    private final WorkerSpec spec;
    private final int spares;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger initFailuresInARow = new AtomicInteger();
    private final LinkedBlockingDeque<Worker> ready = new LinkedBlockingDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wanted = lock.newCondition();
    private Thread spareMaker; // guarded by lock
    private boolean stopped; // guarded by lock
    private volatile WorkerInitializerException broken;

    WorkerSource(WorkerSpec spec, int spares) {
        this.spec = spec;
        this.spares = spares;
    }

    /**
     * @return a ready worker: a spare, or one started now
     * @throws IOException if a worker could not be started
     * @throws WorkerCrashedException if it died before it was ready
     * @throws WorkerInitializerException if its initializer failed, or failed too often before
     */
    Worker take() throws IOException {
        checkNotBroken();
        startSpares();
        Worker w;
        while ((w = ready.pollFirst()) != null) {
            signalWanted();
            if (w.isUsable()) {
                LOG.debug("a warm spare, {}, takes over", w);
                return w;
            }
            w.stopGracefully("it died as a spare", Duration.ofSeconds(5));
        }
        return startOne();
    }

    private void checkNotBroken() {
        WorkerInitializerException b = broken;
        if (b != null) {
            throw new WorkerInitializerException("executor '" + spec.executorName() + "' starts no more workers: "
                    + "its initializer " + spec.initializer() + " failed in " + MAX_INIT_FAILURES + " workers in a "
                    + "row (last: " + b.getCause() + "). Fix the initializer and create a new executor", b);
        }
    }

    private Worker startOne() throws IOException {
        if (isStopped()) { // the pool stopped before this start forked: fork nothing (one already forking runs on)
            throw new IOException("executor '" + spec.executorName() + "' is stopping and starts no more workers");
        }
        try {
            Worker w = Worker.start(spec.executorName() + "-worker-" + started.incrementAndGet(), spec);
            initFailuresInARow.set(0);
            return w;
        } catch (WorkerInitializerException e) {
            if (initFailuresInARow.incrementAndGet() >= MAX_INIT_FAILURES && broken == null) {
                broken = e;
                LOG.error("executor '{}': the initializer {} failed in {} workers in a row; the pool starts no more "
                        + "workers and fails its tasks", spec.executorName(), spec.initializer(), MAX_INIT_FAILURES, e);
            }
            throw e;
        }
    }

    /** Starts the thread that keeps the spares ready, once; does nothing without spares. */
    void startSpares() {
        if (spares == 0) {
            return;
        }
        lock.lock();
        try {
            if (spareMaker == null && !stopped) {
                spareMaker = Thread.ofPlatform().daemon().name("spindle-" + spec.executorName() + "-spares")
                        .start(this::keepSparesReady);
            }
        } finally {
            lock.unlock();
        }
    }

    private void signalWanted() {
        lock.lock();
        try {
            wanted.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void keepSparesReady() {
        for (;;) {
            lock.lock();
            try {
                while (!stopped && ready.size() >= spares) {
                    wanted.awaitUninterruptibly();
                }
                if (stopped) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            if (broken != null) {
                return;
            }
            try {
                Worker w = startOne();
                boolean keep;
                lock.lock();
                try {
                    keep = !stopped;
                    if (keep) {
                        ready.addLast(w);
                    }
                } finally {
                    lock.unlock();
                }
                if (!keep) {
                    w.kill("the pool was stopped while this spare started");
                    w.awaitExit(Duration.ofSeconds(30));
                    return;
                }
            } catch (IOException | RuntimeException e) {
                if (isStopped()) {
                    return; // the pool stopped while this spare was about to start: nothing went wrong
                }
                LOG.warn("executor '{}' could not start a spare worker: {}", spec.executorName(), e.getMessage());
                pause(Duration.ofSeconds(1)); // not a tight loop when workers cannot start
            }
        }
    }

    private boolean isStopped() {
        lock.lock();
        try {
            return stopped;
        } finally {
            lock.unlock();
        }
    }

    private void pause(Duration d) {
        lock.lock();
        try {
            if (!stopped) {
                wanted.await(d.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the spares: asks them to exit ({@code now}: kills them).
     *
     * @param now whether to kill rather than ask
     */
    void stop(boolean now) {
        lock.lock();
        try {
            stopped = true;
            wanted.signalAll();
        } finally {
            lock.unlock();
        }
        Worker w;
        while ((w = ready.pollFirst()) != null) {
            if (now) {
                w.kill("the pool was shut down");
            } else {
                w.stopGracefully("the pool was closed", Duration.ofSeconds(5));
            }
        }
    }

    /**
     * @param timeout the longest to wait
     * @return whether the spare-making thread has ended (it stops a worker it was starting)
     * @throws InterruptedException if interrupted
     */
    boolean await(Duration timeout) throws InterruptedException {
        Thread t;
        lock.lock();
        try {
            t = spareMaker;
        } finally {
            lock.unlock();
        }
        return t == null || t.join(timeout);
    }
}
