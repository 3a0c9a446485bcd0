/*
 * The echo server of EchoServerExample: asyncio's start_server(handle, ...) written out as NIO readiness handlers on an
 * EventLoop. See EchoServerExample for the whole picture.
 */
package dev.spindle.examples;

import dev.spindle.eventloop.ChannelHandler;
import dev.spindle.eventloop.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The server: an accept handler on the listening channel, a {@link Connection} handler per client. Its fields are
 * touched on the loop's thread only.
 */
final class EchoServer implements ChannelHandler {

    /**
     * @param accepted connections accepted
     * @param bytesEchoed bytes written back
     * @param partialWrites writes the socket took only part of, after which the connection waited for OP_WRITE
     * @param peakOpen the most connections open at once
     * @param acceptFailures accepts that failed (each pauses accepting for 100 ms)
     */
    record Counters(long accepted, long bytesEchoed, long partialWrites, int peakOpen, long acceptFailures) {
    }

    private final EventLoop loop;
    private final ServerSocketChannel channel;
    private final InetSocketAddress address;
    private final Set<Connection> open = new HashSet<>();
    private long accepted;
    private long bytesEchoed;
    private long partialWrites;
    private int peakOpen;
    private long acceptFailures;

    private EchoServer(EventLoop loop, ServerSocketChannel channel) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.address = (InetSocketAddress) channel.getLocalAddress();
    }

    /** Binds {@code address} (port 0: any free port) and lets {@code loop} accept on it. */
    static EchoServer start(EventLoop loop, InetSocketAddress address) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.bind(address, 1024); // backlog: the clients connect all at once
            EchoServer server = new EchoServer(loop, channel);
            loop.register(channel, SelectionKey.OP_ACCEPT, server).toCompletableFuture().join();
            return server;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    InetSocketAddress address() {
        return address;
    }

    /** OP_ACCEPT: take every pending connection and watch it for OP_READ. */
    @Override
    public void ready(SelectionKey key) {
        for (;;) {
            SocketChannel client;
            try {
                client = channel.accept(); // non-blocking: null when nobody waits
            } catch (IOException e) {
                // e.g. out of file descriptors: the connection stays in the backlog and the key stays ready, so
                // stop accepting for a moment instead of spinning on the same error
                acceptFailures++;
                key.interestOps(0);
                loop.schedule(Duration.ofMillis(100), () -> {
                    if (key.isValid()) {
                        key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                });
                return;
            }
            if (client == null) {
                return;
            }
            try {
                client.setOption(StandardSocketOptions.TCP_NODELAY, true); // echo each read at once
            } catch (IOException e) {
                closeQuietly(client); // the client is already gone
                continue;
            }
            Connection c = new Connection(this, client);
            open.add(c);
            accepted++;
            peakOpen = Math.max(peakOpen, open.size());
            loop.register(client, SelectionKey.OP_READ, c).whenComplete((k, e) -> {
                if (e != null) {
                    c.close(null);
                }
            });
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket that failed: nothing left to do with it
        }
    }

    /** Closes the listening channel and every open connection, on the loop; returns the counters. */
    Counters close() {
        return loop.submit(() -> {
            channel.close();
            for (Connection c : List.copyOf(open)) {
                c.close(null);
            }
            return new Counters(accepted, bytesEchoed, partialWrites, peakOpen, acceptFailures);
        }).join();
    }

    /** Reads the counters on the loop, where they live. */
    Counters counters() {
        return loop.submit(() -> new Counters(accepted, bytesEchoed, partialWrites, peakOpen, acceptFailures)).join();
    }

    /**
     * One client. Interest is OP_READ while its buffer is empty and OP_WRITE while it holds bytes the socket has
     * not taken yet: a slow reader on the other end stops this side from reading (back-pressure), and the
     * buffer never grows.
     */
    private static final class Connection implements ChannelHandler {
        private final EchoServer server;
        private final SocketChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);

        Connection(EchoServer server, SocketChannel channel) {
            this.server = server;
            this.channel = channel;
        }

        @Override
        public void ready(SelectionKey key) {
            try {
                if (key.isWritable()) {
                    flush(key);
                } else if (key.isReadable()) {
                    int n = channel.read(buffer);
                    if (n < 0) {
                        close(key); // the client closed; everything it sent was echoed (the buffer is empty)
                    } else if (n > 0) {
                        buffer.flip();
                        flush(key);
                    }
                }
            } catch (IOException e) {
                close(key); // e.g. a reset by the peer: this connection ends, the server goes on
            }
        }

        private void flush(SelectionKey key) throws IOException {
            server.bytesEchoed += channel.write(buffer);
            if (buffer.hasRemaining()) {
                if (key.interestOps() != SelectionKey.OP_WRITE) {
                    server.partialWrites++;
                    key.interestOps(SelectionKey.OP_WRITE); // stop reading until the socket takes the rest
                }
            } else {
                buffer.clear();
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        void close(SelectionKey key) {
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
            server.open.remove(this);
        }
    }
}
