package dev.spindle.internal;

import jdk.jfr.FlightRecorder;

/**
 * The gate in front of {@link TaskEvent}. Loading a JFR event class costs a few hundred milliseconds (it is
 * instrumented on load), which every process would pay on its first task, child JVMs of the {@code process} backend
 * included. So the event class is touched only once Flight Recorder has been initialized, which it must be before
 * any recording can want the event.
 */
public final class Jfr {

    private Jfr() {
    }

    /** @return whether a recording wants {@link TaskEvent}s now; cheap while Flight Recorder was never started */
    public static boolean taskEventsWanted() {
        return FlightRecorder.isInitialized() && TaskEvent.wanted();
    }

    /** Loads the event class now if Flight Recorder runs, so that it is not loaded later on a virtual thread. */
    public static void preload() {
        if (FlightRecorder.isInitialized()) {
            TaskEvent.wanted();
        }
    }
}
