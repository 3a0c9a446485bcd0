package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Where a group keeps its k-th task: slots 0-3 in the first segment, then segment k of {@code 4 << k} slots starting
 * at slot {@code 4 * (2^k - 1)}. Every index lands inside its segment, and consecutive indices fill each segment
 * from its start to its end before the next one begins, so no two forks share a slot and none is skipped.
 */
class GroupSlotsProperties {

    @Property(tries = 2000)
    void everyIndexHasItsOwnSlot(@ForAll @IntRange(min = 0, max = (1 << 30) - 2) int index) {
        int k = index < 4 ? 0 : TaskGroup.segmentOf(index);
        int offset = TaskGroup.offsetOf(index);
        int size = 4 << k;
        assertTrue(offset >= 0 && offset < size, "index " + index + ": offset " + offset + " in segment " + k);
        assertTrue(k < 29, "index " + index + " needs segment " + k);
        int next = index + 1;
        int nk = next < 4 ? 0 : TaskGroup.segmentOf(next);
        if (nk == k) {
            assertEquals(offset + 1, TaskGroup.offsetOf(next), "index " + next + " follows " + index);
        } else {
            assertEquals(k + 1, nk, "segments follow each other");
            assertEquals(size - 1, offset, "index " + index + " ends segment " + k);
            assertEquals(0, TaskGroup.offsetOf(next), "index " + next + " starts segment " + nk);
        }
    }
}
