package dev.spindle.process;

import dev.spindle.Task;
import java.io.EOFException;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main class of a worker JVM. Arguments: the control socket's path, then the {@code allow} pattern (may be
 * empty).
 *
 * <p>The main thread reads frames; each task runs on its own platform thread, which a CANCEL frame interrupts.
 * The worker exits when the control channel reaches EOF or the parent process exits, so it never outlives the
 * parent. It writes to its own stderr only when it cannot start.
 */
public final class WorkerMain {

    private final FrameChannel channel;
    private final ObjectInputFilter extra;
    private final AtomicReference<Running> running = new AtomicReference<>();

    private record Running(long taskId, Thread thread) {
    }

    private WorkerMain(FrameChannel channel, ObjectInputFilter extra) {
        this.channel = channel;
        this.extra = extra;
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
        new WorkerMain(channel, extra).loop();
    }

    private void loop() {
        try {
            for (;;) {
                Frame f = channel.read();
                switch (f.type()) {
                    case Frame.TASK -> start(f);
                    case Frame.CANCEL -> {
                        Running r = running.get();
                        if (r != null && r.taskId() == f.taskId()) {
                            r.thread().interrupt(); // a late CANCEL for a finished task finds another id: ignored
                        }
                    }
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

    private void start(Frame f) {
        long id = f.taskId();
        Thread t = Thread.ofPlatform().name("spindle-task-" + id).unstarted(() -> runTask(id, f.payload()));
        running.set(new Running(id, t));
        t.start();
    }

    private void runTask(long id, byte[] payload) {
        Object value;
        try {
            Task<?> task = (Task<?>) Payload.decode(payload, extra);
            value = task.call();
        } catch (Throwable e) {
            running.set(null);
            reply(Frame.FAILURE, id, e);
            return;
        }
        running.set(null);
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
