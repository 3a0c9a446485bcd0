package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Spindle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class ShowcaseTest {

    @TempDir
    static Path dir;

    private static String output;
    private static Path chart;

    @BeforeAll
    static void runQuickShowcase() throws Exception {
        chart = dir.resolve("charts").resolve("quick.svg"); // the missing directory is created
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Showcase.run(new String[] {"--quick", "--io-requests", "24", "--chart", chart.toString()}, out);
        }
        output = bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTableHasARowForEveryBackendPresentAndBothWorkloads() {
        assertFalse(shownBackends().isEmpty());
        for (String backend : shownBackends()) {
            for (String workload : workloadsOn(backend)) {
                Pattern row = Pattern.compile("^\\| " + Pattern.quote(backend) + " +\\| " + workload
                        + " +\\|.* s \\|.*x \\|$", Pattern.MULTILINE);
                assertTrue(row.matcher(output).find(), "no row for " + backend + "/" + workload + " in:\n" + output);
            }
        }
        Pattern rows = Pattern.compile("^\\| (?!backend)\\S+ +\\| (io|cpu) ", Pattern.MULTILINE);
        assertEquals(expectedRows(), rows.matcher(output).results().count(), output);
    }

    @Test
    void inlineIsTheBaselineOfTheSpeedUp() {
        assertTrue(Pattern.compile("^\\| inline +\\| io +\\|.*\\| +1\\.00x \\|$", Pattern.MULTILINE)
                .matcher(output).find(), output);
    }

    @Test
    void theAdviceCallsTheRequestsIoBoundAndGivesABoundForEachWorkload() {
        assertTrue(Pattern.compile("^  io .*CPU/wall [0-9.]+: I/O-bound", Pattern.MULTILINE).matcher(output).find(),
                output);
        assertEquals(2, Pattern.compile("Amdahl bound on \\d+ cores").matcher(output).results().count(), output);
    }

    @Test
    void itWritesAWellFormedSvgChartNamingEveryBackendAndSaysWhere() throws Exception {
        assertTrue(Files.isRegularFile(chart), "no chart at " + chart);
        assertTrue(output.contains("Chart (wall time per backend and workload, SVG): " + chart.toAbsolutePath()),
                output);

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document svg = factory.newDocumentBuilder().parse(chart.toFile()); // throws if not well-formed
        assertEquals("svg", svg.getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", svg.getDocumentElement().getNamespaceURI());

        NodeList texts = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            labels.add(texts.item(i).getTextContent());
        }
        for (String backend : shownBackends()) {
            assertEquals(workloadsOn(backend).size(), labels.stream().filter(backend::equals).count(),
                    "one bar label per workload run for " + backend + " in " + labels);
        }
        int bars = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength() - 1; // - background
        assertEquals(expectedRows(), bars);
    }

    @Test
    void theChartGoesToTargetUnlessToldOtherwise() {
        assertEquals(Path.of("target", "showcase.svg"), ShowcaseOptions.parse(List.of("--quick")).chart());
        assertEquals(Path.of("out", "c.svg"), ShowcaseOptions.parse(List.of("--chart", "out/c.svg")).chart());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShowcaseOptions.parse(List.of("--chart")));
        assertTrue(e.getMessage().contains("--chart needs a file name"), e.getMessage());
    }

    @Test
    void chartTextIsEscaped() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;", ResultChart.escape("a <b> & \"c\" 'd'"));
    }

    @Test
    void itStopsTheServerAndTheExecutorsItStarted() throws InterruptedException {
        // close() of the executors and the server waits for their threads; allow a generous grace period anyway
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("showcase-") || n.startsWith("spindle-showcase-")
                            || n.equals("HTTP-Dispatcher"))
                    .toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("threads still running after the showcase returned: " + left);
    }

    @Test
    void anUnknownFlagIsRejectedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Showcase.run(new String[] {"--io-reqests", "3"}, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("--io-reqests"), e.getMessage());
    }

    @Test
    void anExplicitSizeWinsOverQuickInAnyOrder() {
        ShowcaseOptions o = ShowcaseOptions.parse(List.of("--io-requests", "7", "--quick"));
        assertEquals(7, o.ioRequests());
        assertEquals(300_000, o.cpuLimit());
    }

    /** @return the backends present, less {@code process}, which runs only SerializableTasks (shown elsewhere) */
    private static java.util.Set<String> shownBackends() {
        return new java.util.TreeSet<>(Spindle.backends());
    }

    /** @return the workloads the showcase runs on {@code backend}: both, on every backend */
    private static List<String> workloadsOn(String backend) {
        return List.of("io", "cpu");
    }

    private static long expectedRows() {
        return shownBackends().stream().mapToLong(b -> workloadsOn(b).size()).sum();
    }
}
