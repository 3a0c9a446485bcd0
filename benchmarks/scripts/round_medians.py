#!/usr/bin/env python3
"""Medians and Spindle/peer ratios over interleaved rounds: one JMH JSON file per round, the same benchmarks in each.

usage: python3 benchmarks/scripts/round_medians.py ROUND1.json ROUND2.json ...

On a noisy 2-core machine a contended lock benchmark swings 30 % from one run to the next. Running every benchmark
once per round, round after round, lets the machine's drift hit all of them alike; the figure docs/benchmarks.md
quotes is the median over every measured iteration of every round, with each round's ratio beside it to show the
spread. The peer is `reentrantLock` (lock benchmarks), else a method or `backend` param named `raw`.
"""
import collections
import json
import statistics
import sys


def main(paths):
    iterations = collections.defaultdict(list)
    per_round = collections.defaultdict(dict)
    unit = {}
    for i, path in enumerate(paths):
        for r in json.load(open(path)):
            params = r.get("params") or {}
            key = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
            if params:
                key += " " + ",".join(f"{k}={v}" for k, v in sorted(params.items()))
            its = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
            iterations[key] += its
            per_round[key][i] = statistics.mean(its)
            unit[key] = r["primaryMetric"]["scoreUnit"]
    peers = [k for k in iterations if k.endswith(".reentrantLock") or k.endswith(".raw") or "backend=raw" in k]
    peer = peers[0] if len(peers) == 1 else None
    for key in sorted(iterations):
        med = statistics.median(iterations[key])
        line = f"{key}: median {med:.4g} {unit[key]} over {len(per_round[key])} rounds"
        if peer and key != peer:
            pm = statistics.median(iterations[peer])
            rounds = [per_round[key][i] / per_round[peer][i] for i in sorted(per_round[key]) if i in per_round[peer]]
            line += f" | {med / pm:.2f}x the peer's median; per round " + " ".join(f"{x:.2f}" for x in rounds)
        print(line)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
