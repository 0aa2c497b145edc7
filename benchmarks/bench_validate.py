"""Benchmark: validate a national-size synthetic extract (--scale 5, ~10 million contacts).

Generates the extract once into outputs/bench/extract-scale<S>/ (reused afterwards), or
takes an existing one with --extract, validates it in a fresh child process per run (so
GX's import and the peak memory of one validation are measured), and writes the median
of the runs to outputs/bench/validate.json: wall time, time inside GX (building batches
and running the suites), GX's import, the rest (reading, converting, cross-table rules),
peak resident memory, and the ratio of GX time to the same row rules done directly in
polars: the contacts rules of a few kinds (not null, code list, ICD-10 shape, not after
the extract date, date order) are run once more through GX alone (the same distinct-value
batches as a validation) and once as polars expressions on the same frame, side by side.

``--scales 1 5 10`` measures how validation grows with the rows instead: it validates
``outputs/bench/extract_scale<S>`` (``--pattern``) for each scale, ``--runs`` times each
in a fresh child process, and writes per stage (reading and converting, GX batch
building, GX suites, cross-table rules, the rest) and per cross-table rule (a rule that
makes a link shared with later rules is charged for it) the median wall and CPU seconds, the
growth exponent ``log(t_last / t_first) / log(last / first)`` (1 is linear) and the peak
resident memory to ``--out`` (default ``outputs/bench/validate_scaling.json``).  Run it
with ``PYTHONPATH`` set to another checkout to measure that checkout's code (children run
``python -P``, so the working directory does not come before it; the record names the
package directory imported).

    python benchmarks/bench_validate.py [--scale 5] [--runs 3] [--extract DIR]
    python benchmarks/bench_validate.py --scales 1 5 10 [--runs 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs" / "bench"

CHILD = """
import json, sys, time
start = time.perf_counter()
from indicators.validate.run import validate_extract
imported = time.perf_counter() - start
import indicators.validate.gxrun  # GX itself: seconds of import alone
gx_imported = time.perf_counter() - start - imported
v = validate_extract(sys.argv[1])
r = v.report
# VmHWM: peak resident set of this process image only (not what a parent had at fork).
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024
wall = time.perf_counter() - start

# The same row rules, GX against polars, on the contacts as read.
from datetime import date
import great_expectations as gx
import polars as pl
from indicators.validate.gxrun import GXRunner
from indicators.validate.suites import load_suites, suite_parameters
KINDS = ("not_null", "code", "shape", "not_after_extract_date", "date_order")
frame = v.frames["contacts"]
when = date.fromisoformat(r.extract_date)
chosen = [e for e in load_suites()["contacts"].expectations if e.meta.get("kind") in KINDS]
runner = GXRunner({"contacts": gx.ExpectationSuite(name="contacts", expectations=chosen)})
t0 = time.perf_counter()
outcome = runner.check_rows("contacts", frame, suite_parameters(when))
gx_rules = time.perf_counter() - t0

def broken(e):
    kw, kind = e.configuration.kwargs, e.meta["kind"]
    col = pl.col(kw.get("column") or kw.get("column_A"))
    if frame.schema.get(kw.get("column")) == pl.List(pl.String):
        col = col.list.join("|")
    if kind == "not_null":
        return col.is_null()
    if kind == "code":
        return col.is_not_null() & ~col.is_in(kw["value_set"])
    if kind == "shape":
        return col.is_not_null() & ~col.str.contains(kw["regex"])
    if kind == "not_after_extract_date":
        return col > when
    return col < pl.col(kw["column_B"])

t0 = time.perf_counter()
counts = frame.select(broken(e).sum().alias(e.meta["rule_id"]) for e in chosen).row(0, named=True)
polars_rules = time.perf_counter() - t0
agree = all(counts[x.rule_id] == x.unexpected for x in outcome.results)
print(json.dumps({"wall": wall, "import": imported, "peak": hwm,
                  "gx_import": gx_imported, "validate": r.seconds, "gx": r.gx_seconds,
                  "passed": r.passed, "rows": {t.table: t.rows for t in r.tables.values()},
                  "gx_rules": gx_rules, "gx_rules_in_gx": runner.gx_seconds,
                  "polars_rules": polars_rules, "rules": len(chosen),
                  "rules_agree": agree}))
