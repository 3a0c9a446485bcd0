package dev.spindle.process;

import static dev.spindle.process.Pools.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.MapOptions;
import dev.spindle.SerializableFunction;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskFunction;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code map}, {@code mapStreaming} and {@code execute} on the process backend: items and functions cross. */
@Timeout(90)
class MapTest {

    private static TaskExecutor ex;

    @BeforeAll
    static void start() {
        ex = pool("map", "workers", "2");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        ex.close();
        Pools.assertNoChildrenLeft();
    }

    record Point(int x, String label) implements Serializable {
    }

    static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void mapReturnsEveryResultInItemOrderComputedInTheWorkers() {
        long me = ProcessHandle.current().pid();
        SerializableFunction<Integer, Long> square = x -> (long) x * x;
        assertEquals(range(10_000).stream().map(x -> (long) x * x).toList(), ex.map(square, range(10_000)));
        SerializableFunction<Integer, Long> pid = x -> ProcessHandle.current().pid();
        assertTrue(ex.map(pid, range(100)).stream().noneMatch(p -> p == me), "items ran in the workers");
    }

    @Test
    void mapCarriesAnyKindOfSerializableItemIncludingNulls() {
        List<Object> items = new ArrayList<>(List.of(new Point(1, "a"), 2L, 3.5, "four"));
        items.add(null);
        SerializableFunction<Object, String> show = String::valueOf;
        assertEquals(items.stream().map(String::valueOf).toList(), ex.map(show, items));
        SerializableFunction<Long, Double> half = x -> x / 2.0;
        assertEquals(List.of(0.5, 1.0, 1.5), ex.map(half, List.of(1L, 2L, 3L)));
        assertEquals(List.of(), ex.map(half, List.of()));
    }

    @Test
    void aFailingItemIsReportedWithItsIndexAndOriginalException() {
        SerializableFunction<Integer, Integer> f = x -> {
            if (x == 777) {
                throw new IllegalArgumentException("no 777");
            }
            return x;
        };
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> ex.map(f, range(2_000)));
        assertEquals(777, e.itemIndex());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(e.getMessage().contains("#777"), e.getMessage());
    }

    @Test
    void anItemFailureThatCannotTravelKeepsItsIndex() {
        SerializableFunction<Integer, Integer> f = x -> {
            if (x == 5) {
                throw new ProcessExecutorTest.Unsendable("unsendable 5");
            }
            return x;
        };
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> ex.map(f, range(10)));
        assertEquals(5, e.itemIndex());
        RemoteTaskException r = assertInstanceOf(RemoteTaskException.class, e.getCause());
        assertTrue(r.getMessage().contains("unsendable 5"), r.getMessage());
    }

    @Test
    void aFunctionThatCannotTravelIsRejectedSayingHowToFixIt() {
        TaskFunction<Integer, Integer> plain = x -> x;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ex.map(plain, range(3)));
        assertTrue(e.getMessage().contains("SerializableFunction"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ex.mapStreaming(plain, range(3), MapOptions.ordered()));
        assertTrue(e.getMessage().contains("mapStreaming"), e.getMessage());
    }

    /** Counts the items taken from it, so a test can check how far ahead of the consumer the window reads. */
    static final class Counting implements Iterable<Integer> {
        final AtomicInteger taken = new AtomicInteger();
        final int size;

        Counting(int size) {
            this.size = size;
        }

        @Override
        public Iterator<Integer> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return taken.get() < size;
                }

                @Override
                public Integer next() {
                    return taken.getAndIncrement();
                }
            };
        }
    }

    @Test
    void streamingMapInOrderKeepsAtMostTheWindowInFlight() {
        Counting items = new Counting(200);
        SerializableFunction<Integer, Integer> twice = x -> 2 * x;
        int window = 8;
        List<Integer> got = new ArrayList<>();
        try (Stream<Integer> s = ex.mapStreaming(twice, items, MapOptions.ordered().withMaxInFlight(window))) {
            s.forEach(r -> {
                got.add(r);
                assertTrue(items.taken.get() <= got.size() + window,
                        items.taken.get() + " items taken after " + got.size() + " results");
            });
        }
        assertEquals(range(200).stream().map(x -> 2 * x).toList(), got);
    }

    @Test
    void streamingMapUnorderedReturnsEveryResultOnce() {
        Counting items = new Counting(100);
        SerializableFunction<Integer, Integer> inc = x -> x + 1;
        List<Integer> got;
        try (Stream<Integer> s = ex.mapStreaming(inc, items, MapOptions.unordered().withMaxInFlight(4))) {
            got = s.toList();
        }
        assertEquals(100, got.size());
        assertEquals(IntStream.rangeClosed(1, 100).boxed().collect(Collectors.toSet()), new HashSet<>(got));
    }

    @Test
    void streamingMapReportsTheFailingItemsIndex() {
        SerializableFunction<Integer, Integer> f = x -> {
            if (x == 13) {
                throw new IllegalStateException("unlucky");
            }
            return x;
        };
        for (MapOptions o : List.of(MapOptions.ordered(), MapOptions.unordered())) {
            try (Stream<Integer> s = ex.mapStreaming(f, range(40), o.withMaxInFlight(5))) {
                TaskFailedException e = assertThrows(TaskFailedException.class, s::toList);
                assertEquals(13, e.itemIndex(), o.toString());
                assertInstanceOf(IllegalStateException.class, e.getCause());
            }
        }
    }

    @Test
    void executeRunsASerializableRunnableInAWorker(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        String where = marker.toString();
        ex.execute((Runnable & Serializable) () -> {
            try {
                Path tmp = Files.writeString(Path.of(where + ".tmp"), Long.toString(ProcessHandle.current().pid()));
                Files.move(tmp, Path.of(where), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(marker) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(Files.exists(marker), "the runnable ran");
        assertTrue(Long.parseLong(Files.readString(marker)) != ProcessHandle.current().pid(), "in a worker");

        Runnable plain = () -> { };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ex.execute(plain));
        assertTrue(e.getMessage().contains("Runnable & Serializable"), e.getMessage());
    }
}
