/*
 * Python idiom: asyncio.Queue(maxsize) between producer and consumer tasks, all on one loop.
 *
 *     async def producer(queue, p, n):
 *         for i in range(n):
 *             await queue.put((p, i))           # waits while the queue is full: back-pressure
 *
 *     async def consumer(queue, tally):
 *         while (item := await queue.get()) is not None:     # None is the sentinel: stop
 *             tally[item[0]] += 1
 *
 *     async def main():
 *         queue = asyncio.Queue(maxsize=16)
 *         consumers = [asyncio.create_task(consumer(queue, tally)) for _ in range(2)]
 *         await asyncio.gather(*(producer(queue, p, 10_000) for p in range(3)))
 *         for _ in consumers:
 *             await queue.put(None)             # one sentinel per consumer
 *         await asyncio.gather(*consumers)
 *
 *     asyncio.run(main())
 *
 * In Spindle: EventLoop.run(main) is asyncio.run, EventLoop.current() is asyncio.get_running_loop(),
 * loop.submitAsync(...) is create_task, AsyncQueue's put/take return stages that complete when the item is in (or
 * out). Java has no `await`, so a `while` loop around one becomes repeat(loop, step): each round is a fresh step on
 * the loop -- what asyncio does when an await resumes -- so the stack does not grow with the number of items.
 *
 * Run: java dev.spindle.examples.ProducerConsumerExample [--producers=3] [--consumers=2] [--items=10000]
 *      [--capacity=16]
 */
package dev.spindle.examples;

import dev.spindle.TaskHandle;
import dev.spindle.eventloop.AsyncQueue;
import dev.spindle.eventloop.EventLoop;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Python's asyncio producer/consumer over {@code asyncio.Queue(maxsize)}, in Spindle: producer and consumer tasks on one
 * {@link EventLoop} around a bounded {@link AsyncQueue}, whose {@code put} waits while it is full (back-pressure). See
 * the comment at the top of the file.
 */
public final class ProducerConsumerExample {

    /** An item: which producer made it, and its sequence number there. */
    record Item(int producer, int seq) {
    }

    /** The sentinel: a consumer that takes it stops. Compared by identity. */
    private static final Item STOP = new Item(-1, -1);

    /**
     * What the example saw, for its test.
     *
     * @param produced items each producer put
     * @param consumed items each consumer took (sentinels not counted)
     * @param putsThatWaited puts that found the queue full and waited: the back-pressure at work
     * @param peakSize the most items in the queue at once
     * @param capacity the queue's capacity
     * @param inOrder whether every consumer saw each producer's items in the order they were put
     * @param took how long main ran
     */
    record Outcome(long[] produced, long[] consumed, long putsThatWaited, int peakSize, int capacity,
            boolean inOrder, Duration took) {

        long totalProduced() {
            return Arrays.stream(produced).sum();
        }

        long totalConsumed() {
            return Arrays.stream(consumed).sum();
        }
    }

    private ProducerConsumerExample() {
    }

    /**
     * @param args {@code --producers=3 --consumers=2 --items=10000} (per producer) {@code --capacity=16}
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * @param args see {@link #main}
     * @param out where to print
     * @return what happened
     */
    static Outcome run(String[] args, PrintStream out) {
        int producers = EchoServerExample.intOption(args, "--producers", 3);
        int consumers = EchoServerExample.intOption(args, "--consumers", 2);
        int items = EchoServerExample.intOption(args, "--items", 10_000);
        int capacity = EchoServerExample.intOption(args, "--capacity", 16);
        if (producers < 1 || consumers < 1 || items < 0) {
            throw new IllegalArgumentException("need --producers >= 1, --consumers >= 1, --items >= 0");
        }
        long start = System.nanoTime();
        Outcome o = EventLoop.run(() -> main(producers, consumers, items, capacity)); // asyncio.run(main())
        o = new Outcome(o.produced, o.consumed, o.putsThatWaited, o.peakSize, o.capacity, o.inOrder,
                Duration.ofNanos(System.nanoTime() - start));
        out.printf(Locale.ROOT, "%d producers x %,d items -> AsyncQueue(capacity %d) -> %d consumers, on one event "
                + "loop%n", producers, items, capacity, consumers);
        out.printf(Locale.ROOT, "produced %,d; %,d puts found the queue full and waited (back-pressure); queue size "
                + "peaked at %d of %d%n", o.totalProduced(), o.putsThatWaited, o.peakSize, capacity);
        out.printf(Locale.ROOT, "consumed %,d: %s per consumer; each producer's order kept: %s; took %,d ms%n",
                o.totalConsumed(), Arrays.stream(o.consumed).mapToObj(n -> String.format(Locale.ROOT, "%,d", n)).toList(),
                o.inOrder ? "yes" : "NO", o.took.toMillis());
        return o;
    }