"""

#: Stages of one validation, timed by wrapping the functions that do them: reading and
#: converting the files, building the GX batches (a table's row checks outside GX), the
#: GX runs (schema and rows), the cross-table rules.  Time inside GX is taken out of the
#: stage that called it.
STAGES_CHILD = """
import json, sys, time
from indicators.validate import gxrun, run
spent = {}

def timed(stage, fn):
    def inner(*args, **kwargs):
        gx_before = list(spent.get("gx_suites", (0.0, 0.0)))
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if stage != "gx_suites":
                gx = spent.get("gx_suites", (0.0, 0.0))
                wall, cpu = wall - (gx[0] - gx_before[0]), cpu - (gx[1] - gx_before[1])
            acc = spent.setdefault(stage, [0.0, 0.0])
            acc[0] += wall
            acc[1] += cpu
    return inner

run._read_tables = timed("read", run._read_tables)
from indicators.validate import crosstable
rules = {}
_broken = crosstable._broken

def broken(rule, frame, links):  # per cross-table rule: a link is timed with its first reader
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        return _broken(rule, frame, links)
    finally:
        rules[rule.id] = [time.perf_counter() - wall, time.process_time() - cpu]

crosstable._broken = broken
run.check_cross_table = timed("cross_table", run.check_cross_table)
gxrun.GXRunner.check_rows = timed("gx_batches", gxrun.GXRunner.check_rows)
gxrun.GXRunner._validate = timed("gx_suites", gxrun.GXRunner._validate)
wall, cpu = time.perf_counter(), time.process_time()
v = run.validate_extract(sys.argv[1])
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
spent["other"] = [wall - sum(w for w, _ in spent.values()), cpu - sum(c for _, c in spent.values())]
spent["validate"] = [wall, cpu]
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024
print(json.dumps({"stages": spent, "rules": rules, "peak": hwm, "passed": v.report.passed,
                  "rows": {t.table: t.rows for t in v.report.tables.values()}}))
