package dev.spindle;

/**
 * The count of a {@link TaskGroup}'s forks, written (CAS) on every fork, and room after it. HotSpot lays a class's
 * fields after its superclass's, so the group's own fields, and the group's scope (allocated just after the group),
 * start at least 56 bytes further on: the exits, which read the scope, do not share a cache line with the forks.
 */
@SuppressWarnings("unused") // padding
abstract class GroupForks {
    /** Tasks forked, and {@code TaskGroup.CLOSED}; written by forkers only. */
    volatile int forks;
    private long p1, p2, p3, p4, p5, p6, p7;

    GroupForks() {
    }
}
