package dev.spindle.virtual;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.testkit.HandleContract;

/** The shared handle contract, on the virtual backend (with a limit when asked for a bounded executor). */
class VirtualHandleContractTest extends HandleContract {
    @Override
    protected TaskExecutor create(String name, int parallelism) {
        return VirtualContracts.create(name, parallelism);
    }
}
