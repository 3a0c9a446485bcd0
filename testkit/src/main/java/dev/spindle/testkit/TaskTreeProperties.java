package dev.spindle.testkit;

import dev.spindle.GroupTimeoutException;
import dev.spindle.MapOptions;
import dev.spindle.SerializableFunction;
import dev.spindle.SerializableTask;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.TaskGroupException;
import dev.spindle.TaskHandle;
import dev.spindle.TaskState;
import dev.spindle.testkit.TaskTree.Group;
import dev.spindle.testkit.TaskTree.Leaf;
import dev.spindle.testkit.TaskTree.LeafFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

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

    private final Map<String, TaskExecutor> reused = new HashMap<>();

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

    /**
     * @return whether tasks run in another process: their probes are then file-backed, and each executor is made
     *     once per property and parallelism and reused across tries (starting processes is what would cost), instead
     *     of once per try
     */
    protected boolean tasksCrossProcesses() {
        return false;
    }

    /** @return whether {@code mapStreaming} runs serializable functions on this backend */
    protected boolean runsMap() {
        return true;
    }

    /** How a run is disturbed from outside. */
    enum Strike { NONE, CANCEL, TIMEOUT }

    private TaskExecutor executor(String name, int parallelism) {
        if (!tasksCrossProcesses()) {
            return create(name, parallelism);
        }
        return reused.computeIfAbsent(name + "-" + parallelism, n -> create(n, parallelism));
    }

    private void doneWith(TaskExecutor ex) {
        if (!tasksCrossProcesses()) {
            ex.shutdownNow();
        }
    }

    @AfterProperty
    void shutDownReusedExecutors() {
        reused.values().forEach(TaskExecutor::shutdownNow);
        reused.clear();
    }

    private <T> T withProbe(Function<Probe, T> body) {
        if (!tasksCrossProcesses()) {
            return body.apply(Probe.inMemory());
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("spindle-probe-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the probe", e);
        }
        try {
            return body.apply(Probe.inFile(dir.resolve("events")));
        } finally {
            BackendFixture.deleteProbeDir(dir);
        }
    }

    @Property(tries = 80)
    void groupSemanticsHoldOnRandomTrees(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int parallelism,
            @ForAll @IntRange(min = 0, max = 2) int strikeIndex, @ForAll @IntRange(min = 0, max = 6) int cancelAfter) {
        Strike strike = Strike.values()[strikeIndex];
        Group tree = TaskTree.random(seed, maxDepth(), 4, strike != Strike.NONE && interruptsRunningTasks());
        TaskExecutor ex = executor("tree", parallelism);
        try {
            withProbe(probe -> {
                check(ex, tree, strike, cancelAfter, probe);
                return null;
            });
        } finally {
            doneWith(ex);
        }
    }

    private static void check(TaskExecutor ex, Group tree, Strike strike, int cancelAfter, Probe probe) {
        TaskGroup root = TaskGroup.open(ex).named("root");
        if (strike == Strike.TIMEOUT || tree.blocks()) {
            root.withTimeout(Duration.ofMillis(strike == Strike.TIMEOUT ? 5 + cancelAfter * 5 : 200));
        }
        List<TaskHandle<Object>> handles = new ArrayList<>();
        Throwable thrown = null;
        List<String> atReturn;
        Thread canceller = null;
        if (strike == Strike.CANCEL) {
            canceller = Thread.ofPlatform().daemon().start(() -> {
                probe.awaitUntil(() -> probe.count("root joined") > 0 || ids(probe.events(), "started-").size()
                        >= cancelAfter, Duration.ofSeconds(10));
                root.cancel();
            });
        }
        try (root) {
            for (var child : tree.children()) {
                handles.add(root.fork(new TreeTask(child, probe)));
            }
            root.join();
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            atReturn = probe.events();
            probe.mark("root joined");
        }
        if (canceller != null) {
            try {
                canceller.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String ctx = " [tree=" + tree + ", strike=" + strike + ", thrown=" + thrown + "]";
        if (!ids(atReturn, "exited-").containsAll(ids(atReturn, "started-"))) {
            throw new AssertionError("join returned while started leaves were still running" + ctx);
        }
        List<String> violations = probe.events().stream().filter(e -> e.startsWith("violation")).toList();
        if (!violations.isEmpty()) {
            throw new AssertionError(violations + ctx);
        }
        for (String v : verify(tree, handles, thrown == null)) {
            throw new AssertionError(v + ctx);
        }
        Set<Integer> failed = ids(probe.events(), "failed-");
        if (thrown == null) {
            if (!failed.isEmpty()) {
                throw new AssertionError("join returned normally although leaves failed: " + failed + ctx);
            }
            return;
        }
        Set<Throwable> reachable = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(thrown, reachable);
        Set<Integer> reported = new HashSet<>();
        for (Throwable t : reachable) {
            if (t instanceof LeafFailure f) {
                reported.add(f.id());
            }
        }
        for (int id : failed) {
            if (!reported.contains(id)) {
                throw new AssertionError("the failure of leaf " + id + " was swallowed" + ctx);
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

    /** @return the ids in events {@code prefix + id} */
    private static Set<Integer> ids(List<String> events, String prefix) {
        Set<Integer> ids = new HashSet<>();
        for (String e : events) {
            if (e.startsWith(prefix)) {
                ids.add(Integer.parseInt(e.substring(prefix.length())));
            }
        }
        return ids;
    }

    /**
     * What must hold for a group's handles once its join returned: every one is terminal, and if the join returned
     * normally every leaf succeeded.
     *
     * @return the violations, empty if none
     */
    private static List<String> verify(Group group, List<TaskHandle<Object>> handles, boolean returnedNormally) {
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            TaskHandle<Object> h = handles.get(i);
            TaskState state = h.taskState();
            if (!state.isTerminal()) {
                violations.add("violation: " + h + " is not terminal after its group's join");
            } else if (returnedNormally && group.children().get(i) instanceof Leaf l && state != TaskState.SUCCEEDED) {
                violations.add("violation: the join returned normally but leaf " + l.id() + " is " + state);
            }
        }
        return violations;
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

    /**
     * A node of the tree as a task. A group opens a task group on the executor running it ({@link BackendFixture#here()})
     * and records in the probe what its own join must guarantee; a leaf records when it starts, fails and exits.
     * Serializable, so it runs the same in a child JVM.
     *
     * @param node the node
     * @param probe where it reports
     */
    private record TreeTask(TaskTree node, Probe probe) implements SerializableTask<Object> {

        @Override
        public Object call() throws Exception {
            return node instanceof Leaf leaf ? leaf(leaf) : group((Group) node);
        }

        private Object group(Group g) throws Exception {
            List<TaskHandle<Object>> handles = new ArrayList<>();
            Throwable thrown = null;
            try (TaskGroup group = TaskGroup.open(BackendFixture.here())) {
                for (TaskTree child : g.children()) {
                    handles.add(group.fork(new TreeTask(child, probe)));
                }
                group.join();
            } catch (Exception | Error e) {
                thrown = e;
            }
            verify(g, handles, thrown == null).forEach(probe::mark);
            if (thrown instanceof Exception e) {
                throw e;
            }
            if (thrown instanceof Error e) {
                throw e;
            }
            return null;
        }

        private Object leaf(Leaf leaf) throws InterruptedException {
            probe.mark("started-" + leaf.id());
            try {
                switch (leaf.kind()) {
                    case SUCCEED -> spin(leaf.workMicros());
                    case FAIL -> {
                        spin(leaf.workMicros());
                        probe.mark("failed-" + leaf.id());
                        throw new LeafFailure(leaf.id());
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
                probe.mark("exited-" + leaf.id());
            }
        }

        private static void spin(int micros) {
            long until = System.nanoTime() + micros * 1000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }

    /** Skips a property of a backend whose {@link #runsMap()} answers no. */
    static final class SkipUnlessMapRuns implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            Class<?> c = context.optionalContainerClass().orElseThrow();
            try {
                var constructor = c.getDeclaredConstructor();
                constructor.setAccessible(true);
                if (!((TaskTreeProperties) constructor.newInstance()).runsMap()) {
                    return SkipResult.skip("mapStreaming is not available on this backend yet");
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot ask " + c.getName() + " whether it runs map", e);
            }
            return SkipResult.doNotSkip();
        }
    }

    @Property(tries = 40)
    @AddLifecycleHook(SkipUnlessMapRuns.class)
    void mapStreamingNeverHasMoreThanItsWindowInFlight(@ForAll @IntRange(min = 1, max = 3) int parallelism,
            @ForAll @IntRange(min = 1, max = 16) int window, @ForAll @IntRange(min = 0, max = 200) int items,
            @ForAll boolean ordered) {
        TaskExecutor ex = executor("window", parallelism);
        MapOptions options = (ordered ? MapOptions.ordered() : MapOptions.unordered()).withMaxInFlight(window);
        long worst = withProbe(probe -> {
            long max = 0;
            SerializableFunction<Integer, int[]> fn = i -> {
                probe.mark("produced");
                List<String> now = probe.events();
                long produced = now.stream().filter("produced"::equals).count();
                return new int[] {i, (int) (produced - (now.size() - produced))};
            };
            try (Stream<int[]> s = ex.mapStreaming(fn, IntStream.range(0, items).boxed().toList(), options)) {
                long count = 0;
                for (int[] r : (Iterable<int[]>) s::iterator) {
                    probe.mark("consumed");
                    max = Math.max(max, r[1]);
                    count++;
                }
                if (count != items) {
                    throw new AssertionError("expected " + items + " results, got " + count);
                }
            } finally {
                doneWith(ex);
            }
            return max;
        });
        if (worst > window) {
            throw new AssertionError(worst + " items in flight with a window of " + window);
        }
    }
}
