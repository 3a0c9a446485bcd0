package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.MapOptions;
import dev.spindle.SerializableFunction;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskFailedException;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Chunked map and the streaming window agree with a plain loop, for random sizes, windows and failing items. */
class MapProperties {

    private static TaskExecutor ex;

    @BeforeContainer
    static void start() {
        ex = Pools.pool("mapprops", "workers", "2");
    }

    @AfterContainer
    static void stop() throws InterruptedException {
        ex.close();
        Pools.assertNoChildrenLeft();
    }

    @Property(tries = 25)
    void mapEqualsALoopAndReportsTheFirstFailingIndexOfItsChunk(@ForAll @IntRange(min = 0, max = 3000) int n,
            @ForAll @IntRange(min = -1, max = 3000) int failAt) {
        List<Integer> items = MapTest.range(n);
        SerializableFunction<Integer, Long> f = x -> {
            if (x == failAt) {
                throw new ArithmeticException("item " + x);
            }
            return 3L * x + 1;
        };
        if (failAt >= 0 && failAt < n) {
            try {
                ex.map(f, items);
                throw new AssertionError("map of " + n + " items did not fail at " + failAt);
            } catch (TaskFailedException e) {
                assertEquals(failAt, e.itemIndex());
            }
        } else {
            assertEquals(items.stream().map(x -> 3L * x + 1).toList(), ex.map(f, items));
        }
    }

    @Property(tries = 15)
    void orderedStreamingEqualsALoop(@ForAll @IntRange(min = 0, max = 300) int n,
            @ForAll @IntRange(min = 1, max = 40) int window, @ForAll boolean ordered) {
        SerializableFunction<Integer, Integer> f = x -> x * 7;
        MapOptions o = (ordered ? MapOptions.ordered() : MapOptions.unordered()).withMaxInFlight(window);
        List<Integer> got;
        try (Stream<Integer> s = ex.mapStreaming(f, MapTest.range(n), o)) {
            got = s.toList();
        }
        List<Integer> want = MapTest.range(n).stream().map(x -> x * 7).toList();
        assertEquals(want, ordered ? got : got.stream().sorted().toList());
    }
}
