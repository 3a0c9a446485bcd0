package dev.spindle.process;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

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
        String n = name.length() > 1000 ? name.substring(0, 1000) : name;
        int utf = 0;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            utf += c >= 1 && c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
        }
        // one array of the exact size, laid out as DataOutputStream would (writeInt, writeLong, writeUTF)
        byte[] out = new byte[4 + 8 + 2 + utf + payload.length];
        ByteBuffer b = ByteBuffer.wrap(out).putInt(MAGIC).putLong(remainingNanos).putShort((short) utf);
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c >= 1 && c <= 0x7f) {
                b.put((byte) c);
            } else if (c <= 0x7ff) {
                b.put((byte) (0xc0 | (c >> 6))).put((byte) (0x80 | (c & 0x3f)));
            } else {
                b.put((byte) (0xe0 | (c >> 12))).put((byte) (0x80 | ((c >> 6) & 0x3f))).put((byte) (0x80 | (c & 0x3f)));
            }
        }
        b.put(payload);
        return out;
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
