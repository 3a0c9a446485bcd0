package dev.spindle.testkit;

import dev.spindle.GroupTimeoutException;
import dev.spindle.MapOptions;
import dev.spindle.Task;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskGroupException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import dev.spindle.testkit.TaskTree.Group;
import dev.spindle.testkit.TaskTree.Kind;
import dev.spindle.testkit.TaskTree.Leaf;
import dev.spindle.testkit.TaskTree.LeafFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The group semantics checked over random trees of tasks (depth, width, work, which leaves fail, hang or swallow
 * their cancellation), random parallelism, and a random strike (none, a cancel after some leaves started, or a group
 * timeout). On every run:
 * <ul>
 *   <li>join returns only when the code of every started task has finished, and every handle is terminal;</li>
 *   <li>a normal return means no leaf failed and every leaf succeeded;</li>
 *   <li>every failure a leaf threw is reachable from what the root's join threw: none is swallowed;</li>
 *   <li>a {@link TaskGroupException} (not a timeout) has a leaf failure at the root of its cause chain;</li>
 *   <li>a {@link GroupTimeoutException} only when a timeout was set, a plain cancellation only when a cancel struck;</li>
 *   <li>cancellation is never reported as a failure among the suppressed.</li>
 * </ul>
 */
public abstract class TaskTreeProperties {

    /**
     * @param name the executor's name
     * @param parallelism how many tasks at once
     * @return a new executor of the backend under test
     */
    protected abstract TaskExecutor create(String name, int parallelism);

    /** @return whether leaves may block until interrupted (not on an event loop, which never interrupts) */
    protected boolean interruptsRunningTasks() {
        return true;
    }

    /** @return how deep groups nest inside tasks (0 where tasks may not block to join: an event loop) */
    protected int maxDepth() {
        return 2;
    }

    /** How a run is disturbed from outside. */
    enum Strike { NONE, CANCEL, TIMEOUT }

    @Property(tries = 80)
    void groupSemanticsHoldOnRandomTrees(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int parallelism,
            @ForAll @IntRange(min = 0, max = 2) int strikeIndex, @ForAll @IntRange(min = 0, max = 6) int cancelAfter) {
        Strike strike = Strike.values()[strikeIndex];
        Group tree = TaskTree.random(seed, maxDepth(), 4, strike != Strike.NONE && interruptsRunningTasks());
        TaskExecutor ex = create("tree", parallelism);
        try {
            check(ex, tree, strike, cancelAfter);
        } finally {
            ex.shutdownNow();
        }
    }

