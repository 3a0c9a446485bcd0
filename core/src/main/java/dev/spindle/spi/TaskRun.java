package dev.spindle.spi;

import dev.spindle.Task;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.TaskState;
import dev.spindle.internal.CancelReason;
import dev.spindle.internal.BlockingGuard;
import dev.spindle.internal.CancelScope;
import dev.spindle.internal.Current;
import dev.spindle.internal.DeadlineTimer;
import dev.spindle.internal.Jfr;
import dev.spindle.internal.RunListener;
import dev.spindle.internal.CarrierSlots;
import dev.spindle.internal.CurrentCarrier;
import dev.spindle.internal.StatsRecorder;
import dev.spindle.internal.TaskEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted task: its handle, its node in the cancellation tree, and the {@link Runnable} a backend runs.
 * A backend calls {@link #run()} exactly once on the thread that should run the code; calling it again, or after
 * the task was cancelled, does nothing, so a backend may also let a joining thread run a pending task inline.
 *
 * <p>States move PENDING → RUNNING → SUCCEEDED | FAILED | CANCELLED, or PENDING → CANCELLED, by CAS on
 * {@code state}; the outcome fields are written before the CAS that publishes them (release) and read after reading
 * {@code state} (acquire). Cancelling a running task sets CANCELLED at once (the {@code Future} contract) and
 * interrupts the runner; the task <em>exits</em> only when its code returns, and only then are its group and
 * executor told.
 *
 * <p>Interrupt protocol (as in {@link java.util.concurrent.FutureTask}): a canceller moves {@code phase} from IDLE
 * to INTERRUPTING, interrupts, then sets INTERRUPTED; the runner, when its code returns, moves IDLE to EXITED, or
 * waits out INTERRUPTING and clears the interrupt it was sent, so no interrupt leaks into the next task on the same
 * thread. SHIELDED marks code inside {@code Cancellation.shielded}, which is never interrupted.
 *
 * <p>Thread-safe.
 *
 * @param <T> the result type
 */
public sealed class TaskRun<T> extends CancelScope implements TaskHandle<T>, Runnable, Thread.UncaughtExceptionHandler
        permits TaskRun.WithData {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRun.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final int ID_BLOCK = 1024;
    /** Per platform thread: the next id and the end of the block it was taken from, so ids cost no shared write. */
    private static final ThreadLocal<long[]> ID_BLOCKS = ThreadLocal.withInitial(() -> new long[2]);

    private static final int PENDING = 0;
    private static final int RUNNING = 1;
    private static final int SUCCEEDED = 2;
    private static final int FAILED = 3;
    private static final int CANCELLED = 4;

    private static final int IDLE = 0;
    private static final int INTERRUPTING = 1;
    private static final int INTERRUPTED = 2;
    private static final int EXITED = 3;
    /** Shielded once; each nested shield adds one (only the runner writes {@code phase} while it is shielded). */
    private static final int SHIELDED = 4;

    private static final VarHandle STATE;
    private static final VarHandle PHASE;
    private static final VarHandle EXTRAS;
    private static final VarHandle RUNNER;
    private static final VarHandle ID_BITS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(TaskRun.class, "state", int.class);
            PHASE = l.findVarHandle(TaskRun.class, "phase", int.class);
            EXTRAS = l.findVarHandle(TaskRun.class, "extras", Extras.class);
            RUNNER = l.findVarHandle(TaskRun.class, "runner", Thread.class);
            ID_BITS = l.findVarHandle(TaskRun.class, "idBits", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        // Load now, on the thread that creates the first task, what a task may need when it ends: loading a class
        // on a virtual thread pins its carrier (native frames). The JFR event class only if Flight Recorder runs:
        // loading it costs a few hundred ms (see Jfr); if a recording starts later, the first task to end loads it.
        Jfr.preload();
        for (Class<?> c : new Class<?>[] {TaskFailedException.class, TaskCancelledException.class,
                dev.spindle.DeadlineExceededException.class, CancelReason.class, CancelReason.Kind.class}) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** Bits of {@link #idBits} below the id. */
    private static final int FLAG_BITS = 4;
    /** Latencies recorded: a sampled task, a JFR event wanted, or a time limit. */
    private static final long TIMED = 1;
    /** The task returns a CompletionStage and the task ends when it completes. */
    private static final long ASYNC = 2;
    /** Someone joined the task or read its failure; set after construction (atomically, by an OR). */
    private static final long OBSERVED = 4;
    /**
     * The task has exited: its code finished (or will never run) and everyone was told. Set (by an atomic OR, a full
     * fence) as the last step of the exit; then volatile reads of extras and its exit future: pairs with
     * {@link #exitFuture()}.
     */
    private static final long HAS_EXITED = 8;

    /**
     * The id, shifted left by {@link #FLAG_BITS}, and the flags {@link #TIMED}, {@link #ASYNC}, {@link #OBSERVED} and
     * {@link #HAS_EXITED}: one word rather than a long and four booleans, which with the other fields would round the
     * object up by 8 bytes (every task has one, and a million sleeping virtual tasks are a million of these). Written
     * in the constructor; afterwards only {@link #OBSERVED} and {@link #HAS_EXITED} are set, each by an atomic OR, so
     * the other bits never change.
     */
    private long idBits;
    private final AbstractTaskExecutor executor;
    /**
     * The task's code until it returns, then what it gave: the value (published by the CAS to SUCCEEDED) or the
     * failure (by the CAS to FAILED). One field for both, since the code is no longer needed once there is an
     * outcome; a cancelled task's is cleared at its exit, so that a finished handle does not keep its closure alive.
     * Read as the code only by the thread that won PENDING to RUNNING, as the outcome only after reading the state.
     */
    private Object body;

    private volatile int state;
    private volatile int phase; // IDLE, INTERRUPTING, INTERRUPTED, EXITED, or SHIELDED + nesting - 1
    private volatile Thread runner;
    /**
     * What most tasks never need, kept aside so that a plain task stays small: made in the constructor for a task
     * that is named, timed or reports to a listener other than its parent, else by the first thread that needs it.
     */
    private volatile Extras extras;

    /** The rarely used part of a task. */
    private static final class Extras {
        private static final VarHandle EXIT;

        static {
            try {
                EXIT = MethodHandles.lookup().findVarHandle(Extras.class, "exit", CompletableFuture.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        String name; // set before the task is published
        long deadlineNanos = NO_DEADLINE; // the task's own deadline; set before the task is published
        RunListener listener; // a listener that is not the parent; set before the task is published
        long submitNanos; // timed tasks: set before the task is published
        long startNanos; // timed tasks: written by the runner, read at exit
        volatile CompletableFuture<Void> exit; // created by the first waiter: most tasks are never waited on
        volatile CompletableFuture<?> pendingStage; // async: the stage the task waits on
        volatile ScheduledFuture<?> timer;
        Throwable lateFailure; // thrown after the task was cancelled; published by the state it goes with
    }

    TaskRun(AbstractTaskExecutor executor, Task<?> task, boolean async, TaskOptions options, CancelScope parent,
            RunListener listener) {
        super(parent);
        long id = nextId();
        this.executor = executor;
        this.body = task;
        boolean limited = options.timeout() != null || options.deadline() != null;
        boolean timed = limited || StatsRecorder.sampled(id) || Jfr.taskEventsWanted();
        this.idBits = id << FLAG_BITS | (timed ? TIMED : 0) | (async ? ASYNC : 0);
        String name = options.name();
        boolean ownListener = listener != null && listener != parent;
        if (timed || name != null || ownListener) {
            Extras x = new Extras();
            x.name = name;
            x.listener = ownListener ? listener : null;
            x.submitNanos = timed ? System.nanoTime() : 0L;
            if (limited) {
                x.deadlineNanos = deadlineOf(x.submitNanos, options);
            }
            extras = x; // published with everything set
        }
    }

    @Override
    public long ownDeadlineNanos() {
        Extras x = extras;
        return x == null ? NO_DEADLINE : x.deadlineNanos;
    }

    private static long deadlineOf(long submitNanos, TaskOptions options) {
        long d = NO_DEADLINE;
        if (options.timeout() != null) {
            d = saturatedAdd(submitNanos, options.timeout().toNanos());
        }
        if (options.deadline() != null) {
            long untilNanos = Duration.between(Instant.now(), options.deadline()).toNanos();
            d = Math.min(d, saturatedAdd(submitNanos, untilNanos));
        }
        return d;
    }

    private static long nextId() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            // A virtual task forking subtasks: a thread-local block would make a map for this one thread (about
            // 170 bytes, kept while it lives; measured: one per forking task). One shared increment instead; it never
            // collides with a block, which is taken from the same counter in one step.
            return IDS.incrementAndGet();
        }
        if (t instanceof CurrentCarrier c) {
            CarrierSlots slots = c.slots();
            if (slots.nextId == slots.idLimit) {
                slots.idLimit = IDS.addAndGet(ID_BLOCK) + 1;
                slots.nextId = slots.idLimit - ID_BLOCK;
            }
            return slots.nextId++;
        }
        long[] block = ID_BLOCKS.get();
        if (block[0] == block[1]) {
            block[1] = IDS.addAndGet(ID_BLOCK) + 1;
            block[0] = block[1] - ID_BLOCK;
        }
        return block[0]++;
    }

    /** @return the extras, made now if no thread has needed them yet */
    private Extras extras() {
        Extras x = extras;
        if (x == null) {
            x = new Extras();
            Extras won = (Extras) EXTRAS.compareAndExchange(this, null, x);
            if (won != null) {
                x = won;
            }
        }
        return x;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (b > 0 ? NO_DEADLINE : Long.MIN_VALUE + 1) : r;
    }

    /** Starts the timer of this task's own deadline, if it has one; the executor calls it after attaching. */
    void armDeadline() {
        long d = ownDeadlineNanos();
        if (d == NO_DEADLINE || isCancelRequested()) {
            return;
        }
        String what = "its deadline passed";
        extras().timer = DeadlineTimer.at(d, () -> cancel(new CancelReason(what, true, CancelReason.Kind.DEADLINE)));
        if (state > RUNNING) {
            cancelTimer();
        }
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs the task's code on the current thread, unless it already started or was cancelled. On a thread started
     * for this task alone (its uncaught-exception handler is this task), the executor then hears that the thread's
     * work is over.
     */
    @Override
    public void run() {
        AbstractTaskExecutor ex = executor;
        if (!ex.threadPerTask) {
            claimAndRun(ex, false);
            return;
        }
        // read before the code runs: code that replaced its thread's handler must not stop the thread being counted.
        // The handler names the innermost task running here, so it is this one also when this task's own code calls
        // run() again: then the runner is this thread already, and the call is not the thread's start.
        Thread me = Thread.currentThread();
        if (me.getUncaughtExceptionHandler() != this || runner == me) {
            claimAndRun(ex, false);
            return;
        }
        // The thread's start. In compiled code nothing but this task stays live across the task's code (the thread
        // and the executor are read again after it): a virtual thread that parks in the code keeps this frame in its
        // stack chunk, and each value kept across the call takes a slot there, per parked task.
        try {
            if (me.isVirtual()) {
                claimAndRun(ex, true);
            } else {
                claimAndRun(ex, false); // Current finds a platform thread's task in a thread-local: push it there
            }
        } finally {
            ownThreadDone();
        }
    }

    private void ownThreadDone() {
        Current.ownThreadIdle(Thread.currentThread(), this); // cancelled before it started: no pop said it is over
        executor.ownThreadEnding(this);
    }

    /**
     * @param threadStart whether this is the start of the virtual thread made for this task: its uncaught-exception
     *     handler names this task already, so there is nothing to push ({@link Current#push} would find it and return
     *     null). Constant at each call site, so that compiled code keeps no task-before-this across the task's code.
     */
    private void claimAndRun(AbstractTaskExecutor ex, boolean threadStart) {
        // The state CAS is the claim: a joiner running this task inline and the queued copy may call run() at once.
        if (state != PENDING || !STATE.compareAndSet(this, PENDING, RUNNING)) {
            return;
        }
        // Published before the cancellation check below; a canceller that moved RUNNING to CANCELLED reads it after
        // its own write of the reason, so either it sees this thread (and interrupts it) or we see the reason.
        runner = Thread.currentThread();
        CarrierSlots mine = ex.workerCounters();
        if (mine != null) {
            mine.started();
        } else {
            ex.recorder().started();
        }
        if (timed()) {
            Extras x = extras;
            long start = System.nanoTime();
            x.startNanos = start;
            if (StatsRecorder.sampled(id())) {
                ex.recorder().queueWait(start - x.submitNanos);
            }
        }
        TaskRun<?> previous = threadStart ? null : Current.push(this);
        Object out = null;
        Throwable thrown = null;
        boolean called = false;
        try {
            Task<?> t = (Task<?>) body;
            if (!isCancelRequested()) {
                called = true;
                out = t.call();
            }
        } catch (Throwable e) {
            thrown = e;
        } finally {
            Current.pop(previous);
        }
        if (called && async() && thrown == null) {
            settleInterrupt(); // the thread moves on while the stage runs: no interrupt may reach it later
            awaitStage(out);
        } else if (called) {
            @SuppressWarnings("unchecked")
            T v = (T) out;
            finish(v, thrown);
        } else {
            // cancelled between our CAS to RUNNING and the call: the canceller is about to move RUNNING to CANCELLED
            settleInterrupt();
            while (state == RUNNING) {
                Thread.onSpinWait();
            }
            exit(true);
        }
    }

    /**
     * As this task's thread's uncaught-exception handler (a thread started for this task alone): what the JVM does
     * without one, the default handler if set, else the thread group's report.
     */
    @Override
    public void uncaughtException(Thread t, Throwable e) {
        Current.reportUncaught(t, e);
    }

    private void awaitStage(Object out) {
        if (!(out instanceof CompletionStage<?> stage)) {
            finish(null, new NullPointerException(describe() + ": its async code returned " + out
                    + " instead of a CompletionStage"));
            return;
        }
        CompletableFuture<?> cf;
        try {
            cf = stage.toCompletableFuture();
        } catch (UnsupportedOperationException e) {
            CompletableFuture<Object> bridge = new CompletableFuture<>();
            stage.whenComplete((r, x) -> {
                if (x != null) {
                    bridge.completeExceptionally(x);
                } else {
                    bridge.complete(r);
                }
            });
            cf = bridge;
        }
        extras().pendingStage = cf;
        if (state == CANCELLED) {
            cf.cancel(false); // cancelled while its first step ran
        }
        cf.whenComplete((r, x) -> {
            @SuppressWarnings("unchecked")
            T v = (T) r;
            finish(v, x instanceof java.util.concurrent.CompletionException && x.getCause() != null
                    ? x.getCause() : x);
        });
    }

    /**
     * A wait that honours the task's deadline (a lock, {@code toThread}) may notice the deadline before the deadline
     * timer fires and throw {@link dev.spindle.DeadlineExceededException} itself; the task was then stopped by its
     * deadline, and whoever joins it must see that, not a plain cancellation.
     */
    private boolean ownDeadlinePassed(Throwable thrown) {
        long d = effectiveDeadlineNanos();
        return thrown instanceof dev.spindle.DeadlineExceededException && d != NO_DEADLINE
                && System.nanoTime() - d >= 0;
    }

    /**
     * Ends the window in which a canceller may interrupt this thread for this task, and clears an interrupt it sent,
     * so that none leaks into whatever the thread runs next. Needed only where a canceller may still win:
     * after a successful CAS out of RUNNING no canceller interrupts (it must win RUNNING to CANCELLED first).
     */
    private void settleInterrupt() {
        if (!PHASE.compareAndSet(this, IDLE, EXITED)) {
            while (phase == INTERRUPTING) {
                Thread.onSpinWait();
            }
            if (phase == INTERRUPTED) {
                Thread.interrupted(); // ours: clear it so the thread goes on clean
            }
            phase = EXITED;
        }
        RUNNER.set(this, null);
    }

    private void finish(T v, Throwable thrown) {
        if (thrown == null) {
            body = v;
            if (STATE.compareAndSet(this, RUNNING, SUCCEEDED)) {
                RUNNER.set(this, null); // no canceller can interrupt now: none can win RUNNING to CANCELLED
            } else {
                body = null;
                settleInterrupt();
                warnSwallowedCancellation();
            }
        } else if (thrown instanceof CancellationException && state == RUNNING) {
            settleInterrupt(); // before cancelling itself below, which would otherwise interrupt this very thread
            // The code gave up because something it waited on was cancelled: asyncio treats a task that lets
            // CancelledError escape as cancelled, and so does Spindle.
            extras().lateFailure = thrown;
            CancelReason why = ownDeadlinePassed(thrown)
                    ? new CancelReason("its deadline passed: its code threw " + thrown, true, CancelReason.Kind.DEADLINE)
                    : CancelReason.requested("its code threw " + thrown);
            if (!cancel(why)) {
                // a canceller won the reason CAS and is about to move RUNNING to CANCELLED: wait for it
                while (state == RUNNING) {
                    Thread.onSpinWait();
                }
            }
        } else {
            body = thrown;
            if (STATE.compareAndSet(this, RUNNING, FAILED)) {
                RUNNER.set(this, null);
            } else {
                body = null;
                settleInterrupt();
                extras().lateFailure = thrown; // the cancellation came first: its consequence, kept as suppressed
            }
        }
        exit(true);
    }

    private void warnSwallowedCancellation() {
        CancelReason r = reason();
        if (r != null && r.kind() == CancelReason.Kind.NOT_NEEDED) {
            LOG.debug("{} finished after its result stopped being needed ({})", describe(), r.message());
            return;
        }
        LOG.warn("{} was cancelled ({}) but its code returned normally: it swallowed the interrupt or never checked "
                + "Cancellation.check(). Its result was discarded. Let InterruptedException propagate, or call "
                + "Cancellation.check() in long loops.", describe(), r == null ? "unknown reason" : r.message());
    }

    /** @param started whether its code was reached (the claim succeeded), rather than cancelled while pending */
    private void exit(boolean started) {
        cancelTimer();
        long ran = 0;
        boolean timed = timed();
        if (timed && started) {
            ran = System.nanoTime() - extras.startNanos;
            if (StatsRecorder.sampled(id())) {
                executor.recorder().runTime(ran);
            }
        }
        TaskState outcome = taskState();
        executor.recorder().exited(outcome, started);
        if (Jfr.taskEventsWanted()) {
            TaskEvent event = new TaskEvent();
            event.executor = executor.name();
            event.backend = executor.backend();
            event.task = name();
            event.taskId = id();
            event.outcome = outcome.name();
            event.queueWait = timed && started ? extras.startNanos - extras.submitNanos : 0;
            event.runTime = Math.max(0, ran);
            event.commit();
        }
        detachFromParent();
        RunListener listener = parent() instanceof RunListener l ? l : null;
        Extras x = extras;
        if (x != null && x.listener != null) {
            listener = x.listener;
        }
        if (listener != null) {
            try {
                listener.onExit(this);
            } catch (RuntimeException | Error e) {
                LOG.error("internal error while reporting the exit of {}", describe(), e);
            }
        }
        executor.runExited(this); // counted before joiners wake, so a joiner reads stats that include this task
        if (state == CANCELLED) {
            body = null; // the code, if it never ran; else already cleared by finish
        }
        ID_BITS.getAndBitwiseOr(this, HAS_EXITED); // then volatile reads of extras and exit: pairs with exitFuture()
        x = extras;
        CompletableFuture<Void> cf = x == null ? null : x.exit;
        if (cf != null) {
            cf.complete(null);
        }
    }

    private void cancelTimer() {
        Extras x = extras;
        ScheduledFuture<?> f = x == null ? null : x.timer;
        if (f != null) {
            f.cancel(false);
        }
    }

    // ---------------------------------------------------------------- cancellation

    @Override
    protected void onCancel(CancelReason why) {
        for (;;) {
            int s = state;
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                    executor.deliver(() -> exit(false)); // its code never runs; a backend that dequeues it does nothing
                    return;
                }
            } else if (s == RUNNING) {
                if (STATE.compareAndSet(this, RUNNING, CANCELLED)) {
                    if (executor.interruptsOnCancel()) {
                        interruptRunner();
                    }
                    Extras x = extras;
                    CompletableFuture<?> stage = x == null ? null : x.pendingStage;
                    if (stage != null) {
                        executor.deliver(() -> stage.cancel(false)); // async: its stage ends cancelled
                    }
                    return;
                }
            } else {
                return; // terminal: cancellation never un-happens, nor overrides an outcome
            }
        }
    }

    private void interruptRunner() {
        Thread t = runner;
        if (t != null && PHASE.compareAndSet(this, IDLE, INTERRUPTING)) {
            try {
                t.interrupt();
            } finally {
                phase = INTERRUPTED;
            }
        }
    }

    @Override
    public boolean cancel() {
        // Whoever sets the reason runs onCancel, and only onCancel moves a task to CANCELLED: if this call set the
        // reason and the task is CANCELLED now, this call cancelled it (else it had finished already).
        return cancel(CancelReason.requested("cancel() was called on its handle")) && state == CANCELLED;
    }

    /** @return the task whose code runs on the current thread, or {@code null} */
    public static TaskRun<?> current() {
        return Current.run();
    }

    /** @return whether the current code of this task runs inside {@code Cancellation.shielded} */
    public boolean isShielded() {
        return phase >= SHIELDED;
    }

    /** Enters a shielded region on the runner thread: cancellation is deferred until the matching exit. */
    public void enterShield() {
        for (;;) {
            int p = phase;
            if (p >= SHIELDED) {
                PHASE.setOpaque(this, p + 1); // nested: no canceller writes phase unless it reads IDLE
                return;
            }
            if (p == IDLE && PHASE.compareAndSet(this, IDLE, SHIELDED)) {
                return;
            }
            if (p == INTERRUPTED) {
                Thread.interrupted(); // delivered before the shield: re-delivered at exit
                phase = SHIELDED;
                return;
            }
            Thread.onSpinWait(); // INTERRUPTING: the canceller is between its CAS and its store
        }
    }

    /** Leaves a shielded region; delivers a cancellation that arrived meanwhile. */
    public void exitShield() {
        int p = phase;
        if (p > SHIELDED) {
            PHASE.setOpaque(this, p - 1);
            return;
        }
        phase = IDLE;
        if (state == CANCELLED) {
            interruptRunner();
        }
    }

    /**
     * @return whether cancellation applies to the code now running: the task was moved to CANCELLED and the code is
     *     not shielded. (Not merely requested: a canceller sets the reason a moment before it moves the state, and
     *     code that saw the reason and returned in that moment would end SUCCEEDED although it saw its cancellation.
     *     Once the state is CANCELLED, returning normally ends it CANCELLED.)
     */
    public boolean cancellationApplies() {
        return state == CANCELLED && phase < SHIELDED;
    }

    /**
     * @return what the code threw after the task had been cancelled (often a consequence of the interrupt, such as
     *     {@link InterruptedException}), or {@code null}
     */
    public Throwable lateFailure() {
        Extras x = extras;
        return state == CANCELLED && x != null ? x.lateFailure : null;
    }

    /**
     * @return whether {@link #lateFailure()} is news: something other than the cancellation's own echo (a
     *     {@link CancellationException}, such as the one a cancelled async task's stage ends with, or an
     *     {@link InterruptedException} from the interrupt), which nobody needs to be told about
     */
    public boolean hasLateFailureBeyondCancellation() {
        Throwable late = lateFailure();
        return late != null && !(late instanceof CancellationException) && !(late instanceof InterruptedException);
    }

    /** @return the exception that describes this task's cancellation */
    public TaskCancelledException cancellationException() {
        CancelReason r = reason();
        TaskCancelledException e = r == null
                ? new TaskCancelledException(describe() + " was cancelled")
                : r.toException(describe());
        Extras x = extras;
        Throwable late = x == null ? null : x.lateFailure;
        if (late != null) {
            e.addSuppressed(late);
        }
        return e;
    }

    // ---------------------------------------------------------------- handle

    @Override
    protected int stripeHint() {
        return (int) id();
    }

    @Override
    public long id() {
        return idBits >>> FLAG_BITS;
    }

    private boolean timed() {
        return (idBits & TIMED) != 0;
    }

    private boolean async() {
        return (idBits & ASYNC) != 0;
    }

    @Override
    public String name() {
        Extras x = extras;
        return x != null && x.name != null ? x.name : "task-" + id();
    }

    /** @return e.g. {@code task 'fetch' (#12) on executor 'io'} */
    public String describe() {
        return "task '" + name() + "' (#" + id() + ") on executor '" + executor.name() + "'";
    }

    /** @return the executor that accepted this task */
    public AbstractTaskExecutor executor() {
        return executor;
    }

    @Override
    public TaskState taskState() {
        return switch (state) {
            case PENDING -> TaskState.PENDING;
            case RUNNING -> TaskState.RUNNING;
            case SUCCEEDED -> TaskState.SUCCEEDED;
            case FAILED -> TaskState.FAILED;
            default -> TaskState.CANCELLED;
        };
    }

    /** @return whether the task has not started and was not cancelled */
    public boolean isPending() {
        return state == PENDING;
    }

    /** @return whether the task's code has finished (or will never run) and everyone was told */
    public boolean hasExited() {
        return ((long) ID_BITS.getVolatile(this) & HAS_EXITED) != 0;
    }

    /** @return a future completed once the task has exited */
    public CompletableFuture<Void> exitFuture() {
        Extras x = extras();
        CompletableFuture<Void> cf = x.exit;
        if (cf == null) {
            cf = new CompletableFuture<>();
            if (!Extras.EXIT.compareAndSet(x, null, cf)) {
                cf = x.exit;
            }
        }
        if (hasExited()) {
            cf.complete(null); // the exit may have read exit before our CAS: complete it ourselves
        }
        return cf;
    }

    /**
     * @return per-backend data, e.g. the fork/join task wrapping this run; {@code null} unless the executor keeps
     *     such data (see {@link AbstractTaskExecutor#AbstractTaskExecutor(String, String, boolean, boolean)})
     */
    public Object backendData() {
        return null;
    }

    /**
     * @param data per-backend data
     * @throws IllegalStateException if the executor did not ask for backend data when it was made
     */
    public void backendData(Object data) {
        throw new IllegalStateException(describe() + ": its executor keeps no backend data; an executor that needs it "
                + "passes keepsBackendData = true to AbstractTaskExecutor's constructor");
    }

    /**
     * A task of an executor that keeps data of its own per task (a fork/join wrapper, a worker's lease): only those
     * pay for the field.
     */
    static final class WithData<T> extends TaskRun<T> {
        private static final VarHandle DATA;

        static {
            try {
                DATA = MethodHandles.lookup().findVarHandle(WithData.class, "data", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // accessed through DATA
        private Object data; // release/acquire: set before or after the task is published

        WithData(AbstractTaskExecutor executor, Task<?> task, boolean async, TaskOptions options, CancelScope parent,
                RunListener listener) {
            super(executor, task, async, options, parent, listener);
        }

        @Override
        public Object backendData() {
            return DATA.getAcquire(this);
        }

        @Override
        public void backendData(Object data) {
            DATA.setRelease(this, data);
        }
    }

    /**
     * @return when the task was submitted ({@link System#nanoTime()}) if it has a time limit or its latencies are
     *     sampled, else 0
     */
    public long submitNanos() {
        Extras x = extras;
        return timed() && x != null ? x.submitNanos : 0L;
    }

    @SuppressWarnings("unchecked")
    private T value() {
        return (T) body; // read after the state read that said SUCCEEDED
    }

    /** @return whether someone joined this task or read its failure */
    public boolean isObserved() {
        return ((long) ID_BITS.getVolatile(this) & OBSERVED) != 0;
    }

    /** Someone saw the failure (or will: a stage handed out). */
    private void observe() {
        if ((idBits & OBSERVED) == 0) {
            ID_BITS.getAndBitwiseOr(this, OBSERVED);
        }
    }

    /** Marks the failure as seen, e.g. because a group reported it. */
    public void markObserved() {
        observe();
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public boolean isDone() {
        return state > RUNNING;
    }

    /** @return the failure of a FAILED task without marking it as seen, or {@code null} */
    public Throwable peekFailure() {
        return state == FAILED ? (Throwable) body : null;
    }

    @Override
    public Throwable failure() {
        if (state == FAILED) {
            observe();
            return (Throwable) body;
        }
        return null;
    }

    @Override
    public T join() {
        if (state != CANCELLED && !hasExited()) {
            if (BlockingGuard.forbidden()) {
                BlockingGuard.check("join() of " + describe());
            }
            executor.awaitExit(this);
        }
        return report();
    }

    /**
     * Waits for this task to exit, without helping. Interruption of the waiting thread ends the wait with
     * {@link TaskCancelledException} and keeps the interrupt flag.
     */
    public void awaitExitBlocking() {
        try {
            exitFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskCancelledException("interrupted while waiting for " + describe());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // exit never completes exceptionally
        }
    }

    private T report() {
        return switch (state) {
            case SUCCEEDED -> value();
            case FAILED -> {
                observe(); // marked when seen, not when asked: a join that ends otherwise saw nothing
                throw new TaskFailedException(describe() + " failed: " + body, (Throwable) body);
            }
            case CANCELLED -> throw cancellationException();
            default -> throw new IllegalStateException(describe() + " is not done");
        };
    }

    @Override
    public T get(Duration timeout) throws TimeoutException {
        if (state != CANCELLED && !hasExited()) {
            if (BlockingGuard.forbidden()) {
                BlockingGuard.check("get(" + timeout + ") of " + describe());
            }
            try {
                exitFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskCancelledException("interrupted while waiting for " + describe());
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            } catch (TimeoutException e) {
                throw new TimeoutException(describe() + " did not finish within " + timeout
                        + " (it keeps running; cancel() stops it)");
            }
        }
        return report();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (state != CANCELLED && !hasExited()) {
            if (BlockingGuard.forbidden()) {
                BlockingGuard.check("get() of " + describe());
            }
            exitFuture().get();
        }
        return reportChecked();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (state != CANCELLED && !hasExited()) {
            if (BlockingGuard.forbidden()) {
                BlockingGuard.check("get(timeout) of " + describe());
            }
            exitFuture().get(timeout, unit);
        }
        return reportChecked();
    }

    private T reportChecked() throws ExecutionException {
        if (state == FAILED) {
            observe();
            throw new ExecutionException(describe() + " failed: " + body, (Throwable) body);
        }
        return report();
    }

    @Override
    public T resultNow() {
        if (state != SUCCEEDED) {
            throw new IllegalStateException(describe() + " has not succeeded: it is " + taskState());
        }
        return value();
    }

    @Override
    public Throwable exceptionNow() {
        if (state != FAILED) {
            throw new IllegalStateException(describe() + " has not failed: it is " + taskState());
        }
        observe();
        return (Throwable) body;
    }

    @Override
    public State state() {
        return switch (state) {
            case PENDING, RUNNING -> State.RUNNING;
            case SUCCEEDED -> State.SUCCESS;
            case FAILED -> State.FAILED;
            default -> State.CANCELLED;
        };
    }

    @Override
    public CompletableFuture<T> toCompletableFuture() {
        observe();
        CompletableFuture<T> cf = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                TaskRun.this.cancel();
                return super.cancel(mayInterruptIfRunning);
            }
        };
        exitFuture().whenComplete((ignored, e) -> {
            switch (state) {
                case SUCCEEDED -> cf.complete(value());
                case FAILED -> cf.completeExceptionally((Throwable) body);
                default -> cf.completeExceptionally(cancellationException());
            }
        });
        return cf;
    }

    @Override
    public String toString() {
        return describe() + " [" + taskState() + "]";
    }
}
