package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spindle.spi.TaskRun;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A {@code mapStreaming} stream opened outside any task hangs its node under the executor's root. Streams are seldom
 * closed: one consumed to its end must leave nothing there, or every such call would keep a node for the executor's
 * whole life.
 */
class StreamDetachTest {

    @Test
    void aStreamConsumedToItsEndButNeverClosedLeavesNoNodeBehind() {
        try (TaskExecutor ex = Spindle.builder("streamdetach").backend("threads").parallelism(2).build()) {
            AtomicReference<WeakReference<Object>> node = new AtomicReference<>();
            List<Integer> out = ex.mapStreaming(x -> {
                node.compareAndSet(null, new WeakReference<>(TaskRun.current().parent())); // the stream's node
                return x * 2;
            }, List.of(1, 2, 3, 4, 5), MapOptions.ordered()).toList(); // never closed
            assertEquals(List.of(2, 4, 6, 8, 10), out);
            for (int i = 0; i < 10 && node.get().get() != null; i++) {
                System.gc(); // a full collection clears the reference once nothing else holds the node
            }
            assertNull(node.get().get(), "the stream's node is still reachable, e.g. from the executor's root");
        }
    }
}
