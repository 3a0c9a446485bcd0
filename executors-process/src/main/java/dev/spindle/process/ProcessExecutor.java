package dev.spindle.process;

import dev.spindle.MapOptions;
import dev.spindle.SerializableFunction;
import dev.spindle.Task;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskFunction;
import dev.spindle.TaskGroup;
import dev.spindle.TaskGroupException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.internal.MapSupport;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(ProcessExecutor.class);

    private final int workers;
    private final int maxTasksPerWorker;
    private final boolean prestart;
    private final int retries;
    private final Pipeline pipeline;
    private final WorkerSpec spec;
    private final WorkerSource source;
    /** Tasks waiting for room in a worker: fresh {@link TaskRun}s, and {@link RemoteCall}s to send again. */
    private final ConcurrentLinkedDeque<Object> queue = new ConcurrentLinkedDeque<>();
    private final AtomicInteger queued = new AtomicInteger(); // the queue's size, at least once an add returned
    private final AtomicInteger startingSlots = new AtomicInteger();
    private int rotor; // where the next pump starts looking; racy on purpose (spreads, need not be exact)
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Slot> slots = new ArrayList<>();
    private volatile Slot[] slotArray = new Slot[0]; // the slots once started, read without the lock on dispatch
    private final List<Thread> threads = new ArrayList<>(); // the pool's own: worker starts and stops; guarded by lock
    private boolean stopped; // guarded by lock
    private volatile boolean killing;
    private volatile boolean slotsStarted; // written under lock once the slots run; read without it on dispatch

    /**
     * @param name the executor's name
     * @param spec how workers start
     * @param workers slots (worker JVMs running tasks at once)
     * @param maxTasksPerWorker recycle a worker after this many tasks, 0 for never
     * @param prestart start every worker (and the spares) now rather than on first need
     * @param spares warm spare workers kept ready
     * @param retries how often a task whose worker died is sent again to a fresh worker
     * @param pipeline how far ahead a busy worker is sent short tasks
     */
    ProcessExecutor(String name, WorkerSpec spec, int workers, int maxTasksPerWorker, boolean prestart, int spares,
            int retries, Pipeline pipeline) {
        super(name, "process", false, true);
        this.pipeline = pipeline;
        this.workers = workers;
        this.maxTasksPerWorker = maxTasksPerWorker;
        this.prestart = prestart;
        this.retries = retries;
        this.spec = spec;
        this.source = new WorkerSource(spec, spares);
        if (prestart) {
            startSlots();
            source.startSpares();
        }
    }

    @Override
    protected <T> Task<T> adapt(Task<T> task) {
        try {
            @SuppressWarnings("unchecked")
            Task<T> remote = (Task<T>) (Task<?>) new RemoteTask(this, Payload.encode(task));
            return remote;
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
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        if (!(command instanceof Serializable)) {
            throw new IllegalArgumentException("executor '" + name() + "' (process) cannot send a Runnable of class "
                    + command.getClass().getName() + " to a worker: it is not Serializable. Cast the lambda, "
                    + "ex.execute((Runnable & Serializable) () -> ...), or submit a SerializableTask");
        }
        super.execute(command); // core keeps a Serializable runnable serializable
    }

    /**
     * Splits the items into chunks (about four per worker), each sent to a worker as one task with its items packed
     * ({@link Packed}): a chunk costs one round trip however many items it holds.
     */
    @Override
    public <T, R> List<R> map(TaskFunction<T, R> fn, Iterable<T> items) {
        SerializableFunction<T, R> f = sendable(fn, "map");
        Objects.requireNonNull(items, "items");
        List<T> list = items instanceof Collection<T> c ? new ArrayList<>(c) : MapSupport.toList(items);
        int n = list.size();
        if (n == 0) {
            return List.of();
        }
        int chunk = MapSupport.chunkSize(n, parallelism());
        Object[] out = new Object[n];
        List<TaskHandle<Object>> chunks = new ArrayList<>();
        try (TaskGroup group = TaskGroup.open(this)) {
            for (int from = 0; from < n; from += chunk) {
                int to = Math.min(n, from + chunk);
                chunks.add(group.fork(new MapChunk<>(f, Packed.pack(list, from, to), from),
                        TaskOptions.named("map[" + from + ".." + to + ")")));
            }
            group.join();
        } catch (TaskGroupException e) {
            throw MapSupport.itemFailure(e);
        }
        for (int i = 0, at = 0; i < chunks.size(); i++) {
            Object packed = chunks.get(i).join();
            Packed.unpackInto(packed, out, at);
            at += Packed.length(packed);
        }
        @SuppressWarnings("unchecked")
        List<R> results = (List<R>) Collections.unmodifiableList(Arrays.asList(out));
        return results;
    }

    /** Each item is sent to a worker as its own task (Python's {@code imap} with its default chunk size of 1). */
    @Override
    public <T, R> Stream<R> mapStreaming(TaskFunction<T, R> fn, Iterable<T> items, MapOptions options) {
        SerializableFunction<T, R> f = sendable(fn, "mapStreaming");
        return MapSupport.mapStreamingTasks(this, (T item) -> new ApplyTask<T, R>(f, item), items, options);
    }

    private <T, R> SerializableFunction<T, R> sendable(TaskFunction<T, R> fn, String what) {
        Objects.requireNonNull(fn, "fn");
        if (fn instanceof SerializableFunction<T, R> f) {
            return f;
        }
        throw new IllegalArgumentException("executor '" + name() + "' (process) cannot send the function of class "
                + fn.getClass().getName() + " given to " + what + " to its workers: it is not a "
                + "SerializableFunction. Type the lambda as SerializableFunction (SerializableFunction<Integer, "
                + "Long> f = x -> ...), and capture only serializable values");
    }

    /**
     * No: in the parent a task's code is only its sending, on whichever thread pumps (perhaps a user's submitting
     * thread, running a task of its own); an interrupt there would hit that thread, not the work. Cancellation reaches
     * the work through its {@link RemoteCall}: a CANCEL frame, an interrupt in the worker, then the worker's end.
     */
    @Override
    protected boolean interruptsOnCancel() {
        return false;
    }

    /** The tasks of this backend wait for their worker's reply without holding a thread: see {@link RemoteTask}. */
    @Override
    protected boolean adaptsToAsync() {
        return true;
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        startSlots();
        queue.addLast(run);
        queued.incrementAndGet();
        pump();
    }

    /**
     * Sends queued tasks into whatever room the slots have, on the calling thread (a submitter, a worker's reader
     * after a reply, a slot's starter once its worker is ready); returns once the queue is empty or no slot has room.
     * Whoever makes room pumps again, after making it: no task is left behind.
     */
    void pump() {
        if (queued.get() == 0) {
            return;
        }
        SendBatch batch = SendBatch.begin(); // one write per worker for all the tasks sent below
        try {
            pumpQueued();
        } finally {
            batch.end();
        }
    }

    private void pumpQueued() {
        while (queued.get() > 0) {
            Slot.Lease lease = reserveAny();
            if (lease == null) {
                return;
            }
            Object next = queue.pollFirst();
            if (next == null) {
                lease.slot().unreserve(lease); // another pump took it; the loop looks at the queue again
                continue;
            }
            queued.decrementAndGet();
            if (next instanceof RemoteCall call) {
                if (call.cancelRequested()) {
                    lease.slot().unreserve(lease);
                    SendBatch.afterFlush(() -> call.endUnsent(false)); // its callbacks are the user's: not in a batch
                } else {
                    lease.slot().send(lease, call);
                }
                continue;
            }
            TaskRun<?> run = (TaskRun<?>) next;
            if (run.isPending()) { // else cancelled while it waited
                run.backendData(lease);
                run.run(); // RemoteTask.call sends it with the lease and returns at once
            }
            if (!lease.isUsed()) {
                lease.slot().unreserve(lease);
            }
        }
    }

    /** @return room in an idle worker, else (pipelining) in a busy one, else {@code null} */
    private Slot.Lease reserveAny() {
        Slot[] ss = slotArray;
        int n = ss.length;
        int start = Math.floorMod(rotor++, n);
        for (int i = 0; i < n; i++) {
            Slot.Lease l = ss[(start + i) % n].reserve(false, queued.get() > startingSlots.get());
            if (l != null) {
                return l;
            }
        }
        if (pipeline.pipelines()) {
            for (int i = 0; i < n; i++) {
                Slot.Lease l = ss[(start + i) % n].reserve(true, false);
                if (l != null) {
                    return l;
                }
            }
        }
        return null;
    }

    /** @param call a task to send again (its worker died before or while running it), ahead of the others */
    void again(RemoteCall call) {
        queue.addFirst(call);
        queued.incrementAndGet();
        // cancel() sets its flag before it looks in the queue: either it found the call there, or we see the flag
        if ((call.cancelRequested() || killing) && removeQueued(call)) {
            call.endUnsent(killing);
        }
    }

    /** @return whether {@code call} was waiting to be sent again and is no longer */
    boolean removeQueued(RemoteCall call) {
        if (queue.removeFirstOccurrence(call)) {
            queued.decrementAndGet();
            return true;
        }
        return false;
    }

    /** A slot could not start a worker: the first task waiting fails with why (each start attempt fails one). */
    void startFailed(Slot slot, Exception failure) {
        for (;;) {
            Object next = queue.pollFirst();
            if (next == null) {
                LOG.warn("{} of executor '{}' could not start its worker (its next task will try again): {}", slot,
                        name(), failure.getMessage());
                return;
            }
            queued.decrementAndGet();
            if (next instanceof RemoteCall call) {
                call.fail(failure);
                return;
            }
            TaskRun<?> run = (TaskRun<?>) next;
            if (run.isPending()) {
                run.backendData(new RemoteTask.StartFailure(failure));
                run.run(); // RemoteTask.call throws it
                return;
            }
        }
    }

    /** Runs {@code work} (a worker's start or stop) on a thread of the pool's own, which close() waits for. */
    void background(String what, Runnable work) {
        lock.lock();
        try {
            threads.removeIf(t -> !t.isAlive());
            Thread t = Thread.ofPlatform().daemon().name("spindle-" + name() + "-" + what).unstarted(work);
            threads.add(t);
            t.start();
        } finally {
            lock.unlock();
        }
    }

    /** @return how many slots are starting a worker */
    AtomicInteger startingSlots() {
        return startingSlots;
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
                slots.add(new Slot(this, i, pipeline));
            }
            slotArray = slots.toArray(new Slot[0]);
            slotsStarted = true;
        } finally {
            lock.unlock();
        }
        if (prestart) {
            for (Slot s : slotArray) {
                s.prestart();
            }
        }
    }

    @Override
    protected void stopMachinery() {
        lock.lock();
        try {
            stopped = true;
        } finally {
            lock.unlock();
        }
        for (Slot s : slotArray) {
            s.stop();
        }
        source.stop(false);
    }

    @Override
    protected void stopMachineryNow() {
        killing = true;
        lock.lock();
        try {
            stopped = true;
        } finally {
            lock.unlock();
        }
        for (Slot s : slotArray) {
            s.kill("the pool was shut down");
        }
        source.stop(true);
        failQueuedCalls(); // tasks to send again: no slot will take them now (queued TaskRuns were cancelled)
    }

    private void failQueuedCalls() {
        for (Object o : queue) {
            if (o instanceof RemoteCall call && removeQueued(call)) {
                call.endUnsent(true);
            }
        }
    }

    @Override
    protected boolean awaitMachinery(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            List<Thread> ts;
            lock.lock();
            try {
                threads.removeIf(t -> !t.isAlive());
                ts = List.copyOf(threads);
            } finally {
                lock.unlock();
            }
            if (ts.isEmpty()) {
                break;
            }
            for (Thread t : ts) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    return false;
                }
            }
        }
        return source.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    @Override
    public int parallelism() {
        return workers;
    }

    WorkerSpec spec() {
        return spec;
    }

    WorkerSource source() {
        return source;
    }

    boolean prestart() {
        return prestart;
    }

    int retries() {
        return retries;
    }

    int maxTasksPerWorker() {
        return maxTasksPerWorker;
    }

    boolean isKilling() {
        return killing;
    }
}
