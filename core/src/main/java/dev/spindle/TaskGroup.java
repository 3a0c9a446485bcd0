package dev.spindle;

import dev.spindle.internal.CancelReason;
import dev.spindle.internal.CancelScope;
import dev.spindle.internal.Current;
import dev.spindle.internal.DeadlineTimer;
import dev.spindle.internal.RunListener;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Structured fan-out and fan-in: Python's {@code asyncio.TaskGroup} and trio's nursery, on any backend.
 *
 * <pre>{@code
 * try (TaskGroup g = TaskGroup.open(executor)) {
 *     TaskHandle<A> a = g.fork(() -> loadA());
 *     TaskHandle<B> b = g.fork(() -> loadB());
 *     g.join();                       // throws TaskGroupException if a task failed
 *     use(a.join(), b.join());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #join()} returns only when the code of every task forked into the group has finished, whatever the
 *       policy, timeout or cancellation. Tasks of the group may fork more tasks into it while it is being joined.</li>
 *   <li>The {@link GroupPolicy} decides when the remaining tasks are cancelled early and what {@code join} throws.
 *       With the default, the first failure cancels the others and becomes the cause of
 *       {@link TaskGroupException}; every other failure is attached as suppressed. Cancelled tasks are not
 *       failures.</li>
 *   <li>A group opened inside a task is part of that task: cancelling the task (or any group above it) cancels this
 *       group and everything under it, to any depth. The group's deadline is the tighter of its own and the
 *       enclosing task's.</li>
 *   <li>{@link #withTimeout} cancels the tasks still running when the time is up; {@code join} then throws
 *       {@link GroupTimeoutException}, after the tasks have finished.</li>
 *   <li>{@link #close()} without a prior {@code join} (typically because the body threw) cancels the tasks, waits for
 *       them, and logs failures nobody saw; it throws nothing of its own, so the body's exception propagates.</li>
 * </ul>
 *
 * <p>This class is thread-safe: any thread, including the group's own tasks, may fork into it or cancel it.
 */
public final class TaskGroup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskGroup.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final AbstractTaskExecutor executor;
    private final GroupPolicy policy;
    private final CancelScope scope;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition quiet = lock.newCondition();
    private final List<TaskRun<?>> tasks = new ArrayList<>(); // guarded by lock
    private final List<TaskRun<?>> failed = new ArrayList<>(); // guarded by lock, in the order they failed
    private final List<TaskRun<?>> succeededInOrder = new ArrayList<>(); // guarded by lock
    private final List<Throwable> lateFailures = new ArrayList<>(); // guarded by lock: thrown after cancellation
    private int pending; // guarded by lock: forked and not exited
    private int cancelled; // guarded by lock
    private boolean closed; // guarded by lock: no more forks (set once every task has exited and a join saw it)
    private boolean joined; // guarded by lock: join(), joinAsync() or close() was called (the set is sealed)
    private boolean asyncDone; // guarded by lock: the joinAsync() stage was completed
    private int forkedCount; // guarded by lock: forks counted at pending++, including those not yet in tasks
    private CompletableFuture<Void> asyncJoin; // guarded by lock: set by joinAsync()
    private volatile String name; // null until asked for: most groups are never named or described
    private final RunListener exitListener = this::childExited;
    private volatile Duration timeout;
    private volatile ScheduledFuture<?> timer;

    private TaskGroup(AbstractTaskExecutor executor, GroupPolicy policy) {
        this.executor = executor;
        this.policy = policy;
        CancelScope enclosing = Current.scopeForNewGroup();
        this.scope = new CancelScope(enclosing != null ? enclosing : executor.rootScope()) { };
        scope.attachToParent();
    }

    /**
     * Opens a group with the default policy, {@link GroupPolicy#allSuccessful()}.
     *
     * @param executor where the group's tasks run
     * @return the group; close it with try-with-resources
     */
    public static TaskGroup open(TaskExecutor executor) {
        return open(executor, GroupPolicy.allSuccessful());
    }

    /**
     * @param executor where the group's tasks run
     * @param policy when the group succeeds and when it stops early
     * @return the group; close it with try-with-resources
     */
    public static TaskGroup open(TaskExecutor executor, GroupPolicy policy) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(policy, "policy");
        if (!(executor instanceof AbstractTaskExecutor ex)) {
            throw new IllegalArgumentException("TaskGroup needs an executor made by Spindle (Spindle.executor(...) or "
                    + "Spindle.builder(...)); got " + executor.getClass().getName());
        }
        return new TaskGroup(ex, policy);
    }

    /**
     * @param name a name for logs and error messages
     * @return this group
     */
    public TaskGroup named(String name) {
        Objects.requireNonNull(name, "name");
        this.name = name;
        return this;
    }

    /**
     * Gives the group a time limit from now: when it passes, the tasks still running are cancelled and
     * {@link #join()} throws {@link GroupTimeoutException}. Calling it again can only tighten the limit.
     *
     * @param timeout positive
     * @return this group
     */
    public TaskGroup withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("group timeout is " + timeout
                    + "; expected a positive duration such as Duration.ofSeconds(2)");
        }
        this.timeout = timeout;
        long at = System.nanoTime() + timeout.toNanos();
        if (at < scope.ownDeadlineNanos()) {
            scope.tightenDeadline(at);
            ScheduledFuture<?> previous = timer;
            timer = DeadlineTimer.at(at, this::onTimeout);
            if (previous != null) {
                previous.cancel(false);
            }
        }
        return this;
    }

    /**
     * @param deadline the instant by which the group must be done
     * @return this group
     */
    public TaskGroup withDeadline(Instant deadline) {
        Objects.requireNonNull(deadline, "deadline");
        Duration left = Duration.between(Instant.now(), deadline);
        return withTimeout(left.isNegative() || left.isZero() ? Duration.ofNanos(1) : left);
    }

    private void onTimeout() {
        scope.cancel(new CancelReason("group '" + name() + "' exceeded its timeout of " + timeout, true,
                CancelReason.Kind.DEADLINE, this));
    }

    /**
     * Starts a task in this group.
     *
     * @param task the work
     * @param <T> its result type
     * @return its handle
     * @throws IllegalStateException if the group was joined or closed
     */
    public <T> TaskHandle<T> fork(Task<T> task) {
        return fork(task, TaskOptions.DEFAULTS);
    }

    /**
     * Starts a task in this group. If the group was already cancelled (say a sibling failed), the task is
     * cancelled at once and never runs.
     *
     * @param task the work
     * @param options its name and own time limit
     * @param <T> its result type
     * @return its handle
     * @throws IllegalStateException if the group was joined or closed
     */
    public <T> TaskHandle<T> fork(Task<T> task, TaskOptions options) {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("group '" + name() + "' is closed: its join() or close() has returned, "
                        + "so it accepts no more tasks; open a new group");
            }
            pending++;
            forkedCount++;
        } finally {
            lock.unlock();
        }
        TaskRun<T> run;
        try {
            run = executor.start(task, options, scope, exitListener);
        } catch (RuntimeException e) {
            lock.lock();
            try {
                pending--;
                quiet.signalAll();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        lock.lock();
        try {
            tasks.add(run);
            quiet.signalAll(); // a joiner may wait for this task to appear, to help run it
        } finally {
            lock.unlock();
        }
        return run;
    }

    private void childExited(TaskRun<?> run) {
        TaskState state = run.taskState();
        int succeeded;
        int failures;
        int forked;
        boolean sealed;
        boolean finishAsync = false;
        lock.lock();
        try {
            switch (state) {
                case SUCCEEDED -> succeededInOrder.add(run);
                case FAILED -> failed.add(run);
                default -> {
                    cancelled++;
                    collectLateFailure(run.lateFailure());
                }
            }
            succeeded = succeededInOrder.size();
            failures = failed.size();
            forked = forkedCount;
            sealed = joined;
            if (--pending == 0) {
                quiet.signalAll();
                finishAsync = asyncJoin != null && !asyncDone;
            }
        } finally {
            lock.unlock();
        }
        switch (policy.kind()) {
            case ALL_SUCCESSFUL -> {
                if (state == TaskState.FAILED) {
                    scope.cancel(new CancelReason("group '" + name() + "' failed fast: " + run.describe() + " failed: "
                            + run.peekFailure(), false, CancelReason.Kind.FAIL_FAST, this));
                }
            }
            case QUORUM -> {
                int k = policy.quorumSize();
                if (succeeded >= k) {
                    scope.cancel(new CancelReason("group '" + name() + "' reached its quorum of " + k
                            + (k == 1 ? " success" : " successes"), false, CancelReason.Kind.QUORUM_REACHED, this));
                } else if (sealed && forked - failures < k) {
                    scope.cancel(new CancelReason("group '" + name() + "' can no longer reach its quorum of " + k
                            + ": " + failures + " of " + forked + " tasks failed", false, CancelReason.Kind.FAIL_FAST, this));
                }
            }
            case COLLECT_ALL -> { }
        }
        if (finishAsync) {
            completeAsyncJoin();
        }
    }

    /**
     * The non-blocking {@link #join()}, for event-loop code: the returned stage completes once every task of the
     * group has finished, normally or with what {@code join()} would throw. It completes on the thread where the
     * last task ended (the loop's thread, for tasks of an event loop).
     *
     * @return a stage that completes when the group is done
     */
    public CompletionStage<Void> joinAsync() {
        CompletableFuture<Void> cf;
        boolean quietNow;
        lock.lock();
        try {
            joined = true;
            if (asyncJoin == null) {
                asyncJoin = new CompletableFuture<>();
            }
            cf = asyncJoin;
            quietNow = pending == 0 && !asyncDone;
        } finally {
            lock.unlock();
        }
        if (quietNow) {
            completeAsyncJoin();
        }
        return cf.minimalCompletionStage();
    }

    private void completeAsyncJoin() {
        CompletableFuture<Void> cf;
        lock.lock();
        try {
            if (asyncDone || pending > 0 || asyncJoin == null) {
                return;
            }
            asyncDone = true;
            closed = true;
            cf = asyncJoin;
        } finally {
            lock.unlock();
        }
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        scope.detachFromParent();
        try {
            evaluate();
            cf.complete(null);
        } catch (RuntimeException e) {
            cf.completeExceptionally(e);
        }
    }

    /**
     * Keeps what a cancelled task threw after its cancellation, unless it is only the echo of the interrupt: a task
     * that failed for its own reasons while being cancelled must not vanish. Called with the lock held.
     */
    private void collectLateFailure(Throwable late) {
        if (late == null) {
            return;
        }
        if (isEchoOfCancellation(late)) {
            for (Throwable s : late.getSuppressed()) {
                collectLateFailure(s);
            }
        } else {
            lateFailures.add(late);
        }
    }

    private static boolean isEchoOfCancellation(Throwable t) {
        return t instanceof java.util.concurrent.CancellationException
                || t instanceof InterruptedException
                || t instanceof java.io.InterruptedIOException
                || t instanceof java.nio.channels.ClosedByInterruptException;
    }

    /** Cancels every task of the group and every group nested in them. {@link #join()} still waits for them. */
    public void cancel() {
        scope.cancel(CancelReason.requested("cancel() was called on group '" + name() + "'"));
    }

    /**
     * Waits until every task of the group has finished, then applies the policy. If the waiting thread is
     * interrupted, the group is cancelled and still waited for, then {@link TaskCancelledException} is thrown.
     *
     * @throws TaskGroupException if the policy was not met (the first failure is the cause, the others suppressed)
     * @throws GroupTimeoutException if the group's own timeout passed
     * @throws TaskCancelledException if the group was cancelled from outside (by {@link #cancel()}, an enclosing
     *     task or group, or an executor shutdown)
     */
    public void join() {
        lock.lock();
        try {
            joined = true;
            if (pending > 0) {
                dev.spindle.internal.BlockingGuard.check("join() of group '" + name() + "'");
            }
        } finally {
            lock.unlock();
        }
        boolean interrupted = awaitAll();
        try {
            if (interrupted) {
                TaskCancelledException e = new TaskCancelledException("the thread joining group '" + name
                        + "' was interrupted; the group was cancelled and its tasks have finished");
                failuresAsSuppressed(e, 0);
                throw e;
            }
            evaluate();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean awaitAll() {
        boolean interrupted = false;
        int next = 0;
        for (;;) {
            TaskRun<?> run = null;
            lock.lock();
            try {
                if (next < tasks.size()) {
                    run = tasks.get(next++);
                } else if (pending == 0) {
                    closed = true;
                    break;
                } else {
                    // a fork is between its pending++ and tasks.add: it is quick
                    quiet.awaitUninterruptibly();
                    continue;
                }
            } finally {
                lock.unlock();
            }
            while (!run.hasExited()) {
                try {
                    executorOf(run).awaitExitFor(run);
                } catch (TaskCancelledException e) {
                    interrupted |= Thread.interrupted();
                    scope.cancel(CancelReason.requested("the thread joining group '" + name() + "' was interrupted"));
                }
            }
        }
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        scope.detachFromParent();
        completeAsyncJoin(); // a joinAsync() stage, if any, completes with the same outcome
        return interrupted;
    }

    private static AbstractTaskExecutor executorOf(TaskRun<?> run) {
        return run.executor();
    }

    private void evaluate() {
        List<TaskRun<?>> failures;
        int succeeded;
        int cancelledCount;
        int forked;
        lock.lock();
        try {
            failures = List.copyOf(failed);
            succeeded = succeededInOrder.size();
            cancelledCount = cancelled;
            forked = forkedCount;
        } finally {
            lock.unlock();
        }
        String tally = forked + " forked: " + succeeded + " succeeded, " + failures.size() + " failed, "
                + cancelledCount + " cancelled";
        Throwable first = failures.isEmpty() ? null : failures.get(0).peekFailure();
        CancelReason r = scope.reason();
        boolean own = r != null && r.origin() == this;
        if (own && r.kind() == CancelReason.Kind.DEADLINE) {
            GroupTimeoutException e = new GroupTimeoutException("group '" + name() + "' timed out after " + timeout
                    + " and cancelled its remaining tasks (" + tally + ")", first);
            failuresAsSuppressed(e, 1);
            throw e;
        }
        if (policy.kind() == GroupPolicy.Kind.ALL_SUCCESSFUL && first != null) {
            TaskGroupException e = new TaskGroupException("group '" + name() + "' failed: " + failures.get(0).describe()
                    + " failed first and the others were cancelled (" + tally + ")", first);
            failuresAsSuppressed(e, 1);
            throw e;
        }
        if (r != null && !own) {
            TaskCancelledException e = r.toException("group '" + name() + "'");
            failuresAsSuppressed(e, 0);
            throw e;
        }
        if (policy.kind() == GroupPolicy.Kind.QUORUM && succeeded < policy.quorumSize()) {
            int k = policy.quorumSize();
            String what = k == 1 ? "no task succeeded" : "only " + succeeded + " of the " + k + " successes needed";
            TaskGroupException e = new TaskGroupException("group '" + name() + "' (" + policy + "): " + what + " ("
                    + tally + ")", first);
            failuresAsSuppressed(e, 1);
            throw e;
        }
    }

    private void failuresAsSuppressed(Throwable target, int skip) {
        List<TaskRun<?>> failures;
        List<Throwable> late;
        lock.lock();
        try {
            failures = List.copyOf(failed);
            late = List.copyOf(lateFailures);
            lateFailures.clear();
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < failures.size(); i++) {
            TaskRun<?> run = failures.get(i);
            run.markObserved();
            if (i >= skip) {
                target.addSuppressed(run.peekFailure());
            }
        }
        for (Throwable t : late) {
            target.addSuppressed(t);
        }
    }

    /**
     * Joins the group if {@link #join()} was not called, after cancelling its tasks: a body that did not reach its
     * join (an exception, an early return) leaves nothing running. Failures nobody looked at are logged at WARN.
     * Throws nothing of its own.
     */
    @Override
    public void close() {
        boolean syncJoined;
        boolean asyncRequested;
        lock.lock();
        try {
            syncJoined = closed;
            asyncRequested = asyncJoin != null;
            joined = true;
        } finally {
            lock.unlock();
        }
        if (!syncJoined) {
            if (!asyncRequested) {
                scope.cancel(CancelReason.requested("group '" + name() + "' was closed before join() was called"));
            }
            // on an event loop's thread close() cannot wait: a joinAsync() stage reports the end instead
            if (!(Thread.currentThread() instanceof dev.spindle.internal.BlockingGuard.NonBlockingThread)
                    && awaitAll()) {
                Thread.currentThread().interrupt();
            }
        }
        List<TaskRun<?>> failures;
        lock.lock();
        try {
            if (failed.isEmpty() && lateFailures.isEmpty()) {
                return;
            }
            failures = List.copyOf(failed);
        } finally {
            lock.unlock();
        }
        for (TaskRun<?> run : failures) {
            if (!run.isObserved()) {
                run.markObserved();
                LOG.warn("group '{}': {} failed and nobody looked at its failure", name(), run.describe(),
                        run.peekFailure());
            }
        }
        List<Throwable> late;
        lock.lock();
        try {
            late = List.copyOf(lateFailures);
            lateFailures.clear();
        } finally {
            lock.unlock();
        }
        for (Throwable t : late) {
            LOG.warn("group '{}': a task threw after it was cancelled; nobody saw it", name(), t);
        }
    }

    /** @return the group's name */
    public String name() {
        String n = name;
        if (n == null) {
            n = "group-" + IDS.incrementAndGet();
            name = n;
        }
        return n;
    }

    /** @return the policy */
    public GroupPolicy policy() {
        return policy;
    }

    /** @return the tasks forked so far, in fork order */
    public List<TaskHandle<?>> tasks() {
        lock.lock();
        try {
            return List.copyOf(tasks);
        } finally {
            lock.unlock();
        }
    }

    /** @return what the failed tasks threw, in the order they failed; marks them as seen */
    public List<Throwable> failures() {
        lock.lock();
        try {
            List<Throwable> out = new ArrayList<>(failed.size());
            for (TaskRun<?> run : failed) {
                out.add(run.failure());
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** @return the task that succeeded first, e.g. the winner of a {@link GroupPolicy#firstSuccess()} race */
    public Optional<TaskHandle<?>> firstSucceeded() {
        lock.lock();
        try {
            return succeededInOrder.isEmpty() ? Optional.empty() : Optional.of(succeededInOrder.get(0));
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the group was cancelled: by a call, a timeout, fail-fast, a quorum, or an enclosing scope */
    public boolean isCancelled() {
        return scope.isCancelRequested();
    }

    @Override
    public String toString() {
        return "TaskGroup[" + name() + ", " + policy + ", executor=" + executor.name() + "]";
    }
}
