package dev.spindle.testkit.core;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.testkit.TaskTreeProperties;

/** The task-tree properties on the event loop: flat trees (no blocking joins on the loop), no blocking leaves. */
class EventLoopTaskTreePropertiesTest extends TaskTreeProperties {
    @Override
    protected TaskExecutor create(String name, int parallelism) {
        return Spindle.builder(name).backend("eventloop").set("slowTaskThreshold", "0").build();
    }

    @Override
    protected boolean interruptsRunningTasks() {
        return false;
    }

    @Override
    protected int maxDepth() {
        return 0;
    }
}
