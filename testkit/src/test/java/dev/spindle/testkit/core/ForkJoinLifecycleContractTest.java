package dev.spindle.testkit.core;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.testkit.LifecycleContract;

class ForkJoinLifecycleContractTest extends LifecycleContract {
    @Override
    protected TaskExecutor create(String name, int parallelism) {
        return Spindle.builder(name).backend("forkjoin").set("parallelism", Integer.toString(parallelism)).build();
    }
}
