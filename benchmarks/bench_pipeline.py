"""Synthetic extract generation and the whole demo, end to end, as a user runs them.

- ``indicators synth`` at the default scale (about 2 million contacts): target at most
  20 s on 2 cores; median of ``--synth-repeats`` runs, each in a fresh process.
- ``indicators demo`` (synth -> validate -> compute -> report for every trust and the
  national overview): target at most 90 s on 2 cores; ``--demo-repeats`` runs (default
  1, since one run takes over a minute), the median reported.

Wall time is measured around the child process, so start-up and imports count, as they
do for a user.  Peak memory is the largest resident set of the child processes
(``resource.RUSAGE_CHILDREN``).  Results go to outputs/bench/pipeline.json.

Usage: python benchmarks/bench_pipeline.py [--synth-repeats 3] [--demo-repeats 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "outputs" / "bench"
CLI = [sys.executable, "-m", "indicators"]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synth-repeats", type=int, default=3)
    parser.add_argument("--demo-repeats", type=int, default=1)
    args = parser.parse_args()
    work = BENCH / "pipeline"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    synth = []
    for i in range(args.synth_repeats):
        synth.append(timed([*CLI, "synth", "--out", str(work / f"synth{i}")]))
        print(f"synth run {i + 1}: {synth[-1]:.1f} s", flush=True)
    synth_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024

    demo = []
    for i in range(args.demo_repeats):
        demo.append(timed([*CLI, "demo", "--out", str(work / f"demo{i}"), "--jobs", "2"]))
        print(f"demo run {i + 1}: {demo[-1]:.1f} s", flush=True)

    report = {
        "benchmark": "pipeline",
        "cpus": os.cpu_count(),
        "synth_seconds_median": statistics.median(synth),
        "synth_runs_seconds": synth,
        "synth_peak_rss_bytes": synth_peak,
        "demo_seconds_median": statistics.median(demo),
        "demo_runs_seconds": demo,
        "targets": {"synth_max_seconds": 20, "demo_max_seconds": 90},
    }
    (BENCH / "pipeline.json").write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"synth (scale 1): median {report['synth_seconds_median']:.1f} s of {len(synth)}, "
        f"peak {synth_peak / 2**30:.2f} GiB (target 20 s)\n"
        f"demo end to end: median {report['demo_seconds_median']:.1f} s of {len(demo)} "
        "(target 90 s)"
    )


if __name__ == "__main__":
    main()
