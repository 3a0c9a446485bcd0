package dev.spindle.eventloop;

import dev.spindle.Task;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import dev.spindle.internal.CancelScope;
import dev.spindle.internal.Current;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One thread that runs many small non-blocking steps: Python's asyncio loop, Netty's and Vert.x's event loops, as a
 * Spindle executor ({@code spindle.executor.<name>.backend=eventloop}).
 *
 * <ul>
 *   <li>{@link #submit} runs a synchronous task as one step; {@link #submitAsync} runs an {@link AsyncTask} whose
 *       stage ends the task; {@link #execute} and {@link #runOnLoop} run a plain step, outside any task; steps
 *       submitted by one thread run in submission order, whichever way they enter.</li>
 *   <li>{@link #sleep} and {@link #schedule} never block the loop; {@link #toThread} runs blocking code on virtual
 *       threads (at most {@code toThreadCapacity} at once) and delivers its result on the loop.</li>
 *   <li>A blocking {@code join}/{@code get}/{@code TaskGroup.join} called on the loop's thread throws
 *       {@link IllegalStateException} at once, saying what to use instead: it never deadlocks.</li>
 *   <li>Cancellation never interrupts the loop's thread (it runs everyone's steps): a cancelled task that has not
 *       run never runs, a running async task has the stage it waits on cancelled, and
 *       {@link dev.spindle.Cancellation#check()} works inside a step.</li>
 *   <li>A step that holds the loop longer than the slow-step threshold (default 100 ms) is logged at WARN with its
 *       task and the loop's stack; in strict mode such a task fails with {@link EventLoopBlockedException}.</li>
 *   <li>{@link #close()} runs the accepted work to its end; {@link #shutdownNow()} cancels pending steps and
 *       timers.</li>
 *   <li>Only the first step of an async task (its {@link AsyncTask#call()}) runs inside the task: callbacks chained
 *       on stages run in the context of whatever completes the stage, often outside any task (see
 *       {@link AsyncTask}).</li>
 * </ul>
 *
 * <p>This class is thread-safe: any thread may submit, schedule or cancel.
 */
public final class EventLoop extends AbstractTaskExecutor {

    private final LoopRunner runner;
    private final Duration slowThreshold;
    private final boolean strict;
    private final AsyncSemaphore toThreadSlots;

    /**
     * @param name the loop's name, used in its thread's name
     * @param slowThreshold the slow-step threshold; zero turns the watchdog off
     * @param strict whether a task whose step exceeds the threshold fails
     * @param toThreadCapacity the most {@link #toThread} calls running at once
     */
    public EventLoop(String name, Duration slowThreshold, boolean strict, int toThreadCapacity) {
        super(name, "eventloop");
        this.slowThreshold = Objects.requireNonNull(slowThreshold, "slowThreshold");
        this.strict = strict;
        this.toThreadSlots = new AsyncSemaphore(name + "-toThread", toThreadCapacity);
        this.runner = new LoopRunner(name, this); // the loop thread starts below, after every field is set
        runner.start();
        if (!slowThreshold.isZero()) {
            new SlowStepWatchdog(runner, name, slowThreshold).start();
        }
    }

    /**
     * @param name the loop's name
     * @return a loop with the defaults: 100 ms slow-step warning, not strict, 40 {@code toThread} slots
     */
    public static EventLoop create(String name) {
        return new EventLoop(name, Duration.ofMillis(100), false, 40);
    }

    /**
     * Python's {@code asyncio.run(main())}: starts a loop, runs {@code main} on it to completion, closes the loop.
     * {@code main} reaches the loop with {@link #current()}.
     *
     * @param main the async entry point
     * @param <T> its result type
     * @return its result
     * @throws dev.spindle.TaskFailedException if it failed
     */
    public static <T> T run(AsyncTask<T> main) {
        try (EventLoop loop = create("main")) {
            return loop.submitAsync(main).join();
        }
    }

    /**
     * Python's {@code asyncio.get_running_loop()}: the loop whose thread calls this. Code started by
     * {@link #run(AsyncTask)} reaches its loop this way, to {@link #sleep}, {@link #submitAsync} or {@link #toThread}.
     *
     * @return the loop running the current step
     * @throws IllegalStateException if the current thread is not an event loop's thread
     */
    public static EventLoop current() {
        if (Thread.currentThread() instanceof LoopThread t) {
            return t.loop();
        }
        throw new IllegalStateException("EventLoop.current() was called on thread '" + Thread.currentThread().getName()
                + "', which runs no event loop; call it from loop code (a task, an async task or a step of the loop), "
                + "or keep a reference to the loop you created");
    }

    // ---------------------------------------------------------------- tasks

    /**
     * @param task the async task
     * @param <T> its result type
     * @return its handle; the task ends when its stage completes
     */
    public <T> TaskHandle<T> submitAsync(AsyncTask<T> task) {
        return submitAsync(task, TaskOptions.DEFAULTS);
    }

    /**
     * @param task the async task
     * @param options name and time limit; a timeout cancels the stage the task waits on
     * @param <T> its result type
     * @return its handle
     */
    public <T> TaskHandle<T> submitAsync(AsyncTask<T> task, TaskOptions options) {
        Objects.requireNonNull(task, "task");
        return startAsync(task::call, options, null, null);
    }

    /**
     * Runs {@code command} on the loop as a plain step, not as a task: Netty's {@code execute}, asyncio's
     * {@code loop.call_soon_threadsafe}. This is what makes the loop a cheap {@link java.util.concurrent.Executor}
     * for {@code CompletableFuture.thenApplyAsync(fn, loop)} and the like: no handle, no node in the cancellation tree,
     * no statistics. So, unlike a task: {@link dev.spindle.Spindle#currentTask()} is empty inside it,
     * {@link #stats()} does not count it, and a failure is logged at ERROR at once (the loop goes on) instead of when
     * the loop closes. Like a task: steps submitted by one thread run in submission order, {@link #close()} runs it,
     * {@link #shutdownNow()} drops it if it has not run, the watchdog reports it if it holds the loop too long. For a
     * handle, submit a task ({@link #submit}).
     *
     * @param command what to run on the loop; must not block
     * @throws java.util.concurrent.RejectedExecutionException if the loop is closing (called from outside it) or shut
     *     down
     */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        if ((isShutdown() && !inLoop()) || !runner.execute(command)) {
            throw new RejectedExecutionException("event loop '" + name() + "' is closing or shut down and accepts no "
                    + "new steps; call execute(...) before close(), or create a new loop");
        }
    }

    @Override
    protected void dispatch(TaskRun<?> run) {
        if (!runner.execute(run)) {
            throw new RejectedExecutionException("event loop '" + name() + "' has stopped and cannot run "
                    + run.describe());
        }
    }

    @Override
    protected boolean interruptsOnCancel() {
        return false;
    }

    /** Cancellation bookkeeping runs on the loop, so loop-confined state is only ever touched by the loop. */
    @Override
    protected void deliver(Runnable step) {
        if (inLoop() || !runner.thread.isAlive()) {
            step.run();
        } else {
            runner.executeDelivery(step);
        }
    }

    @Override
    protected <T> Task<T> adapt(Task<T> task) {
        if (!strict || slowThreshold.isZero()) {
            return task;
        }
        long limit = slowThreshold.toNanos();
        return () -> {
            long start = System.nanoTime();
            T value = task.call();
            long took = System.nanoTime() - start;
            if (took > limit && inLoop()) {
                TaskRun<?> run = Current.run();
                throw new EventLoopBlockedException((run == null ? "a step" : run.describe()) + " held event loop '"
                        + name() + "' for " + TimeUnit.NANOSECONDS.toMillis(took) + " ms, over the strict limit of "
                        + slowThreshold.toMillis() + " ms");
            }
            return value;
        };
    }

    // ---------------------------------------------------------------- time

    /**
     * @param delay how long
     * @return a stage that completes on the loop after {@code delay}; cancelling it cancels the timer
     */
    public CompletionStage<Void> sleep(Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Scheduled timer = schedule(delay, () -> done.complete(null));
        done.whenComplete((v, e) -> timer.cancel());
        return done;
    }

    /**
     * @param delay how long from now
     * @param action what to run on the loop then; must not block
     * @return the timer, to cancel it
     */
    public Scheduled schedule(Duration delay, Runnable action) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(action, "action");
        LoopTimer t = new LoopTimer(System.nanoTime() + Math.max(0, delay.toNanos()), action);
        runner.addTimer(t);
        return t;
    }

    /**
     * Runs {@code action} on the loop as a plain step, outside any task.
     *
     * @param action what to run; must not block
     */
    public void runOnLoop(Runnable action) {
        runner.execute(Objects.requireNonNull(action, "action"));
    }

    /** @return whether the current thread is this loop's thread */
    public boolean inLoop() {
        return runner.inLoop();
    }

    // ---------------------------------------------------------------- blocking work

    /**
     * Python's {@code asyncio.to_thread}: runs blocking code on a virtual thread and completes the stage on the
     * loop. Cancelling the stage interrupts the call ({@link ToThreadPolicy#INTERRUPT}).
     *
     * @param task blocking code
     * @param <T> its result type
     * @return a stage completing on the loop with its result
     */
    public <T> CompletionStage<T> toThread(Task<T> task) {
        return toThread(task, ToThreadPolicy.INTERRUPT);
    }

    /**
     * @param task blocking code
     * @param policy what cancelling the stage does to the running call
     * @param <T> its result type
     * @return a stage completing on the loop with its result; it inherits the current task's deadline
     */
    public <T> CompletionStage<T> toThread(Task<T> task, ToThreadPolicy policy) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(policy, "policy");
        ToThreadCall<T> call = new ToThreadCall<>(this, task, policy);
        TaskRun<?> current = Current.run();
        if (current != null) {
            long deadline = current.effectiveDeadlineNanos();
            if (deadline != CancelScope.NO_DEADLINE) {
                Scheduled timer = schedule(Duration.ofNanos(deadline - System.nanoTime()), () -> call.deadline(current));
                call.whenComplete((v, e) -> timer.cancel());
            }
        }
        CompletableFuture<dev.spindle.lock.Held> slot = toThreadSlots.acquire().toCompletableFuture();
        call.slotWait = slot;
        if (call.isDone()) {
            slot.cancel(false);
        }
        slot.whenComplete((held, e) -> {
            if (e != null) {
                return; // the call was cancelled while it waited for a slot
            }
            call.start(held);
        });
        return call;
    }

    /** @return the most {@link #toThread} calls running at once */
    public int toThreadCapacity() {
        return toThreadSlots.permits();
    }

    /**
     * How many times a producer had to wake this loop from its sleep (an unpark, or a selector wake-up). Wake-ups
     * are debounced: only the producer that finds the loop asleep pays one; while the loop is awake, producers pay
     * only the enqueue. A count that grows with every submission means the loop keeps running dry between them.
     *
     * @return the wake-ups so far
     */
    public long wakeUps() {
        return runner.wakeUps();
    }

    /** @return whether the loop has nothing to run and waits for work or a timer; a snapshot, for diagnostics */
    public boolean isIdle() {
        return runner.sleeping();
    }

    // ---------------------------------------------------------------- I/O

    /**
     * Registers a channel with the loop's selector; {@code handler} runs on the loop whenever it is ready.
     *
     * @param channel a channel; it is made non-blocking
     * @param ops the interest set, e.g. {@link SelectionKey#OP_ACCEPT}
     * @param handler the readiness handler
     * @return a stage completing on the loop with the key
     */
    public CompletionStage<SelectionKey> register(SelectableChannel channel, int ops, ChannelHandler handler) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(handler, "handler");
        CompletableFuture<SelectionKey> key = new CompletableFuture<>();
        runner.execute(() -> {
            try {
                channel.configureBlocking(false);
                key.complete(channel.register(runner.selector(), ops, handler));
            } catch (IOException | RuntimeException e) {
                key.completeExceptionally(e);
            }
        });
        return key;
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public int parallelism() {
        return 1;
    }

    @Override
    public void close() {
        if (inLoop()) {
            throw new IllegalStateException("close() of event loop '" + name() + "' was called on its own thread, "
                    + "where it would wait for itself; close the loop from outside, or call shutdownNow()");
        }
        super.close();
    }

    @Override
    protected void stopMachinery() {
        runner.stop(false);
    }

    @Override
    protected void stopMachineryNow() {
        runner.stop(true);
    }

    @Override
    protected boolean awaitMachinery(Duration timeout) throws InterruptedException {
        runner.thread.join(Math.max(1, timeout.toMillis()));
        return !runner.thread.isAlive();
    }

    /** @return whether the loop is closed and its thread has ended: every step it accepted has run or was dropped */
    @Override
    public boolean isTerminated() {
        return super.isTerminated() && !runner.thread.isAlive();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return super.awaitTermination(timeout)
                && awaitMachinery(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    @Override
    protected boolean isWorkerThread(Thread thread) {
        return thread == runner.thread;
    }
}
