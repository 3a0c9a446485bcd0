package dev.spindle.eventloop;

import dev.spindle.spi.TaskRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop itself: one thread, fed by a multi-producer single-consumer queue (JCTools, VarHandle build), with timers
 * in a heap only the loop touches and an optional NIO selector.
 *
 * <p>Wake-ups are debounced: the loop announces {@code SLEEPING} (volatile write) and then re-checks the queue
 * before it parks; a producer enqueues (a CAS in the queue) and then reads the state, and only the producer that
 * moves it from {@code SLEEPING} to {@code AWAKE} pays for an unpark or a selector wake-up. Both sides order a
 * write before a read through volatile/CAS operations, so either the loop sees the item or the producer sees
 * {@code SLEEPING}: no wake-up is lost, and producers of a busy loop pay nothing. A loop whose queue runs dry after a
 * burst first spins for up to {@value #IDLE_SPIN_NANOS} ns, until a run of steps waits, before it announces sleep: a
 * producer in mid-burst then neither wakes it nor shares cache lines with it step by step. A spin that ends with only
 * a trickle is not followed by another, and a loop serving channels does not spin.
 *
 * <p>The slow-step watchdog learns what the loop does from {@link LoopProgress}, which the loop updates twice per step
 * without a fence or a clock read, on cache lines of its own.
 */
final class LoopRunner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LoopRunner.class);
    private static final int AWAKE = 0;
    private static final int SLEEPING = 1;
    private static final int BATCH = 4096;
    private static final VarHandle WAKE;

    static {
        try {
            WAKE = MethodHandles.lookup().findVarHandle(LoopRunner.class, "wake", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    /** How long a loop whose queue ran dry keeps looking before it sleeps; see {@link #refilledWhileSpinning}. */
    static final long IDLE_SPIN_NANOS = 20_000;
    private static final int PAUSES_PER_LOOK = 64; // about a microsecond on x86, where a pause is 10-40 ns
    private static final long LOOK_NANOS = 1_000; // the least time between two looks at the queue
    /** How many waiting steps end a spin at once (see {@link #refilledWhileSpinning}). */
    static final int SPIN_BATCH = 512;
    /**
     * Spin only after this many steps since the loop woke or last spun: a producer's burst, not a lone step (whose
     * sender waits) nor a trickle.
     */
    static final int SPIN_AFTER_STEPS = 16;
    private final MpscUnboundedVarHandleArrayQueue<Runnable> queue = new MpscUnboundedVarHandleArrayQueue<>(1024);
    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>(); // loop thread only
    final LoopThread thread;
    private volatile int wake = AWAKE;
    private final ReentrantLock lateConsumer = new ReentrantLock(); // consumes the queue once the loop has ended
    private final Map<Runnable, Integer> lateDropped = new IdentityHashMap<>(); // under lateConsumer; see lateArrival
    private volatile Selector selector; // created on the loop thread on first use; read by wakers
    private volatile boolean stopping;
    private volatile boolean stopNow;
    private volatile boolean exited; // the loop has begun its last pass; see execute()
    private final LongAdder wakeUps = new LongAdder();

    final LoopProgress progress = new LoopProgress(); // what the loop runs now, for the slow-step watchdog

    LoopRunner(String name, EventLoop owner) {
        this.name = name;
        this.thread = new LoopThread(this, name, owner);
    }

    void start() {
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Enqueues a step; any thread.
     *
     * <p>The end of the loop races with late producers: the loop announces {@code exited} (volatile write) and then
     * runs what is in the queue until it is empty; a producer enqueues (a CAS) and then reads {@code exited}. Either
     * the loop's last pass sees the step, or the producer sees {@code exited} and, once the loop's thread has ended,
     * takes what is left in the queue itself: bookkeeping ({@link Delivery}) runs, other steps are not run and
     * their producers are told so (see {@link #lateArrival}).
     *
     * @param step what to run
     * @return {@code false} if the step will not run: the loop was stopped at once ({@code shutdownNow}), or it had
     *     ended when the step arrived; {@code true} if it runs, or was still pending when {@code shutdownNow} dropped
     *     it
     */
    boolean execute(Runnable step) {
        if (stopNow) {
            LOG.debug("event loop '{}' is stopped; dropped {}", name, step);
            return false;
        }
        queue.offer(step);
        if (wake == SLEEPING && Thread.currentThread() != thread && WAKE.compareAndSet(this, SLEEPING, AWAKE)) {
            wakeUp();
        }
        return !exited || lateArrival(step);
    }

    /** A step that must run even when the loop stops at once: cancellation bookkeeping. */
    private record Delivery(Runnable step) implements Runnable {
        @Override
        public void run() {
            step.run();
        }
    }

    /** Enqueues cancellation bookkeeping; it runs even if the loop is being stopped at once, or has ended. */
    void executeDelivery(Runnable step) {
        Delivery d = new Delivery(step);
        queue.offer(d);
        if (Thread.currentThread() != thread && WAKE.compareAndSet(this, SLEEPING, AWAKE)) {
            wakeUp();
        }
        if (exited) {
            lateArrival(d);
        }
    }

    /**
     * A producer saw {@code exited} after enqueueing {@code step}: the loop's last pass may or may not have taken it.
     * Waits for the loop's thread to end, then consumes what is left (one consumer at a time: the loop while it
     * lives, then whoever holds {@link #lateConsumer}). Bookkeeping runs; other steps are set aside in
     * {@link #lateDropped}, where their producers, which all saw {@code exited} too, find them: a step the last pass
     * missed was enqueued after the loop wrote {@code exited}, so its producer reads {@code true}.
     *
     * @return whether {@code step} was taken by the loop's last pass (it ran, or {@code shutdownNow} dropped it)
     */
    private boolean lateArrival(Runnable step) {
        if (Thread.currentThread() == thread) {
            return true; // a step of the last pass: that pass runs until the queue is empty
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // the last pass is short; the flag is restored below
            }
        }
        boolean missed;
        lateConsumer.lock();
        try {
            for (Runnable r; (r = queue.poll()) != null; ) {
                if (r instanceof Delivery d) {
                    runDelivery(d);
                } else {
                    lateDropped.merge(r, 1, Integer::sum);
                }
            }
            // the same object enqueued twice is counted twice; which of its producers is told is immaterial
            Integer n = lateDropped.get(step);
            missed = n != null;
            if (n != null && n == 1) {
                lateDropped.remove(step);
            } else if (n != null) {
                lateDropped.put(step, n - 1);
            }
        } finally {
            lateConsumer.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (missed) {
            LOG.debug("event loop '{}' had ended when {} arrived; not run", name, step);
        }
        return !missed;
    }

    private void runDelivery(Delivery d) {
        try {
            d.run();
        } catch (Throwable e) {
            LOG.error("event loop '{}': cancellation bookkeeping threw", name, e);
        }
    }

    /** The loop's last pass: runs what is queued until the queue is empty; after shutdownNow, bookkeeping only. */
    private void lastPass() {
        for (Runnable r; (r = queue.poll()) != null; ) {
            if (r instanceof Delivery d) {
                runDelivery(d);
            } else if (!stopNow) {
                step(r);
            }
        }
    }

    /** @return how many times a producer woke the sleeping loop */
    long wakeUps() {
        return wakeUps.sum();
    }

    /** @return whether the loop has no work and waits (or is about to) for a producer or a timer; a snapshot */
    boolean sleeping() {
        return wake == SLEEPING;
    }

    private void wakeUp() {
        wakeUps.increment(); // only the producer that found the loop asleep gets here: off the hot path
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        } else {
            LockSupport.unpark(thread);
        }
    }

    /** Adds a timer; any thread. */
    void addTimer(LoopTimer timer) {
        if (inLoop()) {
            timers.add(timer);
        } else {
            execute(() -> timers.add(timer));
        }
    }

    /** @return the loop's selector, opening it on first use; loop thread only */
    Selector selector() {
        Selector s = selector;
        if (s == null) {
            try {
                s = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException("event loop '" + name + "' could not open a selector", e);
            }
            selector = s;
        }
        return s;
    }

    void stop(boolean now) {
        stopping = true;
        if (now) {
            stopNow = true;
        }
        WAKE.setVolatile(this, AWAKE);
        wakeUp();
    }

    @Override
    public void run() {
        try {
            loop();
        } finally {
            exited = true; // before the last pass: see execute()
            lastPass();
            progress.idle();
            Selector s = selector;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    LOG.debug("closing the selector of event loop '{}'", name, e);
                }
            }
            for (LoopTimer t; (t = timers.poll()) != null; ) {
                t.cancel();
            }
        }
    }

    private void loop() {
        long sinceSpin = 0; // steps run since the loop last spun or slept: a burst is on when there are many
        for (;;) {
            if (stopNow) {
                return;
            }
            int ran = runDueTimers();
            Runnable step;
            while (ran < BATCH && !stopNow && (step = queue.poll()) != null) { // shutdownNow drops the rest at once
                step(step);
                ran++;
            }
            Selector s = selector;
            if (s != null) {
                ran += processSelected(s, 0);
            }
            if (ran > 0) {
                sinceSpin += ran;
                continue;
            }
            if (stopping && queue.isEmpty()) {
                return;
            }
            boolean burst = sinceSpin >= SPIN_AFTER_STEPS;
            sinceSpin = 0; // counted afresh: a spin that finds only a trickle is not followed by another
            if (burst && !servesChannels() && refilledWhileSpinning()) {
                continue;
            }
            progress.idle();
            WAKE.setVolatile(this, SLEEPING);
            if (!queue.isEmpty() || stopping) {
                WAKE.setVolatile(this, AWAKE);
                continue;
            }
            long waitNanos = nextTimerDelay();
            s = selector;
            if (s != null) {
                processSelected(s, waitNanos);
            } else if (waitNanos < 0) {
                LockSupport.park(this);
            } else if (waitNanos > 0) {
                LockSupport.parkNanos(this, waitNanos);
            }
            WAKE.setVolatile(this, AWAKE);
        }
    }

    /**
     * The queue ran dry after a burst (at least {@value #SPIN_AFTER_STEPS} steps since the loop woke or last spun; a
     * loop serving channels never spins, see {@link #servesChannels}). Rather than announce sleep (a write to the
     * cache line every producer reads, then a park that a producer pays a system call to undo), or take each new step
     * the moment it lands (chasing the producer, so that every step's cache line moves between the two processors
     * while the producer still writes next to it), the loop pauses, looking (reading only) about every microsecond,
     * until {@value #SPIN_BATCH} steps wait or {@link #IDLE_SPIN_NANOS} has passed, and then takes the whole run. One
     * producer of empty steps, loops alternating in one JVM: 2.1–2.4× the throughput of sleeping at once, 1.18–1.25×
     * Netty's; taking steps as they land did worse than sleeping (docs/benchmarks.md). It spins with
     * {@code Thread.onSpinWait()}, not {@code Thread.yield()}: a loop that yielded to another thread stays off its
     * processor for a time slice while producers, seeing it awake, do not wake it (p99 of a step handed to an idle
     * loop: 4 ms instead of 0.1 ms). Not after a lone step: then spinning only keeps busy a processor that the step's
     * sender may need (the same p99 was 1.7 ms with a spin after every step).
     *
     * @return whether there is work again (or the loop must stop)
     */
    private boolean refilledWhileSpinning() {
        long start = System.nanoTime();
        long now = start;
        do {
            long look = now + LOOK_NANOS;
            do { // at least LOOK_NANOS between looks, also where a spin-wait hint is nearly free (some ARM cores)
                for (int i = 0; i < PAUSES_PER_LOOK; i++) {
                    Thread.onSpinWait();
                }
            } while ((now = System.nanoTime()) - look < 0);
            if (stopNow || stopping || queue.size() >= SPIN_BATCH) {
                return true;
            }
        } while (now - start < IDLE_SPIN_NANOS);
        return !queue.isEmpty();
    }

    /**
     * @return whether channels are registered: then the loop sleeps in {@code select()} at once, as Netty's does, so
     *     that their readiness is not left waiting for a spin to end
     */
    private boolean servesChannels() {
        Selector s = selector;
        return s != null && !s.keys().isEmpty();
    }

    /** @return nanoseconds to the next live timer, 0 if one is due, -1 if there is none */
    private long nextTimerDelay() {
        LoopTimer t;
        while ((t = timers.peek()) != null && t.isCancelled()) {
            timers.poll();
        }
        return t == null ? -1 : Math.max(0, t.at - System.nanoTime());
    }

    private int runDueTimers() {
        if (timers.isEmpty()) {
            return 0; // the common case of a busy loop: no clock read
        }
        int ran = 0;
        long now = System.nanoTime();
        LoopTimer t;
        while ((t = timers.peek()) != null && (t.isCancelled() || t.at <= now)) {
            timers.poll();
            if (t.fire()) {
                step(t.action);
                ran++;
            }
        }
        return ran;
    }

    private int processSelected(Selector s, long waitNanos) {
        int n;
        try {
            if (waitNanos == 0) {
                n = s.selectNow();
            } else if (waitNanos < 0) {
                n = s.select();
            } else {
                n = s.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
            }
        } catch (IOException e) {
            LOG.error("event loop '{}': select failed", name, e);
            return 0;
        }
        if (n == 0) {
            return 0;
        }
        int ran = 0;
        var keys = s.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            if (key.isValid() && key.attachment() instanceof ChannelHandler h) {
                step(() -> h.ready(key));
                ran++;
            }
        }
        return ran;
    }

    private void step(Runnable r) {
        long seq = progress.stepStarts(r instanceof TaskRun<?> ? r : null);
        try {
            r.run();
        } catch (Throwable e) {
            LOG.error("event loop '{}': a step threw; the loop goes on", name, e);
        } finally {
            progress.stepEnded(seq);
        }
    }
}
