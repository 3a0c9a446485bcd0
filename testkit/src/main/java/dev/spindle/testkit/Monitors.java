package dev.spindle.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * On JDK 21 to 23 a virtual thread that blocks inside {@code synchronized} pins its carrier; JDK 24 lifted that, so a
 * JFR pinning test cannot see it on the JDK the tests run on. This check reads compiled classes with {@code javap}
 * and fails on any synchronized method or {@code monitorenter}: the code stays pin-free on every JDK it supports.
 */
public final class Monitors {

    private Monitors() {
    }

    /**
     * Fails if a class under package {@code dev} in the class-path roots of {@code anchors} (a directory or a jar)
     * holds a monitor.
     *
     * @param atLeast the fewest classes the roots must hold, so that a wrong root cannot pass by reading nothing
     * @param anchors one class from each root to read
     * @throws Exception if the classes cannot be read
     */
    public static void assertNoneIn(int atLeast, Class<?>... anchors) throws Exception {
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow(() -> new AssertionError("no javap tool"));
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        for (Class<?> anchor : anchors) {
            Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> names;
            if (Files.isDirectory(root)) {
                names = classNames(root);
            } else {
                try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + root.toUri()), Map.of())) {
                    names = classNames(jar.getPath("/"));
                }
            }
            classes += names.size();
            List<String> args = new ArrayList<>(List.of("-c", "-p", "-classpath", root.toString()));
            args.addAll(names);
            StringWriter out = new StringWriter();
            int rc = javap.run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
            assertEquals(0, rc, out.toString());
            String current = "?";
            for (String line : out.toString().split("\\R")) {
                if (line.startsWith("Compiled from") || line.matches("^(public |final |abstract |sealed )*(class|interface|enum|record) .*")) {
                    current = line;
                }
                if (line.contains("monitorenter") || line.matches("^\\s+.*\\bsynchronized\\b.*\\(.*")) {
                    offenders.add(current + " :: " + line.strip());
                }
            }
        }
        assertTrue(classes >= atLeast, "read " + classes + " classes");
        assertEquals(List.of(), offenders, "synchronized code pins virtual threads on JDK 21-23");
    }

    private static List<String> classNames(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> root.relativize(p).toString())
                    .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class") && n.startsWith("dev"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .toList();
        }
    }
}
