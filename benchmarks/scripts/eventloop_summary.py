#!/usr/bin/env python3
"""Spindle/Netty figures from the eventloop benchmarks' JMH JSON files (java -jar benchmarks.jar eventloop -rf json).

usage: python3 benchmarks/scripts/eventloop_summary.py run1.json [run2.json ...]

Per run: each score with its 99.9% error (p50/p99 for the SampleTime latency benchmarks) and the Spindle/Netty
ratio; then the median over the runs. Throughput ratios above 1 favour Spindle; time and latency ratios below 1 do.
"""
import json
import statistics
import sys


def load(path):
    out = {}
    for r in json.load(open(path)):
        cls, method = r["benchmark"].split(".")[-2:]
        m = r["primaryMetric"]
        e = {"score": m["score"], "err": m["scoreError"]}
        if r["mode"] == "sample":
            e["p50"] = m["scorePercentiles"]["50.0"]
            e["p99"] = m["scorePercentiles"]["99.0"]
        out[(cls.replace("Benchmark", "") + "." + method, r["params"]["impl"])] = e
    return out


IMPLS = ("spindle-execute", "spindle-submit", "netty-execute")


def scores_and_ratios(runs, b, label, ratio_label):
    """Each impl's score per run and its median, then each Spindle impl's per-run ratio to Netty and its median."""
    med = statistics.median
    for impl in IMPLS:
        vals = [r[(b, impl)] for r in runs]
        print(f"{label:33s}{impl:18s} " + " | ".join(f"{v['score']:.1f} ± {v['err']:.1f}" for v in vals)
              + f"   median {med(v['score'] for v in vals):.1f}")
    for impl in IMPLS[:2]:
        rs = [r[(b, impl)]["score"] / r[(b, "netty-execute")]["score"] for r in runs]
        print(f"    {ratio_label}{impl}/netty: " + " ".join(f"{x:.2f}" for x in rs) + f"   median {med(rs):.2f}")


def main(paths):
    runs = [load(p) for p in paths]
    med = statistics.median
    print("runs:", ", ".join(paths))

    print("\n## execute() throughput, tasks/us (higher is better)")
    for b in ("ExecuteThroughput.oneProducer", "ExecuteThroughput.fourProducers"):
        scores_and_ratios(runs, b, b + " ", "")

    print("\n## 1,000,000 chained steps, ms/op = ns/step (lower is better)")
    scores_and_ratios(runs, "ChainedSteps.chain", "ChainedSteps.chain ", "time ")

    print("\n## wake-up latency on an idle loop, us (lower is better)")
    for b in ("WakeUpLatency.submitJoin", "WakeUpLatency.executeSpin"):
        for impl in ("spindle", "spindle-nio", "netty"):
            vals = [r[(b, impl)] for r in runs]
            print(f"{b:26s} {impl:12s} p50 " + " ".join(f"{v['p50']:.1f}" for v in vals)
                  + f" (median {med(v['p50'] for v in vals):.1f})   p99 " + " ".join(f"{v['p99']:.1f}" for v in vals)
                  + f" (median {med(v['p99'] for v in vals):.1f})   mean "
                  + " ".join(f"{v['score']:.1f}±{v['err']:.1f}" for v in vals))
        for impl in ("spindle", "spindle-nio"):
            r50 = [r[(b, impl)]["p50"] / r[(b, "netty")]["p50"] for r in runs]
            r99 = [r[(b, impl)]["p99"] / r[(b, "netty")]["p99"] for r in runs]
            print(f"    {impl}/netty p50: " + " ".join(f"{x:.2f}" for x in r50) + f" median {med(r50):.2f};"
                  + "  p99: " + " ".join(f"{x:.2f}" for x in r99) + f" median {med(r99):.2f}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
