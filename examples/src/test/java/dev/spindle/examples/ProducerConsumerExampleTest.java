package dev.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProducerConsumerExampleTest {

    private static ProducerConsumerExample.Outcome run(String... args) {
        return ProducerConsumerExample.run(args,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void everyItemIsConsumedOnceInOrderAndTheBoundHolds() throws Exception {
        ProducerConsumerExample.Outcome o = run("--producers=3", "--consumers=2", "--items=2000", "--capacity=4");

        assertArrayEquals(new long[] {2000, 2000, 2000}, o.produced());
        assertEquals(6000, o.totalConsumed(), "each item taken once; sentinels not counted");
        assertTrue(o.inOrder(), "a FIFO queue hands each consumer a producer's items in the order they were put");
        assertTrue(o.peakSize() <= 4, "the queue never holds more than its capacity: " + o.peakSize());
        assertTrue(o.putsThatWaited() > 0, "three producers outpace a queue of 4: some puts waited");
        assertTrue(Arrays.stream(o.consumed()).allMatch(n -> n > 0), "both consumers took part: "
                + Arrays.toString(o.consumed()));
        EchoServerExampleTest.assertNoThreadLeft("spindle-loop-main");
    }

    @Test
    void manyItemsDoNotGrowTheStack() {
        ProducerConsumerExample.Outcome o = run("--producers=1", "--consumers=1", "--items=200000", "--capacity=1");
        assertEquals(200_000, o.totalConsumed());
        assertTrue(o.inOrder());
    }

    @Test
    void noItemsStillStopsTheConsumers() {
        ProducerConsumerExample.Outcome o = run("--producers=2", "--consumers=3", "--items=0");
        assertEquals(0, o.totalConsumed());
    }
}