    /** async def main(): runs on the loop's thread, like every stage below, so plain fields need no lock. */
    private static CompletionStage<Outcome> main(int producers, int consumers, int items, int capacity) {
        EventLoop loop = EventLoop.current(); // asyncio.get_running_loop()
        AsyncQueue<Item> queue = new AsyncQueue<>(capacity);
        Tally tally = new Tally(producers, consumers, capacity);

        List<TaskHandle<Void>> consumerTasks = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            int me = c;
            consumerTasks.add(loop.submitAsync(() -> consumer(loop, queue, tally, me))); // asyncio.create_task
        }
        List<TaskHandle<Void>> producerTasks = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int me = p;
            producerTasks.add(loop.submitAsync(() -> producer(loop, queue, tally, me, items)));
        }
        return allOf(producerTasks)
                .thenCompose(v -> { // every producer is done: one sentinel per consumer
                    CompletableFuture<?>[] puts = new CompletableFuture<?>[consumers];
                    for (int c = 0; c < consumers; c++) {
                        puts[c] = queue.put(STOP).toCompletableFuture();
                    }
                    return CompletableFuture.allOf(puts);
                })
                .thenCompose(v -> allOf(consumerTasks))
                .thenApply(v -> tally.outcome());
    }

    /** async def producer(queue, p, n): for i in range(n): await queue.put((p, i)) */
    private static CompletionStage<Void> producer(EventLoop loop, AsyncQueue<Item> queue, Tally tally, int p,
            int items) {
        int[] next = {0};
        return repeat(loop, () -> {
            if (next[0] == items) {
                return CompletableFuture.completedFuture(false);
            }
            CompletableFuture<Void> put = queue.put(new Item(p, next[0]++)).toCompletableFuture();
            tally.put(p, !put.isDone(), queue.size());
            return put.thenApply(v -> true);
        });
    }

    /** async def consumer(queue, tally): while (item := await queue.get()) is not None: tally[...] += 1 */
    private static CompletionStage<Void> consumer(EventLoop loop, AsyncQueue<Item> queue, Tally tally, int c) {
        return repeat(loop, () -> queue.take().thenApply(item -> {
            if (item == STOP) {
                return false;
            }
            tally.took(c, item);
            return true;
        }));
    }

    /**
     * {@code while await step(): pass}, without {@code await}: runs {@code step}, and each time its stage completes
     * with {@code true} runs it again, as a new step on the loop, until a stage completes with {@code false} (the
     * returned stage then completes) or fails (so does the returned stage). Cancelling the returned stage stops the
     * rounds.
     */
    static CompletionStage<Void> repeat(EventLoop loop, Supplier<? extends CompletionStage<Boolean>> step) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable round = new Runnable() {
            @Override
            public void run() {
                if (done.isDone()) {
                    return; // cancelled
                }
                CompletionStage<Boolean> s;
                try {
                    s = step.get();
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                    return;
                }
                s.whenComplete((again, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else if (again) {
                        loop.runOnLoop(this); // a fresh step: the stack unwinds between rounds
                    } else {
                        done.complete(null);
                    }
                });
            }
        };
        round.run();
        return done;
    }

    private static CompletableFuture<Void> allOf(List<? extends TaskHandle<?>> tasks) {
        return CompletableFuture.allOf(tasks.stream().map(TaskHandle::toCompletableFuture)
                .toArray(CompletableFuture<?>[]::new));
    }

    /** The counters; touched on the loop's thread only. */
    private static final class Tally {
        final long[] produced;
        final long[] consumed;
        final int[][] lastSeen; // [consumer][producer]: the last sequence number seen
        final int capacity;
        long putsThatWaited;
        int peakSize;
        boolean inOrder = true;

        Tally(int producers, int consumers, int capacity) {
            this.produced = new long[producers];
            this.consumed = new long[consumers];
            this.lastSeen = new int[consumers][producers];
            for (int[] row : lastSeen) {
                Arrays.fill(row, -1);
            }
            this.capacity = capacity;
        }

        void put(int p, boolean waited, int size) {
            produced[p]++;
            if (waited) {
                putsThatWaited++;
            }
            peakSize = Math.max(peakSize, size);
        }

        void took(int c, Item item) {
            consumed[c]++;
            if (item.seq() <= lastSeen[c][item.producer()]) {
                inOrder = false;
            }
            lastSeen[c][item.producer()] = item.seq();
        }

        Outcome outcome() {
            return new Outcome(produced.clone(), consumed.clone(), putsThatWaited, peakSize, capacity, inOrder, null);
        }
    }
}
