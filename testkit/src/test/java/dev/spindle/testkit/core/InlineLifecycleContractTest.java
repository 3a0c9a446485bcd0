package dev.spindle.testkit.core;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.testkit.LifecycleContract;

class InlineLifecycleContractTest extends LifecycleContract {
    @Override
    protected TaskExecutor create(String name, int parallelism) {
        return Spindle.builder(name).backend("inline").build();
    }

    @Override
    protected boolean runsOnCallerThread() {
        return true;
    }
}
