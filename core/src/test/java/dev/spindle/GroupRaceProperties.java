package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A task group's lock-free paths raced against each other: several threads fork into one group while its owner
 * joins it and a canceller may strike after a random number of forks. Whatever the schedule: a fork either returns
 * a handle or is refused because the group is closed; when {@code join} returns every handle it gave out has ended;
 * the group's tally accounts for each of them; {@link TaskGroup#tasks()} lists exactly those handles, each forker's in
 * the order it forked them; and a task forked after the cancellation never runs.
 */
class GroupRaceProperties {

    @Property(tries = 40)
    void concurrentForksJoinAndCancelLoseNothing(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 4) int forkers,
            @ForAll @IntRange(min = 1, max = 300) int perForker,
            @ForAll @IntRange(min = -1, max = 600) int cancelAfter,
            @ForAll boolean forkJoin) throws Exception {
        Random random = new Random(seed);
        AtomicInteger forks = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        ConcurrentLinkedQueue<TaskHandle<Integer>> handles = new ConcurrentLinkedQueue<>();
        List<List<TaskHandle<Integer>>> byForker = new ArrayList<>();
        ConcurrentLinkedQueue<TaskHandle<Integer>> forkedAfterCancel = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger missed = new AtomicInteger();
        boolean willCancel = cancelAfter >= 1 && cancelAfter <= forkers * perForker;
        try (TaskExecutor ex = Spindle.builder("grouprace").backend(forkJoin ? "forkjoin" : "threads")
                .parallelism(2).build()) {
            TaskGroup g = TaskGroup.open(ex, GroupPolicy.collectAll());
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int f = 0; f < forkers; f++) {
                long forkerSeed = random.nextLong();
                List<TaskHandle<Integer>> mine = new ArrayList<>(); // read after this forker's thread is joined
                byForker.add(mine);
                threads.add(Thread.ofPlatform().start(() -> {
                    Random r = new Random(forkerSeed);
                    awaitQuietly(go);
                    for (int i = 0; i < perForker; i++) {
                        int spin = r.nextInt(2_000);
                        // some tasks wait for the cancellation: if it missed one, that one reports it
                        boolean waitsForCancel = willCancel && r.nextInt(4) == 0;
                        boolean afterCancel = g.isCancelled();
                        try {
                            TaskHandle<Integer> h = g.fork(() -> {
                                ran.incrementAndGet();
                                long until = System.nanoTime() + (waitsForCancel ? TimeUnit.SECONDS.toNanos(30) : spin);
                                while (System.nanoTime() < until) {
                                    if (waitsForCancel && Cancellation.isCancelled()) {
                                        return -1;
                                    }
                                    Thread.onSpinWait();
                                }
                                if (waitsForCancel) {
                                    missed.incrementAndGet();
                                }
                                return spin;
                            });
                            handles.add(h);
                            mine.add(h);
                            if (afterCancel) {
                                forkedAfterCancel.add(h);
                            }
                        } catch (IllegalStateException closed) {
                            assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
                            refused.incrementAndGet();
                        }
                        if (forks.incrementAndGet() == cancelAfter) {
                            g.cancel();
                        }
                    }
                }));
            }
            go.countDown();
            // join while the forkers may still be forking: the group closes only at a quiet moment
            if (random.nextBoolean()) {
                for (Thread t : threads) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
            try {
                g.join();
            } catch (TaskCancelledException expected) {
                assertTrue(g.isCancelled());
            }
            List<TaskHandle<Integer>> seenAtJoin = new ArrayList<>(handles);
            for (TaskHandle<Integer> h : seenAtJoin) {
                assertTrue(h.isDone(), "join returned while " + h + " had not ended");
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(!t.isAlive(), "a forker is stuck");
            }
            g.close();

            int succeeded = 0;
            int cancelled = 0;
            for (TaskHandle<Integer> h : handles) {
                switch (h.taskState()) {
                    case SUCCEEDED -> succeeded++;
                    case CANCELLED -> cancelled++;
                    default -> throw new AssertionError(h + " ended " + h.taskState());
                }
            }
            assertEquals(forkers * perForker, handles.size() + refused.get(), "every fork was counted once");
            assertEquals(handles.size(), succeeded + cancelled);
            List<TaskHandle<?>> listed = g.tasks();
            assertEquals(handles.size(), listed.size(), "the group lists each task it gave a handle for");
            assertEquals(java.util.Set.copyOf(handles), java.util.Set.copyOf(listed), "and no other");
            for (List<TaskHandle<Integer>> mine : byForker) {
                List<TaskHandle<?>> inGroupOrder = new ArrayList<>(listed);
                inGroupOrder.retainAll(mine);
                assertEquals(mine, inGroupOrder, "one forker's tasks are listed in the order it forked them");
            }
            assertTrue(ran.get() >= succeeded && ran.get() <= handles.size(), "ran " + ran + " of " + handles.size());
            assertEquals(0, missed.get(), "tasks the cancellation never reached");
            for (TaskHandle<Integer> h : forkedAfterCancel) {
                assertEquals(TaskState.CANCELLED, h.taskState(), "forked into a cancelled group, yet it ran");
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
