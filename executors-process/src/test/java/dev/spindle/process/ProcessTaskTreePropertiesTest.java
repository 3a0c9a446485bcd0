package dev.spindle.process;

import dev.spindle.TaskExecutor;
import dev.spindle.testkit.TaskTreeProperties;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The task-tree properties on the process backend: the root group's tasks run in child JVMs, and the groups nested in
 * them run in the child, on its local executor. One pool per parallelism serves every try of a property.
 */
class ProcessTaskTreePropertiesTest extends TaskTreeProperties {
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
        return true; // mapStreaming sends each item as a serializable task
    }

    @AfterContainer
    static void noWorkerLeft() throws InterruptedException {
        ProcessContracts.assertNoWorkerLeft();
    }
}
