package dev.spindle.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A node of the cancellation tree. Cancelling a node cancels its whole subtree; a child attached to a node that is
 * already cancelled is cancelled at once. Every task handle, every task group and every executor's root is a node.
 *
 * <p>A node may carry its own deadline; its effective deadline is the tightest along the path to the root, read on
 * demand so that a deadline tightened later is seen by every descendant.
 *
 * <p>Children form an intrusive doubly-linked list (no allocation per child) guarded by a spin lock on the parent,
 * held for a few field writes only: the lock is the list's head itself, swapped for a marker by the CAS that takes it
 * and stored back on release, so a node needs no field for it. The first child of an empty list and the last one to
 * leave need no lock: one CAS on the head each (a task opens one group at a time, most often).
 *
 * <p>Ordering: {@link #attachToParent} links the child (by a CAS on the head: the fast path's, or the lock's followed
 * by the release that stores the new head) and then reads {@code reason} (volatile); {@link #cancel} writes
 * {@code reason} (CAS) and then takes the lock (a CAS on the same head) to list the children. The CASes on the head
 * are totally ordered: if the canceller's comes first, the child's link and its read of the reason come after it and
 * see the reason; if the child's comes first, the canceller's CAS reads the head the child's link left, and so lists
 * the child. No child is missed.
 *
 * <p>Thread-safe.
 */
public class CancelScope {

    /** No deadline. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final VarHandle REASON;
    private static final VarHandle LOCK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REASON = l.findVarHandle(CancelScope.class, "reason", CancelReason.class);
            LOCK = l.findVarHandle(CancelScope.class, "firstChild", CancelScope.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CancelScope parent;
    private volatile CancelReason reason;
    /**
     * The list's head, or {@link #LOCKED} while a thread holds the list: {@link #lockChildren()} takes the head by
     * swapping the marker in, {@link #unlockChildren} stores the (new) head back. Every task is a node, so the lock
     * costs no field of its own.
     */
    private volatile CancelScope firstChild;
    private CancelScope prevSibling; // guarded by the parent's lock
    private CancelScope nextSibling; // guarded by the parent's lock
    // No "linked" flag: a node is in its parent's list exactly when it has a previous sibling or is the list's head.

    /** @param parent the enclosing node, or {@code null} for a root */
    protected CancelScope(CancelScope parent) {
        this.parent = parent;
    }

    /**
     * @return a new root node: cancelling it cancels everything attached below it. Its children are spread over
     *     stripes with a lock each, so that the threads submitting and the threads finishing tasks of one executor
     *     do not all take one lock
     */
    public static CancelScope newRoot() {
        return new StripedRoot();
    }

    /** A root whose children hang in one of several plain nodes, chosen by {@link #stripeHint()}. */
    private static final class StripedRoot extends CancelScope {
        private static final int STRIPES = 16; // a power of two
        private final CancelScope[] stripes = new CancelScope[STRIPES];

        StripedRoot() {
            super(null);
            for (int i = 0; i < STRIPES; i++) {
                stripes[i] = new PaddedStripe();
            }
        }

        private CancelScope stripeOf(CancelScope child) {
            return stripes[child.stripeHint() & (STRIPES - 1)];
        }

        @Override
        protected void adopt(CancelScope child) {
            stripeOf(child).adopt(child);
        }

        @Override
        protected void release(CancelScope child) {
            stripeOf(child).release(child);
        }

        @Override
        protected void cancelChildren(CancelReason why) {
            for (CancelScope stripe : stripes) {
                stripe.cancelChildren(why);
            }
        }
    }

    /**
     * A root's stripe, padded so that no two stripes share a cache line: their locks and list heads are written by
     * different threads at once (a plain node is about 56 bytes, so neighbouring stripes allocated together would).
     * HotSpot lays a subclass's fields after its superclass's, so the padding follows the hot fields.
     */
    @SuppressWarnings("unused") // padding only
    private static final class PaddedStripe extends CancelScope {
        private long p0, p1, p2, p3, p4, p5, p6, p7;

        PaddedStripe() {
            super(null);
        }
    }

    /** @return a number that spreads this node's siblings over a striped parent's locks; the same every call */
    protected int stripeHint() {
        return 0;
    }

    /** @return the enclosing node, or {@code null} */
    public final CancelScope parent() {
        return parent;
    }

    /** @return why this node was cancelled, or {@code null} if it was not */
    public final CancelReason reason() {
        return reason;
    }

    /** @return whether this node was cancelled (ancestors propagate eagerly) */
    public final boolean isCancelRequested() {
        return reason != null;
    }

    /**
     * @return this node's own deadline (a {@link System#nanoTime()} instant), or {@link #NO_DEADLINE}; a plain node
     *     has none (a node that can have one keeps it: a task in its rarely used part, a group in a
     *     {@link WithDeadline} node, so that the many nodes without one do not carry the field)
     */
    public long ownDeadlineNanos() {
        return NO_DEADLINE;
    }

    /** @return the tightest deadline on the path to the root, or {@link #NO_DEADLINE} */
    public final long effectiveDeadlineNanos() {
        long d = NO_DEADLINE;
        for (CancelScope s = this; s != null; s = s.parent) {
            d = Math.min(d, s.ownDeadlineNanos());
        }
        return d;
    }

    /** A node whose own deadline can be tightened while it lives (a task group's timeout). */
    public static class WithDeadline extends CancelScope {
        private static final VarHandle DEADLINE;

        static {
            try {
                DEADLINE = MethodHandles.lookup().findVarHandle(WithDeadline.class, "deadlineNanos", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile long deadlineNanos = NO_DEADLINE; // System.nanoTime() based

        /** @param parent the enclosing node, or {@code null} for a root */
        protected WithDeadline(CancelScope parent) {
            super(parent);
        }

        /**
         * Tightens this node's own deadline; a later one is ignored.
         *
         * @param nanos a {@link System#nanoTime()} instant
         */
        public final void tightenDeadline(long nanos) {
            long current;
            while (nanos < (current = deadlineNanos)) {
                if (DEADLINE.compareAndSet(this, current, nanos)) {
                    return;
                }
            }
        }

        @Override
        public final long ownDeadlineNanos() {
            return deadlineNanos;
        }
    }

    /** What {@link #firstChild} holds while a thread holds this node's list. */
    private static final CancelScope LOCKED = new CancelScope(null);

    /**
     * Takes the spin lock that guards this node's own child bookkeeping; held for a few field writes only.
     *
     * @return the list's head, to hand (changed or not) to {@link #unlockChildren}
     */
    protected final CancelScope lockChildren() {
        int spins = 0;
        for (;;) {
            CancelScope head = firstChild;
            if (head != LOCKED && LOCK.compareAndSet(this, head, LOCKED)) {
                return head;
            }
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the holder was descheduled mid-way: let it finish
            }
        }
    }

    /**
     * Releases {@link #lockChildren()}.
     *
     * @param head the list's head now: what {@code lockChildren} returned, or the head the holder made
     */
    protected final void unlockChildren(CancelScope head) {
        LOCK.setRelease(this, head);
    }

    /** Links this node under its parent; call once, before the node can run anything. */
    public final void attachToParent() {
        joinParent();
        inheritCancellation();
    }

    /**
     * The first half of {@link #attachToParent()}: links this node under its parent. If it throws (a parent that
     * refuses new children, such as a closed task group), the node was not linked and nothing counts it.
     */
    public final void joinParent() {
        CancelScope p = parent;
        if (p != null) {
            p.adopt(this);
        }
    }

    /** The second half of {@link #attachToParent()}: cancels this node if its parent was cancelled already. */
    public final void inheritCancellation() {
        CancelScope p = parent;
        CancelReason r = p == null ? null : p.reason; // read after linking: see the class comment
        if (r != null) {
            cancel(r.inherited());
        }
    }

    /** Unlinks this node from its parent once it can no longer be cancelled usefully. Idempotent. */
    public final void detachFromParent() {
        CancelScope p = parent;
        if (p != null) {
            p.release(this);
        }
    }

    /**
     * Records {@code child} so that cancelling this node reaches it. An override must publish the child with a
     * full fence (e.g. a CAS) before it returns, and {@link #cancelChildren} must find every child so published:
     * {@link #attachToParent} reads {@code reason} afterwards, which is what makes a concurrent cancel miss no one.
     *
     * @param child a node whose parent is this one
     */
    protected void adopt(CancelScope child) {
        // The common case, a task that opens one group at a time, takes no lock: the first child of an empty list
        // becomes its head by one CAS (a new node's links are null already).
        if (firstChild == null && LOCK.compareAndSet(this, null, child)) {
            return;
        }
        CancelScope head = lockChildren();
        child.nextSibling = head; // nothing here can throw
        child.prevSibling = null;
        if (head != null) {
            head.prevSibling = child;
        }
        unlockChildren(child);
    }

    /**
     * Forgets {@code child}, which has ended. Idempotent.
     *
     * @param child a node adopted before
     */
    protected void release(CancelScope child) {
        // The list's only node leaves by one CAS. Read the head first: seeing the child there orders the reads of its
        // links after the push that made it the head. A node's next link never goes from null to a node (pushes add
        // at the head), so null there is final; the CAS fails if a push or a holder of the lock came in between.
        if (firstChild == child && child.prevSibling == null && child.nextSibling == null
                && LOCK.compareAndSet(this, child, null)) {
            return;
        }
        CancelScope head = lockChildren();
        if (child.prevSibling == null && head != child) {
            unlockChildren(head);
            return; // not in the list: released already (or never adopted)
        }
        if (child.prevSibling != null) { // nothing here can throw
            child.prevSibling.nextSibling = child.nextSibling;
        } else {
            head = child.nextSibling;
        }
        if (child.nextSibling != null) {
            child.nextSibling.prevSibling = child.prevSibling;
        }
        child.prevSibling = null;
        child.nextSibling = null;
        unlockChildren(head);
    }

    /**
     * Cancels every child adopted and not yet released. Called after {@code reason} was set.
     *
     * @param why the reason to hand down (already {@link CancelReason#inherited() inherited})
     */
    protected void cancelChildren(CancelReason why) {
        List<CancelScope> out = new ArrayList<>();
        CancelScope head = lockChildren(); // after reason was set: a child adopted later sees the reason
        try {
            for (CancelScope c = head; c != null; c = c.nextSibling) {
                out.add(c); // may throw OutOfMemoryError: the finally puts the head back
            }
        } finally {
            unlockChildren(head);
        }
        for (CancelScope child : out) {
            child.cancel(why);
        }
    }

    /**
     * Cancels this node and its subtree.
     *
     * @param why the reason
     * @return {@code true} if this call cancelled the node, {@code false} if it was already cancelled
     */
    public final boolean cancel(CancelReason why) {
        if (!REASON.compareAndSet(this, null, why)) {
            return false;
        }
        onCancel(why);
        cancelChildren(why.inherited());
        return true;
    }

    /**
     * Called once, by the thread that cancelled this node, before its children are cancelled.
     *
     * @param why the reason
     */
    protected void onCancel(CancelReason why) {
    }
}
