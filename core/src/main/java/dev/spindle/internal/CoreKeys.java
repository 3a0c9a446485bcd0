package dev.spindle.internal;

import dev.spindle.spi.ConfigKey;

/** Configuration keys shared by the backends in core. */
public final class CoreKeys {

    /** Threads of a pool; defaults to the number of available processors. */
    public static final ConfigKey<Integer> PARALLELISM = ConfigKey.intKey("parallelism",
            "how many tasks run at once (the pool's threads); defaults to the number of available processors",
            1, 32767, () -> Runtime.getRuntime().availableProcessors());

    private CoreKeys() {
    }
}
