"""Benchmark `indicators compute`: wall time and peak memory at scale 1 and 5, and growth.

Each scale's synthetic extract is generated once into outputs/bench/ (reused when
present), then compute runs in a fresh process three times; the median wall time and
the peak RSS (resident set size: the child's VmHWM from /proc) are reported.  Targets
(2 cores): scale 5 (about 10 million contacts) in at most 10 s and 4 GB.  Results go to
outputs/bench/compute.json.

Usage: python benchmarks/bench_compute.py [--scales 1 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "outputs" / "bench"

CHILD = """
import sys, time
from indicators.compute import compute_extract
start = time.perf_counter()
compute_extract(sys.argv[1], sys.argv[2], allow_unvalidated=True)
wall = time.perf_counter() - start
# VmHWM: the peak resident set of this process image only (ru_maxrss would also count
# what the parent had resident when it forked this child).
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
print(f"{wall} {peak}")
"""


def extract_for(scale: float) -> Path:
    path = BENCH / f"extract_scale{scale:g}"
    if not (path / "manifest.json").exists():
        # In a child process, so this process stays small (see CHILD).
        print(f"generating scale {scale:g} extract in {path} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "indicators", "synth", "--out", str(path),
             "--scale", f"{scale:g}", "--seed", "2025"],
            check=True, capture_output=True,
        )  # fmt: skip
    return path


def run(scale: float, repeats: int) -> dict:
    extract = extract_for(scale)
    walls, peaks = [], []
    for i in range(repeats):
        out = BENCH / f"results_scale{scale:g}"
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(extract), str(out)],
            check=True,
            capture_output=True,
            text=True,
        )
        wall, peak = (float(v) for v in done.stdout.split()[-2:])
        walls.append(wall)
        peaks.append(peak)
        print(f"scale {scale:g} run {i + 1}: {wall:.2f} s, peak {peak / 2**30:.2f} GiB", flush=True)
    contacts = json.loads((BENCH / f"results_scale{scale:g}" / "manifest.json").read_text())[
        "row_counts"
    ]["contacts"]
    return {
        "scale": scale,
        "contacts": contacts,
        "median_seconds": statistics.median(walls),
        "runs_seconds": walls,
        "peak_rss_bytes": max(peaks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 5.0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    BENCH.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = [run(s, args.repeats) for s in args.scales]
    first, last = results[0], results[-1]
    growth = (last["median_seconds"] / first["median_seconds"]) / (last["scale"] / first["scale"])
    report = {
        "benchmark": "compute",
        "cpus": os.cpu_count(),
        "results": results,
        "time_growth_vs_linear": growth,
        "targets": {"scale": 5, "max_seconds": 10, "max_peak_bytes": 4 * 2**30},
        "total_seconds": time.perf_counter() - started,
    }
    (BENCH / "compute.json").write_text(json.dumps(report, indent=2) + "\n")
    for r in results:
        print(
            f"scale {r['scale']:g}: {r['contacts']:,} contacts, "
            f"median {r['median_seconds']:.2f} s, "
            f"peak {r['peak_rss_bytes'] / 2**30:.2f} GiB"
        )
    print(f"time growth relative to linear (1.0 = linear): {growth:.2f}")


if __name__ == "__main__":
    main()
