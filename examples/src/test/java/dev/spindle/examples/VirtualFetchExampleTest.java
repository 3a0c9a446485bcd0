package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class VirtualFetchExampleTest {

    private static final Pattern LINE =
            Pattern.compile("(?m)^(threads|virtual) \\(.*\\): (\\d+) of (\\d+) answered 200 in ");

    @Test
    void fetchesEveryUrlOnBothBackendsAndPrintsBothTimes() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VirtualFetchExample.run(new String[] {"--requests", "50"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        Matcher m = LINE.matcher(out);
        int lines = 0;
        StringBuilder seen = new StringBuilder();
        while (m.find()) {
            lines++;
            seen.append(m.group(1)).append(' ');
            assertEquals("50", m.group(2), "every request answered 200 on " + m.group(1) + ":\n" + out);
            assertEquals("50", m.group(3), out);
        }
        assertEquals(2, lines, out);
        assertEquals("threads virtual ", seen.toString(), out);
        assertTrue(out.contains("speed-up: "), out);
        // 2 warm-up rounds of 16 plus 2 rounds of 50
        assertTrue(out.contains("server answered 132 requests"), out);
    }

    @Test
    void rejectsABadRequestCount() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class,
                () -> VirtualFetchExample.run(new String[] {"--requests", "0"}, sink));
        assertThrows(IllegalArgumentException.class, () -> VirtualFetchExample.run(new String[] {"--what"}, sink));
    }
}
