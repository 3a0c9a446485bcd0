package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The control channel delivers every frame whole and in each sender's order, whatever their sizes (a socket buffer
 * overflowing mid-frame included), however many threads send at once and whether or not they batch their sends; an
 * interrupted sender or reader neither loses a frame nor closes the channel.
 */
class FrameChannelProperties {

    /** Two connected ends of a Unix-domain socket, each a FrameChannel. */
    private record Pair(FrameChannel a, FrameChannel b, Path dir) implements AutoCloseable {
        static Pair open() throws IOException {
            Path dir = Files.createTempDirectory("spindle-frame-test-");
            Path socket = dir.resolve("s");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
                client.connect(UnixDomainSocketAddress.of(socket));
                SocketChannel accepted = server.accept();
                return new Pair(new FrameChannel(client, "test-a-writer"), new FrameChannel(accepted, "test-b-writer"),
                        dir);
            } finally {
                Files.deleteIfExists(socket);
            }
        }

        @Override
        public void close() throws IOException {
            a.close();
            b.close();
            Files.deleteIfExists(dir);
        }
    }

    /** Frame {@code seq} of sender {@code sender}: its id says who and which; its bytes are derived from both. */
    private static Frame frame(int sender, int seq, int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) (sender * 31 + seq * 7 + i);
        }
        return new Frame(Frame.RESULT, ((long) sender << 32) | seq, p);
    }

    @Property(tries = 25)
    void everyFrameArrivesWholeAndInEachSendersOrder(@ForAll @IntRange(min = 1, max = 6) int senders,
            @ForAll @IntRange(min = 20, max = 1500) int perSender, @ForAll @IntRange(min = 0, max = 8) int bigOneIn,
            @ForAll @IntRange(min = 70_000, max = 300_000) int maxSize, @ForAll boolean readerStartsLate,
            @ForAll long seed) throws Exception {
        java.util.Random random = new java.util.Random(seed);
        int[][] sizes = new int[senders][perSender];
        for (int[] row : sizes) {
            for (int i = 0; i < row.length; i++) {
                // small frames, and with bigOneIn > 0 some up to maxSize: large ones overflow the socket's buffer
                // mid-frame; many small ones queue up behind a full socket and split at the end of the buffer
                row[i] = bigOneIn > 0 && random.nextInt(bigOneIn) == 0 ? random.nextInt(maxSize + 1)
                        : random.nextInt(100);
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(senders);
        try (Pair pair = Pair.open()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> sent = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                sent.add(threads.submit(() -> {
                    go.await();
                    SendBatch batch = null;
                    int batchLeft = 0;
                    for (int i = 0; i < perSender; i++) {
                        if (batch == null && random.nextInt(4) == 0) {
                            batch = SendBatch.begin(); // the next frames are queued and go out when it ends
                            batchLeft = 1 + random.nextInt(20);
                        }
                        if (random.nextInt(8) == 0) {
                            Thread.currentThread().interrupt(); // a cancellation aimed at this thread
                        }
                        pair.a().send(frame(sender, i, sizes[sender][i]));
                        Thread.interrupted();
                        if (batch != null && --batchLeft == 0) {
                            batch.end();
                            batch = null;
                        }
                    }
                    if (batch != null) {
                        batch.end();
                    }
                    return null;
                }));
            }
            go.countDown();
            if (readerStartsLate) {
                for (Future<?> f : sent) {
                    f.get(30, TimeUnit.SECONDS); // senders never block, even with nobody reading
                }
            }
            int[] next = new int[senders];
            // bounded: a lost frame would leave the reader waiting (closing the pair then ends its wait)
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> readAll(pair.b(), sizes, next));
            for (Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
            int[] all = new int[senders];
            Arrays.fill(all, perSender);
            assertArrayEquals(all, next);
        } finally {
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static void readAll(FrameChannel from, int[][] sizes, int[] next) throws IOException {
        int total = 0;
        for (int[] row : sizes) {
            total += row.length;
        }
        for (int n = 0; n < total; n++) {
            Frame f = from.read(); // the reader's way: one read that may wait, then what hasFrame says has come
            check(f, sizes, next);
            while (n + 1 < total && from.hasFrame()) {
                check(from.read(), sizes, next);
                n++;
            }
        }
        assertFalse(from.hasFrame(), "no frame was sent beyond those read");
    }

    private static void check(Frame f, int[][] sizes, int[] next) {
        {
            int sender = (int) (f.taskId() >>> 32);
            int seq = (int) f.taskId();
            assertEquals(next[sender]++, seq, "sender " + sender + "'s frames out of order");
            assertEquals(Frame.RESULT, f.type());
            assertArrayEquals(frame(sender, seq, sizes[sender][seq]).payload(), f.payload(),
                    "frame " + seq + " of sender " + sender);
        }
    }

    @Test
    void anInterruptedReaderKeepsTheChannelAndItsFlag() throws Exception {
        try (Pair pair = Pair.open()) {
            pair.a().send(frame(0, 0, 10));
            Thread.currentThread().interrupt();
            Frame f = pair.b().read();
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            assertEquals(0, (int) f.taskId());
            pair.a().send(frame(0, 1, 70_000));
            assertEquals(1, (int) pair.b().read().taskId(), "the channel still works");
        }
    }

    @Test
    void theReaderSeesEndOfFileWhenTheOtherSideCloses() throws Exception {
        try (Pair pair = Pair.open()) {
            pair.a().send(frame(0, 0, 5));
            pair.a().close();
            assertEquals(0, (int) pair.b().read().taskId());
            org.junit.jupiter.api.Assertions.assertThrows(EOFException.class, () -> pair.b().read());
        }
    }
    @Test
    void aBatchWritesItsFramesBeforeItsDeferredActionsRunInOrder() throws Exception {
        try (Pair pair = Pair.open()) {
            List<String> ran = new ArrayList<>();
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                SendBatch outer = SendBatch.begin();
                try {
                    pair.a().send(frame(0, 0, 10));
                    SendBatch inner = SendBatch.begin(); // joins the outer one: its end writes nothing yet
                    try {
                        pair.a().send(frame(0, 1, 100_000)); // more than the socket holds: a backlog writer's job
                        SendBatch.afterFlush(() -> {
                            ran.add("first");
                            throw new IllegalStateException("a deferred action that throws"); // logged; others run
                        });
                    } finally {
                        inner.end();
                    }
                    assertEquals(List.of(), ran, "deferred actions wait for the outermost batch");
                    SendBatch.afterFlush(() -> {
                        try {
                            // would wait forever if the frames were still queued (same thread, nothing else sends)
                            ran.add("second read #" + pair.b().read().taskId() + ", #" + pair.b().read().taskId());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        SendBatch.afterFlush(() -> ran.add("outside any batch: at once"));
                    });
                } finally {
                    outer.end();
                }
            });
            assertEquals(List.of("first", "second read #0, #1", "outside any batch: at once"), ran);
        }
    }
}
