package dev.spindle.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures what SLF4J's simple binding writes to {@code System.err} (it looks the stream up at each write), so a
 * test can assert that a warning was logged. Use with try-with-resources; output is still echoed.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream tee;

    private LogCapture() {
        tee = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                buffer.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buffer.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(tee);
    }

    /** @return a capture that has started */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** @return everything written so far */
    public String text() {
        tee.flush();
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /**
     * @param fragment text to look for
     * @return the lines that contain it
     */
    public List<String> linesContaining(String fragment) {
        return Arrays.stream(text().split("\\R")).filter(l -> l.contains(fragment)).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
