package dev.spindle.testkit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A random tree of task groups and leaf tasks for the property tests: what each leaf does and how the groups nest.
 * Immutable and serializable (it travels with its tasks to a child JVM); its {@code toString} is what jqwik prints
 * for a failing case.
 */
public sealed interface TaskTree extends Serializable {

    /** What a leaf task does. */
    enum Kind {
        /** spins for its work time and returns */
        SUCCEED,
        /** spins for its work time and throws a {@link LeafFailure} */
        FAIL,
        /** blocks until interrupted, then lets the interrupt propagate */
        HANG,
        /** blocks until interrupted, keeps running a little, then returns normally: it swallows cancellation */
        STUBBORN
    }

    /**
     * @param id unique within the tree
     * @param kind its behaviour
     * @param workMicros how long it spins
     */
    record Leaf(int id, Kind kind, int workMicros) implements TaskTree {
    }

    /** @param children the nodes forked into this group, in order */
    record Group(List<TaskTree> children) implements TaskTree {
    }

    /** The failure a FAIL leaf throws. */
    final class LeafFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int id;

        /** @param id the leaf */
        public LeafFailure(int id) {
            super("leaf " + id + " failed", null, false, false);
            this.id = id;
        }

        /** @return the leaf that threw it */
        public int id() {
            return id;
        }
    }

    /**
     * @param seed the random seed
     * @param maxDepth how deep groups may nest
     * @param maxWidth how many children a group may have
     * @param allowBlocking whether HANG and STUBBORN leaves may appear
     * @return a tree whose root is a group
     */
    static Group random(long seed, int maxDepth, int maxWidth, boolean allowBlocking) {
        Random r = new Random(seed);
        int[] ids = {0};
        return group(r, maxDepth, maxWidth, allowBlocking, ids);
    }

    private static Group group(Random r, int depth, int width, boolean blocking, int[] ids) {
        int n = 1 + r.nextInt(width);
        List<TaskTree> children = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (depth > 0 && r.nextInt(3) == 0) {
                children.add(group(r, depth - 1, width, blocking, ids));
            } else {
                int roll = r.nextInt(100);
                Kind kind = roll < 70 ? Kind.SUCCEED
                        : roll < 85 ? Kind.FAIL
                        : blocking ? (roll < 95 ? Kind.HANG : Kind.STUBBORN) : Kind.SUCCEED;
                children.add(new Leaf(ids[0]++, kind, r.nextInt(300)));
            }
        }
        return new Group(List.copyOf(children));
    }

    /** @return the number of leaves */
    default int leaves() {
        if (this instanceof Group g) {
            return g.children().stream().mapToInt(TaskTree::leaves).sum();
        }
        return 1;
    }

    /** @return whether some leaf blocks until cancelled */
    default boolean blocks() {
        if (this instanceof Group g) {
            return g.children().stream().anyMatch(TaskTree::blocks);
        }
        Kind k = ((Leaf) this).kind();
        return k == Kind.HANG || k == Kind.STUBBORN;
    }
}
