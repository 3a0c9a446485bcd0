package dev.spindle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The children list of a cancellation node under threads that attach, detach and cancel at once. The list's lock is
 * its head (swapped for a marker by the CAS that takes it); the first child of an empty list and the last to leave
 * take one CAS each, without the lock. Whatever the interleaving: a cancel reaches every child still attached, never
 * one that left before it, and the list is never left locked.
 */
class CancelScopeListProperties {

    /** A plain node; in this package, so the tests reach the protected list operations. */
    private static final class Node extends CancelScope {
        Node(CancelScope parent) {
            super(parent);
        }
    }

    private static CancelReason why() {
        return CancelReason.requested("test");
    }

    /**
     * Threads attach children and detach some of them (each thread its own, in a random pattern) while nothing is
     * cancelled; once they are done, one cancel of the parent must reach exactly the children still attached.
     */
    @Property(tries = 300)
    void aCancelAfterConcurrentAttachesAndDetachesReachesExactlyTheChildrenStillAttached(
            @ForAll @IntRange(min = 1, max = 4) int threads,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 3) Integer> pattern) throws Exception {
        Node parent = new Node(null);
        List<List<Node>> kept = new ArrayList<>();
        List<List<Node>> left = new ArrayList<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Node> mineKept = new ArrayList<>();
            List<Node> mineLeft = new ArrayList<>();
            kept.add(mineKept);
            left.add(mineLeft);
            int shift = t; // each thread reads the pattern from another place: different interleavings
            ts.add(Thread.ofPlatform().start(() -> {
                await(start);
                List<Node> attached = new ArrayList<>();
                for (int i = 0; i < pattern.size(); i++) {
                    int op = pattern.get((i + shift) % pattern.size());
                    Node child = new Node(parent);
                    child.attachToParent();
                    attached.add(child);
                    if (op == 0) { // leave: the newest, often the list's head or its only node
                        Node gone = attached.remove(attached.size() - 1);
                        gone.detachFromParent();
                        gone.detachFromParent(); // idempotent
                        mineLeft.add(gone);
                    } else if (op == 1 && attached.size() > 1) { // leave: the oldest, in the middle or at the end
                        Node gone = attached.remove(0);
                        gone.detachFromParent();
                        mineLeft.add(gone);
                    }
                }
                mineKept.addAll(attached);
            }));
        }
        for (Thread t : ts) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), "a thread hung on the list's lock");
        }
        parent.cancel(why());
        for (List<Node> l : kept) {
            for (Node n : l) {
                assertTrue(n.isCancelRequested(), "a child still attached was not reached by the cancel");
            }
        }
        for (List<Node> l : left) {
            for (Node n : l) {
                assertFalse(n.isCancelRequested(), "a child that had left was reached by the cancel");
            }
        }
        // and the list is usable afterwards: a new child is cancelled at once (the parent is), and leaves cleanly
        Node late = new Node(parent);
        late.attachToParent();
        assertTrue(late.isCancelRequested());
        late.detachFromParent();
    }

    /**
     * Threads attach children (some leave again) while another thread cancels the parent at a random point: every
     * child that never left is cancelled, whether it was attached before the cancel (the cancel lists it) or after
     * (it sees the reason as it attaches).
     */
    @Property(tries = 300)
    void aCancelRacingAttachesMissesNoChildThatStaysAttached(
            @ForAll @IntRange(min = 1, max = 3) int threads,
            @ForAll @IntRange(min = 1, max = 60) int perThread,
            @ForAll @IntRange(min = 0, max = 60) int cancelAfter,
            @ForAll @IntRange(min = 0, max = 3) int leaveEvery) throws Exception {
        Node parent = new Node(null);
        List<List<Node>> kept = new ArrayList<>();
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Node> mine = new ArrayList<>();
            kept.add(mine);
            ts.add(Thread.ofPlatform().start(() -> {
                await(start);
                for (int i = 0; i < perThread; i++) {
                    Node child = new Node(parent);
                    child.attachToParent();
                    if (leaveEvery > 0 && i % (leaveEvery + 1) == 0) {
                        child.detachFromParent();
                    } else {
                        mine.add(child);
                    }
                }
            }));
        }
        Thread canceller = Thread.ofPlatform().start(() -> {
            await(start);
            for (int i = 0; i < cancelAfter; i++) {
                Thread.onSpinWait();
            }
            parent.cancel(why());
        });
        canceller.join(TimeUnit.SECONDS.toMillis(30));
        for (Thread t : ts) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), "a thread hung on the list's lock");
        }
        assertFalse(canceller.isAlive(), "the canceller hung on the list's lock");
        int missed = 0;
        for (List<Node> l : kept) {
            for (Node n : l) {
                if (!n.isCancelRequested()) {
                    missed++;
                }
            }
        }
        assertEquals(0, missed, "children attached and never detached that the cancel missed");
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the threads of one try did not all start", e);
        }
    }
}
