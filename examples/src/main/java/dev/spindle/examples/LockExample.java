/*
 * Python idiom: threading.Lock vs threading.RLock.
 *
 *     lock = threading.Lock()
 *     with lock:
 *         with lock:            # the same thread again: hangs forever, silently
 *             ...
 *
 *     rlock = threading.RLock()
 *     def transfer(a, b, n):
 *         with rlock:
 *             withdraw(a, n)    # takes rlock again: fine, the owner may re-enter
 *             deposit(b, n)
 *
 *     lock.acquire(timeout=0.05)   # False if another thread holds it
 *
 * In Spindle: Mutex is Lock and ReentrantMutex is RLock; `try (Held h = m.acquire())` is `with m:`. The difference
 * from Python: a thread that asks again for a Mutex it already holds gets an IllegalStateException at once, naming
 * the mutex and the fix, instead of a hang. acquire(Duration) throws TimeoutException where Python returns False.
 */
package dev.spindle.examples;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.lock.Held;
import dev.spindle.lock.Mutex;
import dev.spindle.lock.ReentrantMutex;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Python's {@code threading.Lock} and {@code RLock} in Spindle: see the comment at the top of the file. */
@SuppressWarnings("try") // try (Held h = lock.acquire()) is `with lock:`; the body need not use h
public final class LockExample {

    /**
     * What the example saw, for its test.
     *
     * @param selfDeadlock what taking the {@link Mutex} a second time threw
     * @param deepestHoldCount how many times the transfer held the {@link ReentrantMutex} at once
     * @param balances the two balances after the transfer
     * @param timedOut what a timed acquisition of a mutex held by another task threw
     */
    record Outcome(IllegalStateException selfDeadlock, int deepestHoldCount, long[] balances,
            TimeoutException timedOut) {
    }

    /** Two accounts guarded by one reentrant lock: the public methods take it, and call each other. */
    static final class Accounts {
        private final ReentrantMutex lock = new ReentrantMutex("accounts", false);
        private final long[] balance = {100, 0};
        private int deepest;

        void transfer(int from, int to, long amount) {
            try (Held h = lock.acquire()) { // with rlock:
                withdraw(from, amount);       // takes it again
                deposit(to, amount);
            }
        }

        void withdraw(int account, long amount) {
            try (Held h = lock.acquire()) {
                deepest = Math.max(deepest, lock.holdCount());
                balance[account] -= amount;
            }
        }

        void deposit(int account, long amount) {
            try (Held h = lock.acquire()) {
                balance[account] += amount;
            }
        }

        long[] balances() {
            try (Held h = lock.acquire()) {
                return balance.clone();
            }
        }
    }

    private LockExample() {
    }

    /**
     * @param args none
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * @param args none
     * @param out where to print
     * @return what happened
     * @throws Exception if the example fails
     */
    static Outcome run(String[] args, PrintStream out) throws Exception {
        // Lock: taking it twice on one thread is a bug; Spindle reports it instead of hanging
        Mutex lock = new Mutex("config");
        IllegalStateException selfDeadlock = null;
        try (Held outer = lock.acquire()) {
            try (Held inner = lock.acquire()) {
                out.println("unreachable: a Mutex is not reentrant");
            }
        } catch (IllegalStateException e) {
            selfDeadlock = e;
        }
        out.println("Lock taken twice  -> " + (selfDeadlock == null ? "no error?" : selfDeadlock.getMessage()));

        // RLock: the owner may take it again; it is free when every acquisition was released
        Accounts accounts = new Accounts();
        accounts.transfer(0, 1, 30);
        long[] balances = accounts.balances();
        out.println("RLock re-entered  -> held " + accounts.deepest + " times at once; balances " + balances[0] + " / "
                + balances[1] + "; held now: " + accounts.lock.isLocked());

        // lock.acquire(timeout=0.05) while another task holds it
        TimeoutException timedOut = null;
        try (TaskExecutor executor = Spindle.builder("lock-example").backend("threads").parallelism(1).build();
                Held mine = lock.acquire()) {
            timedOut = executor.submit(() -> {
                try (Held theirs = lock.acquire(Duration.ofMillis(50))) {
                    return null;
                } catch (TimeoutException e) {
                    return e;
                }
            }).join();
        }
        out.println("acquire(timeout)  -> " + (timedOut == null ? "got it?" : timedOut.getMessage()));
        return new Outcome(selfDeadlock, accounts.deepest, balances, timedOut);
    }
}
