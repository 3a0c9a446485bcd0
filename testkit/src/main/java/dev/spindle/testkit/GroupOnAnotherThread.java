package dev.spindle.testkit;

import dev.spindle.Task;
import dev.spindle.TaskExecutor;
import dev.spindle.TaskGroup;
import dev.spindle.GroupPolicy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens a group, then forks tasks into it and joins it on a separate platform thread, so that the test thread stays
 * free to cancel the group, even on a backend that runs tasks on the thread that forks them.
 *
 * @param group the group
 * @param joined completes with what {@code join} threw, or {@code null} if it returned
 */
public record GroupOnAnotherThread(TaskGroup group, CompletableFuture<Throwable> joined) {

    /**
     * @param executor where the tasks run
     * @param tasks the tasks to fork, in order
     * @return the running group
     */
    @SafeVarargs
    public static GroupOnAnotherThread start(TaskExecutor executor, Task<?>... tasks) {
        return start(executor, GroupPolicy.allSuccessful(), tasks);
    }

    /**
     * @param executor where the tasks run
     * @param policy the group's policy
     * @param tasks the tasks to fork, in order
     * @return the running group
     */
    @SafeVarargs
    public static GroupOnAnotherThread start(TaskExecutor executor, GroupPolicy policy, Task<?>... tasks) {
        TaskGroup group = TaskGroup.open(executor, policy);
        CompletableFuture<Throwable> joined = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("contract-joiner").start(() -> {
            try (group) {
                for (Task<?> t : tasks) {
                    group.fork(t);
                }
                group.join();
                joined.complete(null);
            } catch (Throwable e) {
                joined.complete(e);
            }
        });
        return new GroupOnAnotherThread(group, joined);
    }

    /** @return what {@code join} threw, or {@code null}; fails the test if the join does not return in time */
    public Throwable outcome() {
        try {
            return joined.get(BackendFixture.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the group's join did not return within " + BackendFixture.PATIENCE, e);
        }
    }
}
