package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * How far ahead a worker is sent tasks: never more than {@code pipeline}; one at a time while its tasks are long or
 * unknown or the one it runs has run long; otherwise about {@code pipelineAhead} of its recent tasks, so that what
 * waits in one worker while another may be idle stays short.
 */
class PipelineRoomProperties {

    private static final long MS = 1_000_000;

    @Property(tries = 3000)
    void roomIsBoundedByPipelineAndByTheWorkAhead(@ForAll @IntRange(min = 1, max = 64) int max,
            @ForAll @LongRange(min = 1, max = 5 * MS) long ahead, @ForAll @LongRange(min = 1, max = 5 * MS) long mean,
            @ForAll @LongRange(min = 0, max = 5 * MS) long running) {
        Pipeline p = new Pipeline(max, ahead);
        int room = p.room(mean, running);
        assertTrue(room >= 1 && room <= max, "room " + room + " outside 1.." + max);
        if (max == 1 || mean >= ahead || running >= ahead) {
            assertEquals(1, room, "long, or running long: one at a time");
            return;
        }
        assertTrue(room >= 2, "short tasks pipeline");
        assertTrue(room == 2 || room * mean <= ahead, room + " tasks of " + mean + " ns queue more than " + ahead);
        assertTrue(room == max || (room + 1) * mean > ahead, "room " + room + " leaves work ahead unfilled");
        assertTrue(p.room(mean + 1 + mean / 2, running) <= room, "longer tasks never get more room");
        assertTrue(new Pipeline(max, ahead * 2).room(mean, running) >= room, "more work ahead never gets less room");
    }

    @Property(tries = 50)
    void unknownTasksGoOneAtATime(@ForAll @IntRange(min = 1, max = 64) int max,
            @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long ahead) {
        assertEquals(1, new Pipeline(max, ahead).room(Long.MAX_VALUE, 0));
    }
}
