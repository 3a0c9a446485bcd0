package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link Spindle#profile} and {@link TaskProfile}: what a user reads from a profile, and the bounds' shape. */
class TaskProfileTest {

    @Test
    void aSleepingTaskIsIoBound() {
        TaskProfile p = Spindle.profile(() -> {
            Thread.sleep(20);
            return null;
        }, 5);

        assertEquals(5, p.samples());
        assertTrue(p.meanWall().compareTo(Duration.ofMillis(19)) >= 0, "a run sleeps 20 ms: " + p);
        assertTrue(p.meanCpu().compareTo(p.meanWall()) < 0, p.toString());
        assumeGotACore(p);
        assertEquals(TaskProfile.Classification.IO_BOUND, p.classification(), p.toString());
        assertTrue(p.advice().contains("virtual"), p.advice());
        // no measurable CPU: cores are not what limits many such tasks
        assertTrue(p.amdahlBound(p.cores()) > 10 * p.cores(), p.toString());
    }

    @Test
    void aSpinningTaskIsCpuBound() {
        // fixed work rather than a time: the task needs CPU whatever share of a core a loaded machine gives it
        TaskProfile p = Spindle.profile(() -> countPrimesBelow(200_000), 10);

        assertTrue(p.coreShare() > 0 && p.coreShare() <= 1, p.toString());
        assertTrue(p.cpuRatio() > 0 && p.cpuRatio() <= 1, p.toString());
        assumeGotACore(p);
        assertEquals(TaskProfile.Classification.CPU_BOUND, p.classification(), p.toString());
        assertTrue(p.cpuRatio() >= TaskProfile.CPU_BOUND_MIN, p.toString());
        assertTrue(p.advice().contains("forkjoin"), p.advice());
        // a CPU-bound task gains at most about the core count, however large the pool
        assertTrue(p.speedupBound(1000) <= p.cores() / TaskProfile.CPU_BOUND_MIN + 1e-9, p.toString());
    }

    /**
     * A live classification is only as good as the core-share correction; on a machine so loaded that a busy loop got
     * less than half a core, bursts of load can fall between the correction's samples and the task's runs. The
     * constructor tests below fix the arithmetic exactly; these live tests then say nothing rather than something
     * random.
     */
    private static void assumeGotACore(TaskProfile p) {
        org.junit.jupiter.api.Assumptions.assumeTrue(p.coreShare() >= 0.5,
                () -> "the machine gave a busy loop only " + p.coreShare() + " of a core: classification not checked");
    }

    @Test
    void badSamplesAreRejectedWithWhatWasExpected() {
        for (int samples : new int[] {0, -3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Spindle.profile(() -> 1, samples));
            assertTrue(e.getMessage().contains("samples is " + samples), e.getMessage());
            assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> Spindle.profile(null, 3));
    }

    @Test
    void theTaskRunsExactlySamplesTimesOnTheCallingThread() {
        AtomicInteger runs = new AtomicInteger();
        Thread caller = Thread.currentThread();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Spindle.profile(() -> {
            ranOn.set(Thread.currentThread());
            return runs.incrementAndGet();
        }, 7);
        assertEquals(7, runs.get());
        assertSame(caller, ranOn.get());
    }

    @Test
    void aFailingRunIsThrownWithItsCauseAndWhichRunItWas() {
        AtomicInteger runs = new AtomicInteger();
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> Spindle.profile(() -> {
            if (runs.incrementAndGet() == 2) {
                throw new IllegalStateException("boom");
            }
            return null;
        }, 5));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getMessage().contains("run 2 of 5"), e.getMessage());
        assertEquals(2, runs.get(), "profiling stops at the first failure");
    }

    @Test
    void aVirtualThreadCannotBeProfiledAndIsToldWhatToDo() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                Spindle.profile(() -> 1, 2);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).join();
        assertInstanceOf(UnsupportedOperationException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("platform thread"), thrown.get().getMessage());
    }

    @Test
    void theSerialFractionMustBeAShare() {
        TaskProfile p = profile(0.5, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.withSerialFraction(1.5));
        assertTrue(e.getMessage().contains("1.5") && e.getMessage().contains("from 0 to 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.amdahlBound(0));
        assertThrows(IllegalArgumentException.class, () -> p.speedupBound(0));
    }

    @Test
    void theRatioIsCorrectedByTheShareOfACoreTheThreadGot() {
        // measured 0.4 of the wall time on the CPU while a busy loop got only half a core: the task computes 80 %
        TaskProfile p = new TaskProfile(4, 4_000_000, 1_600_000, 0.5, 2, 0);
        assertEquals(0.4, p.measuredCpuRatio(), 1e-9);
        assertEquals(0.8, p.cpuRatio(), 1e-9);
        assertEquals(TaskProfile.Classification.CPU_BOUND, p.classification());
        assertEquals(Duration.ofNanos(1_000_000), p.meanWall());
        assertEquals(Duration.ofNanos(400_000), p.meanCpu());
    }

    @Test
    void aMixedTaskIsAdvisedToSizeThePoolByTheRatio() {
        TaskProfile p = profile(0.5, 4);
        assertEquals(TaskProfile.Classification.MIXED, p.classification());
        assertEquals(8, p.saturatingConcurrency(4), 1e-9);
        assertTrue(p.advice().contains("= 8 threads"), p.advice());
    }

    @Property(tries = 300)
    void boundsGrowWithCoresAndParallelismAndShrinkWithTheSerialFraction(
            @ForAll @DoubleRange(min = 0, max = 1) double ratio, @ForAll @DoubleRange(min = 0, max = 1) double serial,
            @ForAll @IntRange(min = 1, max = 64) int cores, @ForAll @IntRange(min = 1, max = 512) int parallelism) {
        TaskProfile p = profile(ratio, cores).withSerialFraction(serial);

        assertTrue(p.amdahlBound(cores + 1) >= p.amdahlBound(cores));
        assertTrue(p.speedupBound(parallelism + 1) >= p.speedupBound(parallelism));
        assertTrue(p.speedupBound(parallelism) <= p.amdahlBound(cores) + 1e-9, "a pool cannot beat the cores");
        assertTrue(p.speedupBound(parallelism) <= parallelism + 1e-9, "P at once cannot beat P times");
        assertTrue(p.amdahlBound(cores) >= 1 - 1e-9, "never slower than one at a time");
        if (serial > 0) {
            assertTrue(p.amdahlBound(cores) <= 1 / serial + 1e-9, "Amdahl: never above 1 / s");
        }
        TaskProfile moreSerial = p.withSerialFraction(Math.min(1, serial + 0.1));
        assertTrue(moreSerial.speedupBound(parallelism) <= p.speedupBound(parallelism) + 1e-9);
    }

    /** A profile with CPU/wall {@code ratio} on an idle machine of {@code cores} processors. */
    private static TaskProfile profile(double ratio, int cores) {
        long wall = 1_000_000_000L;
        return new TaskProfile(10, wall, Math.round(ratio * wall), 1.0, cores, 0);
    }

    private static int countPrimesBelow(int limit) {
        int count = 0;
        for (int n = 2; n < limit; n++) {
            boolean prime = true;
            for (int d = 2; (long) d * d <= n; d++) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                count++;
            }
        }
        return count;
    }
}
