package dev.spindle.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP server on the loopback interface that answers every request with {@code ok} after a fixed delay: a
 * stand-in for a slow remote service, so the I/O-bound workload really waits on a socket. It listens on
 * 127.0.0.1 only, on a port the OS picks, and {@link #close()} stops it and its threads.
 *
 * <p>Its threads are named {@code showcase-http-*} (the JDK's own accept loop is {@code HTTP-Dispatcher}) so that
 * the showcase can leave the server's CPU time out of the client's.
 */
final class SlowHttpServer implements AutoCloseable {

    /** Prefix of the names of the threads that answer requests. */
    static final String THREAD_PREFIX = "showcase-http-";

    static final byte[] BODY = "ok".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService handlers;
    private final long delayMillis;

    private SlowHttpServer(HttpServer server, ExecutorService handlers, long delayMillis) {
        this.server = server;
        this.handlers = handlers;
        this.delayMillis = delayMillis;
    }

    /**
     * Starts a server on 127.0.0.1 and a free port.
     *
     * @param delayMillis how long each answer takes
     * @param maxConcurrent how many requests it serves at once (more wait in its queue)
     * @return the running server
     * @throws IOException if the socket cannot be opened
     */
    static SlowHttpServer start(long delayMillis, int maxConcurrent) throws IOException {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor handlers = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, THREAD_PREFIX + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        handlers.allowCoreThreadTimeOut(true);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        SlowHttpServer slow = new SlowHttpServer(server, handlers, delayMillis);
        server.createContext("/", slow::answer);
        server.setExecutor(handlers);
        server.start();
        return slow;
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(BODY);
            }
        } catch (InterruptedException e) {
            // close() interrupted a request in flight: the client gets a closed connection, which is fine at the end
            Thread.currentThread().interrupt();
        }
    }

    /** @return the server's base address, e.g. {@code http://127.0.0.1:40123/} */
    URI uri() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/");
    }

    /** @return whether a thread with this name belongs to the server */
    static boolean isServerThread(String threadName) {
        return threadName.startsWith(THREAD_PREFIX) || threadName.equals("HTTP-Dispatcher");
    }

    /** Stops accepting, closes the socket and stops the server's threads; waits up to 5 s for them. */
    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
