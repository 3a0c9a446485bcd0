package dev.spindle.virtual;

import dev.spindle.internal.ThreadStripedCounter;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs each task on its own virtual thread, named {@code <executor>#<id>} (the {@code #<id>} of the task's
 * description, e.g. {@code io#42}) so that thread dumps and JFR show which task a thread runs. The name is short on
 * purpose: it is a string of its own per task, kept while the task lives (56 bytes for {@code io#1234567}; a longer
 * {@code spindle-io-task-1234567} would take 72). The task itself is the thread's {@code Runnable} and, while it
 * runs, its uncaught-exception handler (which reports as the JVM's default does): no other object per task, and
 * Spindle finds the thread's task through the handler, without a thread-local (see {@code Current}). A task should
 * not replace its thread's handler, or {@code Cancellation.check()} stops seeing that task. With
 * {@code taskThreadNames=false} every thread shares the executor's name instead: no string per task, and no task id in
 * thread dumps (JFR's {@code dev.spindle.Task} events still carry it).
 *
 * <p>With a concurrency limit, tasks beyond it wait in a queue as plain objects: no thread, virtual or carrier, is
 * held for them, and cancelling one takes it out of the running at once. The limit is never exceeded: a task gets a
 * slot by CAS on {@code running} before its thread starts and gives it back when its thread ends. A task that joins
 * a queued task of the same executor runs it on its own thread, so tasks waiting for each other cannot starve the
 * limit.
 *
 * <p>Thread-safe.
 */
public final class VirtualExecutor extends AbstractTaskExecutor {

    private static final java.util.concurrent.ThreadFactory THREADS = Thread.ofVirtual().factory();

    private final int limit; // Integer.MAX_VALUE when unlimited
    private final String threadNamePrefix; // <executor>#, or null when every thread is named threadName
    private final String threadName; // the executor's name: every thread's, when tasks do not name their threads
    private final ConcurrentLinkedQueue<TaskRun<?>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger(); // slots taken
    // virtual threads started (counted by the submitter, before the start) and ended (counted by the thread itself):
    // striped by the counting thread, so the submitter and the ending threads do not fight over one counter
    private final ThreadStripedCounter threadsStarted = new ThreadStripedCounter();
    private final ThreadStripedCounter threadsEnded = new ThreadStripedCounter();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition noThreads = lock.newCondition();

    /**
     * An executor whose threads are named {@code <name>#<task id>}.
     *
     * @param name the executor's name
     * @param maxConcurrency the most tasks running at once; 0 for no limit
     */
    public VirtualExecutor(String name, int maxConcurrency) {
        this(name, maxConcurrency, true);
    }

    /**
     * @param name the executor's name
     * @param maxConcurrency the most tasks running at once; 0 for no limit
     * @param taskThreadNames whether each task's thread is named {@code <name>#<task id>} (a string per task) rather
     *     than {@code <name>}
     */
    public VirtualExecutor(String name, int maxConcurrency, boolean taskThreadNames) {
        super(name, "virtual", true);
        if (maxConcurrency < 0) {
            throw new IllegalArgumentException("maxConcurrency is " + maxConcurrency
                    + "; expected 0 (no limit) or a positive number");
        }
        this.limit = maxConcurrency == 0 ? Integer.MAX_VALUE : maxConcurrency;
        this.threadNamePrefix = taskThreadNames ? name + "#" : null;
        this.threadName = name;
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        if (limit == Integer.MAX_VALUE) {
            start(run);
            return;
        }
        waiting.add(run);
        drain();
    }

    /** Starts waiting tasks while slots are free. Any thread may call it; the CAS on {@code running} arbitrates. */
    private void drain() {
        for (;;) {
            int r = running.get();
            if (r >= limit) {
                return;
            }
            if (!running.compareAndSet(r, r + 1)) {
                continue;
            }
            TaskRun<?> next = waiting.poll();
            while (next != null && !next.isPending()) {
                next = waiting.poll(); // cancelled while waiting, or run by a joining task: skip it
            }
            if (next == null) {
                running.decrementAndGet();
                if (waiting.isEmpty()) {
                    return;
                }
                continue; // a task arrived between our poll and our release: look again so it is not stranded
            }
            start(next);
        }
    }

    private void start(TaskRun<?> run) {
        threadsStarted.increment();
        try {
            // one shared factory, not a builder per task (32 bytes each); the name and handler are set before start
            Thread t = THREADS.newThread(run);
            String prefix = threadNamePrefix;
            t.setName(prefix != null ? prefix + run.id() : threadName);
            t.setUncaughtExceptionHandler(run);
            t.start();
        } catch (RuntimeException | Error e) {
            if (limit != Integer.MAX_VALUE) {
                running.decrementAndGet();
            }
            threadEnded();
            run.cancel(); // it can never run now: cancel it so that it exits and nobody waits for it forever
            throw e;
        }
    }

    /** On a task's thread, after the task: gives back its slot (starting a waiting task) and counts the thread gone. */
    @Override
    protected void ownThreadEnding(TaskRun<?> run) {
        try {
            if (limit != Integer.MAX_VALUE) {
                running.decrementAndGet();
                drain();
            }
        } finally {
            threadEnded();
        }
    }

    private void threadEnded() {
        threadsEnded.increment();
        if (isShutdown() && liveThreads() == 0) {
            lock.lock();
            try {
                noThreads.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    protected boolean isWorkerThread(Thread thread) {
        if (limit == Integer.MAX_VALUE) {
            return false; // every task has its own thread already: helping would gain nothing
        }
        var current = dev.spindle.spi.TaskRun.current();
        return current != null && current.executor() == this && thread == Thread.currentThread();
    }

    @Override
    public int parallelism() {
        return limit;
    }

    /** @return the configured limit, or 0 when there is none */
    public int maxConcurrency() {
        return limit == Integer.MAX_VALUE ? 0 : limit;
    }

    /**
     * @return virtual threads of this executor that have started and not yet ended; exact when none starts or ends
     *     meanwhile, and 0 only if there was an instant with none alive and none started since
     */
    public int liveThreads() {
        long ended = threadsEnded.sum(); // ends first: every end seen has its start seen below
        return (int) Math.max(0, threadsStarted.sum() - ended);
    }

    @Override
    protected void stopMachinery() {
    }

    @Override
    protected void stopMachineryNow() {
        waiting.clear(); // every waiting task was cancelled by shutdownNow already
    }

    @Override
    protected boolean awaitMachinery(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (liveThreads() > 0) {
                if (left <= 0) {
                    return false;
                }
                left = noThreads.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
