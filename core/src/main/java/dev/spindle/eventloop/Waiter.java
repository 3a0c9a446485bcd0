package dev.spindle.eventloop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A waiting party of an async primitive: the future it is given. Whoever {@link #claim()}s it first decides its fate:
 * the primitive (to hand it a permit or an item, under the primitive's lock, then completing it outside the lock)
 * or {@link #cancel} (which then takes it out of the wait list). So a permit or item is never handed to a waiter
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

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!claim()) {
            return false; // already handed something: too late to cancel
        }
        onCancel.run();
        return super.cancel(mayInterruptIfRunning);
    }
}
