#!/usr/bin/env python3
"""Per-fork means, medians and Spindle/peer ratios from JMH JSON files run with several forks (-f N).

usage: python3 benchmarks/scripts/fork_medians.py RESULT.json [RESULT.json ...]

On a noisy 2-core machine one fork can land 30 % away from the next; the median over every measured iteration of
every fork is the figure docs/benchmarks.md quotes, with the per-fork means beside it to show the spread.

Peers, found in the same file:
  - lock benchmarks (class Locks*): a Spindle method against `reentrantLock` of the same class (time: lower is better)
  - event-loop throughput (param impl): `spindle-execute` against `netty-execute` of the same method (higher is better)
  - anything else with a `backend` param: `spindle*` methods against `raw` with the same params (time)
"""
import json
import statistics
import sys


def rows(paths):
    out = {}
    for path in paths:
        for r in json.load(open(path)):
            cls, method = r["benchmark"].split(".")[-2:]
            params = tuple(sorted((r.get("params") or {}).items()))
            raw = r["primaryMetric"]["rawData"]
            out[(cls, method, params)] = {
                "forks": [sum(f) / len(f) for f in raw],
                "median": statistics.median(x for f in raw for x in f),
                "unit": r["primaryMetric"]["scoreUnit"],
                "higher_is_better": r["mode"] == "thrpt",
            }
    return out


def peer_of(key, table):
    cls, method, params = key
    p = dict(params)
    if cls.startswith("Locks") and method != "reentrantLock":
        return table.get((cls, "reentrantLock", params))
    if p.get("impl") == "spindle-execute":
        p["impl"] = "netty-execute"
        return table.get((cls, method, tuple(sorted(p.items()))))
    if "backend" in p and method.startswith("spindle"):
        return table.get((cls, "raw", params))
    return None


def main(paths):
    table = rows(paths)
    for key in sorted(table):
        cls, method, params = key
        e = table[key]
        forks = ", ".join(f"{x:.4g}" for x in e["forks"])
        line = f"{cls}.{method} {dict(params) or ''}: median {e['median']:.4g} {e['unit']} (forks: {forks})"
        peer = peer_of(key, table)
        if peer:
            ratio = e["median"] / peer["median"]
            line += f" | peer median {peer['median']:.4g}: " + (
                f"{ratio:.2f}x the peer's throughput" if e["higher_is_better"] else f"{ratio:.2f}x the peer's time")
        print(line)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
