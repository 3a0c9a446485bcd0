package dev.spindle.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
                    .map(NoPinningTest::innermostApplicationFrame)
                    .flatMap(Optional::stream)
                    .filter(frame -> frame.startsWith("dev.spindle.") && !frame.startsWith("dev.spindle.testkit.")
                            && !frame.contains("Test"))
                    .toList();
            assertEquals(List.of(), ours, "virtual threads pinned in Spindle code");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Optional<String> innermostApplicationFrame(RecordedEvent event) {
        if (event.getStackTrace() == null) {
            return Optional.empty();
        }
        for (RecordedFrame f : event.getStackTrace().getFrames()) {
            String type = f.getMethod().getType().getName();
            if (!(type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun."))) {
                return Optional.of(type + "." + f.getMethod().getName());
            }
        }
        return Optional.empty();
    }
}
