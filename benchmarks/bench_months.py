"""Benchmark the cost of monthly periods and SPC: compute with and without months.

For each scale the synthetic extract (generated once into outputs/bench/, reused when
present) is computed in a fresh process with the catalogue as it is (nine indicators
by month, ``spc.parquet``) and with every indicator's months taken away, alternating,
``--repeats`` times each.  Reported per variant: median wall time, peak RSS, the
disclosure audit's seconds and rows written; per scale: the ratio with/without and the
time of the SPC step alone (``spc_table`` on the published table, median of 5).
Results go to outputs/bench/months.json.

Usage: python benchmarks/bench_months.py [--scales 1 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from bench_compute import BENCH, extract_for

CHILD = """
import dataclasses, json, sys, time
import polars as pl
from indicators.catalogue import CATALOGUE, BY_ID
from indicators.compute.engine import compute_indicators
from indicators.compute.spc import spc_table
from indicators.extract.load import load_extract

with_months = sys.argv[2] == "with"
catalogue = CATALOGUE if with_months else tuple(
    dataclasses.replace(i, periods=tuple(p for p in i.periods if p != "month"))
    for i in CATALOGUE
)
extract = load_extract(sys.argv[1])
start = time.perf_counter()
result = compute_indicators(extract, indicators=catalogue)
wall = time.perf_counter() - start
spc_times = []
for _ in range(5 if with_months else 0):
    t = time.perf_counter()
    spc_table(result.indicators, BY_ID)
    spc_times.append(time.perf_counter() - t)
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
print(json.dumps({
    "wall": wall, "peak": peak,
    "audit": result.manifest["parameters"]["disclosure"]["audit"]["seconds"],
    "rows": result.indicators.height, "spc_rows": result.spc.height,
    "spc": sorted(spc_times)[len(spc_times) // 2] if spc_times else None,
}))
"""


def run(extract: Path, variant: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(extract), variant],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def bench_scale(scale: float, repeats: int) -> dict:
    extract = extract_for(scale)
    runs: dict[str, list[dict]] = {"with": [], "without": []}
    for _ in range(repeats):
        for variant in ("without", "with"):  # alternating, side by side
            runs[variant].append(run(extract, variant))
    summary = {
        variant: {
            "wall_s": median(r, "wall"),
            "peak_gb": max(x["peak"] for x in r) / 1e9,
            "audit_s": median(r, "audit"),
            "rows": r[0]["rows"],
        }
        for variant, r in runs.items()
    }
    summary["ratio_with_to_without"] = summary["with"]["wall_s"] / summary["without"]["wall_s"]
    summary["spc_s"] = median(runs["with"], "spc")
    summary["spc_rows"] = runs["with"][0]["spc_rows"]
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 5.0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for scale in args.scales:
        s = bench_scale(scale, args.repeats)
        results[f"{scale:g}"] = s
        print(
            f"scale {scale:g}: compute {s['without']['wall_s']:.1f} s without months, "
            f"{s['with']['wall_s']:.1f} s with (x{s['ratio_with_to_without']:.2f}; audit "
            f"{s['without']['audit_s']:.1f} -> {s['with']['audit_s']:.1f} s; rows "
            f"{s['without']['rows']:,} -> {s['with']['rows']:,}); SPC alone "
            f"{s['spc_s']:.2f} s for {s['spc_rows']:,} months; peak "
            f"{s['without']['peak_gb']:.1f} -> {s['with']['peak_gb']:.1f} GB",
            flush=True,
        )
    BENCH.mkdir(parents=True, exist_ok=True)
    (BENCH / "months.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
