package dev.spindle.process;

import dev.spindle.internal.BlockingGuard;

/**
 * The thread that reads a worker's replies. It completes that worker's tasks, so the callbacks attached to them
 * ({@code handle.toCompletableFuture().thenAccept(...)}, without an executor) run on it, and it pumps the next
 * tasks to the worker: a blocking join or get there would stop the worker's replies, and could wait for one of them
 * forever. Spindle refuses such a wait at once (see {@link BlockingGuard}).
 */
final class ReaderThread extends Thread implements BlockingGuard.NonBlockingThread {

    private final String worker;

    ReaderThread(String worker, Runnable readLoop) {
        super(null, readLoop, "spindle-" + worker + "-reader", 0, false);
        this.worker = worker;
        setDaemon(true);
    }

    @Override
    public String loopName() {
        return worker;
    }

    @Override
    public String refusal(String what) {
        return what + " was called on the reader thread of process worker '" + worker + "', which completes that "
                + "worker's tasks and runs the callbacks attached to them: waiting there stops the worker's replies, "
                + "and could wait for one of them forever. Attach the callback with an executor "
                + "(thenAcceptAsync(..., executor)), or compose without waiting (thenCompose, group.joinAsync())";
    }
}
