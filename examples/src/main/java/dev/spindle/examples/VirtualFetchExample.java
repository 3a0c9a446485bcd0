package dev.spindle.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetching many URLs: the same blocking code on a pool of 16 platform threads and on one virtual thread per request.
 *
 * <p>In Python this is the choice between {@code ThreadPoolExecutor(16).map(fetch, urls)}, which has 16 requests in
 * flight at a time, and {@code asyncio.gather(*(fetch(u) for u in urls))}, which has them all in flight but needs an
 * async HTTP library and {@code async def} all the way down. In Spindle the fetch stays plain blocking code; only the
 * executor's backend changes, from {@code threads} to {@code virtual}, and every request waits at once.
 *
 * <pre>
 * java -cp ... dev.spindle.examples.VirtualFetchExample [--requests N]    (default 1000)
 * </pre>
 *
 * <p>The example starts its own HTTP server on 127.0.0.1 (a port the OS picks; loopback only) that answers every
 * request after {@value #DELAY_MILLIS} ms. The server serves each request on its own virtual thread, so the server is
 * never the bottleneck. Both executors, the client and the server are closed at the end.
 *
 * <p>What to expect: the pool of 16 needs at least {@code N / 16} rounds of 50 ms; the virtual threads need one round,
 * plus the CPU time of opening {@code N} connections and parsing {@code N} requests and responses on both ends. On a
 * 2-core machine 1000 requests take about 3.6 s and 1 s (3-4x); with {@code --requests 5000} about 16.5 s and 2.6 s.
 * More cores, or more requests, widen the gap.
 */
public final class VirtualFetchExample {

    /** How long the server takes to answer each request. */
    static final long DELAY_MILLIS = 50;
    static final int THREADS_PARALLELISM = 16;
    private static final int DEFAULT_REQUESTS = 1000;
    private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);

    private VirtualFetchExample() {
    }

    /**
     * @param args {@code [--requests N]}
     * @throws Exception if the server cannot start or a fetch fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * Runs the comparison and prints one line per backend, then the speed-up.
     *
     * @param args {@code [--requests N]}
     * @param out where to print
     * @throws Exception if the server cannot start or a fetch fails
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        int requests = parseRequests(args);
        ExecutorService serverThreads = Executors.newVirtualThreadPerTaskExecutor();
        AtomicInteger served = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Math.max(1024, requests));
        server.createContext("/", exchange -> answer(exchange, served));
        server.setExecutor(serverThreads);
        server.start();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/item/");
            List<URI> urls = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                urls.add(base.resolve(Integer.toString(i)));
            }
            out.printf(Locale.ROOT, "fetching %d URLs from %s (each answers after %d ms)%n", requests, base,
                    DELAY_MILLIS);

            TaskExecutor threads = Spindle.builder("fetch-threads").backend("threads")
                    .parallelism(THREADS_PARALLELISM).build();
            TaskExecutor virtual = Spindle.builder("fetch-virtual").backend("virtual").build();
            try (threads; virtual) {
                // warm both paths (JIT, the client's connection set-up) so neither timing pays for it
                fetchAll(threads, client, urls.subList(0, Math.min(requests, THREADS_PARALLELISM)));
                fetchAll(virtual, client, urls.subList(0, Math.min(requests, THREADS_PARALLELISM)));

                Outcome onThreads = fetchAll(threads, client, urls);
                int rounds = (requests + THREADS_PARALLELISM - 1) / THREADS_PARALLELISM;
                out.printf(Locale.ROOT, "threads (%d platform threads): %d of %d answered 200 in %.3f s "
                        + "(no less than %d rounds of %d ms)%n", THREADS_PARALLELISM, onThreads.ok, requests,
                        onThreads.seconds(), rounds, DELAY_MILLIS);
                Outcome onVirtual = fetchAll(virtual, client, urls);
                out.printf(Locale.ROOT, "virtual (a virtual thread per request): %d of %d answered 200 in %.3f s "
                        + "(no less than one round of %d ms; the rest is CPU: connections, HTTP parsing)%n",
                        onVirtual.ok, requests, onVirtual.seconds(), DELAY_MILLIS);
                out.printf(Locale.ROOT, "speed-up: %.1fx (with %d requests in flight instead of %d)%n",
                        onThreads.seconds() / onVirtual.seconds(), requests, THREADS_PARALLELISM);
            }
        } finally {
            server.stop(0);
            serverThreads.shutdownNow();
        }
        out.printf(Locale.ROOT, "server answered %d requests%n", served.get());
    }

    /** The whole comparison in one call: the same function, mapped over the URLs on either executor. */
    private static Outcome fetchAll(TaskExecutor executor, HttpClient client, List<URI> urls) {
        long start = System.nanoTime();
        List<Integer> statuses = executor.map(url -> fetch(client, url), urls);
        long nanos = System.nanoTime() - start;
        int ok = 0;
        for (int status : statuses) {
            if (status == 200) {
                ok++;
            }
        }
        return new Outcome(ok, nanos);
    }

    /** Plain blocking code: on a virtual thread, {@code send} parks the thread and frees its carrier. */
    private static int fetch(HttpClient client, URI url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void answer(HttpExchange exchange, AtomicInteger served) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            Thread.sleep(DELAY_MILLIS); // a slow backend service
            served.incrementAndGet(); // before answering, so the count is complete once the client has its answer
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(BODY);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping: the client sees a closed connection
        }
    }

    private static int parseRequests(String[] args) {
        int requests = DEFAULT_REQUESTS;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--requests") && i + 1 < args.length) {
                try {
                    requests = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--requests needs a whole number, got '" + args[i] + "'");
                }
                if (requests < 1) {
                    throw new IllegalArgumentException("--requests must be at least 1, got " + requests);
                }
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'; usage: [--requests N]");
            }
        }
        return requests;
    }

    private record Outcome(int ok, long nanos) {
        double seconds() {
            return nanos / 1e9;
        }
    }
}
