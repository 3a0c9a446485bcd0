package dev.spindle.examples;

import dev.spindle.MapOptions;
import dev.spindle.SerializableFunction;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskHandle;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The I/O-bound workload: {@code requests} GET requests to the loopback {@link SlowHttpServer}, one task each, forked
 * into a {@link TaskGroup}. Each task blocks on the socket for the server's delay and uses almost no CPU, so what
 * helps is having many requests in flight, not having many cores. Each successful answer counts 1 in the checksum.
 *
 * <p>{@link #close()} closes the HTTP client and its threads.
 */
final class IoWorkload implements Workload, AutoCloseable {

    private final URI base;
    private final int requests;
    private final int delayMillis;
    private final int parallelism;
    private final HttpClient client;

    /**
     * @param base the server's address
     * @param requests how many requests
     * @param delayMillis the server's delay, for the description
     * @param parallelism how many requests a pooled backend keeps in flight
     */
    IoWorkload(URI base, int requests, int delayMillis, int parallelism) {
        this.base = base;
        this.requests = requests;
        this.delayMillis = delayMillis;
        this.parallelism = parallelism;
        this.client = newClient();
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY) // loopback only, whatever proxy the machine is set up with
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Override
    public String name() {
        return "io";
    }

    @Override
    public String description() {
        return requests + " HTTP requests to a loopback server that answers after " + delayMillis + " ms";
    }

    @Override
    public int units() {
        return requests;
    }

    @Override
    public int parallelism(int cores) {
        return parallelism;
    }

    @Override
    public long runUnit(int index) throws IOException, InterruptedException {
        return fetch(client, base, index);
    }

    private static long fetch(HttpClient client, URI base, int index) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("item/" + index))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200 || response.body().length != SlowHttpServer.BODY.length) {
            throw new IOException("request " + request.uri() + " got HTTP " + response.statusCode() + " with "
                    + response.body().length + " bytes; expected 200 and 'ok'");
        }
        return 1;
    }

    @Override
    public long runOn(TaskExecutor executor, Meter meter) {
        if (executor.backend().equals("process")) {
            // Requests from child JVMs, each with its own HTTP client; results counted as they arrive. A worker
            // runs one task at a time, so a pool of processes overlaps only as many waits as it has workers: the
            // table shows why I/O-bound work belongs on threads, virtual threads or an event loop.
            try (Stream<Long> results = executor.mapStreaming(new Fetch(base.toString()),
                    IntStream.range(0, requests).boxed().toList(), MapOptions.unordered())) {
                return results.mapToLong(meter::arrived).sum();
            }
        }
        // asyncio.TaskGroup style: fork every request, join them all; the first failure would cancel the rest
        try (TaskGroup group = TaskGroup.open(executor).named("io-requests")) {
            List<TaskHandle<Long>> handles = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                int index = i;
                handles.add(group.fork(() -> meter.time(() -> runUnit(index))));
            }
            group.join();
            long ok = 0;
            for (TaskHandle<Long> h : handles) {
                ok += h.join();
            }
            return ok;
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** One request as a serializable function of its index: what crosses into a child JVM. */
    record Fetch(String base) implements SerializableFunction<Integer, Long> {
        @Override
        public Long apply(Integer index) throws Exception {
            return fetch(ChildClient.CLIENT, URI.create(base), index);
        }
    }

    /** The HTTP client of a child JVM, made on its first request there and kept for the JVM's life. */
    private static final class ChildClient {
        static final HttpClient CLIENT = newClient();
    }
}
