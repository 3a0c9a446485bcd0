package dev.spindle.eventloop;

import dev.spindle.internal.BlockingGuard;

/** The thread of an event loop: marked so that blocking joins on it fail at once. */
final class LoopThread extends Thread implements BlockingGuard.NonBlockingThread {

    private final String loopName;
    private final EventLoop loop;

    LoopThread(Runnable body, String loopName, EventLoop loop) {
        super(body, "spindle-loop-" + loopName);
        this.loopName = loopName;
        this.loop = loop;
        setDaemon(true);
    }

    /** @return the loop this thread runs */
    EventLoop loop() {
        return loop;
    }

    @Override
    public String loopName() {
        return loopName;
    }
}
