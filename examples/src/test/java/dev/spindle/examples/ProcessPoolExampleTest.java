package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ProcessPoolExampleTest {

    @Test
    void primesAreCountedOnChildJvmsAndACrashStaysWithItsTask() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProcessPoolExample.Outcome o = ProcessPoolExample.run(new String[] {"200000"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(17_984, o.primes(), "there are 17,984 primes below 200,000");
        assertEquals(o.primes(), o.inlinePrimes(), "both backends count the same");
        assertTrue(printed.contains("speed-up: "), printed);

        assertNotNull(o.crashed(), "the task that called System.exit failed with WorkerCrashedException");
        assertEquals(3, o.crashed().exitCode());
        assertTrue(o.crashed().lastStderrLines().contains("task 3: configuration is missing, giving up"),
                o.crashed().lastStderrLines().toString());
        assertEquals(7, o.others());
        assertEquals(o.others(), o.othersSucceeded(), "every other task completed");
        assertTrue(printed.contains("exit code 3"), printed);
        assertEquals(List.of(), ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList(),
                "the pool left no worker behind");
    }
}
