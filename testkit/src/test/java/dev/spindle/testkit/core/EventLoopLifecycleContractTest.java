package dev.spindle.testkit.core;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.testkit.LifecycleContract;

/** The shared contract on the event loop: tasks submitted and joined from outside the loop. */
class EventLoopLifecycleContractTest extends LifecycleContract {
    @Override
    protected TaskExecutor create(String name, int parallelism) {
        return Spindle.builder(name).backend("eventloop").set("slowTaskThreshold", "0").build();
    }

    @Override
    protected boolean interruptsRunningTasks() {
        return false;
    }

    @Override
    protected boolean allowsBlockingJoinsInTasks() {
        return false;
    }
}
