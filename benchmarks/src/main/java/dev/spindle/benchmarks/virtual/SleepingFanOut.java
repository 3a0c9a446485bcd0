package dev.spindle.benchmarks.virtual;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sleeping fan-out: N tasks that each {@code Thread.sleep(1000)}, forked into one {@code TaskGroup} on the
 * {@code virtual} backend and joined, against the raw JDK {@code Executors.newVirtualThreadPerTaskExecutor()} doing the
 * same. Measures wall time and peak heap of both in the same run.
 *
 * <p>Every measurement runs in a fresh child JVM ({@link FanOutRun}), started from this JVM's own {@code java} and
 * class path with the same heap options, so one variant's heap never carries the other's garbage or JIT state. The
 * variants alternate within each round (spindle first in even rounds, raw first in odd ones) so that drift on a noisy
 * machine hits both. Prints every run, then the medians and the Spindle/raw ratios.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.spindle.benchmarks.virtual.SleepingFanOut \
 *     [--tasks 100000,1000000] [--runs 5] [--sleep-ms 1000] [--warmup 20000] [--jvm "-Xms8g -Xmx8g"] \
 *     [--variants spindle,raw]          (the last variant is the baseline of the ratios; see FanOutRun for the others)
 *     [--max-other-load 100]            (repeat a run, after a pause, if other processes used more than this
 *                                        percentage of the machine's CPU meanwhile; at most 30 attempts)
 * </pre>
 */
public final class SleepingFanOut {

    private static final int MAX_ATTEMPTS = 30;
    private static final int RETRY_PAUSE_SECONDS = 20;
    private static final List<String> METRICS = List.of("wallMillis", "forkMillis", "forkCpuMillis", "runCpuMillis",
            "peakUsedMiB", "peakAfterGcMiB", "allocatedMiB", "gcMillis", "jitMillis", "mainCpuMillis", "carrierCpuMillis",
            "gcCpuMillis", "jitCpuMillis", "jvmCpuMillis", "otherLoadPct");

    private SleepingFanOut() {
    }

    /**
     * @param args see the class comment
     * @throws Exception if a child fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("--tasks", "100000,1000000", "--runs", "5",
                "--sleep-ms", "1000", "--warmup", "20000", "--jvm", "-Xms8g -Xmx8g",
                "--variants", "spindle,raw", "--max-other-load", "100"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!opts.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + opts.keySet());
            }
            opts.put(args[i], args[i + 1]);
        }
        int runs = Integer.parseInt(opts.get("--runs"));
        List<String> variants = List.of(opts.get("--variants").split(","));
        double maxOtherLoad = Double.parseDouble(opts.get("--max-other-load"));
        int repeated = 0;
        List<String> jvm = Arrays.asList(opts.get("--jvm").trim().split("\\s+"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf(Locale.ROOT, "java %s (%s), %d CPUs, child JVM options %s, %d runs each%n",
                Runtime.version(), java, Runtime.getRuntime().availableProcessors(), jvm, runs);

        Map<String, List<Map<String, Double>>> results = new LinkedHashMap<>();
        for (String n : opts.get("--tasks").split(",")) {
            int tasks = Integer.parseInt(n.trim());
            for (int round = 0; round < runs; round++) {
                List<String> order = round % 2 == 0 ? variants : variants.reversed();
                for (String variant : order) {
                    Map<String, Double> r;
                    for (int attempt = 1; ; attempt++) {
                        r = child(java, jvm, variant, tasks, opts.get("--sleep-ms"), opts.get("--warmup"));
                        double others = r.get("otherLoadPct");
                        if (others <= maxOtherLoad || attempt == MAX_ATTEMPTS) {
                            break;
                        }
                        repeated++;
                        System.out.printf(Locale.ROOT,
                                "    repeated: other processes used %.0f%% > %.0f%%; waiting %d s%n", others,
                                maxOtherLoad, RETRY_PAUSE_SECONDS);
                        Thread.sleep(RETRY_PAUSE_SECONDS * 1000L);
                    }
                    results.computeIfAbsent(tasks + " " + variant, k -> new ArrayList<>()).add(r);
                }
            }
        }

        System.out.printf(Locale.ROOT, "%nruns repeated because other processes used more than %.0f%% of the CPU: %d%n",
                maxOtherLoad, repeated);
        String base = variants.get(variants.size() - 1);
        StringBuilder head = new StringBuilder("| tasks | metric |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String v : variants) {
            head.append(' ').append(v).append(" (median) |");
            rule.append("---|");
        }
        for (String v : variants.subList(0, variants.size() - 1)) {
            head.append(' ').append(v).append(" / ").append(base).append(" |");
            rule.append("---|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (String n : opts.get("--tasks").split(",")) {
            int tasks = Integer.parseInt(n.trim());
            for (String metric : METRICS) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %,d | %s |", tasks, metric));
                double r = median(results.get(tasks + " " + base), metric);
                for (String v : variants) {
                    row.append(String.format(Locale.ROOT, " %.1f |", median(results.get(tasks + " " + v), metric)));
                }
                for (String v : variants.subList(0, variants.size() - 1)) {
                    double s = median(results.get(tasks + " " + v), metric);
                    row.append(r > 0 ? String.format(Locale.ROOT, " %.3f |", s / r) : " n/a |");
                }
                System.out.println(row);
            }
        }
    }

    private static Map<String, Double> child(String java, List<String> jvm, String variant, int tasks, String sleepMs,
            String warmup) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FanOutRun.class.getName(), variant,
                Integer.toString(tasks), sleepMs, warmup));
        long[] before = MachineCpu.busyAndTotalMillis();
        long started = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Double> values = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("  " + line);
                if (line.startsWith("RESULT ")) {
                    for (String kv : line.substring(7).split(" ")) {
                        String[] pair = kv.split("=", 2);
                        if (!pair[0].equals("variant")) {
                            values.put(pair[0], Double.parseDouble(pair[1]));
                        }
                    }
                }
            }
        }
        int exit = p.waitFor();
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        if (exit != 0 || values.isEmpty()) {
            throw new IllegalStateException("child " + cmd + " exited with " + exit + " and printed no RESULT line");
        }
        double others = MachineCpu.othersPercent(before, MachineCpu.busyAndTotalMillis(), values.get("jvmCpuMillis"),
                elapsedMillis);
        values.put("otherLoadPct", others);
        System.out.printf(Locale.ROOT, "    (other processes used %.0f%% of the machine's CPU during this child)%n",
                others);
        return values;
    }

    private static double median(List<Map<String, Double>> runs, String metric) {
        double[] v = runs.stream().mapToDouble(m -> m.get(metric)).sorted().toArray();
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
