package dev.spindle.eventloop;

import dev.spindle.lock.Held;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A mutual-exclusion lock for event-loop code: Python's {@code asyncio.Lock}. {@link #acquire()} never blocks; the
 * stage completes with the hold, in FIFO order; cancelling a waiting stage takes it out of the line without leaking
 * the lock. Not reentrant (a second acquire by the same code waits for the first release, as in asyncio).
 *
 * <p>This class is thread-safe.
 */
public final class AsyncMutex {

    private final AsyncSemaphore sem;
    private final String name;

    /** @param name a name for error messages */
    public AsyncMutex(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.sem = new AsyncSemaphore(name, 1);
    }

    /** @return a stage completing with the hold; close the hold to release */
    public CompletionStage<Held> acquire() {
        return sem.acquire();
    }

    /** @return the hold if the mutex is free, without waiting */
    public Optional<Held> tryAcquire() {
        return sem.tryAcquire();
    }

    /**
     * Runs {@code body} holding the mutex and releases it when the body's stage completes, however it completes.
     *
     * @param body the critical section
     * @param <T> its result type
     * @return the body's outcome
     */
    public <T> CompletionStage<T> withLock(AsyncTask<T> body) {
        return acquire().thenCompose(held -> {
            CompletionStage<T> stage;
            try {
                stage = body.call();
            } catch (Exception e) {
                held.close();
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
            return stage.whenComplete((v, e) -> held.close());
        });
    }

    /** @return whether some code holds it */
    public boolean isLocked() {
        return sem.available() == 0;
    }

    @Override
    public String toString() {
        return "async mutex '" + name + "'";
    }
}
