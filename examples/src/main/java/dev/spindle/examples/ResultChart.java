package dev.spindle.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The showcase's measurements as an SVG bar chart, written by hand (no dependency): one panel per workload, one
 * horizontal bar per backend whose length is the run's wall time, labelled with the time and the speed-up over
 * {@code inline}. Each panel has its own scale, because an I/O-bound run and a CPU-bound run differ by orders of
 * magnitude; a backend keeps its colour in every panel.
 */
final class ResultChart {

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1",
        "#edc948", "#9c755f"};
    private static final int WIDTH = 860;
    private static final int LABEL_RIGHT = 130;
    private static final int BAR_LEFT = 140;
    private static final int BAR_MAX = 520;
    private static final int BAR_HEIGHT = 20;
    private static final int ROW = 28;
    private static final int PANEL_HEADER = 34;
    private static final int PANEL_GAP = 18;
    private static final int TOP = 64;

    private ResultChart() {
    }

    /**
     * Writes the chart, creating missing parent directories.
     *
     * @param file where to write it
     * @param rows the measurements, in the order to show them
     * @param descriptions what each workload does, by workload name, for the panel titles
     * @param subtitle one line about the machine
     * @return the file's absolute path
     * @throws IOException if the file cannot be written
     */
    static Path write(Path file, List<Measurement> rows, Map<String, String> descriptions, String subtitle)
            throws IOException {
        Path absolute = file.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        Files.writeString(absolute, svg(rows, descriptions, subtitle), StandardCharsets.UTF_8);
        return absolute;
    }

    /**
     * @param rows the measurements, in the order to show them
     * @param descriptions what each workload does, by workload name
     * @param subtitle one line about the machine
     * @return the SVG document
     */
    static String svg(List<Measurement> rows, Map<String, String> descriptions, String subtitle) {
        Map<String, List<Measurement>> byWorkload = new LinkedHashMap<>();
        List<String> backends = new ArrayList<>();
        for (Measurement m : rows) {
            byWorkload.computeIfAbsent(m.workload(), k -> new ArrayList<>()).add(m);
            if (!backends.contains(m.backend())) {
                backends.add(m.backend());
            }
        }
        int height = TOP;
        for (List<Measurement> panel : byWorkload.values()) {
            height += PANEL_HEADER + panel.size() * ROW + PANEL_GAP;
        }
        height += 24;

        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">%n", WIDTH, height, WIDTH,
                height));
        svg.append("  <title>Spindle showcase: wall time per backend and workload</title>\n");
        svg.append(String.format(Locale.ROOT, "  <rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH,
                height));
        text(svg, 20, 28, "start", "font-size=\"18\" font-weight=\"bold\"",
                "Spindle showcase: wall time per backend (shorter is faster)");
        text(svg, 20, 48, "start", "fill=\"#555555\"", subtitle);

        int y = TOP;
        for (Map.Entry<String, List<Measurement>> e : byWorkload.entrySet()) {
            String workload = e.getKey();
            List<Measurement> panel = e.getValue();
            String description = descriptions.getOrDefault(workload, "");
            text(svg, 20, y + 20, "start", "font-weight=\"bold\"",
                    workload + (description.isEmpty() ? "" : ": " + description));
            y += PANEL_HEADER;
            long max = panel.stream().mapToLong(Measurement::wallNanos).max().orElse(1);
            svg.append(String.format(Locale.ROOT, "  <line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
                    + " stroke=\"#999999\"/>%n", BAR_LEFT, y - 4, BAR_LEFT, y + panel.size() * ROW - 4));
            for (Measurement m : panel) {
                int length = (int) Math.max(1, Math.round((double) BAR_MAX * m.wallNanos() / Math.max(1, max)));
                String colour = COLOURS[backends.indexOf(m.backend()) % COLOURS.length];
                text(svg, LABEL_RIGHT, y + 15, "end", "", m.backend());
                svg.append(String.format(Locale.ROOT, "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                        + " fill=\"%s\"><title>%s</title></rect>%n", BAR_LEFT, y, length, BAR_HEIGHT, colour,
                        escape(m.backend() + " / " + m.workload() + ": " + ResultTable.seconds(m.wallNanos()))));
                String speedUp = ResultTable.speedUp(m, rows)
                        .map(s -> String.format(Locale.ROOT, ", %.2fx vs inline", s)).orElse("");
                text(svg, BAR_LEFT + length + 6, y + 15, "start", "",
                        ResultTable.seconds(m.wallNanos()) + speedUp);
                y += ROW;
            }
            y += PANEL_GAP;
        }
        text(svg, 20, height - 10, "start", "fill=\"#555555\" font-size=\"11\"",
                "Each panel has its own scale. Speed-up: inline's wall time / this wall time.");
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void text(StringBuilder svg, int x, int y, String anchor, String attributes, String content) {
        svg.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%d\" text-anchor=\"%s\"%s>%s</text>%n", x, y,
                anchor, attributes.isEmpty() ? "" : " " + attributes, escape(content)));
    }

    /** @return {@code s} with the five characters XML gives a meaning escaped */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
