package dev.spindle.process;

import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The framed control channel over a connected Unix-domain socket, used the same way by the parent and the child.
 *
 * <p>The socket is in non-blocking mode, so no thread's interrupt can close it (interrupting a thread blocked in a
 * blocking channel operation closes the channel, which would kill the worker for a mere cancellation). A sender
 * writes its frame itself, on its own thread, while the socket takes it: no hand-off to another thread, and frames
 * queued meanwhile by other senders go out in the same write. Only when the socket's buffer is full does a writer
 * thread of the channel's own finish the job, waiting for the socket to drain; senders never block. A thread in a
 * {@link SendBatch} only queues its frames, and writes them all when its batch ends. One thread
 * reads ({@link #read()}), waiting in a selector when nothing has come.
 *
 * <p>Thread-safe for one reader and any number of senders.
 */
final class FrameChannel implements AutoCloseable {

    private static final int HEADER = 13; // int length, byte type, long taskId
    private static final int BUFFER = 64 * 1024;

    private final SocketChannel channel;
    private final String writerName;
    // reading: the reader thread's alone
    private final Selector readSelector;
    private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER).flip();
    // writing: owned by whoever holds `writing`
    private final ConcurrentLinkedQueue<Frame> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    private Frame current; // the frame being copied into `out`
    private int currentOffset; // how much of current's payload is copied
    private volatile boolean broken; // a write failed or the channel was closed: frames are dropped

    FrameChannel(SocketChannel channel, String writerName) throws IOException {
        this.channel = channel;
        this.writerName = writerName;
        channel.configureBlocking(false);
        this.readSelector = Selector.open();
        channel.register(readSelector, SelectionKey.OP_READ);
    }

    /**
     * Sends a frame, on this thread as far as the socket takes it; never blocks. A frame sent after the channel broke
     * is dropped (the reader sees EOF).
     */
    void send(Frame frame) {
        if (broken) {
            return;
        }
        outbox.add(frame);
        if (!SendBatch.defer(this)) {
            drain();
        }
    }

    /** Writes the frames queued by a {@link SendBatch}, as {@link #send} does. */
    void flush() {
        if (!broken && !outbox.isEmpty()) {
            drain();
        }
    }

    /**
     * @return whether a whole frame has been received and not read yet, so that {@link #read()} returns it without
     *     waiting; the reader's alone
     */
    boolean hasFrame() {
        int have = in.remaining();
        return have >= HEADER && have - 4 >= in.getInt(in.position());
    }

    /**
     * Writes what is queued, unless another thread is at it (it then writes ours too: it looks at the queue again
     * after letting go, so nothing is left behind).
     */
    private void drain() {
        do {
            if (!writing.compareAndSet(false, true)) {
                return;
            }
            boolean handedOver = false;
            try {
                handedOver = !writeQueued();
            } catch (IOException e) {
                fail();
            } finally {
                if (!handedOver) {
                    writing.set(false);
                }
            }
            if (handedOver) {
                return; // the backlog writer owns the writing now and looks at the queue when done
            }
        } while (!outbox.isEmpty() && !broken);
    }

    /**
     * Copies queued frames into the buffer and writes it, until the queue is empty and all is written.
     *
     * @return {@code true} if all went out; {@code false} if the socket is full: a backlog writer was started and
     *     owns the writing from here
     */
    private boolean writeQueued() throws IOException {
        for (;;) {
            fill();
            if (out.position() == 0) {
                return true;
            }
            out.flip();
            channel.write(out);
            boolean all = !out.hasRemaining();
            out.compact();
            if (!all) {
                startBacklogWriter();
                return false;
            }
        }
    }

    /** Copies as much of the current and queued frames into {@code out} as fits. */
    private void fill() {
        while (out.hasRemaining()) {
            if (current == null) {
                if (out.remaining() < HEADER) {
                    return; // a header goes in whole, after the next write
                }
                current = outbox.poll();
                if (current == null) {
                    return;
                }
                out.putInt(9 + current.payload().length).put(current.type()).putLong(current.taskId());
                currentOffset = 0;
            }
            byte[] p = current.payload();
            int n = Math.min(out.remaining(), p.length - currentOffset);
            out.put(p, currentOffset, n);
            currentOffset += n;
            if (currentOffset == p.length) {
                current = null;
            }
        }
    }

    private void startBacklogWriter() {
        Thread.ofPlatform().daemon().name(writerName).start(this::writeBacklog);
    }

    /** On the backlog writer: waits for the socket to take more, writes until all is out, then lets go. */
    private void writeBacklog() {
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_WRITE);
            for (;;) {
                out.flip();
                while (out.hasRemaining()) {
                    if (channel.write(out) == 0) {
                        selector.select(1000);
                        selector.selectedKeys().clear();
                        if (broken) {
                            return;
                        }
                    }
                }
                out.clear();
                fill();
                if (out.position() == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            fail();
            return;
        }
        writing.set(false);
        if (!outbox.isEmpty()) {
            drain();
        }
    }

    private void fail() {
        broken = true;
        outbox.clear();
        // the peer is gone: the reading side reports it (EOF), with the exit code and stderr of the worker
    }

    /**
     * Waits for the next frame. An interrupt does not end the wait (nor close the channel); it is kept for the caller.
     *
     * @return the next frame
     * @throws EOFException when the other side closed the channel
     * @throws IOException on a broken channel or a malformed frame
     */
    Frame read() throws IOException {
        boolean interrupted = false;
        try {
            require(HEADER);
            int length = in.getInt();
            if (length < 9 || length > Frame.MAX_LENGTH) {
                throw new StreamCorruptedException("control frame of length " + length + " (expected 9 to "
                        + Frame.MAX_LENGTH + ")");
            }
            byte type = in.get();
            long taskId = in.getLong();
            byte[] payload = new byte[length - 9];
            int have = Math.min(in.remaining(), payload.length);
            in.get(payload, 0, have);
            if (have < payload.length) {
                ByteBuffer rest = ByteBuffer.wrap(payload, have, payload.length - have);
                while (rest.hasRemaining()) {
                    interrupted |= readSome(rest);
                }
            }
            return new Frame(type, taskId, payload);
        } finally {
            if (interrupted || interruptedWhileReading) {
                interruptedWhileReading = false;
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean interruptedWhileReading; // the reader's alone

    /** Reads until {@code in} holds at least {@code n} bytes. */
    private void require(int n) throws IOException {
        if (in.remaining() >= n) {
            return;
        }
        in.compact();
        try {
            while (in.position() < n) {
                interruptedWhileReading |= readSome(in);
            }
        } finally {
            in.flip();
        }
    }

    /**
     * Reads what has come into {@code into}, waiting for something if nothing has.
     *
     * @return whether the thread was interrupted meanwhile (its flag is cleared, to be restored by the caller)
     */
    private boolean readSome(ByteBuffer into) throws IOException {
        boolean interrupted = false;
        for (;;) {
            int n = channel.read(into);
            if (n < 0) {
                throw new EOFException("the control channel was closed by the other side");
            }
            if (n > 0) {
                return interrupted;
            }
            try {
                readSelector.select();
            } catch (ClosedSelectorException e) {
                throw new AsynchronousCloseException(); // close() on another thread
            }
            readSelector.selectedKeys().clear();
            if (Thread.interrupted()) {
                interrupted = true; // select returns at once while the flag is set: clear it and wait again
            }
        }
    }

    @Override
    public void close() {
        broken = true;
        outbox.clear();
        // a backlog writer notices within its next wait of a second at most
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
        try {
            readSelector.close(); // wakes a reader waiting in it
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
