package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Spindle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ConfigSwapExampleTest {

    @Test
    void theSameCodeRunsOnEveryBackendTheConfigurationNames() {
        assertNull(System.getProperty(ConfigSwapExample.KEY), "precondition: the property is not set");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConfigSwapExample.Outcome o = ConfigSwapExample.run(new String[0], new PrintStream(bytes, true,
                StandardCharsets.UTF_8));

        Set<String> ran = new TreeSet<>();
        for (ConfigSwapExample.Run r : o.runs()) {
            assertEquals(r.configured(), r.ran(), "configuration alone chose the backend");
            assertEquals(o.runs().get(0).total(), r.total(), "same code, same result on " + r.ran());
            ran.add(r.ran());
        }
        assertEquals(shownBackends(), ran, "every backend present ran");
        assertTrue(o.runs().stream().anyMatch(r -> r.thread().startsWith("virtual")), o.runs().toString());

        assertNotNull(o.misspelt(), "a misspelt backend fails when the executor is created");
        assertTrue(o.misspelt().getMessage().contains(ConfigSwapExample.KEY)
                && o.misspelt().getMessage().contains("'threads'"), o.misspelt().getMessage());
        assertNull(System.getProperty(ConfigSwapExample.KEY), "the example restores the property");
    }

    @Test
    void theBackendsCanBeChosenOnTheCommandLine() {
        ConfigSwapExample.Outcome o = ConfigSwapExample.run(new String[] {"inline", "threads"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(List.of("inline", "threads"), o.runs().stream().map(ConfigSwapExample.Run::ran).toList());
    }

    /** @return the backends present, process included: the example's tasks are serializable */
    private static java.util.Set<String> shownBackends() {
        return new java.util.TreeSet<>(Spindle.backends());
    }
}
