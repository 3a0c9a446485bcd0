package dev.spindle.process;

/**
 * One message on a worker's control channel. On the wire: {@code int length} (of what follows), {@code byte type},
 * {@code long taskId}, then {@code length - 9} payload bytes.
 *
 * @param type one of the type constants
 * @param taskId the task the frame is about, or 0
 * @param payload the bytes, possibly empty
 */
record Frame(byte type, long taskId, byte[] payload) {

    /** Parent to child: run this task (payload: an encoded {@link Payload}). */
    static final byte TASK = 1;
    /** Parent to child: interrupt the thread running this task. */
    static final byte CANCEL = 2;
    /** Parent to child: exit now, no task is running. */
    static final byte BYE = 3;
    /** Child to parent: the task returned (payload: the encoded value). */
    static final byte RESULT = 4;
    /** Child to parent: the task threw (payload: the encoded exception); task 0: the initializer threw. */
    static final byte FAILURE = 5;
    /** Child to parent, first frame: connected and initialized, ready for tasks. */
    static final byte READY = 6;

    /** The largest frame accepted either way; a longer length prefix is a protocol error. */
    static final int MAX_LENGTH = Payload.MAX_BYTES + 1024;

    static final byte[] EMPTY = new byte[0];

    static Frame of(byte type, long taskId) {
        return new Frame(type, taskId, EMPTY);
    }
}
