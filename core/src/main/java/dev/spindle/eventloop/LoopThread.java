package dev.spindle.eventloop;

import dev.spindle.internal.BlockingGuard;

/** The thread of an event loop: marked so that blocking joins on it fail at once. */
final class LoopThread extends Thread implements BlockingGuard.NonBlockingThread {

    private final String loopName;

    LoopThread(Runnable body, String loopName) {
        super(body, "spindle-loop-" + loopName);
        this.loopName = loopName;
        setDaemon(true);
    }

    @Override
    public String loopName() {
        return loopName;
    }
}
