package dev.spindle.examples;

import java.nio.file.Path;
import java.util.List;

/**
 * The showcase's command line: {@code [--quick] [--io-requests N] [--io-delay-ms N] [--io-parallelism N]
 * [--cpu-limit N] [--cpu-tasks N] [--chart PATH]}. A size given explicitly wins over {@code --quick}, in any order.
 *
 * @param ioRequests requests sent to the loopback server by the I/O-bound workload
 * @param ioDelayMillis how long the server waits before it answers each request
 * @param ioParallelism how many requests are in flight at once on backends with a pool
 * @param cpuLimit the CPU-bound workload counts the primes below this number
 * @param cpuTasks how many ranges the CPU-bound workload is split into
 * @param chart where to write the SVG chart of the results
 * @param help whether {@code --help} was given
 */
record ShowcaseOptions(int ioRequests, int ioDelayMillis, int ioParallelism, int cpuLimit, int cpuTasks, Path chart,
        boolean help) {

    /** Where the chart goes unless {@code --chart} says otherwise: relative to the working directory. */
    static final Path DEFAULT_CHART = Path.of("target", "showcase.svg");

    static final String USAGE = """
            usage: Showcase [--quick] [--io-requests N] [--io-delay-ms N] [--io-parallelism N]
                            [--cpu-limit N] [--cpu-tasks N] [--chart PATH]
              --quick            tiny sizes (40 requests, primes below 300000): a few seconds in all
              --io-requests N    requests to the loopback server (default 400)
              --io-delay-ms N    how long the server takes to answer each request (default 20)
              --io-parallelism N requests in flight at once on pooled backends (default 32)
              --cpu-limit N      count the primes below N (default 5000000, about 1 s on one core)
              --cpu-tasks N      ranges the prime count is split into (default 64)
              --chart PATH       where to write the SVG bar chart of the results (default target/showcase.svg)""";

    /**
     * @param args the command line
     * @return the options
     * @throws UsageException for an unknown flag or a bad number, with a message that says which
     */
    static ShowcaseOptions parse(List<String> args) {
        boolean quick = args.contains("--quick");
        int ioRequests = quick ? 40 : 400;
        int ioDelay = 20;
        int ioParallelism = 32;
        int cpuLimit = quick ? 300_000 : 5_000_000;
        int cpuTasks = quick ? 16 : 64;
        Path chart = DEFAULT_CHART;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            switch (flag) {
                case "--quick" -> { }
                case "--help", "-h" -> help = true;
                case "--io-requests" -> ioRequests = number(args, ++i, flag, 1);
                case "--io-delay-ms" -> ioDelay = number(args, ++i, flag, 0);
                case "--io-parallelism" -> ioParallelism = number(args, ++i, flag, 1);
                case "--cpu-limit" -> cpuLimit = number(args, ++i, flag, 3);
                case "--cpu-tasks" -> cpuTasks = number(args, ++i, flag, 1);
                case "--chart" -> chart = path(args, ++i, flag);
                default -> throw new UsageException("unknown argument '" + flag + "'\n" + USAGE);
            }
        }
        return new ShowcaseOptions(ioRequests, ioDelay, ioParallelism, cpuLimit, Math.min(cpuTasks, cpuLimit), chart,
                help);
    }

    private static Path path(List<String> args, int index, String flag) {
        if (index >= args.size() || args.get(index).isBlank()) {
            throw new UsageException(flag + " needs a file name after it\n" + USAGE);
        }
        try {
            return Path.of(args.get(index));
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException(flag + " " + args.get(index) + ": not a valid file name (" + e.getReason() + ")");
        }
    }

    private static int number(List<String> args, int index, String flag, int min) {
        if (index >= args.size()) {
            throw new UsageException(flag + " needs a number after it\n" + USAGE);
        }
        String text = args.get(index).replace("_", "");
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " " + args.get(index) + ": expected a whole number\n" + USAGE);
        }
        if (value < min) {
            throw new UsageException(flag + " " + value + ": expected at least " + min);
        }
        return value;
    }

    /** The command line is wrong; the message says what, and how to write it. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
