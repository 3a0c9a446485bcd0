package dev.spindle.virtual;

import dev.spindle.Spindle;
import dev.spindle.testkit.Monitors;
import org.junit.jupiter.api.Test;

/**
 * No {@code synchronized} method and no {@code monitorenter} in the compiled classes: on JDK 21 to 23 they would
 * pin a virtual thread's carrier (see {@link Monitors}).
 */
class NoSynchronizedTest {

    @Test
    void classesContainNoMonitor() throws Exception {
        Monitors.assertNoneIn(30, Spindle.class, VirtualExecutor.class);
    }
}
