package dev.spindle.process;

import dev.spindle.TaskExecutor;
import java.time.Duration;
import java.util.List;

/**
 * How the contract tests make process pools: the contracts' parallelism becomes the number of workers, which start
 * lazily (a test starts only the workers its tasks need) with JVM options that make them start fast.
 */
final class ProcessContracts {

    /** C1 only and the serial collector: a worker starts in about half the time, and contract tasks are tiny. */
    static final String FAST_START = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto";

    private ProcessContracts() {
    }

    static TaskExecutor create(String name, int parallelism) {
        return Pools.pool(name, "workers", Integer.toString(parallelism), "jvmArgs", FAST_START);
    }

    /** Fails if a worker process of this JVM outlives the pools, after giving killed ones time to exit. */
    static void assertNoWorkerLeft() throws InterruptedException {
        Pools.assertNoChildrenLeft();
    }
}
