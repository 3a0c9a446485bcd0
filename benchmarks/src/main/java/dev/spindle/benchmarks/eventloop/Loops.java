package dev.spindle.benchmarks.eventloop;

import dev.spindle.eventloop.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The two loops under test, created and closed the same way in every eventloop benchmark: Spindle's
 * {@link EventLoop} with its defaults (slow-step watchdog on), and Netty 4.2's single NIO loop, the one thread of
 * {@code new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory())}. Only the loop a trial measures is created.
 */
final class Loops implements AutoCloseable {

    private EventLoop spindle;
    private Pipe pipe;
    private MultiThreadIoEventLoopGroup nettyGroup;
    private IoEventLoop netty;

    private Loops() {
    }

    /**
     * @param withSelector whether the Spindle loop waits in {@code Selector.select()} (as it does once a channel is
     *     registered, and as Netty's NIO loop always does) rather than in {@code LockSupport.park()}
     */
    static Loops ofSpindle(boolean withSelector) {
        Loops l = new Loops();
        l.spindle = EventLoop.create("bench");
        if (withSelector) {
            try {
                l.pipe = Pipe.open(); // a channel that never becomes ready: it only makes the loop open its selector
                l.spindle.register(l.pipe.source(), SelectionKey.OP_READ, key -> { }).toCompletableFuture().join();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return l;
    }

    static Loops ofNetty() {
        Loops l = new Loops();
        l.nettyGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        l.netty = (IoEventLoop) l.nettyGroup.next();
        l.netty.submit(() -> { }).syncUninterruptibly(); // Netty starts its thread on the first task
        System.err.println("# netty: hasUnsafe=" + PlatformDependent.hasUnsafe() + ", task queue "
                + PlatformDependent.newMpscQueue().getClass().getSimpleName());
        return l;
    }

    /** @return an {@code Executor} that submits each runnable to {@code loop} as a full Spindle task */
    static Executor asTasks(EventLoop loop) {
        return r -> loop.submit(() -> {
            r.run();
            return null;
        });
    }

    EventLoop spindle() {
        return spindle;
    }

    IoEventLoop netty() {
        return netty;
    }

    @Override
    public void close() throws IOException {
        if (spindle != null) {
            spindle.close();
        }
        if (pipe != null) {
            pipe.source().close();
            pipe.sink().close();
        }
        if (nettyGroup != null) {
            nettyGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
