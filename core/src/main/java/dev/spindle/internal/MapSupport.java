package dev.spindle.internal;

import dev.spindle.MapOptions;
import dev.spindle.Task;
import dev.spindle.TaskCancelledException;
import dev.spindle.TaskFailedException;
import dev.spindle.TaskFunction;
import dev.spindle.TaskGroup;
import dev.spindle.TaskGroupException;
import dev.spindle.TaskOptions;
import dev.spindle.spi.AbstractTaskExecutor;
import dev.spindle.spi.TaskRun;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** {@code map} and {@code mapStreaming} for every backend, built on task groups and the cancellation tree. */
public final class MapSupport {

    private MapSupport() {
    }

    /** Carries the index of the item whose function threw, out of a chunk task. */
    /** A failure of one item of a {@code map}, which knows the item's index; its cause is what the function threw. */
    public interface IndexedFailure {
        /** @return the item's index in the input */
        long index();
    }

    private static final class ItemFailure extends RuntimeException implements IndexedFailure {
        private static final long serialVersionUID = 1L;
        final long index;

        @Override
        public long index() {
            return index;
        }

        ItemFailure(long index, Throwable cause) {
            super("item #" + index + " failed", cause, false, false);
            this.index = index;
        }
    }

    /**
     * Python's heuristic: about four chunks per worker, so stragglers even out while each task stays worth its
     * dispatch.
     *
     * @param items how many items
     * @param parallelism the executor's parallelism
     * @return the chunk size, at least 1
     */
    public static int chunkSize(int items, int parallelism) {
        long chunks = Math.max(1, parallelism) * 4L;
        return (int) Math.max(1, (items + chunks - 1) / chunks);
    }

