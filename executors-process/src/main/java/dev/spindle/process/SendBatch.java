package dev.spindle.process;

import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces the control frames one thread sends while it handles several things in a row: a pump sending into every
 * room the slots have, a worker's reader handling every reply it has already received. Inside a batch,
 * {@link FrameChannel#send} queues its frame and notes the channel; when the outermost batch ends, each channel
 * writes all its queued frames at once (one system call where there were as many as frames), and then the actions
 * deferred with {@link #afterFlush} run, outside any batch.
 *
 * <p>A batch must not wait for anything: its frames go out only when it ends. The work inside one (the pump's
 * bookkeeping and sending) never waits; what might (completing a user's task, whose callbacks are the user's code)
 * is deferred with {@link #afterFlush}.
 *
 * <p>Confined to its thread.
 */
final class SendBatch {

    private static final Logger LOG = LoggerFactory.getLogger(SendBatch.class);
    private static final ThreadLocal<SendBatch> CURRENT = new ThreadLocal<>();

    private int depth;
    private final ArrayList<FrameChannel> channels = new ArrayList<>(4);
    private final ArrayList<Runnable> after = new ArrayList<>();

    private SendBatch() {
    }

    /** @return the batch this thread is now in (nested batches join the outermost); end it in a finally block */
    static SendBatch begin() {
        SendBatch b = CURRENT.get();
        if (b == null) {
            b = new SendBatch();
            CURRENT.set(b);
        }
        b.depth++;
        return b;
    }

    /**
     * Ends this level; the outermost writes what its channels queued, then runs the deferred actions (in the order
     * they were deferred, each even if one before it threw).
     */
    void end() {
        if (--depth > 0) {
            return;
        }
        for (int i = 0; i < channels.size(); i++) {
            channels.get(i).flush();
        }
        channels.clear();
        while (!after.isEmpty()) {
            Runnable[] actions = after.toArray(new Runnable[0]);
            after.clear();
            for (Runnable a : actions) {
                try {
                    a.run(); // may begin a batch of its own: depth is 0 here
                } catch (RuntimeException | Error e) {
                    LOG.error("an action deferred to the end of a send batch threw; this is a bug in Spindle, please "
                            + "report it", e);
                }
            }
        }
    }

    /**
     * @param channel a channel that has just queued a frame
     * @return {@code true} if this thread is in a batch, which now writes {@code channel} when it ends; {@code false}
     *     if the caller should write at once
     */
    static boolean defer(FrameChannel channel) {
        SendBatch b = CURRENT.get();
        if (b == null || b.depth == 0) {
            return false;
        }
        if (!b.channels.contains(channel)) {
            b.channels.add(channel);
        }
        return true;
    }

    /**
     * Runs {@code action} once this thread's batch has written its frames, or now if it is in none.
     *
     * @param action what to run; it should not throw (what it throws is logged as a bug)
     */
    static void afterFlush(Runnable action) {
        SendBatch b = CURRENT.get();
        if (b == null || b.depth == 0) {
            action.run();
        } else {
            b.after.add(action);
        }
    }
}
