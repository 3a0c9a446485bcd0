package dev.spindle.lock;

import dev.spindle.internal.lock.LockOrderGraph;
import dev.spindle.internal.lock.LockWaits;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Many readers or one writer, on the JDK's {@link ReentrantReadWriteLock} (Python has no counterpart in its standard
 * library). Both sides are reentrant; a writer may also take the read side; a reader may not upgrade to writing
 * (it would wait for itself, so it fails at once with {@link IllegalStateException}).
 *
 * <p>Waiting honours the current task's cancellation and deadline, never pins a virtual thread, and takes part in
 * {@link LockOrder} checking as one lock. This class is thread-safe.
 */
public final class ReadWriteMutex {

    private static final AtomicLong IDS = new AtomicLong();

    private final String name;
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private final Side readSide = new Side(this, rw.readLock(), "the read");
    private final Side writeSide = new Side(this, rw.writeLock(), "the write");

    static {
        LockWaits.preload();
    }

    /** One side's timed wait and release, as a class rather than lambdas: see {@link LockWaits.Attempt}. */
    private static final class Side implements LockWaits.Attempt, OnceHeld.Releasable {
        private final ReadWriteMutex owner;
        private final Lock lock;
        private final String which;

        Side(ReadWriteMutex owner, Lock lock, String which) {
            this.owner = owner;
            this.lock = lock;
            this.which = which;
        }

        @Override
        public boolean tryFor(long nanos, int ignored) throws InterruptedException {
            if (nanos == Long.MAX_VALUE) {
                lock.lockInterruptibly();
                return true;
            }
            return lock.tryLock(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void releaseHold() {
            owner.release(lock);
        }

        @Override
        public String toString() {
            return which + " side of " + owner; // made only for a message
        }
    }

    /** A read-write mutex named {@code rwmutex-<n>}. */
    public ReadWriteMutex() {
        this("rwmutex-" + IDS.incrementAndGet());
    }

    /** @param name a name for error messages and lock-order reports */
    public ReadWriteMutex(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** @return a read hold; close it to release */
    public Held read() {
        OnceHeld held = new OnceHeld(readSide); // made before taking: not inside the critical section
        take(readSide, null);
        return held;
    }

    /**
     * @param timeout the longest to wait
     * @return a read hold
     * @throws TimeoutException if a writer kept it for all of {@code timeout}
     */
    public Held read(Duration timeout) throws TimeoutException {
        if (!take(readSide, Objects.requireNonNull(timeout, "timeout"))) {
            throw new TimeoutException("the read side of " + this + " was not free within " + timeout);
        }
        return new OnceHeld(readSide);
    }

    /**
     * @return a write hold; close it to release
     * @throws IllegalStateException if the current thread holds only the read side
     */
    public Held write() {
        checkNoUpgrade();
        OnceHeld held = new OnceHeld(writeSide); // made before taking: not inside the critical section
        take(writeSide, null);
        return held;
    }

    /**
     * @param timeout the longest to wait
     * @return a write hold
     * @throws TimeoutException if readers or a writer kept it for all of {@code timeout}
     */
    public Held write(Duration timeout) throws TimeoutException {
        checkNoUpgrade();
        if (!take(writeSide, Objects.requireNonNull(timeout, "timeout"))) {
            throw new TimeoutException("the write side of " + this + " was not free within " + timeout);
        }
        return new OnceHeld(writeSide);
    }

    private void checkNoUpgrade() {
        if (rw.getReadHoldCount() > 0 && !rw.isWriteLockedByCurrentThread()) {
            throw new IllegalStateException(Thread.currentThread().getName() + " holds the read side of " + this
                    + " and asks for the write side: that would wait for itself. Release the read side first");
        }
    }

    private boolean take(Side side, Duration timeout) {
        boolean checking = LockOrderGraph.enabled();
        if (checking) {
            LockOrderGraph.beforeAcquire(this);
        }
        if (!side.lock.tryLock()) {
            boolean got = LockWaits.await(side, timeout, side, 0);
            if (!got) {
                return false;
            }
        }
        if (checking) {
            LockOrderGraph.acquired(this);
        }
        return true;
    }

    private void release(Lock side) {
        side.unlock();
        if (LockOrderGraph.enabled()) {
            LockOrderGraph.released(this);
        }
    }

    /** @return how many read holds there are, across threads; a snapshot */
    public int readers() {
        return rw.getReadLockCount();
    }

    /** @return whether a thread holds the write side */
    public boolean isWriteLocked() {
        return rw.isWriteLocked();
    }

    @Override
    public String toString() {
        return "read-write mutex '" + name + "'";
    }
}
