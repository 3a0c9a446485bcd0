package dev.spindle.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The JFR event {@code dev.spindle.Task}: one per task that finished, with where and how it ran. */
@Name("dev.spindle.Task")
@Label("Spindle Task")
@Category("Spindle")
@Description("A task run by a Spindle executor")
@StackTrace(false)
public final class TaskEvent extends jdk.jfr.Event {
    @Label("Executor")
    public String executor;
    @Label("Backend")
    public String backend;
    @Label("Task")
    public String task;
    @Label("Task Id")
    public long taskId;
    @Label("Outcome")
    public String outcome;
    @Label("Queue Wait")
    @Timespan(Timespan.NANOSECONDS)
    public long queueWait;
    @Label("Run Time")
    @Timespan(Timespan.NANOSECONDS)
    public long runTime;

    /** @return whether a recording wants these events now (a cheap check: the event object is not kept) */
    public static boolean wanted() {
        return new TaskEvent().isEnabled();
    }
}
