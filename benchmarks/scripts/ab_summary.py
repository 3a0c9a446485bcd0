#!/usr/bin/env python3
"""Summary of benchmarks/scripts/ab_rounds.sh: per jar and benchmark parameters, the median score of each method
over the rounds and the Spindle/peer ratio within each round (both measured in the same JMH run), with its median.

usage: python3 benchmarks/scripts/ab_summary.py OUT_DIR

The peer of a method `spindleX` is `rawX` (or `raw`); of `spindle`, `raw`.
"""
import collections
import glob
import json
import os
import re
import statistics
import sys


def peer_of(method, methods):
    for candidate in (re.sub(r"^spindle", "raw", method), re.sub(r"^spindle(Group)?", "raw", method), "raw"):
        if candidate != method and candidate in methods:
            return candidate
    return None


def main(out):
    runs = collections.defaultdict(list)  # jar -> [ {(method, params): score} per round ]
    for path in sorted(glob.glob(os.path.join(out, "*.json"))):
        jar, _, _ = os.path.basename(path)[:-5].rpartition("-")
        try:
            data = json.load(open(path))
        except ValueError:
            continue
        scores = {}
        for r in data:
            params = ",".join(f"{k}={v}" for k, v in sorted((r.get("params") or {}).items()))
            scores[(r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1], params)] = (
                r["primaryMetric"]["score"], r["primaryMetric"]["scoreUnit"])
        runs[jar].append(scores)
    for jar, rounds in runs.items():
        keys = sorted({k for s in rounds for k in s})
        for bench, params in keys:
            cls, method = bench.split(".")
            methods = {b.split(".")[1] for b, p in keys if b.split(".")[0] == cls and p == params}
            peer = peer_of(method, methods)
            vals = [s[(bench, params)][0] for s in rounds if (bench, params) in s]
            unit = next(s[(bench, params)][1] for s in rounds if (bench, params) in s)
            line = f"{jar:24s} {bench:40s} {params:30s} median {statistics.median(vals):10.3f} {unit}"
            if peer and method.startswith("spindle"):
                ratios = [s[(bench, params)][0] / s[(cls + "." + peer, params)][0]
                          for s in rounds if (bench, params) in s and (cls + "." + peer, params) in s]
                if ratios:
                    line += f"  / {peer}: median {statistics.median(ratios):.2f}x, rounds " + " ".join(
                        f"{x:.2f}" for x in ratios)
            print(line)


if __name__ == "__main__":
    main(sys.argv[1])