    /**
     * Ordered, chunked, fail-fast map.
     *
     * @param executor where to run
     * @param fn the function
     * @param items the items
     * @param <T> item type
     * @param <R> result type
     * @return results in item order
     */
    public static <T, R> List<R> map(AbstractTaskExecutor executor, TaskFunction<T, R> fn, Iterable<T> items) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        List<T> list = items instanceof Collection<T> c ? new ArrayList<>(c) : toList(items);
        int n = list.size();
        if (n == 0) {
            return List.of();
        }
        int chunk = chunkSize(n, executor.parallelism());
        Object[] out = new Object[n];
        try (TaskGroup group = TaskGroup.open(executor)) {
            for (int from = 0; from < n; from += chunk) {
                int lo = from;
                int hi = Math.min(n, from + chunk);
                group.fork(() -> {
                    for (int i = lo; i < hi; i++) {
                        try {
                            out[i] = fn.apply(list.get(i));
                        } catch (Throwable e) {
                            throw new ItemFailure(i, e);
                        }
                    }
                    return null;
                }, TaskOptions.named("map[" + lo + ".." + hi + ")"));
            }
            group.join();
        } catch (TaskGroupException e) {
            throw itemFailure(e);
        }
        @SuppressWarnings("unchecked")
        List<R> results = (List<R>) Collections.unmodifiableList(Arrays.asList(out));
        return results;
    }

    /**
     * Turns the failure of a group of map chunks into the failure of the first item, with its index.
     *
     * @param e what the group's join threw
     * @return the item's failure, the other failures suppressed
     * @throws TaskGroupException {@code e} itself if its cause is not one item's failure (a crash, a cancellation)
     */
    public static TaskFailedException itemFailure(TaskGroupException e) {
        if (!(e.getCause() instanceof IndexedFailure first)) {
            throw e;
        }
        Throwable cause = e.getCause().getCause();
        TaskFailedException failure = new TaskFailedException("map item #" + first.index() + " failed: " + cause,
                cause, first.index());
        for (Throwable other : e.getSuppressed()) {
            failure.addSuppressed(other instanceof IndexedFailure ? other.getCause() : other);
        }
        return failure;
    }

    /**
     * @param items any iterable
     * @param <T> the item type
     * @return its items in a new list
     */
    public static <T> List<T> toList(Iterable<T> items) {
        List<T> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }

    /**
     * Lazy map with a bounded window.
     *
     * @param executor where to run
     * @param fn the function
     * @param items the items
     * @param options order and window
     * @param <T> item type
     * @param <R> result type
     * @return the results as a stream; closing it cancels what is in flight
     */
    public static <T, R> Stream<R> mapStreaming(AbstractTaskExecutor executor, TaskFunction<T, R> fn,
            Iterable<T> items, MapOptions options) {
        Objects.requireNonNull(fn, "fn");
        return mapStreamingTasks(executor, item -> () -> fn.apply(item), items, options);
    }

    /**
     * Lazy map with a bounded window, where the backend builds each item's task (e.g. one that can travel to
     * another process).
     *
     * @param executor where to run
     * @param taskFor the task that applies the function to an item
     * @param items the items
     * @param options order and window
     * @param <T> item type
     * @param <R> result type
     * @return the results as a stream; closing it cancels what is in flight
     */
    public static <T, R> Stream<R> mapStreamingTasks(AbstractTaskExecutor executor,
            Function<? super T, ? extends Task<R>> taskFor, Iterable<T> items, MapOptions options) {
        Objects.requireNonNull(taskFor, "taskFor");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(options, "options");
        Window<T, R> window = new Window<>(executor, taskFor, items.iterator(), options);
        int characteristics = options.isOrdered() ? Spliterator.ORDERED : 0;
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(window, characteristics), false)
                .onClose(window::close);
    }

    private record Item<R>(long index, TaskRun<R> run) {
    }

    /** Consumed by one thread; only {@code done} is touched by the tasks' threads. */
    private static final class Window<T, R> implements Iterator<R> {
        private final AbstractTaskExecutor executor;
        private final Function<? super T, ? extends Task<R>> taskFor;
        private final Iterator<T> source;
        private final MapOptions options;
        private final CancelScope scope;
        private final CancelScope rootLink; // null unless inside another executor's task
        private final ArrayDeque<Item<R>> inFlight = new ArrayDeque<>();
        private final HashMap<TaskRun<?>, Long> indexes = new HashMap<>();
        private final LinkedBlockingQueue<TaskRun<?>> done = new LinkedBlockingQueue<>();
        private int outstanding;
        private long nextIndex;
        private boolean closed;

        Window(AbstractTaskExecutor executor, Function<? super T, ? extends Task<R>> taskFor, Iterator<T> source,
                MapOptions options) {
            this.executor = executor;
            this.taskFor = taskFor;
            this.source = source;
            this.options = options;
            CancelScope enclosing = Current.scopeForNewGroup();
            this.scope = new CancelScope(enclosing != null ? enclosing : executor.rootScope()) { };
            scope.attachToParent();
            this.rootLink = executor.reachFromRoot(scope);
        }

        private void fill() {
            while (!closed && outstanding < options.maxInFlight() && source.hasNext()) {
                T item = source.next();
                long index = nextIndex++;
                TaskRun<R> run = executor.start(taskFor.apply(item), TaskOptions.named("mapStreaming#" + index),
                        scope, options.isOrdered() ? null : done::add);
                if (options.isOrdered()) {
                    inFlight.add(new Item<>(index, run));
                } else {
                    indexes.put(run, index);
                }
                outstanding++;
            }
        }

        @Override
        public boolean hasNext() {
            try {
                fill();
            } catch (RuntimeException | Error e) { // the source, the task factory, or a refusal: end the window
                close();
                throw e;
            }
            if (outstanding > 0) {
                return true;
            }
            if (!closed) {
                closed = true; // all consumed: fill() never starts again, even if the source changes its mind
                detach(); // and a stream nobody closes leaves no node behind in its parent
            }
            return false;
        }

        private void detach() { // in TaskGroup's order: the other executor's link first
            if (rootLink != null) {
                rootLink.detachFromParent();
            }
            scope.detachFromParent();
        }

        @Override
        public R next() {
            if (!hasNext()) {
                throw new NoSuchElementException("mapStreaming has no more results");
            }
            Item<R> item;
            if (options.isOrdered()) {
                item = inFlight.poll();
            } else {
                TaskRun<?> exited;
                try {
                    exited = done.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new TaskCancelledException("interrupted while waiting for mapStreaming results");
                }
                @SuppressWarnings("unchecked")
                TaskRun<R> run = (TaskRun<R>) exited;
                item = new Item<>(indexes.remove(run), run);
            }
            outstanding--;
            try {
                return item.run().join();
            } catch (TaskFailedException e) {
                close();
                throw new TaskFailedException("mapStreaming item #" + item.index() + " failed: " + e.getCause(),
                        e.getCause(), item.index());
            } catch (TaskCancelledException e) {
                close();
                throw e;
            }
        }

        void close() {
            if (!closed) {
                closed = true;
                scope.cancel(new CancelReason("its mapStreaming stream was closed", false, CancelReason.Kind.NOT_NEEDED));
                detach();
            }
        }
    }
}
