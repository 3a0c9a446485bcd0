package dev.spindle.eventloop;

import dev.spindle.DeadlineExceededException;
import dev.spindle.Task;
import dev.spindle.lock.Held;
import dev.spindle.spi.TaskRun;
import java.util.concurrent.CompletableFuture;

/**
 * One {@link EventLoop#toThread} call: the stage the loop's code sees. A result or failure is delivered on the loop;
 * a {@code cancel()} completes the stage at once on the cancelling thread (the {@code Future} contract), except
 * under {@link ToThreadPolicy#WAIT}, which completes it on the loop once the call has returned. The capacity slot is
 * held until the blocking call has returned, whatever the policy; a call cancelled while it waits for a slot leaves
 * the line.
 *
 * @param <T> the result type
 */
final class ToThreadCall<T> extends CompletableFuture<T> {

    private final EventLoop loop;
    private final Task<T> task;
    private final ToThreadPolicy policy;
    private volatile Thread worker;
    private volatile boolean cancelRequested;
    private volatile Throwable endedBy; // WAIT: what the stage completes with once the call returns
    volatile CompletableFuture<?> slotWait; // the capacity wait, cancelled with the call

    ToThreadCall(EventLoop loop, Task<T> task, ToThreadPolicy policy) {
        this.loop = loop;
        this.task = task;
        this.policy = policy;
    }

    void start(Held slot) {
        if (isDone()) {
            slot.close(); // cancelled between getting the slot and starting
            return;
        }
        Thread.ofVirtual().name("spindle-loop-" + loop.name() + "-toThread").start(() -> {
            worker = Thread.currentThread();
            T value = null;
            Throwable failure = null;
            try {
                if (!cancelRequested) {
                    value = task.call();
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                worker = null;
                Thread.interrupted();
                slot.close();
            }
            T v = value;
            Throwable f = failure;
            loop.runOnLoop(() -> {
                if (cancelRequested) {
                    Throwable why = endedBy;
                    if (why != null) {
                        super.completeExceptionally(why); // WAIT: completes only now
                    } else {
                        super.cancel(false); // WAIT: completes as cancelled only now; others: already done
                    }
                } else if (f != null) {
                    completeExceptionally(f);
                } else {
                    complete(v);
                }
            });
        });
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return false;
        }
        cancelRequested = true;
        CompletableFuture<?> slot = slotWait;
        if (slot != null) {
            slot.cancel(false); // still waiting for capacity: leave the line
        }
        if (policy != ToThreadPolicy.ABANDON) {
            Thread w = worker;
            if (w != null) {
                w.interrupt();
            }
        }
        if (policy == ToThreadPolicy.WAIT && worker != null) {
            return true; // the stage completes, as cancelled, once the call returns
        }
        return super.cancel(mayInterruptIfRunning);
    }

    void deadline(TaskRun<?> owner) {
        if (isDone()) {
            return;
        }
        DeadlineExceededException why = new DeadlineExceededException(owner.describe()
                + " reached its deadline while waiting for a toThread call");
        cancelRequested = true;
        CompletableFuture<?> slot = slotWait;
        if (slot != null) {
            slot.cancel(false);
        }
        Thread w = worker;
        if (w != null && policy != ToThreadPolicy.ABANDON) {
            w.interrupt();
        }
        if (policy == ToThreadPolicy.WAIT && w != null) {
            endedBy = why; // completes once the call returns
            return;
        }
        super.completeExceptionally(why);
    }
}
