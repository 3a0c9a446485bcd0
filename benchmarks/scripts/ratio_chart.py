#!/usr/bin/env python3
"""Draws docs/benchmarks.svg: one horizontal bar per benchmark pair, Spindle's time over its peer's (1.0 = the same).

Input: a small TSV written by hand from the JSON results (name, ratio, target), so that the chart shows exactly the
figures in docs/benchmarks.md and nothing else. Usage:

    python3 benchmarks/scripts/ratio_chart.py docs/benchmarks-ratios.tsv docs/benchmarks.svg
"""
import sys
from xml.sax.saxutils import escape


def main(src, dst):
    rows = []
    with open(src, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, ratio, target = line.split("\t")
            rows.append((name, float(ratio), float(target) if target else None))
    width, left, bar_h, gap, top = 900, 330, 18, 8, 40
    scale_max = max(2.5, max(r for _, r, _ in rows) * 1.05)
    plot_w = width - left - 60
    height = top + len(rows) * (bar_h + gap) + 40

    def x(v):
        return left + plot_w * min(v, scale_max) / scale_max

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
           f'font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="20" font-size="14">Spindle time / peer time (lower is better; the line is 1.0, '
           f'ticks are each row\'s target)</text>']
    for i, (name, ratio, target) in enumerate(rows):
        y = top + i * (bar_h + gap)
        met = target is None or ratio <= target
        colour = "#4c9f70" if met else "#d1495b"
        out.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{escape(name)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{x(ratio) - left:.1f}" height="{bar_h}" fill="{colour}"/>')
        label = f"{ratio:.2f}x" + (" (off scale)" if ratio > scale_max else "")
        out.append(f'<text x="{x(ratio) + 4:.1f}" y="{y + 13}">{label}</text>')
        if target is not None:
            out.append(f'<line x1="{x(target):.1f}" x2="{x(target):.1f}" y1="{y - 2}" y2="{y + bar_h + 2}" '
                       f'stroke="black" stroke-width="2"/>')
    y_end = top + len(rows) * (bar_h + gap)
    out.append(f'<line x1="{x(1.0):.1f}" x2="{x(1.0):.1f}" y1="{top - 6}" y2="{y_end}" stroke="#555" '
               f'stroke-dasharray="4 3"/>')
    out.append(f'<text x="{x(1.0):.1f}" y="{y_end + 16}" text-anchor="middle">1.0</text>')
    out.append("</svg>")
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