    private void check(TaskExecutor ex, Group tree, Strike strike, int cancelAfter) {
        Run run = new Run(ex);
        TaskGroup root = TaskGroup.open(ex).named("root");
        if (strike == Strike.TIMEOUT || tree.blocks()) {
            root.withTimeout(Duration.ofMillis(strike == Strike.TIMEOUT ? 5 + cancelAfter * 5 : 200));
        }
        Throwable thrown = null;
        Set<Integer> startedAtReturn;
        Set<Integer> exitedAtReturn;
        Thread canceller = null;
        if (strike == Strike.CANCEL) {
            canceller = Thread.ofPlatform().daemon().start(() -> {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (run.started.size() < cancelAfter && !run.joined && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                root.cancel();
            });
        }
        try (root) {
            for (var child : tree.children()) {
                run.handles.add(root.fork(run.task(child)));
            }
            root.join();
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            startedAtReturn = Set.copyOf(run.started);
            exitedAtReturn = Set.copyOf(run.exited);
            run.joined = true;
        }
        if (canceller != null) {
            try {
                canceller.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String ctx = " [tree=" + tree + ", strike=" + strike + ", thrown=" + thrown + "]";
        if (!exitedAtReturn.containsAll(startedAtReturn)) {
            throw new AssertionError("join returned while started leaves were still running" + ctx);
        }
        for (TaskHandle<?> h : run.handles) {
            if (!h.taskState().isTerminal()) {
                throw new AssertionError(h + " is not terminal after join" + ctx);
            }
        }
        if (thrown == null) {
            if (!run.failures.isEmpty()) {
                throw new AssertionError("join returned normally although leaves failed: " + run.failures + ctx);
            }
            for (var e : run.leafHandles.entrySet()) {
                if (e.getValue().taskState() != TaskState.SUCCEEDED) {
                    throw new AssertionError("join returned normally but leaf " + e.getKey() + " is "
                            + e.getValue().taskState() + ctx);
                }
            }
            return;
        }
        Set<Throwable> reachable = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(thrown, reachable);
        for (LeafFailure f : run.failures) {
            if (!reachable.contains(f)) {
                throw new AssertionError("the failure of " + f.getMessage() + " was swallowed" + ctx);
            }
        }
        for (Throwable s : thrown.getSuppressed()) {
            if (s instanceof java.util.concurrent.CancellationException || s instanceof InterruptedException) {
                throw new AssertionError("a cancellation was reported as a failure: " + s + ctx);
            }
        }
        if (thrown instanceof GroupTimeoutException) {
            if (!(strike == Strike.TIMEOUT || tree.blocks())) {
                throw new AssertionError("timed out without a timeout" + ctx);
            }
        } else if (thrown instanceof TaskGroupException) {
            if (!(rootCause(thrown) instanceof LeafFailure)) {
                throw new AssertionError("a group failure without a leaf failure at its root" + ctx, thrown);
            }
        } else if (thrown instanceof TaskCancelledException) {
            if (strike != Strike.CANCEL) {
                throw new AssertionError("cancelled although nobody cancelled" + ctx, thrown);
            }
        } else {
            throw new AssertionError("unexpected exception from join" + ctx, thrown);
        }
    }

    private static void collect(Throwable t, Set<Throwable> into) {
        if (t == null || !into.add(t)) {
            return;
        }
        collect(t.getCause(), into);
        for (Throwable s : t.getSuppressed()) {
            collect(s, into);
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The bookkeeping of one run. */
    private static final class Run {
        final TaskExecutor ex;
        final Set<Integer> started = ConcurrentHashMap.newKeySet();
        final Set<Integer> exited = ConcurrentHashMap.newKeySet();
        final List<LeafFailure> failures = Collections.synchronizedList(new ArrayList<>());
        final List<TaskHandle<?>> handles = Collections.synchronizedList(new ArrayList<>());
        final Map<Integer, TaskHandle<?>> leafHandles = new ConcurrentHashMap<>();
        volatile boolean joined;

        Run(TaskExecutor ex) {
            this.ex = ex;
        }

        Task<Object> task(TaskTree node) {
            if (node instanceof Leaf leaf) {
                return () -> leaf(leaf);
            }
            Group g = (Group) node;
            return () -> {
                try (TaskGroup group = TaskGroup.open(ex)) {
                    for (TaskTree child : g.children()) {
                        TaskHandle<Object> h = group.fork(task(child));
                        handles.add(h);
                        if (child instanceof Leaf l) {
                            leafHandles.put(l.id(), h);
                        }
                    }
                    group.join();
                }
                return null;
            };
        }

        private Object leaf(Leaf leaf) throws InterruptedException {
            started.add(leaf.id());
            try {
                switch (leaf.kind()) {
                    case SUCCEED -> spin(leaf.workMicros());
                    case FAIL -> {
                        spin(leaf.workMicros());
                        LeafFailure f = new LeafFailure(leaf.id());
                        failures.add(f);
                        throw f;
                    }
                    case HANG -> BackendFixture.blockUntilInterrupted();
                    case STUBBORN -> {
                        try {
                            BackendFixture.blockUntilInterrupted();
                        } catch (InterruptedException swallowed) {
                            spin(200);
                        }
                    }
                    default -> throw new IllegalStateException(leaf.kind().toString());
                }
                return leaf.id();
            } finally {
                exited.add(leaf.id());
            }
        }

        private static void spin(int micros) {
            long until = System.nanoTime() + micros * 1000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }

    @Property(tries = 40)
    void mapStreamingNeverHasMoreThanItsWindowInFlight(@ForAll @IntRange(min = 1, max = 3) int parallelism,
            @ForAll @IntRange(min = 1, max = 16) int window, @ForAll @IntRange(min = 0, max = 200) int items,
            @ForAll boolean ordered) {
        TaskExecutor ex = create("window", parallelism);
        AtomicInteger unconsumed = new AtomicInteger();
        AtomicLong worst = new AtomicLong();
        MapOptions options = (ordered ? MapOptions.ordered() : MapOptions.unordered()).withMaxInFlight(window);
        try (Stream<Integer> s = ex.mapStreaming(i -> {
            worst.accumulateAndGet(unconsumed.incrementAndGet(), Math::max);
            return i;
        }, IntStream.range(0, items).boxed().toList(), options)) {
            long count = s.map(i -> {
                unconsumed.decrementAndGet();
                return i;
            }).toList().size();
            if (count != items) {
                throw new AssertionError("expected " + items + " results, got " + count);
            }
        } finally {
            ex.shutdownNow();
        }
        if (worst.get() > window) {
            throw new AssertionError(worst.get() + " items in flight with a window of " + window);
        }
    }
}
