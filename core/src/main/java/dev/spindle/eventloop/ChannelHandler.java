package dev.spindle.eventloop;

import java.nio.channels.SelectionKey;

/** Called on the loop's thread when a channel registered with {@link EventLoop#register} is ready. */
@FunctionalInterface
public interface ChannelHandler {
    /**
     * Must not block. Read {@code key.readyOps()}, do the non-blocking I/O, change {@code key.interestOps()} as
     * needed, or cancel the key and close the channel.
     *
     * @param key the channel's key; its attachment is this handler
     */
    void ready(SelectionKey key);
}
