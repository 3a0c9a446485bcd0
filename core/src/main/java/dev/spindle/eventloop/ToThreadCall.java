package dev.spindle.eventloop;

import dev.spindle.DeadlineExceededException;
import dev.spindle.Task;
import dev.spindle.lock.Held;
import dev.spindle.spi.TaskRun;
import java.util.concurrent.CompletableFuture;

/**
 * One {@link EventLoop#toThread} call: the stage the loop's code sees. Completion always happens on the loop. The
 * capacity slot is held until the blocking call has returned, whatever the policy.
 *
 * @param <T> the result type
 */
final class ToThreadCall<T> extends CompletableFuture<T> {

    private final EventLoop loop;
    private final Task<T> task;
    private final ToThreadPolicy policy;
    private volatile Thread worker;
    private volatile boolean cancelRequested;

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
                    super.cancel(false); // WAIT: completes as cancelled only now; others: already done
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
        cancelRequested = true;
        Thread w = worker;
        if (w != null && policy != ToThreadPolicy.ABANDON) {
            w.interrupt();
        }
        completeExceptionally(new DeadlineExceededException(owner.describe()
                + " reached its deadline while waiting for a toThread call"));
    }
}
