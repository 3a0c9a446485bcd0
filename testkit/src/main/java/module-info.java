/**
 * Spindle's test kit: the contract every backend honours, as JUnit 5 and jqwik tests a backend module runs against
 * itself by extending {@code HandleContract}, {@code GroupContract}, {@code LifecycleContract} and
 * {@code TaskTreeProperties}.
 */
module dev.spindle.testkit {
    requires transitive dev.spindle.core;
    requires transitive org.junit.jupiter.api;
    requires transitive net.jqwik.api;

    uses java.util.spi.ToolProvider; // javap, for Monitors

    exports dev.spindle.testkit;
    opens dev.spindle.testkit to org.junit.platform.commons, net.jqwik.engine;
}
