"""Benchmark: generate synthetic extracts of several scales; time, peak memory, rows, bytes.

Each scale is generated in a fresh child process (``indicators.synth.generate_extract``,
Parquet, no progress display), so the peak resident memory measured (the child's VmHWM)
is that of one generation alone.  Extracts above ``CHUNK_PATIENTS`` patients (scale 1)
are generated chunk by chunk; the target is a peak under 3 GB at any scale.  Writes
outputs/bench/synth.json and prints a table: wall time (s), peak RSS (GB), rows per
table and bytes on disk per file.

The extracts go to a temporary directory, removed afterwards, unless ``--keep`` is
given: then to outputs/bench/extract_scale<S>/ (replacing the tables there).

    python benchmarks/bench_synth.py [--scales 1 5 10 25] [--seed 2025] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs" / "bench"
#: Peak resident memory allowed at any scale, in bytes.
PEAK_TARGET = 3 * 2**30

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from indicators.synth import generate_extract
from indicators.synth.generator import CHUNK_PATIENTS
scale, seed = float(sys.argv[2]), int(sys.argv[3])
result = generate_extract(sys.argv[1], scale=scale, seed=seed)
wall = time.perf_counter() - start
# VmHWM: peak resident set of this process; ru_maxrss (KiB on Linux) as a cross-check.
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024
print(json.dumps({
    "wall_s": wall, "generate_s": result.seconds, "peak_rss_bytes": hwm,
    "ru_maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "chunks": -(-result.row_counts["patients"] // CHUNK_PATIENTS),
    "rows": result.row_counts,
    "bytes": {p.name: p.stat().st_size for p in sorted(result.files.values())},
}))
"""


def run_scale(scale: float, seed: int, out: Path) -> dict:
    """Generate one extract of ``scale`` into ``out`` in a child process; its measurements."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(out), repr(scale), str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    run["process_wall_s"] = time.perf_counter() - started
    run["scale"] = scale
    run["total_bytes"] = sum(run["bytes"].values())
    return run


def print_table(runs: list[dict]) -> None:
    """One line per scale: chunks, time, peak memory, rows and bytes."""
    print(
        f"{'scale':>6} {'chunks':>6} {'wall s':>8} {'peak GB':>8} {'patients':>11} "
        f"{'referrals':>11} {'contacts':>12} {'path.events':>12} {'prim.care':>11} {'MB':>8}"
    )
    for r in runs:
        rows = r["rows"]
        print(
            f"{r['scale']:>6g} {r['chunks']:>6} {r['process_wall_s']:>8.1f} "
            f"{r['peak_rss_bytes'] / 2**30:>8.2f} {rows['patients']:>11,} "
            f"{rows['referrals']:>11,} {rows['contacts']:>12,} {rows['pathway_events']:>12,} "
            f"{rows['primary_care']:>11,} {r['total_bytes'] / 2**20:>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 5.0, 10.0, 25.0])
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--keep", action="store_true", help="keep the extracts in outputs/bench/extract_scale<S>"
    )
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as scratch:
        for scale in args.scales:
            out = OUT / f"extract_scale{scale:g}" if args.keep else Path(scratch) / f"{scale:g}"
            print(f"generating scale {scale:g} ...", flush=True)
            runs.append(run_scale(scale, args.seed, out))
            print(
                f"  {runs[-1]['process_wall_s']:.1f} s, "
                f"peak {runs[-1]['peak_rss_bytes'] / 2**30:.2f} GB",
                flush=True,
            )
            if not args.keep:
                shutil.rmtree(out)
    result = {
        "benchmark": "synth",
        "seed": args.seed,
        "format": "parquet",
        "kept": args.keep,
        "runs": runs,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "targets": {"peak_rss_bytes": PEAK_TARGET},
        "targets_met": {"peak_rss": all(r["peak_rss_bytes"] <= PEAK_TARGET for r in runs)},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "synth.json").write_text(json.dumps(result, indent=2) + "\n")
    print_table(runs)
    print(f"wrote {OUT / 'synth.json'}")


if __name__ == "__main__":
    main()
