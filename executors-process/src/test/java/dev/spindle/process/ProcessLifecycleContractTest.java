package dev.spindle.process;

import dev.spindle.TaskExecutor;
import dev.spindle.testkit.LifecycleContract;
import org.junit.jupiter.api.AfterAll;

/** The shared lifecycle contract on the process backend: tasks run in child JVMs and report through a file probe. */
class ProcessLifecycleContractTest extends LifecycleContract {
    @Override
    protected TaskExecutor create(String name, int parallelism) {
        return ProcessContracts.create(name, parallelism);
    }

    @Override
    protected boolean tasksCrossProcesses() {
        return true;
    }

    @Override
    protected boolean runsMap() {
        return false; // TODO(issue 5, map line): map and mapStreaming do not run on process yet
    }

    @AfterAll
    static void noWorkerLeft() throws InterruptedException {
        ProcessContracts.assertNoWorkerLeft();
    }
}
