"""Reports for every trust plus the national overview at the default synthetic scale.

Targets: all 21 trust reports and the national overview in at most 25 s on 2 cores with
``--jobs 2``, a warm trust report (one rendered by a worker after its first) in at most
1.5 s, each report at most 2 MB.  Makes (or reuses) a synthetic extract and its results
in outputs/bench/reports/, renders with ``--jobs`` = 2, and writes
outputs/bench/reports.json.

Usage: python benchmarks/bench_reports.py [--jobs N] [--scale S] [--repeat R]
[--results DIR] [--compare DIR]

``--results`` renders an existing results directory instead of making one.  Every run is
a fresh process, timed as a whole (wall clock, and the CPU time of it and its workers
and kernels).  ``--compare DIR`` also renders with the code of another checkout (a git
worktree of an older commit, say), alternating with this one run by run, so both meet
the same load on a shared machine; both are reported side by side.  With ``--repeat``
each is run that many times and medians are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs" / "bench"
TARGET_SECONDS = 25.0
TARGET_WARM_SECONDS = 1.5
TARGET_BYTES = 2_000_000

#: One run, in a fresh process: render, then print what happened as JSON.
RUN = """
import json, resource, sys, time
from indicators.reports import render_reports
start = time.perf_counter()
result = render_reports(sys.argv[1], sys.argv[2], jobs=int(sys.argv[3]))
seconds = time.perf_counter() - start
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps({
    "seconds": seconds,
    "cpu_seconds": sum(u.ru_utime + u.ru_stime for u in usage),
    "outcomes": [[o.key, o.seconds, o.bytes] for o in result.outcomes],
    "failed": [o.key for o in result.failed],
    "leaks": len(result.leaks),
}))
"""


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


def render_once(results: Path, out: Path, *, jobs: int, code: Path | None) -> dict[str, Any]:
    """Render every report once in a fresh process, with the code in ``code`` (or this)."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(code.resolve()), *filter(None, [env.get("PYTHONPATH")])]
        )
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(results), str(out), str(jobs)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def warm_trust_seconds(run: dict[str, Any], *, jobs: int) -> list[float]:
    """The times of the trust reports that a worker rendered after its first.

    Workers take the reports in the order they were planned (the national overview
    first), so the first ``jobs`` reports are each worker's first: they start the kernel
    and import everything.
    """
    return [s for key, s, _ in run["outcomes"][jobs:] if key != "national"]


def summary(runs: list[dict[str, Any]], *, jobs: int) -> dict[str, Any]:
    """Medians over ``runs``: total, CPU, warm trust report, national overview."""
    warm = [statistics.median(warm_trust_seconds(r, jobs=jobs)) for r in runs]
    national = [s for r in runs for key, s, _ in r["outcomes"] if key == "national"]
    sizes = [b for r in runs for _, _, b in r["outcomes"]]
    seconds = statistics.median(r["seconds"] for r in runs)
    warm_median = statistics.median(warm)
    return {
        "runs": len(runs),
        "reports": len(runs[-1]["outcomes"]),
        "failed": sorted({key for r in runs for key in r["failed"]}),
        "leaks": max(r["leaks"] for r in runs),
        "seconds": round(seconds, 2),
        "seconds_runs": [round(r["seconds"], 2) for r in runs],
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 1),
        "median_warm_trust_report_seconds": round(warm_median, 2),
        "warm_trust_report_seconds_runs": [round(w, 2) for w in warm],
        "national_seconds": round(statistics.median(national), 2) if national else None,
        "max_bytes": max(sizes, default=0),
        "within_time": seconds <= TARGET_SECONDS,
        "within_warm_time": warm_median <= TARGET_WARM_SECONDS,
        "within_size": max(sizes, default=0) <= TARGET_BYTES,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1, help="runs; medians are reported")
    parser.add_argument("--results", type=Path, default=None, help="existing results directory")
    parser.add_argument("--compare", type=Path, default=None, help="checkout of other code")
    args = parser.parse_args()

    from indicators import __version__

    results = (args.results or _results(args.scale)).resolve()
    codes: dict[str, Path | None] = {"this": None}
    if args.compare is not None:
        codes = {"compared": args.compare, **codes}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in codes}
    for _ in range(max(1, args.repeat)):
        for name, code in codes.items():
            out = OUT / "reports" / f"html-{name}"
            runs[name].append(render_once(results, out, jobs=args.jobs, code=code))
    record = {
        "benchmark": "reports",
        "package_version": __version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "jobs": args.jobs,
        "scale": args.scale,
        "results": str(results),
        "compared": str(args.compare) if args.compare else None,
        "target_seconds": TARGET_SECONDS,
        "target_warm_trust_report_seconds": TARGET_WARM_SECONDS,
        "target_bytes": TARGET_BYTES,
        **{name: summary(found, jobs=args.jobs) for name, found in runs.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "reports.json").write_text(json.dumps(record, indent=2), "utf-8")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
