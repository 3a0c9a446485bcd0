package dev.spindle;

import dev.spindle.internal.CancelReason;
import dev.spindle.internal.CancelScope;
import dev.spindle.internal.Current;
import dev.spindle.internal.DeadlineTimer;
import dev.spindle.internal.RunListener;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
 *
 * <p>Implementation: the hot paths take no lock, and forks and exits share no cache line. A fork counts itself in one
 * atomic word (tasks forked and a closed bit, alone in its line: see {@code GroupForks}); that CAS also gives it its
 * slot, where it stores its task (segments that are never copied, in the group's node of the cancellation tree). A
 * task's exit touches only that node, never written by forks: it counts itself there (for a group of more than a few
 * dozen tasks, in one of several cells a cache line apart, picked by thread). The group is quiet when the exits equal
 * the forks; an exit reads the counts only when a joiner waits. The group's tasks are not linked into the
 * cancellation tree one by one: cancelling the group walks its slots. A joiner that runs on one of the executor's
 * workers helps (runs or steals the group's tasks) before it blocks; any other joiner blocks once, until the last
 * task exits. (Measured on 2 cores, a group of 10,000 no-op tasks on {@code forkjoin}: 4.4-4.6 ms with a lock per
 * fork and the counts side by side, 1.0-1.9 ms now; see docs/benchmarks.md.)
 */
public final class TaskGroup extends GroupForks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskGroup.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** In {@link #forks}: no more forks (set once every task has exited and a join saw it). */
    private static final int CLOSED = 1 << 30;
    /** In {@link #forks}: the tasks forked so far. */
    private static final int FORKED = CLOSED - 1;
    /** A group that forks more than this many tasks counts their exits in {@link ExitCells}. */
    private static final int CELLS_AFTER = 32;

    private static final VarHandle FORKS;
    private static final VarHandle EXITS;
    private static final VarHandle CELLS;
    private static final VarHandle SUCCEEDED;
    private static final VarHandle CANCELLED;
    private static final VarHandle FIRST_SUCCESS;
    private static final VarHandle WAITERS;
    private static final VarHandle ASYNC_JOIN;
    private static final VarHandle ASYNC_DONE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FORKS = l.findVarHandle(GroupForks.class, "forks", int.class);
            EXITS = l.findVarHandle(Scope.class, "exits", int.class);
            CELLS = l.findVarHandle(Scope.class, "cells", ExitCells.class);
            SUCCEEDED = l.findVarHandle(Scope.class, "succeeded", int.class);
            CANCELLED = l.findVarHandle(Scope.class, "cancelled", int.class);
            FIRST_SUCCESS = l.findVarHandle(Scope.class, "firstSuccess", TaskRun.class);
            WAITERS = l.findVarHandle(Scope.class, "waiters", Waiters.class);
            ASYNC_JOIN = l.findVarHandle(Scope.class, "asyncJoin", CompletableFuture.class);
            ASYNC_DONE = l.findVarHandle(TaskGroup.class, "asyncDone", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AbstractTaskExecutor executor;
    private final GroupPolicy policy;
    private final Scope scope;
    private final CancelScope rootLink; // null unless opened inside another executor's task: see reachFromRoot
    private volatile int failedCount;
    private volatile boolean joined; // join(), joinAsync() or close() was called: the set is sealed
    private volatile boolean asyncDone; // the joinAsync() stage was completed
    private List<TaskRun<?>> failed; // guarded by the scope's lock, in the order they failed; made on first failure
    private List<Throwable> lateFailures; // guarded by the scope's lock: thrown after cancellation
    private volatile String name; // null until asked for: most groups are never named or described
    private volatile Duration timeout;
    private volatile ScheduledFuture<?> timer;

    /**
     * Exit counts of a group with many tasks, in cells a cache line apart picked by thread: the threads that end the
     * group's tasks then neither share a line with each other nor with the thread that forks them. (One counter
     * written by the forker and by every exit would move its cache line between cores on every task.)
     */
    private static final class ExitCells {
        private static final int CELLS = 4; // a power of two
        private static final int STRIDE = 32; // ints: 128 bytes, two cache lines
        private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(int[].class);
        private final int[] counts = new int[(CELLS + 1) * STRIDE]; // cell i at (i + 1) * STRIDE: none at the header

        void increment() {
            int i = ((int) Thread.currentThread().threadId() & (CELLS - 1)) + 1;
            CELL.getAndAdd(counts, i * STRIDE, 1);
        }

        int sum() {
            int n = 0;
            for (int i = 1; i <= CELLS; i++) {
                n += (int) CELL.getVolatile(counts, i * STRIDE);
            }
            return n;
        }
    }

    /** Where joiners that cannot help block. */
    private static final class Waiters {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();

        void signalAll() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The group's node in the cancellation tree. Its children are the group's tasks, kept in fork order (the group
     * needs them for {@link #tasks()}, for cancelling and for helping anyway) instead of the linked list a plain node
     * keeps, so a task's start and exit touch no shared list.
     *
     * <p>A fork takes its index with the CAS that counts it in {@link #forks} and stores its task there, with no lock:
     * the forking thread writes nothing on this object, whose first cache line every exit reads. Slots live in
     * segments that are never copied (segment k holds {@code 4 << k} slots), so a store never lands in an array that a
     * grown copy has replaced. A slot is {@code null} between its fork's CAS and the store; readers stop or skip there.
     * Cancellation misses no task: the store is volatile and is followed by the fork's read of {@code reason}, while a
     * canceller writes {@code reason} before it reads the slots.
     */
    private final class Scope extends CancelScope.WithDeadline implements RunListener {
        private static final int SEGMENTS = 29; // 4 << 28 slots: more than FORKED
        private final TaskRun<?>[] first = new TaskRun<?>[4]; // slots 0-3: most groups need no other
        private volatile TaskRun<?>[][] more; // segment k >= 1 at index k; made by the first fork past slot 3
        // What every exit reads or writes, kept here (a line no fork writes) rather than next to forks:
        private final GroupPolicy.Kind kind;
        private volatile int exits; // tasks exited, of a small group (or before its cells were made)
        private volatile ExitCells cells; // a big group's exit counts, in lines of their own
        private volatile int succeeded; // counted only for a quorum policy
        private volatile int cancelled;
        private volatile TaskRun<?> firstSuccess;
        private volatile Waiters waiters; // made by the first joiner that has to block
        private volatile CompletableFuture<Void> asyncJoin; // set by joinAsync()

        Scope(CancelScope parent, GroupPolicy.Kind kind) {
            super(parent);
            this.kind = kind;
        }

        @Override
        protected void adopt(CancelScope child) {
            if (!(child instanceof TaskRun<?> run)) {
                super.adopt(child);
                return;
            }
            // Nothing after the count may throw: a counted fork must store its task, or no join would ever end.
            // (A helping joiner is told of the new task by fork(), once the task has started.)
            int index = countFork(); // made the slot's segment before counting
            SLOT.setVolatile(segmentFor(index, false), offsetOf(index), run); // then the caller reads reason
        }

        /** @return the segment holding slot {@code index}, made now if {@code make}, else {@code null} if missing */
        private TaskRun<?>[] segmentFor(int index, boolean make) {
            if (index < 4) {
                return first;
            }
            int k = segmentOf(index);
            TaskRun<?>[][] dir = more;
            if (dir == null) {
                if (!make) {
                    return null;
                }
                dir = new TaskRun<?>[SEGMENTS][];
                if (!MORE.compareAndSet(this, null, dir)) {
                    dir = more;
                }
            }
            TaskRun<?>[] seg = (TaskRun<?>[]) SEGMENT.getVolatile(dir, k);
            if (seg == null && make) {
                seg = new TaskRun<?>[4 << k];
                TaskRun<?>[] won = (TaskRun<?>[]) SEGMENT.compareAndExchange(dir, k, null, seg);
                if (won != null) {
                    seg = won;
                }
            }
            return seg;
        }

        /** @return the task in slot {@code index}, or {@code null} if its fork has not stored it yet */
        TaskRun<?> slot(int index) {
            TaskRun<?>[] seg = segmentFor(index, false);
            return seg == null ? null : (TaskRun<?>) SLOT.getVolatile(seg, offsetOf(index));
        }

        @Override
        protected void release(CancelScope child) {
            if (!(child instanceof TaskRun<?>)) {
                super.release(child);
            } // a task stays in its slot: the group reports on it
        }

        @Override
        protected void cancelChildren(CancelReason why) {
            int n = forks & FORKED; // read after reason was set: a fork not counted here sees the reason
            for (int i = 0; i < n; i++) {
                TaskRun<?> run = slot(i);
                if (run != null && !run.isDone()) { // null: that fork stores its task, then sees the reason
                    run.cancel(why);
                }
            }
            super.cancelChildren(why);
        }

        @Override
        public void onExit(TaskRun<?> run) {
            childExited(this, run); // passes itself: an exit reads no field of the group, whose line forks write
            // (except the fork count, when a joiner waits for the group to be quiet, and a quorum's bookkeeping)
        }

        /** @return the tasks stored so far, in fork order */
        List<TaskHandle<?>> snapshot() {
            int n = forks & FORKED;
            List<TaskHandle<?>> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                TaskRun<?> run = slot(i);
                if (run != null) {
                    out.add(run);
                }
            }
            return Collections.unmodifiableList(out);
        }

        private CancelScope heldHead; // what lock() took; read and written by the lock's holder only

        /** Guards the group's failure lists (rarely taken: failures only). */
        void lock() {
            heldHead = lockChildren();
        }

        void unlock() {
            unlockChildren(heldHead);
        }
    }

    private static final VarHandle MORE;
    private static final VarHandle SEGMENT = MethodHandles.arrayElementVarHandle(TaskRun[][].class);
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(TaskRun[].class);

    static {
        try {
            MORE = MethodHandles.lookup().findVarHandle(Scope.class, "more", TaskRun[][].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** @return the segment of slot {@code index} (4 or more): segment k starts at slot {@code 4 * (2^k - 1)} */
    static int segmentOf(int index) {
        return 31 - Integer.numberOfLeadingZeros((index >> 2) + 1);
    }

    /** @return where slot {@code index} sits in its segment */
    static int offsetOf(int index) {
        return index < 4 ? index : index - 4 * ((1 << segmentOf(index)) - 1);
    }

    private TaskGroup(AbstractTaskExecutor executor, GroupPolicy policy) {
        this.executor = executor;
        this.policy = policy;
        CancelScope enclosing = Current.scopeForNewGroup();
        this.scope = new Scope(enclosing != null ? enclosing : executor.rootScope(), policy.kind());
        scope.attachToParent();
        this.rootLink = executor.reachFromRoot(scope);
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
        checkForkable(forks); // early, before a task is made; the count is taken (and checked again) as it is adopted
        TaskHandle<T> handle = executor.start(task, options, scope, scope); // the scope counts the task and adopts it
        Waiters w = scope.waiters;
        if (w != null) {
            w.signalAll(); // a helping joiner may want to run it
        }
        return handle;
    }

    private void checkForkable(int s) {
        if ((s & CLOSED) != 0) {
            throw new IllegalStateException("group '" + name() + "' is closed: its join() or close() has returned, "
                    + "so it accepts no more tasks; open a new group");
        }
        if ((s & FORKED) == FORKED) {
            throw new IllegalStateException("group '" + name() + "' has forked " + FORKED + " tasks, the most one "
                    + "group can track; spread the work over several groups, or use map()");
        }
    }

    /**
     * Counts a fork; called as its task is adopted, before it can start. What may fail (allocating the slot's segment
     * or the exit cells) happens before the count, so that a fork either is counted and stores its task, or neither.
     *
     * @return the task's index in fork order; its segment exists
     * @throws IllegalStateException if the group is closed or full (the task is then never started)
     */
    private int countFork() {
        for (;;) {
            int s = forks;
            checkForkable(s);
            scope.segmentFor(s & FORKED, true);
            if (s == CELLS_AFTER && scope.cells == null) {
                makeCells(); // one fork early if the CAS below fails: harmless, exits before it counted elsewhere
            }
            if (FORKS.weakCompareAndSet(this, s, s + 1)) {
                return s;
            }
        }
    }

    private void childExited(Scope sc, TaskRun<?> run) {
        TaskState outcome = run.taskState();
        int succeededNow = 0;
        switch (outcome) {
            case SUCCEEDED -> {
                if (sc.kind == GroupPolicy.Kind.QUORUM) {
                    succeededNow = (int) SUCCEEDED.getAndAdd(sc, 1) + 1;
                } // else derived once the group is quiet: one shared write less per task
                if (sc.firstSuccess == null) {
                    FIRST_SUCCESS.compareAndSet(sc, null, run);
                }
            }
            case FAILED -> {
                sc.lock();
                try {
                    if (failed == null) {
                        failed = new ArrayList<>(2);
                    }
                    failed.add(run);
                    failedCount = failed.size();
                } finally {
                    sc.unlock();
                }
            }
            default -> {
                CANCELLED.getAndAdd(sc, 1);
                Throwable late = run.lateFailure();
                if (late != null) {
                    sc.lock();
                    try {
                        collectLateFailure(late);
                    } finally {
                        sc.unlock();
                    }
                }
            }
        }
        switch (sc.kind) {
            case ALL_SUCCESSFUL -> {
                if (outcome == TaskState.FAILED) {
                    sc.cancel(new CancelReason("group '" + name() + "' failed fast: " + run.describe() + " failed: "
                            + run.peekFailure(), false, CancelReason.Kind.FAIL_FAST, this));
                }
            }
            case QUORUM -> {
                int k = policy.quorumSize();
                int forked = forks & FORKED;
                int failures = failedCount;
                if (outcome == TaskState.SUCCEEDED && succeededNow >= k) {
                    sc.cancel(new CancelReason("group '" + name() + "' reached its quorum of " + k
                            + (k == 1 ? " success" : " successes"), false, CancelReason.Kind.QUORUM_REACHED, this));
                } else if (joined && forked - failures < k) {
                    sc.cancel(new CancelReason("group '" + name() + "' can no longer reach its quorum of " + k
                            + ": " + failures + " of " + forked + " tasks failed", false, CancelReason.Kind.FAIL_FAST, this));
                }
            }
            case COLLECT_ALL -> { }
        }
        oneLess(sc); // last: a joiner woken by it sees the counters and the policy's cancellation above
    }

    private void makeCells() {
        CELLS.compareAndSet(scope, null, new ExitCells());
    }

    /**
     * Counts one exit. Only a joiner needs to hear of the last one: the count is an atomic add (a full fence) before
     * the joiner fields are read, and a joiner publishes itself before it looks at the counts, so either it sees this
     * exit or this exit sees it.
     */
    private void oneLess(Scope sc) {
        ExitCells c = sc.cells;
        if (c != null) {
            c.increment();
        } else {
            EXITS.getAndAdd(sc, 1);
        }
        Waiters w = sc.waiters;
        CompletableFuture<Void> async = sc.asyncJoin;
        if ((w != null || async != null) && isQuiet()) {
            if (w != null) {
                w.signalAll();
            }
            if (async != null) {
                completeAsyncJoin();
            }
        }
    }

    /** @return the tasks exited so far; read before {@link #forks}, it never counts an exit whose fork is unseen */
    private int exited() {
        ExitCells c = scope.cells;
        int n = scope.exits;
        return c == null ? n : n + c.sum();
    }

    /** @return whether every task forked so far has exited */
    private boolean isQuiet() {
        int gone = exited();
        return gone == (forks & FORKED);
    }

    /**
     * Closes the group to forks if every task forked has exited.
     *
     * @return whether the group is closed now
     */
    private boolean closeIfQuiet() {
        for (;;) {
            int gone = exited();
            int s = forks;
            if ((s & CLOSED) != 0) {
                return true;
            }
            if (gone != s) {
                return false;
            }
            if (FORKS.compareAndSet(this, s, s | CLOSED)) {
                return true;
            } // a fork raced in: look again
        }
    }

    /** The group is done: stops its timer and takes it out of the cancellation tree (and its executor's root). */
    private void unhook() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        if (rootLink != null) {
            rootLink.detachFromParent(); // first: from here on another executor's shutdown no longer reaches the group
        }
        scope.detachFromParent();
    }

    /**
     * The non-blocking {@link #join()}, for event-loop code: the returned stage completes once every task of the
     * group has finished, normally or with what {@code join()} would throw. It completes on the thread where the
     * last task ended (the loop's thread, for tasks of an event loop).
     *
     * @return a stage that completes when the group is done
     */
    public CompletionStage<Void> joinAsync() {
        joined = true;
        CompletableFuture<Void> cf = scope.asyncJoin;
        if (cf == null) {
            cf = new CompletableFuture<>();
            if (!ASYNC_JOIN.compareAndSet(scope, null, cf)) {
                cf = scope.asyncJoin;
            }
        }
        completeAsyncJoin(); // done already, or the last exit completes it (it reads asyncJoin after its decrement)
        return cf.minimalCompletionStage();
    }

    private void completeAsyncJoin() {
        CompletableFuture<Void> cf = scope.asyncJoin;
        if (cf == null || asyncDone) {
            return;
        }
        if (!closeIfQuiet()) {
            return; // not quiet: the last exit comes back here
        }
        if (!ASYNC_DONE.compareAndSet(this, false, true)) {
            return;
        }
        unhook();
        try {
            evaluate();
            cf.complete(null);
        } catch (RuntimeException e) {
            cf.completeExceptionally(e);
        }
    }

    private void collectLateFailure(Throwable late) { // under the scope's lock
        if (late == null) {
            return;
        }
        if (isEchoOfCancellation(late)) {
            for (Throwable s : late.getSuppressed()) {
                collectLateFailure(s);
            }
        } else {
            if (lateFailures == null) {
                lateFailures = new ArrayList<>(2);
            }
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
        joined = true;
        if (!isQuiet()) {
            if (dev.spindle.internal.BlockingGuard.forbidden()) {
                dev.spindle.internal.BlockingGuard.check("join() of group '" + name() + "'");
            }
        }
        boolean interrupted = awaitAll();
        try {
            if (interrupted) {
                TaskCancelledException e = new TaskCancelledException("the thread joining group '" + name()
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

    /**
     * Waits until no task of the group is pending and closes it to forks. A worker of the group's executor helps
     * first: it runs (or, on fork/join, steals) the group's tasks instead of blocking while they wait in a queue.
     *
     * @return whether the waiting thread was interrupted (the group was then cancelled)
     */
    private boolean awaitAll() {
        boolean interrupted = false;
        boolean helps = executor.isWorker(Thread.currentThread());
        int next = 0;
        for (;;) {
            if (helps && next < (forks & FORKED) && scope.slot(next) != null) {
                next = helpFrom(next);
                continue;
            }
            if (closeIfQuiet()) {
                break;
            }
            interrupted |= block(helps ? next : Integer.MAX_VALUE, interrupted);
        }
        unhook();
        completeAsyncJoin(); // a joinAsync() stage, if any, completes with the same outcome
        return interrupted;
    }

    /**
     * Helps with the tasks from index {@code from} to those forked so far, stopping at a slot whose fork has not stored
     * its task yet; returns the index after the last one helped.
     */
    private int helpFrom(int from) {
        int n = forks & FORKED;
        int to = from;
        while (to < n && scope.slot(to) != null) {
            to++; // a slot, once stored, keeps its task
        }
        int end = to;
        executor.helpInline(() -> {
            for (int i = from; i < end; i++) {
                TaskRun<?> run = scope.slot(i);
                if (!run.hasExited()) {
                    executor.help(run);
                }
            }
        });
        return to;
    }

    /**
     * Blocks until the group is quiet or, for a helping joiner, a task beyond {@code seen} was forked.
     *
     * @return whether the thread was interrupted now (the group is then cancelled)
     */
    private boolean block(int seen, boolean alreadyInterrupted) {
        Waiters w = scope.waiters;
        if (w == null) {
            w = new Waiters();
            if (!WAITERS.compareAndSet(scope, null, w)) {
                w = scope.waiters;
            }
        }
        boolean interrupted = false;
        w.lock.lock();
        try {
            // read after publishing waiters: an exit or fork either sees them or happened before these reads
            while (!isQuiet() && (seen >= (forks & FORKED) || scope.slot(seen) == null)) {
                if (alreadyInterrupted || interrupted) {
                    w.changed.awaitUninterruptibly();
                    continue;
                }
                try {
                    w.changed.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                    scope.cancel(CancelReason.requested("the thread joining group '" + name() + "' was interrupted"));
                }
            }
        } finally {
            w.lock.unlock();
        }
        return interrupted;
    }

    private void evaluate() {
        List<TaskRun<?>> failures = failedSnapshot();
        int cancelledCount = scope.cancelled;
        int forked = forks & FORKED;
        // the group is quiet: every task forked has exited, so the successes are what is neither failed nor cancelled
        int succeededCount = policy.kind() == GroupPolicy.Kind.QUORUM ? scope.succeeded
                : forked - failures.size() - cancelledCount;
        Throwable first = failures.isEmpty() ? null : failures.get(0).peekFailure();
        CancelReason r = scope.reason();
        if (r == null && timeout != null && cancelledCount > 0 && System.nanoTime() - scope.ownDeadlineNanos() >= 0) {
            // The group's time was up and a task ended cancelled before the timer fired: the task saw the deadline
            // itself (a wait that honours it, or a child JVM's own clock). That is this group's timeout.
            onTimeout();
            r = scope.reason();
        }
        boolean own = r != null && r.origin() == this;
        if (own && r.kind() == CancelReason.Kind.DEADLINE) {
            GroupTimeoutException e = new GroupTimeoutException("group '" + name() + "' timed out after " + timeout
                    + " and cancelled its remaining tasks (" + tally(forked, succeededCount, failures.size(),
                    cancelledCount) + ")", first);
            failuresAsSuppressed(e, 1);
            throw e;
        }
        if (policy.kind() == GroupPolicy.Kind.ALL_SUCCESSFUL && first != null) {
            TaskGroupException e = new TaskGroupException("group '" + name() + "' failed: " + failures.get(0).describe()
                    + " failed first and the others were cancelled (" + tally(forked, succeededCount, failures.size(),
                    cancelledCount) + ")", first);
            failuresAsSuppressed(e, 1);
            throw e;
        }
        if (r != null && !own) {
            TaskCancelledException e = r.toException("group '" + name() + "'");
            failuresAsSuppressed(e, 0);
            throw e;
        }
        if (policy.kind() == GroupPolicy.Kind.QUORUM && succeededCount < policy.quorumSize()) {
            int k = policy.quorumSize();
            String what = k == 1 ? "no task succeeded" : "only " + succeededCount + " of the " + k + " successes needed";
            TaskGroupException e = new TaskGroupException("group '" + name() + "' (" + policy + "): " + what + " ("
                    + tally(forked, succeededCount, failures.size(), cancelledCount) + ")", first);
            failuresAsSuppressed(e, 1);
            throw e;
        }
    }

    private static String tally(int forked, int succeeded, int failed, int cancelled) {
        return forked + " forked: " + succeeded + " succeeded, " + failed + " failed, " + cancelled + " cancelled";
    }

    private List<TaskRun<?>> failedSnapshot() {
        if (failedCount == 0) {
            return List.of();
        }
        scope.lock();
        try {
            return List.copyOf(failed);
        } finally {
            scope.unlock();
        }
    }

    private List<Throwable> takeLateFailures() {
        scope.lock();
        try {
            if (lateFailures == null || lateFailures.isEmpty()) {
                return List.of();
            }
            List<Throwable> out = List.copyOf(lateFailures);
            lateFailures.clear();
            return out;
        } finally {
            scope.unlock();
        }
    }

    private void failuresAsSuppressed(Throwable target, int skip) {
        List<TaskRun<?>> failures = failedSnapshot();
        for (int i = 0; i < failures.size(); i++) {
            TaskRun<?> run = failures.get(i);
            run.markObserved();
            if (i >= skip) {
                target.addSuppressed(run.peekFailure());
            }
        }
        for (Throwable t : takeLateFailures()) {
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
        boolean syncJoined = (forks & CLOSED) != 0;
        boolean asyncRequested = scope.asyncJoin != null;
        joined = true;
        if (!syncJoined) {
            if (!asyncRequested) {
                scope.cancel(CancelReason.requested("group '" + name() + "' was closed before join() was called"));
            }
            // on an event loop's thread close() cannot wait: a joinAsync() stage reports the end instead (one is made
            // here if nobody asked, so that the last task's exit still unhooks the group from the tree)
            if (Thread.currentThread() instanceof dev.spindle.internal.BlockingGuard.NonBlockingThread) {
                if (!asyncRequested) {
                    joinAsync();
                }
            } else if (awaitAll()) {
                Thread.currentThread().interrupt();
            }
        }
        for (TaskRun<?> run : failedSnapshot()) {
            if (!run.isObserved()) {
                run.markObserved();
                LOG.warn("group '{}': {} failed and nobody looked at its failure", name(), run.describe(),
                        run.peekFailure());
            }
        }
        for (Throwable t : takeLateFailures()) {
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
        return scope.snapshot();
    }

    /** @return what the failed tasks threw, in the order they failed; marks them as seen */
    public List<Throwable> failures() {
        List<TaskRun<?>> failures = failedSnapshot();
        List<Throwable> out = new ArrayList<>(failures.size());
        for (TaskRun<?> run : failures) {
            out.add(run.failure());
        }
        return out;
    }

    /** @return the task that succeeded first, e.g. the winner of a {@link GroupPolicy#firstSuccess()} race */
    public Optional<TaskHandle<?>> firstSucceeded() {
        return Optional.ofNullable(scope.firstSuccess);
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
