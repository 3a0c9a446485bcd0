package dev.spindle.virtual;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;

/** How the contract tests make virtual executors: the contracts' parallelism becomes the concurrency limit. */
final class VirtualContracts {

    private VirtualContracts() {
    }

    static TaskExecutor create(String name, int parallelism) {
        return Spindle.builder(name).backend("virtual").set("maxConcurrency", Integer.toString(parallelism)).build();
    }
}
