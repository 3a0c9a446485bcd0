package dev.spindle.benchmarks.virtual;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Tracks the heap of this JVM while a measurement runs, without forcing any collection:
 * <ul>
 *   <li>{@link #peakUsed()}: the most heap in use at any moment, garbage included. The moment just before each
 *       collection is the true maximum, and every collection reports it (GC notification, "before GC"); a sampler
 *       thread polling {@code MemoryMXBean} every millisecond or so covers the stretch after the last collection.</li>
 *   <li>{@link #peakAfterGc()}: the most heap still in use right after a collection: an upper bound on what the
 *       tasks kept alive at that moment (a young collection does not look at the old generation).</li>
 * </ul>
 * Both sum the heap pools only (eden, survivor, old), never metaspace or code cache.
 */
final class HeapWatch implements AutoCloseable {

    private final Set<String> heapPools = new HashSet<>();
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong gcMillis = new AtomicLong();
    private final NotificationListener listener = this::onGc;
    private final Thread sampler;
    private volatile boolean running = true;

    HeapWatch() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
        }
        sampler = Thread.ofPlatform().daemon().name("heap-watch").start(this::sample);
    }

    private void sample() {
        var memory = ManagementFactory.getMemoryMXBean();
        while (running) {
            peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            FanOutRun.pause(1); // not Thread.sleep: see FanOutRun.pause
        }
    }

    private void onGc(Notification n, Object handback) {
        if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
        }
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        peakUsed.accumulateAndGet(heapSum(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
        peakAfterGc.accumulateAndGet(heapSum(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
        if (!info.getGcCause().equals("No GC") && !info.getGcName().contains("Concurrent")) {
            collections.incrementAndGet();
            gcMillis.addAndGet(info.getGcInfo().getDuration());
        }
    }

    private long heapSum(Map<String, MemoryUsage> usage) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> e : usage.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                sum += e.getValue().getUsed();
            }
        }
        return sum;
    }

    /** Forgets everything seen so far: what is reported from now on is what happens after this call. */
    void reset() {
        peakUsed.set(0);
        peakAfterGc.set(0);
        collections.set(0);
        gcMillis.set(0);
    }

    long peakUsed() {
        return peakUsed.get();
    }

    long peakAfterGc() {
        return peakAfterGc.get();
    }

    /** @return stop-the-world collections seen (concurrent cycles are not counted) */
    long collections() {
        return collections.get();
    }

    /** @return their summed duration as the JVM reports it */
    long gcMillis() {
        return gcMillis.get();
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            try {
                ((NotificationEmitter) gc).removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException ignored) {
                // never added to this one
            }
        }
    }
}
