package dev.spindle.internal.lock;

import dev.spindle.lock.PotentialDeadlockException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The global "taken while holding" graph of Spindle locks. An edge A → B means some thread acquired B while holding
 * A; it remembers where that first happened. Adding an edge that closes a cycle is refused with
 * {@link PotentialDeadlockException}. Edges already known are checked lock-free; new edges are added under one
 * lock, so two threads cannot add the two halves of a cycle at once.
 */
public final class LockOrderGraph {

    /**
     * Whether checking is on, as the target of a call site rather than a field: compiled code treats the target as a
     * constant and is recompiled when it changes, so with checking off a lock pays nothing for it, not even a load
     * (a volatile read here cost the contended {@code ReentrantMutex} about 10%). Changing it is rare and slow.
     */
    private static final MutableCallSite ENABLED_SITE = new MutableCallSite(
            MethodHandles.constant(boolean.class, Boolean.getBoolean("spindle.lockOrderChecking")));
    private static final MethodHandle ENABLED = ENABLED_SITE.dynamicInvoker();
    private static final ReentrantLock SWITCHING = new ReentrantLock();
    private static final Map<Object, Map<Object, Throwable>> EDGES = new ConcurrentHashMap<>();
    private static final ReentrantLock ADDING = new ReentrantLock();
    private static final ThreadLocal<ArrayDeque<Object>> HELD = ThreadLocal.withInitial(ArrayDeque::new);

    static {
        enabled(); // links the invoker now, on the thread loading the lock classes, not later on a virtual thread
    }

    private LockOrderGraph() {
    }

    /** @return whether checking is on; free in compiled code (see {@link #ENABLED_SITE}) */
    public static boolean enabled() {
        try {
            return (boolean) ENABLED.invokeExact();
        } catch (Throwable e) {
            throw new AssertionError("a constant method handle threw", e);
        }
    }

    /**
     * Turns checking on or off for every thread: threads see the change before this returns (compiled code that
     * assumed the old value is thrown away).
     *
     * @param on whether checking is on
     */
    public static void setEnabled(boolean on) {
        SWITCHING.lock();
        try {
            if (enabled() != on) {
                ENABLED_SITE.setTarget(MethodHandles.constant(boolean.class, on));
                MutableCallSite.syncAll(new MutableCallSite[] {ENABLED_SITE});
            }
        } finally {
            SWITCHING.unlock();
        }
    }

    /** Forgets all edges. */
    public static void reset() {
        ADDING.lock();
        try {
            EDGES.clear();
        } finally {
            ADDING.unlock();
        }
    }

    /**
     * Records that the current thread is about to wait for {@code lock}; refuses it if that closes a cycle.
     *
     * @param lock the lock asked for
     * @throws PotentialDeadlockException if some thread took a lock held now while holding {@code lock}
     */
    public static void beforeAcquire(Object lock) {
        ArrayDeque<Object> held = HELD.get();
        for (Object h : held) {
            if (h == lock) {
                continue; // re-entry is not an ordering
            }
            Map<Object, Throwable> out = EDGES.get(h);
            if (out != null && out.containsKey(lock)) {
                continue;
            }
            addEdge(h, lock);
        }
    }

    private static void addEdge(Object from, Object to) {
        ADDING.lock();
        try {
            List<Object> path = path(to, from);
            if (path != null) {
                Throwable earlier = EDGES.get(path.get(0)).get(path.get(1));
                StringBuilder msg = new StringBuilder()
                        .append("potential deadlock: ").append(Thread.currentThread().getName())
                        .append(" holds ").append(from).append(" and asks for ").append(to)
                        .append(", but ").append(to).append(" was taken before ").append(path.get(1));
                if (path.size() > 2) {
                    msg.append(" on the path ").append(path);
                }
                msg.append(" elsewhere. Take the locks in one global order (e.g. always ").append(to)
                        .append(" before ").append(from).append(").\nWhere ").append(to).append(" was followed by ")
                        .append(path.get(1)).append(":\n").append(site(earlier))
                        .append("Where ").append(from).append(" is followed by ").append(to).append(" now:\n")
                        .append(site(new Throwable()));
                throw new PotentialDeadlockException(msg.toString());
            }
            EDGES.computeIfAbsent(from, k -> new ConcurrentHashMap<>())
                    .putIfAbsent(to, new Throwable("first acquired here by " + Thread.currentThread().getName()));
        } finally {
            ADDING.unlock();
        }
    }

    private static String site(Throwable t) {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("dev.spindle.internal.lock.") || e.getClassName().startsWith("dev.spindle.lock.")) {
                continue;
            }
            b.append("\tat ").append(e).append('\n');
            if (++shown == 12) {
                break;
            }
        }
        return b.toString();
    }

    /** @return a path of edges from {@code start} to {@code goal}, as the list of its nodes, or null */
    private static List<Object> path(Object start, Object goal) {
        ArrayDeque<List<Object>> todo = new ArrayDeque<>();
        Set<Object> seen = new HashSet<>();
        todo.add(List.of(start));
        seen.add(start);
        while (!todo.isEmpty()) {
            List<Object> p = todo.poll();
            Object last = p.get(p.size() - 1);
            Map<Object, Throwable> out = EDGES.get(last);
            if (out == null) {
                continue;
            }
            for (Object next : out.keySet()) {
                List<Object> longer = new ArrayList<>(p);
                longer.add(next);
                if (next == goal) {
                    return longer;
                }
                if (seen.add(next)) {
                    todo.add(longer);
                }
            }
        }
        return null;
    }

    /** @param lock acquired by the current thread */
    public static void acquired(Object lock) {
        HELD.get().push(lock);
    }

    /** @param lock released by the current thread */
    public static void released(Object lock) {
        HELD.get().removeFirstOccurrence(lock);
    }
}
