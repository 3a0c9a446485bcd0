package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.eventloop.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EchoServerExampleTest {

    @Test
    void everyConnectionGetsItsOwnBytesBackAndNothingIsLeftRunning() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EchoServerExample.Outcome o = EchoServerExample.run(new String[] {"--connections=50", "--size=3000"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertEquals(50, o.connections());
        assertEquals(50, o.server().accepted(), "one server-side connection per client");
        assertEquals(50L * 3000, o.bytesSent());
        assertEquals(o.bytesSent(), o.server().bytesEchoed(), "the server wrote back exactly what it was sent");
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("50 connections x 3,000 bytes"), printed);
        assertNoThreadLeft("spindle-loop-echo-server");
    }

    /**
     * A client that does not read while it sends far more than any socket buffer holds (64 MiB against at most
     * 4 MiB of send buffer, tcp_wmem's maximum, plus a client receive buffer held at 8 KiB): the server must meet a
     * partial write, stop reading and wait for OP_WRITE, and still echo every byte in order once the client reads.
     */
    @Test
    void aClientThatDoesNotReadMakesTheServerWaitForOpWriteWithoutLosingBytes() throws Exception {
        int size = 64 << 20;
        try (EventLoop loop = EventLoop.create("echo-server-pressure")) {
            EchoServer server = EchoServer.start(loop,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(8 * 1024);
                socket.connect(server.address(), 30_000);
                socket.setSoTimeout(60_000);
                byte[] message = EchoServerExample.message(7, size);
                Thread writer = Thread.ofVirtual().name("echo-test-writer").start(() -> {
                    try {
                        socket.getOutputStream().write(message);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (server.counters().partialWrites() == 0) { // ordering, not timing: read only after it happened
                    assertTrue(System.nanoTime() < deadline, "no partial write within 60 s");
                    Thread.sleep(5);
                }
                byte[] echo = new byte[size];
                InputStream in = socket.getInputStream();
                for (int off = 0; off < size; ) {
                    int n = in.read(echo, off, size - off);
                    assertTrue(n > 0, "the server closed early, at byte " + off);
                    off += n;
                }
                writer.join();
                assertArrayEquals(message, echo);
            } finally {
                EchoServer.Counters c = server.close();
                assertTrue(c.partialWrites() >= 1, "partial writes: " + c.partialWrites());
                assertEquals(size, c.bytesEchoed());
            }
        }
        assertNoThreadLeft("spindle-loop-echo-server-pressure");
    }

    /** The loop's thread and its watchdog end shortly after close(); a generous bound, checked by polling. */
    static void assertNoThreadLeft(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith(prefix)).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("threads left running after close(): " + left);
    }
}
