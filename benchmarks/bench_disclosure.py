"""Benchmark the disclosure audit and suppression against compute itself, and their growth.

For each scale, the synthetic extract in outputs/bench/ (made once, reused) is computed
in a fresh process ``--repeats`` times; each run reports compute's wall time and, from
the same run, the seconds the audit and suppression took (manifest
``parameters.disclosure.audit.seconds``), the counts audited, the linear programs solved
and the rows the audit withheld.  Then the published table is audited as
``indicators audit`` does (value-free, no true counts to help), timed in the same child.
Medians are reported; the ratio audit / compute is measured within each run.  Target:
at scale 5, audit plus suppression at most the time of compute.  Results go to
outputs/bench/disclosure.json.

Usage: python benchmarks/bench_disclosure.py [--scales 0.3 1 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from bench_compute import BENCH, extract_for  # the same extracts, made once

CHILD = """
import json, sys, time
from indicators.compute import compute_extract
from indicators.disclosure.command import check_published
start = time.perf_counter()
result = compute_extract(sys.argv[1], sys.argv[2], allow_unvalidated=True)
wall = time.perf_counter() - start
d = result.manifest["parameters"]["disclosure"]
start = time.perf_counter()
published = check_published(sys.argv[2])
published_seconds = time.perf_counter() - start
print(json.dumps({
    "compute_s": wall, "audit_s": d["audit"]["seconds"],
    "counts_audited": d["audit"]["counts_audited"],
    "linear_programs": d["audit"]["linear_programs"], "rounds": d["audit"]["rounds"],
    "withheld_by_audit": d["withheld"]["by_rule"]["secondary_audit"],
    "withheld": sum(d["withheld"]["by_rule"].values()),
    "rows": result.indicators.height,
    "published_audit_s": published_seconds, "published_passed": published.passed,
}))
"""


def run(scale: float, repeats: int) -> dict:
    extract = extract_for(scale)
    runs = []
    for _ in range(repeats):
        out = BENCH / f"disclosure_results_scale{scale:g}"
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(extract), str(out)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    median = {k: statistics.median(r[k] for r in runs) for k in
              ("compute_s", "audit_s", "published_audit_s")}  # fmt: skip
    ratio = statistics.median(r["audit_s"] / r["compute_s"] for r in runs)
    last = runs[-1]
    return {
        "scale": scale,
        "repeats": repeats,
        "median_compute_s": round(median["compute_s"], 2),
        "median_audit_and_suppression_s": round(median["audit_s"], 2),
        "median_ratio_audit_to_compute": round(ratio, 3),
        "median_published_audit_s": round(median["published_audit_s"], 2),
        **{k: last[k] for k in ("rows", "withheld", "withheld_by_audit", "counts_audited",
                                "linear_programs", "rounds", "published_passed")},
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.3, 1.0, 5.0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    BENCH.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in args.scales:
        result = run(scale, args.repeats)
        results.append(result)
        print(json.dumps(result), flush=True)
    target = next((r for r in results if r["scale"] == 5.0), None)
    if target:
        verdict = "met" if target["median_ratio_audit_to_compute"] <= 1 else "NOT met"
        print(f"target (scale 5: audit + suppression <= compute): {verdict}")
    (BENCH / "disclosure.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
