package dev.spindle.process;

import dev.spindle.SerializableTask;
import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskHandle;

/**
 * A parent JVM for {@link ParentDeathTest}: starts a pool of two workers, gives each a long task, prints
 * {@code READY}, then waits to be killed (or, with the argument {@code exit}, calls System.exit without closing; with
 * {@code hook}, exits and reports from its own shutdown hook whether the workers were gone meanwhile).
 */
public final class OrphanParent {

    private OrphanParent() {
    }

    public static void main(String[] args) throws Exception {
        TaskExecutor ex = Spindle.builder("orphan").backend("process").set("workers", "2").build();
        SerializableTask<Long> warm = () -> {
            Thread.sleep(300);
            return ProcessHandle.current().pid();
        };
        TaskHandle<Long> a = ex.submit(warm);
        TaskHandle<Long> b = ex.submit(warm);
        a.join();
        b.join();
        SerializableTask<Object> forever = () -> {
            Thread.sleep(600_000);
            return null;
        };
        ex.submit(forever);
        ex.submit(forever);
        System.out.println("READY");
        System.out.flush();
        if (args.length > 0 && args[0].equals("hook")) {
            // While this JVM runs its shutdown hooks it is alive and its control channels are open: only Spindle's
            // own hook can end the workers now.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive)
                        && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                boolean gone = ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive);
                System.out.println(gone ? "WORKERS-GONE-DURING-SHUTDOWN" : "WORKERS-ALIVE-DURING-SHUTDOWN");
                System.out.flush();
            }));
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("exit")) {
            Thread.sleep(300);
            System.exit(0);
        }
        Thread.sleep(600_000);
    }
}
