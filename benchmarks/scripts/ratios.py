#!/usr/bin/env python3
"""Spindle/raw ratios from one or more JMH JSON result files (java -jar benchmarks.jar -rf json -rff FILE).

usage: python3 benchmarks/scripts/ratios.py [--markdown] run1.json [run2.json ...]

Per pair and run: both means with their 99.9% error, the ratio of the means, and the ratio of the medians of the
measurement iterations. With several runs, --markdown also prints a summary table: the median over the runs of each
score and of the ratio.
"""
import json
import statistics
import sys

# (class, Spindle method, raw method, target or None)
PAIRS = [
    ("SubmitJoinBenchmark", "spindle", "raw", 1.10),
    ("FanOutBenchmark", "spindleGroup", "raw", 1.10),
    ("FanOutBenchmark", "spindleSubmitAll", "raw", None),
    ("FibBenchmark", "spindleForkBoth", "rawForkBoth", 1.15),
    ("FibBenchmark", "spindleForkOne", "rawForkOne", None),
]
SHOWN_PARAMS = ("backend", "cutoff")


def load(path):
    out = {}
    for r in json.load(open(path)):
        cls, method = r["benchmark"].split(".")[-2:]
        params = tuple(sorted((k, v) for k, v in (r.get("params") or {}).items() if k in SHOWN_PARAMS))
        m = r["primaryMetric"]
        iters = [x for fork in m["rawData"] for x in fork]
        out[(cls, method, params)] = dict(mean=m["score"], err=m["scoreError"], median=statistics.median(iters),
                                          unit=m["scoreUnit"])
    return out


def rows(runs):
    for cls, s, b, target in PAIRS:
        params_seen = sorted({p for run in runs for (c, _, p) in run if c == cls})
        for params in params_seen:
            per_run = []
            for run in runs:
                if (cls, s, params) in run and (cls, b, params) in run:
                    per_run.append((run[(cls, s, params)], run[(cls, b, params)]))
            if per_run:
                yield cls, s, b, target, ", ".join(v for _, v in params), per_run


def fmt(x):
    return f"{x:,.1f}" if x >= 100 else f"{x:.3g}"


def main(args):
    markdown = "--markdown" in args
    paths = [a for a in args if a != "--markdown"]
    runs = [load(p) for p in paths]
    if not markdown:
        for cls, s, b, target, label, per_run in rows(runs):
            for i, (sp, rw) in enumerate(per_run, 1):
                print(f"run {i} {cls:20} {label:9} {s:17} {fmt(sp['mean']):>10} ± {fmt(sp['err']):>9} | {b:12}"
                      f" {fmt(rw['mean']):>10} ± {fmt(rw['err']):>9} {sp['unit']:6} | ratio of means"
                      f" {sp['mean'] / rw['mean']:8.2f} | ratio of medians {sp['median'] / rw['median']:8.2f}"
                      f" | target {target or '-'}")
        return
    for cls, s, b, target, label, per_run in rows(runs):
        ratios = [sp["mean"] / rw["mean"] for sp, rw in per_run]
        med = statistics.median(ratios)
        unit = per_run[0][0]["unit"]
        met = "—" if target is None else ("yes" if med <= target else "**no**")
        print(f"| {cls} | {label} | `{s}` vs `{b}` "
              f"| {fmt(statistics.median(sp['mean'] for sp, _ in per_run))} {unit} "
              f"| {fmt(statistics.median(rw['mean'] for _, rw in per_run))} {unit} "
              f"| {' / '.join(f'{r:.2f}' for r in ratios)} | **{med:.2f}** | {target or '—'} | {met} |")
    print()
    for i, run in enumerate(runs, 1):
        for cls, s, b, target, label, per_run in rows([run]):
            sp, rw = per_run[0]
            print(f"| {i} | {cls} | {label} | `{s}` {fmt(sp['mean'])} ± {fmt(sp['err'])} "
                  f"| `{b}` {fmt(rw['mean'])} ± {fmt(rw['err'])} | {sp['unit']} "
                  f"| {sp['mean'] / rw['mean']:.2f} | {sp['median'] / rw['median']:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
