"""Reports for every trust plus the national overview at the default synthetic scale.

Target: all 21 trust reports and the national overview in at most 60 s on 2 cores, each
report at most 2 MB.  Makes (or reuses) a synthetic extract and its results in
outputs/bench/reports/, renders with ``--jobs`` = 2, and writes outputs/bench/reports.json.

Usage: python benchmarks/bench_reports.py [--jobs N] [--scale S] [--repeat R]
[--results DIR]

``--results`` renders an existing results directory instead of making one (to compare
two versions of the code on the same input).  With ``--repeat`` the run is repeated and
the medians are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from indicators import __version__
from indicators.reports import render_reports

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs" / "bench"
TARGET_SECONDS = 60.0
TARGET_BYTES = 2_000_000


def _results(scale: float) -> Path:
    from indicators.compute import compute_extract
    from indicators.synth import generate_extract

    work = OUT / "reports"
    extract, results = work / "extract", work / "results"
    if not (extract / "manifest.json").exists():
        generate_extract(extract, scale=scale, seed=2025)
    if not (extract / "validation.json").exists():
        # As a user would: the reports' data-quality sections read this record.
        subprocess.run(
            [sys.executable, "-m", "indicators", "validate", str(extract)],
            check=True,
            capture_output=True,
        )
    if not (results / "manifest.json").exists():
        compute_extract(extract, results)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1, help="runs; medians are reported")
    parser.add_argument("--results", type=Path, default=None, help="existing results directory")
    args = parser.parse_args()

    results = args.results or _results(args.scale)
    reports = OUT / "reports" / "html"
    runs = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        rendered = render_reports(results, reports, jobs=args.jobs)
        runs.append((time.perf_counter() - start, rendered))
    seconds = statistics.median(s for s, _ in runs)
    rendered = runs[-1][1]
    per_report = {
        o.key: round(statistics.median(r.outcomes[i].seconds for _, r in runs), 2)
        for i, o in enumerate(rendered.outcomes)
    }
    sizes = {o.key: o.bytes for o in rendered.outcomes}
    record = {
        "benchmark": "reports",
        "package_version": __version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "jobs": args.jobs,
        "scale": args.scale,
        "results": str(results),
        "repeat": len(runs),
        "reports": len(rendered.outcomes),
        "failed": [o.key for o in rendered.failed],
        "leaks": len(rendered.leaks),
        "seconds": round(seconds, 2),
        "seconds_runs": [round(s, 2) for s, _ in runs],
        "median_trust_report_seconds": statistics.median(
            v for k, v in per_report.items() if k != "national"
        ),
        "national_seconds": per_report.get("national"),
        "seconds_per_report": per_report,
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
