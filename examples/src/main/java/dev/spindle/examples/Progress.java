package dev.spindle.examples;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows how far a run has got while it runs. On a terminal it redraws one line with {@code \r}, ten times a second;
 * otherwise (a pipe, a file, a test) it prints a plain line once a second, so logs stay readable. Tasks call
 * {@link #step()} from any thread; a daemon thread does the drawing. {@link #close()} stops that thread and prints
 * the final state.
 *
 * <p>{@link #step()} is thread-safe; {@code close} is meant for the thread that started the progress.
 */
final class Progress implements AutoCloseable {

    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean interactive;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread painter;

    private Progress(PrintStream out, boolean interactive, String label, long total) {
        this.out = out;
        this.interactive = interactive;
        this.label = label;
        this.total = total;
        this.painter = Thread.ofPlatform().daemon().name("showcase-progress").unstarted(this::paintUntilStopped);
    }

    /**
     * @param out where to draw
     * @param interactive whether {@code out} is a terminal, so a line can be redrawn in place
     * @param label what runs, e.g. {@code "io on threads"}
     * @param total how many steps make 100 %
     * @return a started progress indicator
     */
    static Progress start(PrintStream out, boolean interactive, String label, long total) {
        Progress p = new Progress(out, interactive, label, total);
        p.painter.start();
        return p;
    }

    /** Counts one step as done. */
    void step() {
        done.incrementAndGet();
    }

    private void paintUntilStopped() {
        long periodMillis = interactive ? 100 : 1000;
        try {
            while (!stop.await(periodMillis, TimeUnit.MILLISECONDS)) {
                paint(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void paint(boolean last) {
        long n = done.get();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        int percent = total == 0 ? 100 : (int) (100 * n / total);
        if (interactive) {
            int filled = (int) (BAR_WIDTH * Math.min(n, total) / Math.max(1, total));
            String bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
            out.printf(Locale.ROOT, "\r  %-22s [%s] %5d/%-5d %6.2f s", label, bar, n, total, seconds);
            if (last) {
                out.println();
            }
        } else {
            out.printf(Locale.ROOT, "  %-22s %d/%d (%d%%) %.2f s%s%n", label, n, total, percent, seconds,
                    last ? " done" : "");
        }
        out.flush();
    }

    /** Stops redrawing and prints the final count. */
    @Override
    public void close() {
        stop.countDown();
        try {
            painter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paint(true);
    }
}
