package dev.spindle.benchmarks.lock;

import org.openjdk.jmh.annotations.Threads;

/** {@link LockBenchmark} with 1 thread sharing each lock: uncontended. */
@Threads(1)
public class Locks1Thread extends LockBenchmark {
}
