package dev.spindle.lock;

/**
 * An acquisition would close a cycle in the order in which Spindle locks have been taken: thread 1 took A then B,
 * and now thread 2, holding B, asks for A. Run long enough, those two threads deadlock; lock-order checking reports
 * it the first time the orders conflict, before any deadlock happens. The message names both locks and shows where
 * each order was first seen; the lock asked for was not acquired.
 *
 * @see LockOrder
 */
public class PotentialDeadlockException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message both locks and both acquisition sites */
    public PotentialDeadlockException(String message) {
        super(message);
    }
}
