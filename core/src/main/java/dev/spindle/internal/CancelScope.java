package dev.spindle.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node of the cancellation tree. Cancelling a node cancels its whole subtree; a child attached to a node that is
 * already cancelled is cancelled at once. Every task handle and every task group is a node.
 *
 * <p>A node may carry its own deadline; its effective deadline is the tightest along the path to the root, read on
 * demand so that a deadline tightened later is seen by every descendant.
 *
 * <p>Thread-safe and lock-free. Ordering: {@link #attach} adds the child to the set and then reads {@code reason}
 * (volatile); {@link #cancel} writes {@code reason} (CAS) and then iterates the set. Either the canceller sees the
 * child or the child sees the reason, so no child is missed.
 */
public class CancelScope {

    /** No deadline. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final VarHandle REASON;
    private static final VarHandle CHILDREN;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REASON = l.findVarHandle(CancelScope.class, "reason", CancelReason.class);
            CHILDREN = l.findVarHandle(CancelScope.class, "children", Set.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CancelScope parent;
    private volatile CancelReason reason;
    private volatile Set<CancelScope> children; // created on first attach: most tasks never have children
    private volatile long deadlineNanos = NO_DEADLINE; // System.nanoTime() based

    /** @param parent the enclosing node, or {@code null} for a root */
    protected CancelScope(CancelScope parent) {
        this.parent = parent;
    }

    /** @return the enclosing node, or {@code null} */
    public final CancelScope parent() {
        return parent;
    }

    /** @return why this node was cancelled, or {@code null} if it was not */
    public final CancelReason reason() {
        return reason;
    }

    /** @return whether this node was cancelled (its own flag; ancestors propagate eagerly) */
    public final boolean isCancelRequested() {
        return reason != null;
    }

    /**
     * Tightens this node's own deadline.
     *
     * @param nanos a {@link System#nanoTime()} instant
     */
    public final void tightenDeadline(long nanos) {
        if (nanos < deadlineNanos) {
            deadlineNanos = nanos; // benign race: concurrent tighteners both keep a deadline at least as tight as before
        }
    }

    /** @return this node's own deadline, or {@link #NO_DEADLINE} */
    public final long ownDeadlineNanos() {
        return deadlineNanos;
    }

    /** @return the tightest deadline on the path to the root, or {@link #NO_DEADLINE} */
    public long effectiveDeadlineNanos() {
        long d = NO_DEADLINE;
        for (CancelScope s = this; s != null; s = s.parent) {
            d = Math.min(d, s.deadlineNanos);
        }
        return d;
    }

    /** Links this node under its parent; call once, before the node can run anything. */
    public final void attachToParent() {
        CancelScope p = parent;
        if (p == null) {
            return;
        }
        Set<CancelScope> set = p.children;
        if (set == null) {
            set = ConcurrentHashMap.newKeySet();
            if (!CHILDREN.compareAndSet(p, null, set)) {
                set = p.children;
            }
        }
        set.add(this);
        CancelReason r = p.reason; // read after add: see the class comment
        if (r != null) {
            cancel(r.inherited());
        }
    }

    /** Unlinks this node from its parent once it can no longer be cancelled usefully. */
    public final void detachFromParent() {
        CancelScope p = parent;
        if (p != null) {
            Set<CancelScope> set = p.children;
            if (set != null) {
                set.remove(this);
            }
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
        Set<CancelScope> set = children;
        if (set != null) {
            for (CancelScope child : set) {
                child.cancel(why.inherited());
            }
        }
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
