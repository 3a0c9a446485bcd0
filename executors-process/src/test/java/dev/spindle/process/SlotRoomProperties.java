package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * How far ahead a worker is sent tasks: never more than {@code pipeline}; one at a time while its tasks are long or
 * unknown or the one it runs has run long; otherwise about a millisecond of its recent tasks, so that what waits in
 * one worker while another may be idle stays short.
 */
class SlotRoomProperties {

    private static final long MS = 1_000_000;

    @Property(tries = 2000)
    void roomIsBoundedByPipelineAndByAMillisecondOfWork(@ForAll @IntRange(min = 1, max = 64) int pipeline,
            @ForAll @LongRange(min = 1, max = 5 * MS) long mean, @ForAll @LongRange(min = 0, max = 5 * MS) long running) {
        int room = Slot.room(pipeline, mean, running);
        assertTrue(room >= 1 && room <= pipeline, "room " + room + " outside 1.." + pipeline);
        if (pipeline == 1 || mean >= MS || running >= MS) {
            assertEquals(1, room, "long, or running long: one at a time");
            return;
        }
        assertTrue(room >= 2, "short tasks pipeline");
        assertTrue(room == 2 || room * mean <= MS, room + " tasks of " + mean + " ns queue more than 1 ms");
        assertTrue(room == pipeline || (room + 1) * mean > MS, "room " + room + " leaves a millisecond unfilled");
        assertTrue(Slot.room(pipeline, mean + 1 + mean / 2, running) <= room, "longer tasks never get more room");
    }

    @Property(tries = 50)
    void unknownTasksGoOneAtATime(@ForAll @IntRange(min = 1, max = 64) int pipeline) {
        assertEquals(1, Slot.room(pipeline, Long.MAX_VALUE, 0));
    }
}
