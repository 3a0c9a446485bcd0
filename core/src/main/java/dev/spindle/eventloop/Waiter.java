package dev.spindle.eventloop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A waiting party of an async primitive: the future it is given. Whoever {@link #claim()}s it first decides its fate:
 * the primitive (to hand it a permit or an item, under the primitive's lock, then {@link #deliver}ing it outside the
 * lock) or {@link #cancel}, {@code complete} or {@code completeExceptionally} from outside (e.g. {@code orTimeout}),
 * which take it out of the wait list. So a permit or item is never handed to a waiter
 * that was cancelled, and a cancelled waiter never holds one.
 *
 * @param <T> what the waiter gets
 */
class Waiter<T> extends CompletableFuture<T> {

    private final AtomicBoolean claimed = new AtomicBoolean();
    private final Runnable onCancel;

    /** @param onCancel removes this waiter from its wait list; runs only if the cancel wins */
    Waiter(Runnable onCancel) {
        this.onCancel = onCancel;
    }

    /** @return whether this caller now owns the waiter's fate */
    final boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /**
     * Completes a waiter the primitive has claimed.
     *
     * @param value what it gets
     */
    final void deliver(T value) {
        super.complete(value);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!claim()) {
            return false; // already handed something: too late to cancel
        }
        onCancel.run();
        return super.cancel(mayInterruptIfRunning);
    }

    /** Completing it from outside (say {@code completeOnTimeout}) leaves the line, like a cancel. */
    @Override
    public boolean complete(T value) {
        if (!claim()) {
            return false;
        }
        onCancel.run();
        return super.complete(value);
    }

    /** Failing it from outside (say {@code orTimeout}) leaves the line, like a cancel. */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        if (!claim()) {
            return false;
        }
        onCancel.run();
        return super.completeExceptionally(ex);
    }
}
