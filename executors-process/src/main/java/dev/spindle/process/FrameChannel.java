package dev.spindle.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The framed control channel over a connected Unix-domain socket, used the same way by the parent and the child.
 *
 * <p>One thread reads ({@link #read()}); writes go through a queue to a dedicated writer thread. No thread that
 * may be interrupted ever touches the socket: interrupting a thread blocked in an interruptible channel operation
 * closes the channel, which would kill the worker for a mere cancellation.
 *
 * <p>Thread-safe for one reader and any number of senders.
 */
final class FrameChannel implements AutoCloseable {

    private static final Frame CLOSE = Frame.of((byte) 0, 0);

    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final LinkedBlockingQueue<Frame> outbox = new LinkedBlockingQueue<>();
    private final Thread writer;

    FrameChannel(SocketChannel channel, String writerName) {
        this.channel = channel;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024));
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
        this.writer = Thread.ofPlatform().daemon().name(writerName).unstarted(this::writeLoop);
        writer.start();
    }

    /** Queues a frame; never blocks. A frame queued after the channel broke is dropped (the reader sees EOF). */
    void send(Frame frame) {
        outbox.add(frame);
    }

    /**
     * @return the next frame
     * @throws EOFException when the other side closed the channel
     * @throws IOException on a broken channel or a malformed frame
     */
    Frame read() throws IOException {
        int length = in.readInt();
        if (length < 9 || length > Frame.MAX_LENGTH) {
            throw new StreamCorruptedException("control frame of length " + length + " (expected 9 to "
                    + Frame.MAX_LENGTH + ")");
        }
        byte type = in.readByte();
        long taskId = in.readLong();
        byte[] payload = new byte[length - 9];
        in.readFully(payload);
        return new Frame(type, taskId, payload);
    }

    private void writeLoop() {
        try {
            for (;;) {
                Frame f = outbox.take();
                if (f == CLOSE) {
                    return;
                }
                out.writeInt(9 + f.payload().length);
                out.writeByte(f.type());
                out.writeLong(f.taskId());
                out.write(f.payload());
                if (outbox.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the peer is gone: the reading side reports it (EOF), with the exit code and stderr of the worker
        }
    }

    @Override
    public void close() {
        outbox.add(CLOSE);
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
