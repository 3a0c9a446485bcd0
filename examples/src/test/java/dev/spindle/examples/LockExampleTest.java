package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LockExampleTest {

    @Test
    void aMutexRefusesReEntryAReentrantMutexAllowsItAndATimedAcquireGivesUp() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LockExample.Outcome o = LockExample.run(new String[0], new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertNotNull(o.selfDeadlock(), "taking a Mutex twice on one thread throws instead of hanging");
        assertTrue(o.selfDeadlock().getMessage().contains("not reentrant")
                && o.selfDeadlock().getMessage().contains("ReentrantMutex"), o.selfDeadlock().getMessage());
        assertEquals(2, o.deepestHoldCount(), "transfer -> withdraw holds the ReentrantMutex twice");
        assertArrayEquals(new long[] {70, 30}, o.balances());
        assertNotNull(o.timedOut(), "acquire(timeout) gives up while another thread holds the mutex");
    }
}
