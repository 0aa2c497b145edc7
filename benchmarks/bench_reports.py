"""Reports for every trust plus the national overview at the default synthetic scale.

Targets: all 21 trust reports and the national overview in at most 25 s on 2 cores with
``--jobs 2``, a warm trust report (one rendered by a worker after its first) in at most
1.5 s, each report at most 2 MB.  Makes (or reuses) a synthetic extract and its results
in outputs/bench/reports/, renders with ``--jobs`` = 2, and writes
outputs/bench/reports.json.

Usage: python benchmarks/bench_reports.py [--jobs N] [--scale S] [--repeat R]
[--results DIR] [--compare DIR] [--breakdown]

``--results`` renders an existing results directory instead of making one.  Every run is
a fresh process, timed as a whole (wall clock, and the CPU time of it and its workers
and kernels).  ``--compare DIR`` also renders with the code of another checkout (a git
worktree of an older commit, say), alternating with this one run by run, so both meet
the same load on a shared machine; both are reported side by side.  With ``--repeat``
each is run that many times and medians are reported.  Each report's time is also given
step by step (kernel, notebook, HTML, leak check) where the code records it, and
``--breakdown`` times a warm trust report's kernel work in one process: its sections
built, their chart specs made, and the SVGs drawn by vl-convert.
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
    "outcomes": [[o.key, o.seconds, o.bytes, getattr(o, "seconds_by_step", {})]
                 for o in result.outcomes],
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
    return json.loads(_child(RUN, str(results), str(out), str(jobs), code=code))


def imported_from(code: Path | None) -> str:
    """Where a run with ``code`` imports the package from (checked, and recorded)."""
    return _child("import indicators; print(indicators.__path__[0])", code=code)


def _child(script: str, *args: str, code: Path | None) -> str:
    """The last line a fresh ``python -P -c script args`` prints, importing ``code``."""
    done = subprocess.run(
        [sys.executable, "-P", "-c", script, *args],
        check=True,
        capture_output=True,
        text=True,
        env=_env(code),
        cwd=ROOT,
    )
    return done.stdout.strip().splitlines()[-1]


def _env(code: Path | None) -> dict[str, str]:
    """This environment, importing the package from ``code`` when given.

    Runs use ``python -P``: with ``-c`` Python would otherwise put the working directory
    (this checkout) ahead of ``PYTHONPATH``, and measure this code as the other's.
    """
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(code.resolve()), *filter(None, [env.get("PYTHONPATH")])]
        )
    return env


#: One trust report's sections built in a fresh process twice (the second warm, with its
#: chart templates built), then its charts drawn: where a warm report's kernel time goes.
BREAKDOWN = """
import json, sys, time
from indicators.charts.display import ChartView
from indicators.reports import TrustReport

SECTIONS = ("header", "summary", "what_changed", "indicator_sections", "data_quality", "methods")

def charts(parts):
    for part in parts:
        if isinstance(part, ChartView):
            yield part
        elif hasattr(part, "parts"):
            yield from charts(part.parts)

def once(trust):
    start = time.perf_counter()
    report = TrustReport.load(sys.argv[1], trust_id=trust, lang="nb")
    views = list(charts(getattr(report, name)() for name in SECTIONS))
    built = time.perf_counter()
    for view in views:
        view.spec
    specs = time.perf_counter()
    for view in views:
        view.svg
    drawn = time.perf_counter()
    return {"charts": len(views), "build_s": built - start, "specs_s": specs - built,
            "svg_s": drawn - specs}

once(sys.argv[2])
print(json.dumps(once(sys.argv[3])))
"""


def breakdown(results: Path, trusts: tuple[str, str], code: Path | None) -> dict[str, Any]:
    """A warm trust report's kernel time: sections built, specs made, SVGs drawn."""
    return json.loads(_child(BREAKDOWN, str(results), *trusts, code=code))


def _two_trusts(results: Path) -> tuple[str, str]:
    """Two trusts the results hold rows for: a report of each, the second one warm."""
    from indicators.reports.data import ResultsData

    data = ResultsData.read(results)
    period = data.check_period(None)
    found = sorted(data.trusts_with_rows(period))
    return found[0], found[1]


def warm_trust_seconds(run: dict[str, Any], *, jobs: int) -> list[float]:
    """The times of the trust reports that a worker rendered after its first.

    Workers take the reports in the order they were planned (the national overview
    first), so the first ``jobs`` reports are each worker's first: they start the kernel
    and import everything.
    """
    return [row[1] for row in _warm_trust_outcomes(run, jobs=jobs)]


def _warm_trust_outcomes(run: dict[str, Any], *, jobs: int) -> list[list[Any]]:
    return [row for row in run["outcomes"][jobs:] if row[0] != "national"]


def warm_trust_steps(runs: list[dict[str, Any]], *, jobs: int) -> dict[str, float]:
    """Median seconds of each step of the warm trust reports of all ``runs``."""
    steps: dict[str, list[float]] = {}
    for run in runs:
        for row in _warm_trust_outcomes(run, jobs=jobs):
            for step, seconds in (row[3] if len(row) > 3 else {}).items():
                steps.setdefault(step, []).append(seconds)
    return {step: round(statistics.median(found), 2) for step, found in steps.items()}


def summary(runs: list[dict[str, Any]], *, jobs: int) -> dict[str, Any]:
    """Medians over ``runs``: total, CPU, warm trust report, national overview."""
    warm = [statistics.median(warm_trust_seconds(r, jobs=jobs)) for r in runs]
    national = [row[1] for r in runs for row in r["outcomes"] if row[0] == "national"]
    sizes = [row[2] for r in runs for row in r["outcomes"]]
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
        "warm_trust_report_steps_seconds": warm_trust_steps(runs, jobs=jobs),
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
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also time a warm trust report's sections, specs and SVGs in one process",
    )
    args = parser.parse_args()

    from indicators import __version__

    results = (args.results or _results(args.scale)).resolve()
    codes: dict[str, Path | None] = {"this": None}
    if args.compare is not None:
        codes = {"compared": args.compare, **codes}
    imported = {name: imported_from(code) for name, code in codes.items()}
    if args.compare is not None and imported["compared"] == imported["this"]:
        raise SystemExit(f"--compare {args.compare}: it imports {imported['this']} as well")
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in codes}
    for _ in range(max(1, args.repeat)):
        for name, code in codes.items():
            out = OUT / "reports" / f"html-{name}"
            runs[name].append(render_once(results, out, jobs=args.jobs, code=code))
    breakdowns = {}
    if args.breakdown:
        trusts = _two_trusts(results)
        for _ in range(max(1, args.repeat)):
            for name, code in codes.items():
                breakdowns.setdefault(name, []).append(breakdown(results, trusts, code))
    record = {
        "benchmark": "reports",
        "package_version": __version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "jobs": args.jobs,
        "scale": args.scale,
        "results": str(results),
        "compared": str(args.compare) if args.compare else None,
        "imported_from": imported,
        "target_seconds": TARGET_SECONDS,
        "target_warm_trust_report_seconds": TARGET_WARM_SECONDS,
        "target_bytes": TARGET_BYTES,
        **{name: summary(found, jobs=args.jobs) for name, found in runs.items()},
        "warm_trust_report_kernel": {
            name: {key: statistics.median(b[key] for b in found) for key in found[0]}
            for name, found in breakdowns.items()
        },
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "reports.json").write_text(json.dumps(record, indent=2), "utf-8")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
