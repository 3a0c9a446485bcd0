package dev.spindle.examples;

/**
 * One run of one workload on one backend.
 *
 * @param backend the backend's name
 * @param workload the workload's name
 * @param parallelism the executor's parallelism, as it reports it
 * @param wallNanos wall time of the whole run
 * @param cpuNanos CPU time used meanwhile, see {@link CpuClock}; -1 if unknown
 * @param serialNanos the run's time before its first task started and after its last task ended
 * @param checksum what the tasks' results added up to
 */
record Measurement(String backend, String workload, int parallelism, long wallNanos, long cpuNanos, long serialNanos,
        long checksum) {

    /** @return the serial part's share of the run's wall time, from 0 to 1 */
    double serialFraction() {
        return wallNanos <= 0 ? 0 : Math.clamp((double) serialNanos / wallNanos, 0.0, 1.0);
    }

    /** @return the parallelism for people: "unbounded" for an executor without a limit (a virtual thread per task) */
    String parallelismText() {
        return parallelism == Integer.MAX_VALUE ? "unbounded" : Integer.toString(parallelism);
    }
}