"""
STAGES = ("read", "gx_batches", "gx_suites", "cross_table", "other", "validate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--extract", type=Path, default=None, help="validate this extract (no generation)"
    )
    parser.add_argument(
        "--scales", type=float, nargs="+", default=None, help="measure growth over these scales"
    )
    parser.add_argument("--pattern", default=str(OUT / "extract_scale{scale:g}"))
    parser.add_argument("--out", type=Path, default=OUT / "validate_scaling.json")
    args = parser.parse_args()
    if args.scales:
        scaling(args.scales, args.pattern, args.runs, args.out)
        return
    extract = args.extract or OUT / f"extract-scale{args.scale:g}"
    if args.extract is None and not (extract / "manifest.json").exists():
        # In a child process: a parent grown by generation would pass its resident pages
        # on to the forked validation children and inflate their measured peak.
        print(f"generating {extract} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "indicators", "synth", "--out", str(extract),
             "--scale", str(args.scale), "--seed", str(args.seed)],
            check=True, capture_output=True,
        )  # fmt: skip
    runs = []
    for i in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-P", "-c", CHILD, str(extract)],
            capture_output=True,
            text=True,
            check=True,
        )
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        run["process_wall"] = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU seconds of the child: less sensitive than wall time to a busy shared machine.
        run["cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        run["peak_rss_mb"] = run.pop("peak") / 2**20
        runs.append(run)
        print(
            f"run {i + 1}: {run['process_wall']:.1f} s (validate {run['validate']:.1f} s, "
            f"GX {run['gx']:.1f} s, GX import {run['gx_import']:.1f} s, "
            f"CPU {run['cpu']:.1f} s), "
            f"peak RSS {run['peak_rss_mb']:.0f} MB; {run['rules']} contacts rules: "
            f"GX {run['gx_rules']:.2f} s ({run['gx_rules_in_gx']:.2f} s inside GX), "
            f"polars {run['polars_rules']:.2f} s",
            flush=True,
        )

    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    validate_s = median("validate")
    gx_s = median("gx")
    result = {
        "benchmark": "validate",
        "scale": args.scale if args.extract is None else None,
        "extract": str(extract),
        "rows": runs[0]["rows"],
        "runs": args.runs,
        "median_process_wall_s": round(median("process_wall"), 2),
        "median_validate_s": round(validate_s, 2),
        "median_cpu_s": round(median("cpu"), 2),
        "median_gx_s": round(gx_s, 2),
        "median_rest_s": round(validate_s - gx_s, 2),
        "gx_share": round(gx_s / validate_s, 3) if validate_s else None,
        "median_import_s": round(median("import"), 2),
        "median_gx_import_s": round(median("gx_import"), 2),
        "gx_share_of_process": round(
            (median("gx") + median("gx_import")) / median("process_wall"), 3
        ),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs)),
        "passed": runs[0]["passed"],
        "row_rules_compared": {
            "table": "contacts",
            "rules": runs[0]["rules"],
            "median_gx_s": round(median("gx_rules"), 3),
            "median_inside_gx_s": round(median("gx_rules_in_gx"), 3),
            "median_polars_s": round(median("polars_rules"), 3),
            "gx_to_polars": round(median("gx_rules") / max(median("polars_rules"), 1e-9), 1),
            "same_counts": all(r["rules_agree"] for r in runs),
        },
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "targets": {"wall_s": 40, "memory_mb": 6144},
        # Imports (GX's included) and the validation: what `indicators validate` waits for
        # before it writes its reports.
        "median_import_and_validate_s": round(median("wall"), 2),
        "targets_met": {
            "validate_s": validate_s <= 40,
            "import_and_validate_s": median("wall") <= 40,
            "memory": max(r["peak_rss_mb"] for r in runs) <= 6144,
        },
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "validate.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def imported_from() -> str:
    """The package directory a child imports (the checkout measured)."""
    proc = subprocess.run(
        [sys.executable, "-P", "-c", "import indicators; print(indicators.__path__[0])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


def stage_run(extract: Path) -> dict:
    """One validation of ``extract`` in a fresh child process: seconds per stage, peak."""
    proc = subprocess.run(
        [sys.executable, "-P", "-c", STAGES_CHILD, str(extract)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def exponent(first: float, last: float, growth: float) -> float | None:
    """``log(last / first) / log(growth)``: 1 when time grows as the rows do."""
    if first <= 0 or last <= 0:
        return None
    return round(math.log(last / first) / math.log(growth), 2)


def scale_medians(extract: Path, runs: int) -> dict:
    """Median wall and CPU seconds per stage over ``runs`` child processes, and the peak."""
    results = [stage_run(extract) for _ in range(runs)]
    out: dict = {"extract": str(extract), "rows": results[0]["rows"]}
    for stage in STAGES:
        out[stage] = {
            "wall_s": round(statistics.median(r["stages"][stage][0] for r in results), 3),
            "cpu_s": round(statistics.median(r["stages"][stage][1] for r in results), 3),
        }
    out["cross_table_rules"] = {
        rule: {
            "wall_s": round(statistics.median(r["rules"][rule][0] for r in results), 3),
            "cpu_s": round(statistics.median(r["rules"][rule][1] for r in results), 3),
        }
        for rule in results[0]["rules"]
    }
    out["peak_rss_mb"] = round(max(r["peak"] for r in results) / 2**20)
    out["passed"] = results[0]["passed"]
    return out


def scaling(scales: list[float], pattern: str, runs: int, out: Path) -> None:
    """Validate the extract of every scale; stage medians and growth exponents to ``out``."""
    measured = {}
    for scale in scales:
        measured[f"{scale:g}"] = scale_medians(Path(pattern.format(scale=scale)), runs)
        print(f"scale {scale:g}: {json.dumps(measured[f'{scale:g}'])}", flush=True)
    first, last = measured[f"{scales[0]:g}"], measured[f"{scales[-1]:g}"]
    growth = scales[-1] / scales[0]
    result = {
        "benchmark": "validate_scaling",
        "pythonpath": os.environ.get("PYTHONPATH"),
        "imported_from": imported_from(),
        "runs": runs,
        "scales": measured,
        "contacts_growth": round(last["rows"]["contacts"] / first["rows"]["contacts"], 2),
        "exponent": {
            stage: {
                key: exponent(first[stage][key], last[stage][key], growth)
                for key in ("wall_s", "cpu_s")
            }
            for stage in STAGES
        },
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["exponent"], indent=2))


if __name__ == "__main__":
    main()
