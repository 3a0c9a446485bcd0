package dev.spindle.process;

import dev.spindle.Spindle;
import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskHandle;
import dev.spindle.TaskOptions;
import java.io.EOFException;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The main class of a worker JVM. Arguments: the control socket's path, the {@code allow} pattern, and the
 * initializer's class name (both may be empty).
 *
 * <p>The main thread reads frames. Each task runs as a task of the worker's own local executor (a fork/join pool,
 * {@value #LOCAL_EXECUTOR}), with the name and the time left to its deadline that its {@link RunHeader} carries, so
 * that inside the worker {@code Cancellation.check()}, {@code shielded}, {@code remaining()} and task groups work as
 * in one JVM: a group the task opens forks onto that local executor ({@code Spindle.currentExecutor()}). A CANCEL
 * frame cancels that local task, which interrupts it and reaches every group nested in it. The reply goes back once
 * the task's code, nested groups included, has finished.
 *
 * <p>Tasks run one at a time, in the order their TASK frames came (the parent may send several ahead, pipelining): the
 * next starts once the previous has replied. A CANCEL for a task still waiting drops it and
 * answers that it was cancelled before it started. The worker exits when the control channel reaches EOF or
 * the parent process exits, so it never outlives the parent. It writes to its own stderr only when it cannot start.
 */
public final class WorkerMain {

    /** The name of the worker's local executor, where tasks run and nested groups fork. */
    static final String LOCAL_EXECUTOR = "process-worker";

    private final FrameChannel channel;
    private final ObjectInputFilter extra;
    private final CompletableFuture<TaskExecutor> local;
    /**
     * Guards the waiting tasks and the running one: a CANCEL finds its task either waiting or running, never between.
     */
    private final ReentrantLock runLock = new ReentrantLock();
    /** TASK frames not yet started, in the order they came. */
    private final ArrayDeque<Frame> queued = new ArrayDeque<>(); // guarded by runLock
    private boolean busy; // a task is starting or running; guarded by runLock
    private long startingId; // the task the runner took and is starting; guarded by runLock
    private boolean cancelWhileStarting; // a CANCEL came for it meanwhile; guarded by runLock
    private Running running; // guarded by runLock

    private record Running(long taskId, TaskHandle<?> handle) {
    }

    /**
     * What the task's code did, filled in by the local task before it ends; read after its exit (which the local
     * task's completion publishes).
     */
    private static final class Outcome {
        boolean ran;
        Object value;
        Throwable thrown;
    }

    /**
     * Ends every local task, whatever its code did, so that the local executor never judges the outcome itself: the
     * parent's task does (it logs a swallowed cancellation, once). Carries nothing.
     */
    private static final class Ended extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Ended() {
            super(null, null, false, false);
        }
    }

    private WorkerMain(FrameChannel channel, ObjectInputFilter extra, CompletableFuture<TaskExecutor> local) {
        this.channel = channel;
        this.extra = extra;
        this.local = local;
    }

    /**
     * Makes the local executor on a thread of its own while the worker connects and waits for its first task:
     * loading Spindle's task machinery (its JFR event class above all) takes a good part of a worker's start.
     */
    private static CompletableFuture<TaskExecutor> warmUp() {
        CompletableFuture<TaskExecutor> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("spindle-worker-warm-up").start(() -> {
            try {
                f.complete(Spindle.builder(LOCAL_EXECUTOR).backend("forkjoin")
                        .set("parallelism", Integer.toString(Runtime.getRuntime().availableProcessors())).build());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * @param args the control socket's path and the {@code allow} pattern
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("spindle worker: expected the control socket path as first argument");
            System.exit(2);
        }
        ProcessHandle.current().parent().ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
                () -> Runtime.getRuntime().halt(0));
        CompletableFuture<TaskExecutor> local = warmUp();
        FrameChannel channel;
        ObjectInputFilter extra;
        try {
            SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
            socket.connect(UnixDomainSocketAddress.of(args[0]));
            channel = new FrameChannel(socket, "spindle-worker-writer");
            extra = PayloadFilter.extra(args.length > 1 ? args[1] : "");
        } catch (IOException | RuntimeException e) {
            System.err.println("spindle worker: cannot connect to the control socket " + args[0] + ": " + e);
            System.exit(2);
            return;
        }
        WorkerMain worker = new WorkerMain(channel, extra, local);
        worker.initialize(args.length > 2 ? args[2] : "");
        worker.loop();
    }

    /**
     * Runs the pool's initializer, if any, and tells the parent: READY, or FAILURE for task 0 with what it threw (the
     * parent then stops this worker).
     */
    private void initialize(String initializer) {
        if (!initializer.isEmpty()) {
            try {
                Initializers.run(initializer);
            } catch (Throwable e) {
                reply(Frame.FAILURE, 0, e);
                return;
            }
        }
        channel.send(Frame.of(Frame.READY, 0));
    }

    private void loop() {
        try {
            for (;;) {
                Frame f = channel.read();
                switch (f.type()) {
                    case Frame.TASK -> enqueue(f);
                    case Frame.CANCEL -> cancel(f.taskId());
                    case Frame.BYE -> System.exit(0);
                    default -> throw new IOException("unknown control frame type " + f.type());
                }
            }
        } catch (EOFException e) {
            Runtime.getRuntime().halt(0); // the parent closed the channel or died
        } catch (IOException e) {
            System.err.println("spindle worker: control channel failed: " + e);
            Runtime.getRuntime().halt(2);
        }
    }

    /** Starts the task now if none runs, else queues it behind the others. */
    private void enqueue(Frame f) {
        runLock.lock();
        try {
            if (busy) {
                queued.addLast(f);
                return;
            }
            busy = true;
            startingId = f.taskId();
            cancelWhileStarting = false;
        } finally {
            runLock.unlock();
        }
        launch(f);
    }

    private void launch(Frame f) {
        start(f).whenComplete((v, x) -> startNext());
    }

    /** The running task has replied: starts the next one waiting, if any. */
    private void startNext() {
        Frame next;
        runLock.lock();
        try {
            next = queued.pollFirst();
            if (next == null) {
                busy = false;
                return;
            }
            startingId = next.taskId();
            cancelWhileStarting = false;
        } finally {
            runLock.unlock();
        }
        launch(next);
    }

    /**
     * Cancels the task if it runs (a late CANCEL for a finished task finds another id: ignored); drops it, answering
     * that it was cancelled, if it waits.
     */
    private void cancel(long id) {
        boolean dropped;
        runLock.lock();
        try {
            if (running != null && running.taskId() == id) {
                running.handle().cancel();
                return;
            }
            if (startingId == id) {
                cancelWhileStarting = true;
                return;
            }
            dropped = queued.removeIf(q -> q.taskId() == id);
        } finally {
            runLock.unlock();
        }
        if (dropped) {
            reply(Frame.FAILURE, id, new CancellationException("task #" + id + " was cancelled before it started"));
        }
    }

    /** @return completed once the task has replied */
    private CompletableFuture<Void> start(Frame f) {
        long id = f.taskId();
        byte[] bytes = f.payload();
        RunHeader.Parsed header;
        try {
            header = RunHeader.parse(bytes);
        } catch (IOException e) {
            reply(Frame.FAILURE, id, e);
            started(null);
            return CompletableFuture.completedFuture(null);
        }
        TaskOptions options = TaskOptions.named(header.name() != null ? header.name() : "task-" + id);
        if (header.remainingNanos() != RunHeader.NO_DEADLINE) {
            options = options.withTimeout(Duration.ofNanos(Math.max(1, header.remainingNanos())));
        }
        TaskExecutor executor;
        try {
            executor = local.join();
        } catch (CompletionException | CancellationException e) {
            reply(Frame.FAILURE, id, new IllegalStateException("the worker could not make its local executor '"
                    + LOCAL_EXECUTOR + "': " + e.getCause(), e.getCause()));
            started(null);
            return CompletableFuture.completedFuture(null);
        }
        Outcome outcome = new Outcome();
        TaskHandle<Object> handle = executor.submit(() -> {
            try {
                Task<?> task = (Task<?>) Payload.decode(bytes, header.offset(), extra);
                outcome.value = task.call();
            } catch (Throwable e) {
                outcome.thrown = e;
            }
            outcome.ran = true;
            throw new Ended();
        }, options);
        Running r = new Running(id, handle);
        if (started(r)) {
            handle.cancel(); // its CANCEL came while it was being started
        }
        return handle.toCompletableFuture().handle((v, x) -> {
            runLock.lock();
            try {
                if (running == r) {
                    running = null;
                }
            } finally {
                runLock.unlock();
            }
            if (!outcome.ran) {
                reply(Frame.FAILURE, id, x); // cancelled before it started: x says so
            } else if (outcome.thrown != null) {
                reply(Frame.FAILURE, id, outcome.thrown);
            } else {
                sendResult(id, outcome.value);
            }
            return null;
        });
    }

    /**
     * The runner has started the task it took (or replied for it): it is now the running one, or none.
     *
     * @return whether a CANCEL came for it while it was being started
     */
    private boolean started(Running r) {
        runLock.lock();
        try {
            running = r;
            startingId = 0;
            return cancelWhileStarting;
        } finally {
            runLock.unlock();
        }
    }

    private void sendResult(long id, Object value) {
        byte[] bytes;
        try {
            bytes = Payload.encode(value);
        } catch (IOException | RuntimeException e) {
            String what = value == null ? "null" : value.getClass().getName();
            NotSerializableException failure = new NotSerializableException("the result of task #" + id
                    + " (a " + what + ") cannot travel back to the parent: " + e
                    + "; return a Serializable value (a record of plain values, a String, a List.copyOf(...))");
            failure.initCause(e);
            reply(Frame.FAILURE, id, failure);
            return;
        }
        channel.send(new Frame(Frame.RESULT, id, bytes));
    }

    private void reply(byte type, long id, Throwable failure) {
        byte[] bytes;
        try {
            bytes = Payload.encode(failure);
        } catch (IOException | RuntimeException e) {
            try {
                bytes = Payload.encode(RemoteTaskException.of(failure));
            } catch (IOException | RuntimeException again) {
                bytes = encodeOrEmpty(new RemoteTaskException(failure.getClass().getName(),
                        "(its message could not be sent)", new StackTraceElement[0]));
            }
        }
        channel.send(new Frame(type, id, bytes));
    }

    private static byte[] encodeOrEmpty(Throwable t) {
        try {
            return Payload.encode(t);
        } catch (IOException e) {
            return Frame.EMPTY;
        }
    }
}
