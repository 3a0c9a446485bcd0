/** Spindle's {@code virtual} backend: one virtual thread per task, with an optional concurrency limit. */
module dev.spindle.virtual {
    requires dev.spindle.core;

    provides dev.spindle.spi.Backend with dev.spindle.virtual.VirtualBackend;
}
