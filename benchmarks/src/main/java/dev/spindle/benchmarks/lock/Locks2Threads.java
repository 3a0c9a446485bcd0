package dev.spindle.benchmarks.lock;

import org.openjdk.jmh.annotations.Threads;

/** {@link LockBenchmark} with 2 threads sharing each lock: contended. */
@Threads(2)
public class Locks2Threads extends LockBenchmark {
}
