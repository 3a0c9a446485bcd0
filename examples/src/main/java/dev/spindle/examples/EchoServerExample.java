/*
 * Python idiom: asyncio.start_server + asyncio.open_connection -- a TCP echo server driven by one event loop.
 *
 *     async def handle(reader, writer):
 *         while data := await reader.read(16384):
 *             writer.write(data)
 *             await writer.drain()             # waits while the socket's send buffer is full
 *         writer.close()
 *
 *     async def main():
 *         server = await asyncio.start_server(handle, "127.0.0.1", 0)
 *         async def client(i):
 *             reader, writer = await asyncio.open_connection("127.0.0.1", port)
 *             writer.write(message(i))
 *             assert await reader.readexactly(size) == message(i)
 *             writer.close()
 *         await asyncio.gather(*(client(i) for i in range(1000)))
 *         server.close()
 *
 * In Spindle the server is what asyncio's streams are built on: loop.register(channel, ops, handler) with
 * non-blocking NIO. The accept handler registers every new connection for OP_READ; a connection's handler reads,
 * writes back what it read, and when the socket takes only part of it (its send buffer is full) it stops reading and
 * waits for OP_WRITE -- writer.drain(), by hand. All server state lives on the loop's thread, so it needs no lock.
 * The client is plain blocking sockets, one virtual thread per connection: blocking is fine where no loop runs.
 *
 * Run: java dev.spindle.examples.EchoServerExample [--connections=1000] [--size=1024]
 */
package dev.spindle.examples;

import dev.spindle.eventloop.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Python's {@code asyncio.start_server} echo server and its {@code asyncio.open_connection} clients, in Spindle: a
 * TCP echo server on loopback driven by one {@link EventLoop} through NIO, and a client that opens
 * {@code --connections} connections (default 1,000). See the comment at the top of the file.
 */
public final class EchoServerExample {

    /** The largest message the client sends: it writes all of it before reading, so it must fit the socket buffers. */
    static final int MAX_SIZE = 64 * 1024;

    /**
     * What the example saw, for its test.
     *
     * @param connections connections the clients opened, each checked
     * @param bytesSent bytes the clients sent
     * @param server the server's counters after it closed
     * @param took how long the clients took, from the first connect to the last close
     */
    record Outcome(int connections, long bytesSent, EchoServer.Counters server, Duration took) {
    }

    private EchoServerExample() {
    }

    /**
     * @param args {@code --connections=N} (default 1000), {@code --size=BYTES} per message (default 1024)
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * Starts the server on a loop, runs the clients against it, closes everything.
     *
     * @param args see {@link #main}
     * @param out where to print
     * @return what happened
     * @throws Exception if a client saw a wrong echo, or the server could not start
     */
    static Outcome run(String[] args, PrintStream out) throws Exception {
        int connections = intOption(args, "--connections", 1000);
        int size = intOption(args, "--size", 1024);
        if (connections < 1 || size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("need --connections >= 1 and 1 <= --size <= " + MAX_SIZE + "; got "
                    + connections + " and " + size);
        }
        EchoServer.Counters counters;
        long started;
        long ended;
        try (EventLoop loop = EventLoop.create("echo-server")) {
            EchoServer server = EchoServer.start(loop, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            out.println("echo server on " + server.address() + ", driven by one event loop thread");
            started = System.nanoTime();
            try {
                runClients(server.address(), connections, size);
            } finally {
                ended = System.nanoTime();
                counters = server.close(); // on the loop: closes the listening socket and what is still open
            }
        } // close(): the loop runs what it accepted, closes its selector, and its thread ends
        Duration took = Duration.ofNanos(ended - started);
        long sent = (long) connections * size;
        out.printf(Locale.ROOT, "%,d connections x %,d bytes: %,d bytes sent, %,d echoed, every echo checked%n",
                connections, size, sent, counters.bytesEchoed());
        out.printf(Locale.ROOT, "took %,d ms (%,.0f connections/s); at most %,d connections open on the server at "
                + "once; %,d partial writes waited for OP_WRITE%n", took.toMillis(),
                connections / Math.max(1e-9, took.toNanos() / 1e9), counters.peakOpen(), counters.partialWrites());
        if (counters.acceptFailures() > 0) {
            out.printf(Locale.ROOT, "%,d accepts failed (each paused accepting for 100 ms)%n", counters.acceptFailures());
        }
        return new Outcome(connections, sent, counters, took);
    }

    /**
     * One virtual thread per connection, all at once: connect, send the message, read the echo back, check it,
     * close.
     */
    private static void runClients(InetSocketAddress address, int connections, int size) throws Exception {
        List<Future<?>> done = new ArrayList<>(connections);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections; i++) {
                int id = i;
                done.add(clients.submit(() -> {
                    echoOnce(address, message(id, size), id);
                    return null;
                }));
            }
        } // waits for every client
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    private static void echoOnce(InetSocketAddress address, byte[] message, int id) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 30_000);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(message); // fits the socket buffers (size <= MAX_SIZE): no reader needed
            byte[] echo = new byte[message.length];
            InputStream in = socket.getInputStream();
            for (int off = 0; off < echo.length; ) {
                int n = in.read(echo, off, echo.length - off);
                if (n < 0) {
                    throw new IOException("connection " + id + ": the server closed after " + off + " of "
                            + echo.length + " bytes");
                }
                off += n;
            }
            if (!Arrays.equals(message, echo)) {
                throw new IllegalStateException("connection " + id + ": the echo differs from the message");
            }
        }
    }

    /** A message that names its connection, so that a mix-up between connections would show. */
    static byte[] message(int id, int size) {
        byte[] prefix = ("connection " + id + ": ").getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[size];
        for (int i = 0; i < size; i++) {
            m[i] = i < prefix.length ? prefix[i] : (byte) ('a' + (i + id) % 26);
        }
        return m;
    }

    static int intOption(String[] args, String name, int fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1).replace("_", ""));
            }
        }
        return fallback;
    }
}
