package dev.spindle.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.lock.BoundedSemaphore;
import dev.spindle.lock.Event;
import dev.spindle.lock.Held;
import dev.spindle.lock.Mutex;
import dev.spindle.lock.ReadWriteMutex;
import dev.spindle.lock.ReentrantMutex;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Spindle's own code never pins a virtual thread's carrier: the contract suite runs on the virtual backend inside a
 * JFR recording of {@code jdk.VirtualThreadPinned} (threshold 0), and no event may have a Spindle frame as the
 * innermost frame outside the JDK.
 */
class NoPinningTest {

    @Test
    void theContractSuiteOnVirtualThreadsRecordsNoPinningInSpindleCode() throws Exception {
        Path file = Files.createTempFile("spindle-pinning", ".jfr");
        TestExecutionSummary summary;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(VirtualHandleContractTest.class), selectClass(VirtualGroupContractTest.class),
                            selectClass(VirtualLifecycleContractTest.class),
                            selectClass(VirtualTaskTreePropertiesTest.class))
                    .build();
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(request, listener);
            summary = listener.getSummary();
            recording.stop();
            recording.dump(file);
        }
        try {
            assertTrue(summary.getTestsSucceededCount() > 40, "the suite ran: " + summary.getTestsSucceededCount());
            assertEquals(0, summary.getTotalFailureCount(), "the suite passed while recorded");
            List<String> ours = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned"))
                    .filter(e -> !isTheJdksOwnPin(e))
                    .map(e -> innermostApplicationFrame(e).map(frame -> frame + reason(e)))
                    .flatMap(Optional::stream)
                    .filter(frame -> frame.startsWith("dev.spindle.") && !frame.startsWith("dev.spindle.testkit.")
                            && !frame.contains("Test"))
                    .toList();
            assertEquals(List.of(), ours, "virtual threads pinned in Spindle code");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void theLockUtilitiesUnderContentionOnVirtualThreadsRecordNoPinningInSpindleCode() throws Exception {
        Path file = Files.createTempFile("spindle-pinning-locks", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            Mutex mutex = new Mutex("m");
            ReentrantMutex rmutex = new ReentrantMutex("r", false);
            ReadWriteMutex rw = new ReadWriteMutex("rw");
            BoundedSemaphore sem = new BoundedSemaphore("s", 3);
            Event event = new Event();
            AtomicInteger counter = new AtomicInteger();
            try (TaskExecutor ex = Spindle.builder("pin-locks").backend("virtual").build();
                    TaskGroup g = TaskGroup.open(ex)) {
                for (int i = 0; i < 200; i++) {
                    int k = i;
                    g.fork(() -> {
                        event.await(Duration.ofSeconds(30));
                        for (int round = 0; round < 20; round++) {
                            try (Held a = mutex.acquire()) {
                                Thread.sleep(0, 10_000); // park while holding: others must wait, unpinned
                                counter.incrementAndGet();
                            }
                            try (Held b = rmutex.acquire(); Held c = rmutex.acquire()) {
                                Thread.yield();
                            }
                            try (Held d = (k % 4 == 0) ? rw.write() : rw.read()) {
                                Thread.yield();
                            }
                            try (Held e = sem.acquire()) {
                                Thread.sleep(0, 10_000);
                            }
                        }
                        return null;
                    });
                }
                event.set();
                g.join();
            }
            recording.stop();
            recording.dump(file);
            assertEquals(200 * 20, counter.get());
            List<String> ours = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned"))
                    .filter(e -> !isTheJdksOwnPin(e))
                    .map(e -> innermostApplicationFrame(e).map(frame -> frame + reason(e)))
                    .flatMap(Optional::stream)
                    .filter(frame -> frame.startsWith("dev.spindle.") && !frame.contains("Test"))
                    .toList();
            assertEquals(List.of(), ours, "virtual threads pinned in Spindle's lock code");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Pins that are the JDK's own work on behalf of the code, not a pinning construct in Spindle's code. JDK 24+
     * names the reason ({@code JavaThread::post_vthread_pinned_event}):
     * <ul>
     *   <li>"Waited for initialization of X by another thread", "VM call to X.&lt;clinit&gt; on stack": class
     *       initialization, once per class; the first contended use of a lock from many virtual threads at once
     *       records it by chance, with the Spindle caller as innermost frame;</li>
     *   <li>"Freeze or preempt failed (2)": a continuation critical section, which only the JDK can enter
     *       ({@code jdk.internal.vm.Continuation.pin} is not exported): class loading, and JFR writing an event,
     *       such as Spindle's own {@code dev.spindle.Task} event while this very recording runs;</li>
     *   <li>"Native or VM frame on stack" with {@code java.lang.invoke} frames above the caller: linking a lambda or
     *       method handle, once per call site.</li>
     * </ul>
     * What remains (a native frame of Spindle's, or on JDK 21, which names no reason, a monitor) still fails.
     */
    private static boolean isTheJdksOwnPin(RecordedEvent event) {
        String reason = event.hasField("pinnedReason") ? event.getString("pinnedReason") : null;
        if (reason != null && (reason.startsWith("Waited for initialization") || reason.startsWith("VM call to ")
                || reason.equals("Freeze or preempt failed (2)"))) {
            return true;
        }
        if (event.getStackTrace() == null) {
            return false;
        }
        for (RecordedFrame f : event.getStackTrace().getFrames()) {
            String type = f.getMethod().getType().getName();
            if (type.startsWith("java.lang.invoke.")) {
                return true; // linking a call site, above the innermost application frame
            }
            if (!(type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun."))) {
                return false; // reached the application's frame: the pin is in the code that called it
            }
        }
        return false;
    }

    /** @return " (why it pinned)", for the failure message; JDK 24+ records the reason */
    private static String reason(RecordedEvent event) {
        return event.hasField("pinnedReason") ? " (" + event.getString("pinnedReason") + ")" : "";
    }

    private static Optional<String> innermostApplicationFrame(RecordedEvent event) {
        if (event.getStackTrace() == null) {
            return Optional.empty();
        }
        for (RecordedFrame f : event.getStackTrace().getFrames()) {
            String type = f.getMethod().getType().getName();
            // A JFR event's commit() is bytecode that JFR instruments: a pin inside it (its buffer flush) is JFR's.
            boolean jfrCommit = type.equals("dev.spindle.internal.TaskEvent") && f.getMethod().getName().equals("commit");
            if (!(type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.") || jfrCommit)) {
                return Optional.of(type + "." + f.getMethod().getName());
            }
        }
        return Optional.empty();
    }
}
