package dev.spindle.testkit.core;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.testkit.GroupContract;

class ThreadsGroupContractTest extends GroupContract {
    @Override
    protected TaskExecutor create(String name, int parallelism) {
        return Spindle.builder(name).backend("threads").set("parallelism", Integer.toString(parallelism)).build();
    }
}
