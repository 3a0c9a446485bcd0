package dev.spindle.benchmarks.lock;

import org.openjdk.jmh.annotations.Threads;

/** {@link LockBenchmark} with 8 threads sharing each lock: contended. */
@Threads(8)
public class Locks8Threads extends LockBenchmark {
}
