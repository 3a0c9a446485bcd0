package dev.spindle.spi;

import dev.spindle.ExecutorStats;
import dev.spindle.MapOptions;
import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFunction;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.TaskState;
import dev.spindle.internal.CancelReason;
import dev.spindle.internal.CancelScope;
import dev.spindle.internal.Current;
import dev.spindle.internal.MapSupport;
import dev.spindle.internal.RunListener;
import dev.spindle.internal.CarrierSlots;
import dev.spindle.internal.CurrentCarrier;
import dev.spindle.internal.StatsRecorder;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every backend shares: handles, the cancellation tree, deadlines, groups, {@code map}, statistics, JFR events,
 * and the close/shutdown life cycle. A backend implements {@link #dispatch} (get {@link TaskRun#run()} called on
 * some thread), the shutdown of its machinery, and optionally {@link #awaitExit} to let a joining worker help.
 *
 * <p>Thread-safe. Every task hangs in the cancellation tree under this executor's root (directly, or through the
 * groups and tasks above it), so {@link #shutdownNow()} cancels the root; {@link #close()} waits until as many tasks
 * have exited as were accepted (two striped counters: no shared structure on the hot path).
 */
public abstract class AbstractTaskExecutor implements TaskExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractTaskExecutor.class);
    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int STOPPING = 2;
    private static final int MAX_UNOBSERVED = 1000;

    private final String name;
    private final String backend;
    /** Each task runs on a thread started for it (see the three-argument constructor); read by {@link TaskRun#run}. */
    final boolean threadPerTask;
    private final boolean keepsBackendData;
    private final StatsRecorder recorder = new StatsRecorder();
    private final CancelScope root = CancelScope.newRoot();
    private final ReferenceQueue<CancelScope> abandonedNodes = new ReferenceQueue<>(); // see reachFromRoot
    private final ConcurrentLinkedQueue<TaskRun<?>> unobserved = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unobservedCount = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private volatile int runState = OPEN;
    private static final java.lang.invoke.VarHandle RUN_STATE;

    static {
        try {
            RUN_STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(AbstractTaskExecutor.class, "runState",
                    int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private volatile boolean terminated;
    private volatile ExecutorService view;

    /**
     * @param name the executor's name
     * @param backend the backend's name
     */
    protected AbstractTaskExecutor(String name, String backend) {
        this(name, backend, false);
    }

    /**
     * @param name the executor's name
     * @param backend the backend's name
     * @param threadPerTask whether {@link #dispatch} starts a thread for each task, with the task as the thread's
     *     {@code Runnable} and uncaught-exception handler: {@link Current} then finds the task through the handler
     *     (no thread-local), and {@link #ownThreadEnding} is called on the thread as its work ends
     */
    protected AbstractTaskExecutor(String name, String backend, boolean threadPerTask) {
        this(name, backend, threadPerTask, false);
    }

    /**
     * @param name the executor's name
     * @param backend the backend's name
     * @param threadPerTask as in {@link #AbstractTaskExecutor(String, String, boolean)}
     * @param keepsBackendData whether this executor keeps data of its own with each task
     *     ({@link TaskRun#backendData(Object)}); the tasks of the others are 8 bytes smaller
     */
    protected AbstractTaskExecutor(String name, String backend, boolean threadPerTask, boolean keepsBackendData) {
        this.name = Objects.requireNonNull(name, "name");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.threadPerTask = threadPerTask;
        this.keepsBackendData = keepsBackendData;
    }

    /**
     * For an executor made with {@code threadPerTask}: called on the thread started for {@code run} as the last
     * thing it does for the task, after the task's code and its exit (or at once, if the task was cancelled before
     * the thread got to it). Default: nothing.
     *
     * @param run the task the thread was started for
     */
    protected void ownThreadEnding(TaskRun<?> run) {
    }

    // ---------------------------------------------------------------- the backend's part

    /**
     * Gets {@link TaskRun#run()} called on the thread that should run the task. Called once per task, on the
     * submitting thread, after the task is registered.
     *
     * @param run the task
     * @throws RejectedExecutionException if the machinery cannot take it
     */
    protected abstract void dispatch(TaskRun<?> run);

    /** Stops the machinery once every accepted task has exited; need not wait. */
    protected abstract void stopMachinery();

    /** Stops the machinery at once: interrupt what still runs; need not wait. */
    protected abstract void stopMachineryNow();

    /**
     * @param timeout the longest to wait
     * @return whether the machinery's threads have all ended
     * @throws InterruptedException if interrupted while waiting
     */
    protected abstract boolean awaitMachinery(Duration timeout) throws InterruptedException;

    /**
     * Waits until {@code run} has exited. The default lets a worker thread of this executor run a task that has not
     * started yet inline (so a bounded pool never deadlocks on a task joining work queued behind it), then blocks.
     *
     * @param run the task to wait for
     */
    protected void awaitExit(TaskRun<?> run) {
        if (run.isPending() && isWorkerThread(Thread.currentThread())) {
            helpInline(() -> helpWith(run));
        }
        if (!run.hasExited()) {
            run.awaitExitBlocking();
        }
    }

    /**
     * Helps {@code run} towards its exit from one of this executor's worker threads, inside a shield (see
     * {@link #helpInline}); need not wait for it. The default runs it inline if it has not started; a fork/join
     * backend joins it, which runs or steals it.
     *
     * @param run a task of this executor
     */
    protected void helpWith(TaskRun<?> run) {
        if (run.isPending()) {
            run.run();
        }
    }

    /**
     * Helps {@code run} from the current thread, which must be one of this executor's workers and must call this
     * inside {@link #helpInline}. Used by task groups joining on a worker.
     *
     * @param run a task of this executor
     */
    public final void help(TaskRun<?> run) {
        helpWith(run);
    }

    /**
     * @param thread a thread
     * @return whether it is one of this executor's workers, which help rather than block when they join
     */
    public final boolean isWorker(Thread thread) {
        return isWorkerThread(thread);
    }

    /**
     * Runs other tasks' code on the current thread while its own task waits (helping). The current task is
     * shielded meanwhile, so its cancellation is delivered only when the helping ends: an interrupt meant for it
     * never lands in a task it helps, and a helped task's cancellation never clears an interrupt meant for it.
     *
     * @param help the helping, e.g. running a pending task or a fork/join {@code quietlyJoin}
     */
    public final void helpInline(Runnable help) {
        TaskRun<?> outer = Current.run();
        if (outer == null) {
            help.run();
            return;
        }
        outer.enterShield();
        try {
            help.run();
        } finally {
            outer.exitShield();
        }
    }

    /**
     * Runs a step of cancellation bookkeeping (the exit of a task cancelled before it ran, the cancellation of an
     * async task's stage). Default: at once, on the cancelling thread; an event loop runs it on the loop.
     *
     * @param step the bookkeeping
     */
    protected void deliver(Runnable step) {
        step.run();
    }

    /**
     * Waits until {@code run}, a task of this executor, has exited, helping where the backend can.
     *
     * @param run the task
     * @throws dev.spindle.TaskCancelledException if the waiting thread is interrupted (the flag is kept)
     */
    public final void awaitExitFor(TaskRun<?> run) {
        if (!run.hasExited()) {
            awaitExit(run);
        }
    }

    /**
     * @param thread a thread
     * @return whether it is one of this executor's own worker threads
     */
    protected boolean isWorkerThread(Thread thread) {
        return false;
    }

    // ---------------------------------------------------------------- accepting work

    @Override
    public final <T> TaskHandle<T> submit(Task<T> task) {
        return start(task, TaskOptions.DEFAULTS, null, null);
    }

    @Override
    public final <T> TaskHandle<T> submit(Task<T> task, TaskOptions options) {
        return start(task, options, null, null);
    }

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        start(Adapted.of(command, null), TaskOptions.DEFAULTS, null, null);
    }

    /**
     * Accepts a task under a parent node of the cancellation tree. Used by task groups.
     *
     * @param task the work
     * @param options name and time limit
     * @param parent the parent node, or {@code null}
     * @param listener told when the task exits, or {@code null}
     * @param <T> the result type
     * @return the task
     */
    public final <T> TaskRun<T> start(Task<T> task, TaskOptions options, CancelScope parent, RunListener listener) {
        Objects.requireNonNull(task, "task");
        return startRun(adapt(task), adaptsToAsync(), options, parent, listener);
    }

    /**
     * Accepts a task whose code returns a {@link java.util.concurrent.CompletionStage}; the task ends when the stage
     * completes, with its value or failure, and cancelling the task cancels the stage it waits on.
     *
     * @param task the first step of the work
     * @param options name and time limit
     * @param parent the parent node, or {@code null}
     * @param listener told when the task exits, or {@code null}
     * @param <T> the result type
     * @return the task
     */
    public final <T> TaskRun<T> startAsync(Task<? extends java.util.concurrent.CompletionStage<T>> task,
            TaskOptions options, CancelScope parent, RunListener listener) {
        Objects.requireNonNull(task, "task");
        return startRun(adapt(task), true, options, parent, listener);
    }

    /**
     * Lets a backend wrap every task's code before it runs (e.g. to measure each step). Default: unchanged.
     *
     * @param task the task's code
     * @param <T> its result type
     * @return what will run
     */
    protected <T> Task<T> adapt(Task<T> task) {
        return task;
    }

    /**
     * Whether what {@link #adapt} makes of a task returns a {@link java.util.concurrent.CompletionStage} that the
     * task then waits on without holding a thread (as {@link #startAsync} tasks do), rather than the result itself.
     * A backend whose work happens elsewhere (another process) answers yes, so that a thread only starts the work and
     * the reply completes it. Default: no.
     *
     * @return whether adapted tasks are asynchronous
     */
    protected boolean adaptsToAsync() {
        return false;
    }

    /**
     * @return whether cancelling a running task interrupts its thread; an event loop answers no, because its thread
     *     runs everyone's steps
     */
    protected boolean interruptsOnCancel() {
        return true;
    }

    private <T> TaskRun<T> startRun(Task<?> task, boolean async, TaskOptions options, CancelScope parent,
            RunListener listener) {
        Objects.requireNonNull(options, "options");
        // Count the task as accepted before looking at the state: close() writes the state and then reads the
        // count, so either close() sees this task or this call sees CLOSING (both sides are volatile/CAS).
        CarrierSlots mine = countersIfRunningOwnTask();
        if (mine != null) {
            mine.accepted(); // no fence needed: the task running here has not exited, so close() is not done
        } else {
            recorder.accepted();
        }
        try {
            checkAccepting();
        } catch (RejectedExecutionException e) {
            recorder.rejected();
            signalIfDrained();
            throw e;
        }
        TaskRun<T> run;
        try {
            CancelScope under = parent != null ? parent : root;
            run = keepsBackendData ? new TaskRun.WithData<>(this, task, async, options, under, listener)
                    : new TaskRun<>(this, task, async, options, under, listener);
        } catch (RuntimeException | Error e) {
            recorder.rejected();
            signalIfDrained();
            throw e;
        }
        try {
            run.joinParent();
        } catch (RuntimeException | Error e) {
            recorder.rejected(); // the parent refused it (a group closed meanwhile) and did not count it
            signalIfDrained();
            throw e;
        }
        run.inheritCancellation(); // under a cancelled parent (a failed group, shutdownNow) it is cancelled here
        try {
            run.armDeadline();
        } catch (RuntimeException | Error e) {
            run.cancel(new CancelReason("executor '" + name + "' could not arm its deadline: " + e, false,
                    CancelReason.Kind.SHUTDOWN)); // attached: it must exit, so that its parent and close() hear of it
            throw e;
        }
        if (run.isPending()) {
            try {
                dispatch(run);
            } catch (RuntimeException | Error e) {
                run.cancel(new CancelReason("executor '" + name + "' could not start it: " + e, false,
                        CancelReason.Kind.SHUTDOWN));
                if (!(e instanceof RejectedExecutionException)) {
                    throw new RejectedExecutionException("executor '" + name + "' could not start "
                            + run.describe() + ": " + e, e);
                }
                if (listener == null) {
                    throw e;
                }
                // a group was already told of the (cancelled) task through its listener: hand it the handle
            }
        }
        return run;
    }

    private void checkAccepting() {
        int s = runState;
        if (s == OPEN) {
            return;
        }
        TaskRun<?> current = Current.run();
        if (s == CLOSING && current != null && current.executor() == this) {
            return; // accepted work may still fork while the executor drains
        }
        throw new RejectedExecutionException("executor '" + name + "' (" + backend + ") is "
                + (s == CLOSING ? "closing" : "shut down") + " and accepts no new tasks; submit before close(), "
                + "or create a new executor");
    }

    final void runExited(TaskRun<?> run) {
        if ((run.taskState() == TaskState.FAILED || run.hasLateFailureBeyondCancellation()) && run.parent() == root
                && !run.isObserved()
                && unobservedCount.getAndIncrement() < MAX_UNOBSERVED) {
            unobserved.add(run);
        }
        CarrierSlots mine = workerCounters();
        if (mine != null) {
            mine.gone();
        } else {
            recorder.gone();
        }
        signalIfDrained();
    }

    /** @return the current thread's slots (with its share of the counters) if it is one of this executor's workers */
    final CarrierSlots workerCounters() {
        if (Thread.currentThread() instanceof CurrentCarrier c) {
            CarrierSlots slots = c.slots();
            if (slots.owner() == recorder) {
                return slots;
            }
        }
        return null;
    }

    private CarrierSlots countersIfRunningOwnTask() {
        if (Thread.currentThread() instanceof CurrentCarrier c) {
            CarrierSlots slots = c.slots();
            if (slots.owner() == recorder && slots.current != null && slots.current.executor() == this) {
                return slots;
            }
        }
        return null;
    }

    /**
     * For a backend's worker threads: the slots a new worker keeps (see {@link CurrentCarrier}), with its share of
     * this executor's counters. A worker that ends hands them back with {@link #retireCarrierSlots}.
     *
     * @return slots for one thread
     */
    protected final CarrierSlots newCarrierSlots() {
        return recorder.newSlots();
    }

    /** @param slots what {@link #newCarrierSlots()} gave a worker that is ending; it must not use them again */
    protected static void retireCarrierSlots(CarrierSlots slots) {
        slots.retire();
    }

    private void signalIfDrained() {
        if (runState != OPEN && drained()) {
            lock.lock();
            try {
                drained.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean drained() {
        return recorder.drained();
    }

    /** @return the root of this executor's cancellation tree: groups opened outside any task hang here */
    public final CancelScope rootScope() {
        return root;
    }

    /**
     * Makes {@code node} reachable from this executor's root when it hangs under a task of another executor (a group
     * opened on this executor inside that task), so that {@link #shutdownNow()} cancels everything this executor
     * accepted, wherever it is filed. (Without it, a task forked on this executor from another executor's task could be
     * neither cancelled nor run by a shutdown: its group's join would wait for ever.) Call after attaching the node.
     *
     * @param node a node whose tasks run on this executor
     * @return the link to {@link CancelScope#detachFromParent() detach} when the node is done, or {@code null} if the
     *     node is in this executor's own tree already
     */
    public final CancelScope reachFromRoot(CancelScope node) {
        if (!(node.parent() instanceof TaskRun<?> enclosing) || enclosing.executor() == this) {
            return null;
        }
        for (Reference<? extends CancelScope> r; (r = abandonedNodes.poll()) != null; ) {
            ((NodeRef) r).link.detachFromParent(); // a node dropped without being unhooked (an abandoned stream)
        }
        RootLink link = new RootLink(root, node, abandonedNodes);
        link.attachToParent(); // cancels node at once if this executor was shut down already
        return link;
    }

    /**
     * A child of an executor's root that hands the root's cancellation to a node filed elsewhere. It holds the node
     * weakly: a node nobody holds has no task left to cancel (a live task holds its parent), and a link whose node was
     * dropped without being unhooked is taken out of the root by the next {@link #reachFromRoot} call.
     */
    private static final class RootLink extends CancelScope {
        private final NodeRef target;

        RootLink(CancelScope root, CancelScope target, ReferenceQueue<CancelScope> dropped) {
            super(root);
            this.target = new NodeRef(target, dropped, this);
        }

        @Override
        protected void onCancel(CancelReason why) {
            CancelScope node = target.get();
            if (node != null) {
                node.cancel(why);
            }
        }

        @Override
        protected int stripeHint() {
            return System.identityHashCode(this);
        }
    }

    /** A link's weak hold on its node; queued once the node is collected. */
    private static final class NodeRef extends WeakReference<CancelScope> {
        final RootLink link;

        NodeRef(CancelScope node, ReferenceQueue<CancelScope> dropped, RootLink link) {
            super(node, dropped);
            this.link = link;
        }
    }

    /** @return this executor's statistics recorder */
    public final StatsRecorder recorder() {
        return recorder;
    }

    // ---------------------------------------------------------------- map

    @Override
    public <T, R> List<R> map(TaskFunction<T, R> fn, Iterable<T> items) {
        return MapSupport.map(this, fn, items);
    }

    @Override
    public <T, R> Stream<R> mapStreaming(TaskFunction<T, R> fn, Iterable<T> items, MapOptions options) {
        return MapSupport.mapStreaming(this, fn, items, options);
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public void close() {
        if (dev.spindle.internal.BlockingGuard.forbidden()) {
            dev.spindle.internal.BlockingGuard.check("close() of executor '" + name + "'");
        }
        TaskRun<?> current = Current.run();
        if (current != null && current.executor() == this) {
            throw new IllegalStateException("close() was called from " + current.describe()
                    + ", which would wait for itself; close the executor from outside its tasks, or call shutdownNow()");
        }
        RUN_STATE.compareAndSet(this, OPEN, CLOSING);
        boolean interrupted = false;
        lock.lock();
        try {
            while (!drained()) {
                try {
                    drained.await(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // close() finishes its job; the flag is restored below
                }
            }
        } finally {
            lock.unlock();
        }
        stopMachinery();
        try {
            while (!awaitMachinery(Duration.ofSeconds(1))) {
                LOG.debug("executor '{}' waits for its threads to end", name);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        terminated = true;
        reportUnobservedFailures();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void shutdownNow() {
        runState = STOPPING;
        root.cancel(new CancelReason("executor '" + name + "' was shut down", false, CancelReason.Kind.SHUTDOWN));
        stopMachineryNow();
        lock.lock();
        try {
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        reportUnobservedFailures();
    }

    /** Stops accepting work from outside without waiting (for {@link ExecutorService#shutdown()}). */
    public void initiateClose() {
        RUN_STATE.compareAndSet(this, OPEN, CLOSING);
        if (drained()) {
            stopMachinery();
            terminated = true;
            reportUnobservedFailures();
        } else {
            Thread.ofPlatform().daemon().name("spindle-close-" + name).start(this::close);
        }
    }

    /**
     * @param timeout the longest to wait
     * @return whether every accepted task has exited and the machinery has stopped
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!drained()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } finally {
            lock.unlock();
        }
        long left = Math.max(0, deadline - System.nanoTime());
        return terminated || awaitMachinery(Duration.ofNanos(left));
    }

    private void reportUnobservedFailures() {
        TaskRun<?> run;
        while ((run = unobserved.poll()) != null) {
            if (!run.isObserved()) {
                if (run.peekFailure() != null) {
                    LOG.warn("{} failed and nobody joined it; its failure follows", run.describe(), run.peekFailure());
                } else {
                    LOG.warn("{} threw after it was cancelled and nobody joined it", run.describe(), run.lateFailure());
                }
            }
        }
        int lost = unobservedCount.getAndSet(0) - MAX_UNOBSERVED;
        if (lost > 0) {
            LOG.warn("executor '{}': {} more failures nobody joined were not kept; join your tasks or use a TaskGroup",
                    name, lost);
        }
    }

    @Override
    public boolean isShutdown() {
        return runState != OPEN;
    }

    /** @return whether close() finished, or shutdownNow() was called and everything exited */
    public boolean isTerminated() {
        return terminated || (runState == STOPPING && drained());
    }

    // ---------------------------------------------------------------- identity

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String backend() {
        return backend;
    }

    @Override
    public ExecutorStats stats() {
        return recorder.snapshot();
    }

    @Override
    public ExecutorService asExecutorService() {
        ExecutorService v = view;
        if (v == null) {
            v = new ExecutorServiceView(this);
            view = v;
        }
        return v;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", backend=" + backend + ", parallelism=" + parallelism() + "]";
    }
}
