package dev.spindle.internal;

/**
 * Refuses blocking waits on threads that must never block, such as an event loop's thread (a blocking join there
 * would stop every other task on the loop, and could wait for a step that only the same loop can run) or a process
 * pool's reader thread (it completes that worker's tasks, and so runs their callbacks).
 */
public final class BlockingGuard {

    /** A thread that runs many non-blocking steps and must never wait. */
    public interface NonBlockingThread {
        /** @return the name of the loop the thread runs */
        String loopName();

        /**
         * @param what the blocking call
         * @return why it is refused here and what to do instead
         */
        default String refusal(String what) {
            return what + " was called on the thread of event loop '" + loopName() + "', where it would block every "
                    + "task of the loop (and could wait for a step that only this loop can run). Compose instead: "
                    + "handle.toCompletableFuture().thenAccept(...), group.joinAsync(), or return a CompletionStage "
                    + "from an async task; run blocking code with loop.toThread(...)";
        }
    }

    private BlockingGuard() {
    }

    /**
     * The cheap test before {@link #check}, so that callers build their message only when it is needed.
     *
     * @return whether the current thread must not block
     */
    public static boolean forbidden() {
        return Thread.currentThread() instanceof NonBlockingThread;
    }

    /**
     * @param what the blocking call, e.g. {@code join() of task 'x' (#3)}
     * @throws IllegalStateException on a non-blocking thread, saying what to do instead
     */
    public static void check(String what) {
        if (Thread.currentThread() instanceof NonBlockingThread t) {
            throw new IllegalStateException(t.refusal(what));
        }
    }
}
