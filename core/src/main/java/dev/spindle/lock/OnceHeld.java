package dev.spindle.lock;

/**
 * One acquisition's hold: closing it releases once; closing it again is an error instead of releasing what the
 * next holder took. Used by one thread (the acquirer), so a plain field is enough.
 */
final class OnceHeld implements Held {

    /** What a hold gives back. Implemented by nested classes made in the locks' constructors (no lambdas). */
    interface Releasable {
        void releaseHold();
    }

    private final Releasable lock;
    private boolean closed;

    OnceHeld(Releasable lock) {
        this.lock = lock;
    }

    @Override
    public void close() {
        if (closed) {
            throw new IllegalStateException("this hold on " + lock + " was already released; close each hold once");
        }
        closed = true;
        lock.releaseHold();
    }
}
