package dev.spindle.process;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * What the parent tells a worker about one run of a task besides the task itself, prefixed to the payload of its
 * TASK frame: the time left until the task's deadline (its own or inherited from its groups) and its name, so that
 * {@code Cancellation.remaining()} and messages in the worker match the parent's.
 *
 * <p>Layout: {@code int MAGIC}, {@code long remainingNanos} ({@link #NO_DEADLINE} if none), {@code writeUTF name},
 * then the encoded {@link Payload}. A payload without the magic (it starts with its class count, never this large)
 * is read as a bare task with no deadline. Stateless.
 */
final class RunHeader {

    /** The first four bytes of a header: "SPH1". */
    static final int MAGIC = 0x53504831;
    /** {@code remainingNanos} of a task without a deadline. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * @param remainingNanos the time left, or {@link #NO_DEADLINE}
     * @param name the task's name, or {@code null}
     * @param offset where the encoded task starts in the frame's payload
     */
    record Parsed(long remainingNanos, String name, int offset) {
    }

    private RunHeader() {
    }

    /**
     * @param payload the encoded task
     * @param remainingNanos the time left until its deadline, or {@link #NO_DEADLINE}
     * @param name its name
     * @return the header followed by {@code payload}
     */
    static byte[] prefix(byte[] payload, long remainingNanos, String name) {
        ByteArrayOutputStream head = new ByteArrayOutputStream(16 + name.length());
        try (DataOutputStream out = new DataOutputStream(head)) {
            out.writeInt(MAGIC);
            out.writeLong(remainingNanos);
            out.writeUTF(name.length() > 1000 ? name.substring(0, 1000) : name);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        // the header is small; the payload, which may be large, is copied once, into an array of the exact size
        byte[] framed = Arrays.copyOf(head.toByteArray(), head.size() + payload.length);
        System.arraycopy(payload, 0, framed, head.size(), payload.length);
        return framed;
    }

    /**
     * @param framed a TASK frame's payload
     * @return its header, or no deadline and no name at offset 0 if it has none
     * @throws IOException if the header is cut short
     */
    static Parsed parse(byte[] framed) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(framed));
        if (framed.length < 4 || in.readInt() != MAGIC) {
            return new Parsed(NO_DEADLINE, null, 0);
        }
        long remaining = in.readLong();
        String name = in.readUTF();
        return new Parsed(remaining, name, framed.length - in.available());
    }
}
