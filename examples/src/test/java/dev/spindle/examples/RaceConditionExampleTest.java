package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RaceConditionExampleTest {

    @Test
    void theMutexLosesNoUpdate() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RaceConditionExample.Outcome o = RaceConditionExample.run(new String[] {"4", "2000"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertEquals(8_000, o.expected());
        assertEquals(o.expected(), o.fixed(), "with the mutex every increment counts");
        // the racy total depends on the schedule: it may by chance be right, but it can never be more
        assertTrue(o.racy() <= o.expected(), o.toString());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("with a Mutex:   8,000 of 8,000"),
                bytes.toString(StandardCharsets.UTF_8));
    }
}
