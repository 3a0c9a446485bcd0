package dev.spindle.process;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child JVM and the parent's side of it: the control channel, a reader thread that completes each task's reply,
 * and two pumps that log its stdout (INFO) and stderr (WARN) tagged with worker and running task.
 *
 * <p>The lanes of one slot call {@link #call} at once (pipelining); {@link #kill} and the reader may act from other
 * threads. Calls and the reader meet in {@code calls} and {@code dead}: a call puts itself in the map and then reads
 * {@code dead}; the reader writes {@code dead} and then reads the map. Either the call sees the worker dead (and
 * reports itself not started), or the reader sees the call and fails it: the first one sent as crashed (the worker
 * runs tasks in order, so that is the one it was running), the others as not started.
 */
final class Worker {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final int STDERR_LINES = 20;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long a worker writing the fast-start cache as it exits may take to do so. */
    private static final Duration TRAINER_EXIT = Duration.ofSeconds(60);
    /** Every worker process of this JVM that has not exited yet, for the shutdown hook. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    /** A task sent to this worker: its order, its name, and where its reply goes. */
    private static final class Call {
        final long seq;
        final String taskName;
        final CompletableFuture<Frame> reply = new CompletableFuture<>();
        final long sentNanos = System.nanoTime();
        volatile boolean sent;
        volatile boolean cancelling; // a CANCEL went out and its grace period runs

        Call(long seq, String taskName) {
            this.seq = seq;
            this.taskName = taskName;
        }
    }

    /** The reply of a task that never reached a live worker (it died first): the slot sends it again, elsewhere. */
    static final class NotStartedException extends Exception {
        private static final long serialVersionUID = 1L;

        NotStartedException() {
            super("the worker ended before this task started", null, false, false);
        }
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "spindle-process-shutdown"));
    }

    private final String label;
    private final WorkerSpec spec;
    private final Process process;
    private final ReentrantLock tailLock = new ReentrantLock();
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    private final Thread outPump;
    private final Thread errPump;
    private volatile FrameChannel channel;
    /** The tasks sent and not yet answered, by id; the one sent first is the one running (the worker runs in order). */
    private final ConcurrentHashMap<Long, Call> calls = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final ReentrantLock sendLock = new ReentrantLock(); // numbers tasks in the order their frames go out
    private volatile boolean dead;
    private volatile String stopReason;
    private int inFlight; // guarded by the slot's lock
    private volatile CompletableFuture<?> exited; // the process's exit, and for a trainer the cache moved into place
    private volatile boolean endedByPool; // set as it ends: the pool had asked it to stop or killed it
    private volatile String retireReason; // set when it is being replaced (takes no new task): why, for its stop
    private final boolean trainer; // writes the fast-start cache as it exits: give it time

    private Worker(String label, WorkerSpec spec, Process process, boolean trainer) {
        this.label = label;
        this.trainer = trainer;
        this.exited = process.onExit();
        this.spec = spec;
        this.process = process;
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        this.outPump = OutputPump.start("spindle-" + label + "-stdout", process.getInputStream(),
                line -> LOG.info("{} {}: {}", this, taskTag(), line));
        this.errPump = OutputPump.start("spindle-" + label + "-stderr", process.getErrorStream(), line -> {
            tailLock.lock();
            try {
                if (stderrTail.size() == STDERR_LINES) {
                    stderrTail.removeFirst();
                }
                stderrTail.addLast(line);
            } finally {
                tailLock.unlock();
            }
            if (this.trainer && stopReason != null) {
                LOG.debug("{} (writing its fast-start cache as it exits): {}", this, line); // the JDK's own report
            } else {
                LOG.warn("{} {}: {}", this, taskTag(), line);
            }
        });
    }

    /**
     * Starts a worker and waits until it has connected its control channel and run the pool's initializer.
     *
     * @param label the worker's name in logs, e.g. {@code cpu-worker-3}
     * @param spec how to start it
     * @return the connected, initialized worker
     * @throws IOException if it could not be started
     * @throws WorkerCrashedException if it exited before it connected or became ready
     * @throws WorkerInitializerException if the initializer threw or killed it
     */
    static Worker start(String label, WorkerSpec spec) throws IOException {
        Path dir = Files.createTempDirectory("spindle-worker-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = dir.resolve("control.sock");
        Worker w;
        FrameChannel ch;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            FastStart.Launch launch = spec.fastStart().nextLaunch();
            Process p;
            try {
                p = new ProcessBuilder(spec.command(socket, launch)).start();
            } catch (IOException e) {
                if (launch.trainingOutput() != null) {
                    spec.fastStart().trained(launch.trainingOutput());
                }
                throw e;
            }
            w = new Worker(label, spec, p, launch.trainingOutput() != null);
            if (launch.trainingOutput() != null) {
                // waited for like the exit itself, so that when close() returns the cache is in place
                w.exited = p.onExit().thenRun(() -> spec.fastStart().trained(launch.trainingOutput()));
            }
            // accept() has no timeout: closing the server ends it when the child dies first or never connects
            p.onExit().thenRun(() -> closeQuietly(server));
            CompletableFuture.delayedExecutor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> closeQuietly(server));
            try {
                ch = new FrameChannel(server.accept(), "spindle-" + label + "-writer");
            } catch (IOException e) {
                throw w.failedToStart("could not start");
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
        w.channel = ch;
        w.awaitReady();
        new ReaderThread(label, w::readLoop).start();
        LOG.debug("{} started", w);
        return w;
    }

    /** Reads the worker's first frame: READY, or the initializer's failure. */
    private void awaitReady() throws WorkerCrashedException {
        Frame first;
        try {
            first = channel.read();
        } catch (IOException e) {
            channel.close();
            throw failedToStart(spec.initializer().isEmpty() ? "exited before it was ready"
                    : "died in its initializer " + spec.initializer());
        }
        if (first.type() == Frame.READY) {
            return;
        }
        Throwable thrown;
        try {
            thrown = first.type() == Frame.FAILURE ? (Throwable) Payload.decode(first.payload(), spec.extraFilter())
                    : new IOException("unexpected first control frame of type " + first.type());
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            thrown = e;
        }
        stopReason = "its initializer failed";
        stopGracefully(stopReason, Duration.ofSeconds(5));
        channel.close();
        throw new WorkerInitializerException("the initializer " + spec.initializer() + " of executor '"
                + spec.executorName() + "' threw in worker " + this + ": " + thrown, thrown);
    }

    /** Stops a worker that did not become ready and describes why, with its exit code and stderr. */
    private RuntimeException failedToStart(String what) {
        stopReason = "it did not start";
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
        joinPumps();
        WorkerCrashedException crash = new WorkerCrashedException("worker " + this + " of executor '"
                + spec.executorName() + "' " + what + " (" + (process.isAlive() ? "still running"
                : WorkerCrashedException.describeExit(process.exitValue())) + "; JVM options " + spec.jvmArgs() + ")"
                + formatTail(), process.pid(), process.isAlive() ? -1 : process.exitValue(), stderrTail());
        if (!spec.initializer().isEmpty() && what.startsWith("died in")) {
            return new WorkerInitializerException("the initializer " + spec.initializer() + " of executor '"
                    + spec.executorName() + "' killed worker " + this + ": " + crash.getMessage(), crash);
        }
        return crash;
    }

    /**
     * Sends a task to this worker. Never blocks.
     *
     * @param taskId the task's id
     * @param taskName the task's description, for messages
     * @param payload the encoded task
     * @return the reply, completed on this worker's reader thread: the RESULT or FAILURE frame; or, exceptionally,
     *     a {@link WorkerCrashedException} if the worker died while running this task, or a
     *     {@link NotStartedException} if it died before this task started (it may be sent again). Call
     *     {@link #forget} once it is complete.
     */
    CompletableFuture<Frame> send(long taskId, String taskName, byte[] payload) {
        // numbered and queued in one step: the worker runs tasks in the order their frames come, and a crash blames
        // the lowest number, so numbers must follow that order even when two threads send at once
        sendLock.lock();
        try {
            Call c = new Call(sequence.incrementAndGet(), taskName);
            calls.put(taskId, c);
            if (dead) { // the reader may have failed the calls already, without this one
                calls.remove(taskId, c);
                return CompletableFuture.failedFuture(new NotStartedException());
            }
            c.sent = true; // the reader, once dead, fails the first sent call as crashed and the rest as not started
            channel.send(new Frame(Frame.TASK, taskId, payload));
            return c.reply;
        } finally {
            sendLock.unlock();
        }
    }

    /** @param taskId a task whose reply has come: no longer this worker's */
    void forget(long taskId) {
        calls.remove(taskId);
    }

    /**
     * Asks the worker to interrupt the task; if it has not replied within {@code cancelGrace}, destroys the worker
     * (its reader then fails the task as crashed, and sends the tasks queued behind it elsewhere). Never blocks; a
     * task that has replied, or is not this worker's, is left alone.
     *
     * @param taskId the task
     * @param taskName its description, for messages
     */
    void cancel(long taskId, String taskName) {
        Call c = calls.get(taskId);
        if (c == null || c.reply.isDone()) {
            return;
        }
        channel.send(Frame.of(Frame.CANCEL, taskId));
        if (c.cancelling) {
            return;
        }
        c.cancelling = true;
        Duration grace = spec.cancelGrace();
        CompletableFuture.delayedExecutor(grace.toNanos(), TimeUnit.NANOSECONDS, r -> Thread.ofVirtual()
                .name("spindle-" + label + "-cancel-" + taskId).start(r)).execute(() -> {
                    if (!c.reply.isDone()) {
                        LOG.warn("{} ignored its cancellation for {}: destroying its worker {}", taskName, grace, this);
                        stopReason = "the pool destroyed it because " + taskName + " ignored its cancellation for "
                                + grace;
                        process.destroy();
                        if (!awaitExit(Duration.ofSeconds(1))) {
                            process.destroyForcibly();
                        }
                    }
                });
    }

    private static <V> V awaitUninterruptibly(CompletableFuture<V> f, Duration timeout)
            throws ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void readLoop() {
        FrameChannel ch = channel;
        try {
            for (;;) {
                Frame f = ch.read();
                // every reply already here is handled before anything is written: the tasks pumped into the room
                // they leave go out in one write per worker, then the replies complete their tasks
                SendBatch batch = SendBatch.begin();
                try {
                    handle(f);
                    while (ch.hasFrame()) {
                        handle(ch.read());
                    }
                } finally {
                    batch.end();
                }
            }
        } catch (EOFException e) {
            // the worker exited or closed its end
        } catch (IOException e) {
            LOG.warn("{}: control channel failed ({}); stopping the worker", this, e.toString());
            process.destroyForcibly();
        }
        ended();
    }

    private void handle(Frame f) {
        Call c = f.type() == Frame.RESULT || f.type() == Frame.FAILURE ? calls.get(f.taskId()) : null;
        if (c != null) {
            c.reply.complete(f);
        } else {
            LOG.warn("{} sent an unexpected control frame (type {}, task #{}); ignored", this, f.type(), f.taskId());
        }
    }

    /** The control channel is gone: wait for the process, then fail whatever task it held. */
    private void ended() {
        dead = true; // from here on a new call fails itself as not started; those already sent are failed below
        if (!awaitExit(Duration.ofSeconds(10))) {
            process.destroyForcibly(); // it closed the channel but lingers: it serves no one now
            awaitExit(Duration.ofSeconds(30));
        }
        joinPumps();
        int code = process.isAlive() ? -1 : process.exitValue();
        Call running = running();
        String reason = stopReason;
        endedByPool = reason != null;
        String what = reason != null ? "ended (" + reason + ")"
                : running != null ? "died while running " + running.taskName : "died while idle";
        WorkerCrashedException crash = new WorkerCrashedException("worker " + this + " of executor '"
                + spec.executorName() + "' " + what + ": " + WorkerCrashedException.describeExit(code)
                + (reason == null ? ". A System.exit or Runtime.halt in the task, an OutOfMemoryError, or a kill "
                        + "from outside ends a worker; a fresh worker takes the next task" : "")
                + formatTail(), process.pid(), code, stderrTail());
        for (Call c : calls.values()) {
            if (c == running) {
                c.reply.completeExceptionally(crash);
            } else {
                c.reply.completeExceptionally(new NotStartedException());
            }
        }
        if (reason == null) {
            LOG.warn(crash.getMessage());
        }
        channel.close();
    }

    /** @return how long the oldest unanswered task has been with this worker (the one it runs), 0 if none */
    long oldestCallAgeNanos() {
        long now = System.nanoTime();
        long oldest = 0;
        for (Call c : calls.values()) {
            oldest = Math.max(oldest, now - c.sentNanos);
        }
        return oldest;
    }

    /** @return the call the worker is running: the first sent of those not answered, or {@code null} */
    private Call running() {
        Call first = null;
        for (Call c : calls.values()) {
            if (c.sent && (first == null || c.seq < first.seq)) {
                first = c;
            }
        }
        return first;
    }

    /** @return whether the worker can take another task: alive, connected, and not being stopped */
    boolean isUsable() {
        return !dead && retireReason == null && stopReason == null && process.isAlive();
    }

    /**
     * Marks the worker as being replaced: no new task goes to it; the last task in flight stops it (and says why then).
     * Until then it is not ended by the pool: a task still running that kills it is a crash like any other, retried and
     * reported as such.
     */
    void retire(String why) {
        retireReason = why;
    }

    /** @return tasks given to this worker and not yet ended; guarded by the slot's lock */
    int inFlight() {
        return inFlight;
    }

    /** @return the new count of tasks in flight; guarded by the slot's lock */
    int addInFlight(int delta) {
        inFlight += delta;
        return inFlight;
    }

    /** @return whether the pool ended this worker (shutdown, recycling, a cancellation's escalation), not a task */
    boolean endedByPool() {
        return endedByPool;
    }

    /**
     * Asks the idle worker to exit, then destroys it if it does not within {@code wait}; returns once it has exited.
     *
     * @param why for the log
     * @param wait how long it may take
     */
    void stopGracefully(String why, Duration wait) {
        if (stopReason == null) {
            String retiredBecause = retireReason;
            stopReason = retiredBecause != null ? retiredBecause : why;
        }
        if (!dead) {
            channel.send(Frame.of(Frame.BYE, 0));
        }
        if (!awaitExit(trainer ? TRAINER_EXIT : wait)) {
            process.destroy();
            if (!awaitExit(Duration.ofSeconds(1))) {
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(30));
            }
        }
    }

    /** Kills the process at once; the reader then fails the task it held. Any thread. */
    void kill(String why) {
        if (stopReason == null) {
            stopReason = why;
        }
        process.destroyForcibly();
    }

    /**
     * @param timeout the longest to wait
     * @return whether the process has exited; waits through interrupts and restores the flag
     */
    boolean awaitExit(Duration timeout) {
        try {
            awaitUninterruptibly(exited, timeout);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

    private void joinPumps() {
        try {
            outPump.join(Duration.ofSeconds(2));
            errPump.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> stderrTail() {
        tailLock.lock();
        try {
            return List.copyOf(stderrTail);
        } finally {
            tailLock.unlock();
        }
    }

    private String formatTail() {
        List<String> tail = stderrTail();
        if (tail.isEmpty()) {
            return "; it wrote nothing to stderr";
        }
        return "; last stderr lines:\n  " + String.join("\n  ", tail);
    }

    private String taskTag() {
        Call running = running();
        if (running == null) {
            return "(idle)";
        }
        for (var e : calls.entrySet()) {
            if (e.getValue() == running) {
                return "task #" + e.getKey();
            }
        }
        return "(idle)";
    }

    /** @return the pid of the worker process */
    long pid() {
        return process.pid();
    }

    private static void closeQuietly(ServerSocketChannel server) {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public String toString() {
        return label + " (pid " + process.pid() + ")";
    }
}
