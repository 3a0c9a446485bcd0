/**
 * Spindle's runnable examples and showcase. Applications, not a library: nothing here is API. Backends are found
 * through {@code dev.spindle.core}'s service loader, so the backend modules need no {@code requires}.
 */
module dev.spindle.examples {
    requires dev.spindle.core;
    requires dev.spindle.process; // ProcessPoolExample reports WorkerCrashedException
    requires java.management;
    requires java.net.http;
    requires jdk.httpserver;

    exports dev.spindle.examples;
}
