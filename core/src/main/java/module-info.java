/**
 * Spindle core: the API ({@code dev.spindle}), the service-provider interface for backends ({@code dev.spindle.spi}),
 * and the {@code inline}, {@code threads} and {@code forkjoin} backends.
 */
module dev.spindle.core {
    requires org.slf4j;
    requires jdk.jfr;
    requires java.management; // Spindle.profile measures thread CPU time with ThreadMXBean
    requires com.github.benmanes.caffeine;
    requires org.jctools.core.jdk11;

    exports dev.spindle;
    exports dev.spindle.spi;
    exports dev.spindle.lock;
    exports dev.spindle.eventloop;
    // the shared machinery behind the SPI, for Spindle's own backend modules only
    exports dev.spindle.internal to dev.spindle.virtual, dev.spindle.process;

    uses dev.spindle.spi.Backend;

    provides dev.spindle.spi.Backend with
            dev.spindle.inline.InlineBackend,
            dev.spindle.threads.ThreadsBackend,
            dev.spindle.forkjoin.ForkJoinBackend,
            dev.spindle.eventloop.EventLoopBackend;
}
