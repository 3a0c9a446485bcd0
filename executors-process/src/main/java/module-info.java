/**
 * Spindle's {@code process} backend: a pool of child JVMs that run serialized tasks in isolation. Exports
 * {@code dev.spindle.process} for {@link dev.spindle.process.WorkerCrashedException} and
 * {@link dev.spindle.process.RemoteTaskException}, the failures a user may catch.
 */
module dev.spindle.process {
    requires dev.spindle.core;
    requires org.slf4j;

    exports dev.spindle.process;

    provides dev.spindle.spi.Backend with dev.spindle.process.ProcessBackend;
}
