package dev.spindle.testkit.core;

import dev.spindle.Spindle;
import dev.spindle.TaskExecutor;
import dev.spindle.testkit.TaskTreeProperties;

class InlineTaskTreePropertiesTest extends TaskTreeProperties {
    @Override
    protected TaskExecutor create(String name, int parallelism) {
        return Spindle.builder(name).backend("inline").build();
    }
}
