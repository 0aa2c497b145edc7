"""Reports for every trust plus the national overview at the default synthetic scale.

Target: all 21 trust reports and the national overview in at most 60 s on 2 cores, each
report at most 2 MB.  Makes (or reuses) a synthetic extract and its results in
outputs/bench/reports/, renders with ``--jobs`` = 2, and writes outputs/bench/reports.json.

Usage: python benchmarks/bench_reports.py [--jobs N] [--scale S]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from indicators import __version__
from indicators.compute import compute_extract
from indicators.reports import render_reports
from indicators.synth import generate_extract

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs" / "bench"
TARGET_SECONDS = 60.0
TARGET_BYTES = 2_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()

    work = OUT / "reports"
    extract, results, reports = work / "extract", work / "results", work / "html"
    if not (extract / "manifest.json").exists():
        generate_extract(extract, scale=args.scale, seed=2025)
    if not (results / "manifest.json").exists():
        compute_extract(extract, results)

    start = time.perf_counter()
    rendered = render_reports(results, reports, jobs=args.jobs)
    seconds = time.perf_counter() - start

    sizes = {o.key: o.bytes for o in rendered.outcomes}
    record = {
        "benchmark": "reports",
        "package_version": __version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "jobs": args.jobs,
        "scale": args.scale,
        "reports": len(rendered.outcomes),
        "failed": [o.key for o in rendered.failed],
        "leaks": len(rendered.leaks),
        "seconds": round(seconds, 2),
        "seconds_per_report": {o.key: round(o.seconds, 2) for o in rendered.outcomes},
        "max_bytes": max(sizes.values(), default=0),
        "target_seconds": TARGET_SECONDS,
        "target_bytes": TARGET_BYTES,
        "within_time": seconds <= TARGET_SECONDS,
        "within_size": max(sizes.values(), default=0) <= TARGET_BYTES,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "reports.json").write_text(json.dumps(record, indent=2), "utf-8")
    print(json.dumps({k: v for k, v in record.items() if k != "seconds_per_report"}, indent=2))


if __name__ == "__main__":
    main()
