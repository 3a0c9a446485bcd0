package dev.spindle.virtual;

import dev.spindle.TaskExecutor;
import dev.spindle.testkit.TaskTreeProperties;

/** The task-tree properties on the virtual backend. */
class VirtualTaskTreePropertiesTest extends TaskTreeProperties {
    @Override
    protected TaskExecutor create(String name, int parallelism) {
        return VirtualContracts.create(name, parallelism);
    }
}
