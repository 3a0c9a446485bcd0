package dev.spindle.process;

import dev.spindle.spi.TaskRun;
import java.io.IOException;
import java.io.InvalidClassException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One parent thread of a pool and the worker it drives. It takes the next task from the pool's queue (pull-based:
 * a task stays in the parent, cancellable, until a slot is free), starts its worker lazily, runs the task there,
 * and replaces the worker after a crash, a kill or {@code maxTasksPerWorker} tasks.
 *
 * <p>The worker is touched by the slot's thread only, except {@link #kill}, which may come from any thread.
 */
final class Slot implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Slot.class);
    private static final ThreadLocal<Slot> CURRENT = new ThreadLocal<>();
    /** Put in the queue once per slot to stop it. */
    static final Runnable STOP = () -> {
    };

    private final ProcessExecutor executor;
    private final int index;
    private final BlockingQueue<Runnable> queue;
    private volatile Worker worker;

    Slot(ProcessExecutor executor, int index, BlockingQueue<Runnable> queue) {
        this.executor = executor;
        this.index = index;
        this.queue = queue;
    }

    /** @return the slot whose thread is the current one, or {@code null} */
    static Slot current() {
        return CURRENT.get();
    }

    @Override
    public void run() {
        CURRENT.set(this);
        try {
            if (executor.prestart()) {
                try {
                    workerForTask();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{} of executor '{}' could not pre-start its worker (its first task will try again): {}",
                            this, executor.name(), e.getMessage());
                }
            }
            for (;;) {
                Runnable next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    continue; // an interrupt meant for a task that has just ended: ours to ignore
                }
                if (next == STOP) {
                    return;
                }
                TaskRun<?> run = (TaskRun<?>) next;
                if (!run.isPending()) {
                    continue; // cancelled while it waited
                }
                run.run();
                Thread.interrupted();
                afterTask();
            }
        } finally {
            Worker w = worker;
            worker = null;
            if (w != null) {
                w.stopGracefully("the pool was closed", Duration.ofSeconds(5));
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
     * sends it again to a fresh worker. A task that has killed two workers is not retried again.
     */
    private Frame callWithRetries(long taskId, String taskName, byte[] payload) throws Exception {
        int retries = executor.retries();
        WorkerCrashedException earlier = null;
        int killed = 0;
        for (int attempt = 0;; attempt++) {
            Worker w = null;
            try {
                w = workerForTask();
                return w.call(taskId, taskName, payload);
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
                LOG.warn("{}: {}; retrying it on a fresh worker (retry {} of {})", taskName, e.getMessage(),
                        attempt + 1, retries);
                earlier = e;
            }
        }
    }

    private Worker workerForTask() throws IOException {
        Worker w = worker;
        if (w != null && !w.isUsable()) {
            w.stopGracefully("it is being replaced", Duration.ofSeconds(5));
            worker = null;
            w = null;
        }
        if (w == null) {
            w = executor.source().take();
            worker = w;
            if (executor.isKilling()) {
                w.kill("the pool was shut down"); // shutdownNow() read no worker here before we published it
            }
        }
        return w;
    }

    private void afterTask() {
        Worker w = worker;
        if (w == null) {
            return;
        }
        int max = executor.maxTasksPerWorker();
        if (!w.isUsable()) {
            w.stopGracefully("it is being replaced", Duration.ofSeconds(5));
            worker = null;
        } else if (max > 0 && w.tasksRun() >= max) {
            LOG.debug("recycling {} after {} tasks", w, w.tasksRun());
            w.stopGracefully("it ran maxTasksPerWorker=" + max + " tasks", Duration.ofSeconds(5));
            worker = null;
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
