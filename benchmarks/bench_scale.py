"""Benchmark: the whole pipeline at scales 1, 5, 10 and 25 (ten years of national activity).

For each scale a synthetic extract is generated (``indicators synth``), validated
(``indicators validate``), computed (``indicators compute``) and reported
(``indicators report --jobs 2``), every step a command in its own child process, so its
wall time and peak resident memory (``os.wait4``'s ``ru_maxrss``: the child and the
processes it waited for) are those of the step alone.

Compute is set against the cost of reading: a child process reads the columns that
compute uses (:data:`USED_COLUMNS`, through the package's own loader, all tables in one
``collect_all``), alternating with the compute runs, ``--repeats`` times each.  The ratio
reported is the median of compute's pass over the extract's rows (its first step,
``seconds_by_step.pass_over_rows`` in the results manifest) over the median read; the
rest of compute (roll-up, disclosure audit, statistics) works on the counted tables,
whose size depends on units and periods, not rows, and is reported beside it.

Writes outputs/bench/scale.json and prints a table (Markdown).  The extracts are kept
in outputs/bench/scale/ (about 1 GB at scale 25) and reused by a later run unless
``--fresh`` is given; a reused extract's generation is not timed again.

    python benchmarks/bench_scale.py [--scales 1 5 10 25] [--repeats 3] [--fresh]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "outputs" / "bench"
WORK = BENCH / "scale"
SEED = 2025
#: Target: compute's pass over the rows at most this many times the read.
READ_RATIO_TARGET = 4.0
#: Memory of the machine the targets are set for (bytes).
MACHINE_MEMORY = 24 * 2**30

#: The columns compute reads, by table (the catalogue's selectors and the levels).
USED_COLUMNS = {
    "patients": ("patient_id", "birth_year", "sex", "municipality", "death_date"),
    "referrals": (
        "referral_id", "patient_id", "trust_id", "service", "received_date",
        "assessed_date", "right_to_care", "deadline_date", "requested_level",
        "assigned_level", "housing", "care_start_date",
    ),
    "contacts": (
        "contact_id", "patient_id", "referral_id", "trust_id", "service", "start_date",
        "main_diagnosis", "secondary_diagnoses",
    ),
    "pathway_events": (
        "pathway_id", "patient_id", "trust_id", "pathway_type", "event", "care_level",
        "event_date",
    ),
    "primary_care": ("patient_id", "contact_date", "icpc2"),
}  # fmt: skip

READ = """
import json, sys, time
import polars as pl
from indicators import load_extract
columns = json.loads(sys.argv[2])
start = time.perf_counter()
extract = load_extract(sys.argv[1])
frames = pl.collect_all([extract[t].select(c) for t, c in columns.items()])
print(json.dumps({"seconds": time.perf_counter() - start, "rows": sum(f.height for f in frames)}))
"""


def run_step(args: list[str], log: Path) -> dict:
    """Run ``args`` as a child process; wall seconds, peak RSS bytes and its last line."""
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    lines = log.read_text().strip().splitlines()
    if code != 0:
        raise SystemExit(f"{' '.join(args[:4])} ... exited {code}: {lines[-1:] or ''} ({log})")
    return {"seconds": wall, "peak_rss_bytes": usage.ru_maxrss * 1024, "last": lines[-1:]}


def indicators(*args: str) -> list[str]:
    return [sys.executable, "-m", "indicators", *args]


def extract_for(scale: float, fresh: bool, logs: Path) -> tuple[Path, dict | None]:
    """The scale's extract (generated, or reused) and the generation's measurement."""
    path = WORK / f"extract_scale{scale:g}"
    if not fresh and (path / "manifest.json").exists():
        return path, None
    shutil.rmtree(path, ignore_errors=True)
    synth = ["synth", "--out", str(path), "--scale", f"{scale:g}", "--seed", str(SEED), "-q"]
    return path, run_step(indicators(*synth), logs / "synth.log")


def read_and_compute(extract: Path, results: Path, repeats: int, logs: Path) -> dict:
    """Alternate the read and compute children ``repeats`` times; their medians."""
    columns = json.dumps(USED_COLUMNS)
    reads, computes = [], []
    for _ in range(repeats):
        read = run_step([sys.executable, "-c", READ, str(extract), columns], logs / "read.log")
        reads.append({**read, **json.loads(read["last"][0])})
        computes.append(run_step(indicators("compute", str(extract), "--out", str(results)),
                                 logs / "compute.log"))  # fmt: skip
        steps = json.loads((results / "manifest.json").read_text())["seconds_by_step"]
        computes[-1]["steps"] = steps
    read_s = statistics.median(r["seconds"] for r in reads)
    pass_s = statistics.median(c["steps"]["pass_over_rows"] for c in computes)
    return {
        "read_seconds": read_s,
        "read_seconds_runs": [r["seconds"] for r in reads],
        "compute_seconds": statistics.median(c["seconds"] for c in computes),
        "pass_seconds": pass_s,
        "pass_seconds_runs": [c["steps"]["pass_over_rows"] for c in computes],
        "audit_seconds": statistics.median(c["steps"]["disclosure_audit"] for c in computes),
        "other_seconds": statistics.median(c["steps"]["other"] for c in computes),
        "pass_over_read": pass_s / read_s,
        "compute_peak_rss_bytes": max(c["peak_rss_bytes"] for c in computes),
    }


def run_scale(scale: float, repeats: int, fresh: bool) -> dict:
    """Every step of the pipeline at ``scale``; the measurements."""
    logs = WORK / f"logs_scale{scale:g}"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"scale {scale:g}: synth", flush=True)
    extract, synth = extract_for(scale, fresh, logs)
    print(f"scale {scale:g}: validate", flush=True)
    validate = run_step(indicators("validate", str(extract)), logs / "validate.log")
    results = WORK / f"results_scale{scale:g}"
    print(f"scale {scale:g}: read and compute x{repeats}", flush=True)
    compute = read_and_compute(extract, results, repeats, logs)
    rows = json.loads((results / "manifest.json").read_text())["row_counts"]
    reports_dir = WORK / f"reports_scale{scale:g}"
    shutil.rmtree(reports_dir, ignore_errors=True)
    print(f"scale {scale:g}: reports", flush=True)
    report = run_step(
        indicators("report", str(results), "--out", str(reports_dir), "--jobs", "2"),
        logs / "report.log",
    )
    disk = sum(f.stat().st_size for f in extract.iterdir() if f.is_file())
    return {
        "scale": scale,
        "rows": rows,
        "extract_bytes": disk,
        "synth": synth,
        "validate": validate,
        "compute": compute,
        "reports": report,
    }


def table(rows: list[dict]) -> str:
    """The README's table: one line per scale."""
    gib = 2**30
    lines = [
        (
            "| scale | contacts | synth s (GB) | validate s (GB) | read s "
            "| pass over rows s (× read) | audit s | compute s (GB) | 22 reports s |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        s, v, c, p = r["synth"], r["validate"], r["compute"], r["reports"]
        synth = f"{s['seconds']:.0f} ({s['peak_rss_bytes'] / gib:.1f})" if s else "reused"
        lines.append(
            f"| {r['scale']:g} | {r['rows'].get('contacts', 0):,} | {synth} "
            f"| {v['seconds']:.1f} ({v['peak_rss_bytes'] / gib:.1f}) | {c['read_seconds']:.2f} "
            f"| {c['pass_seconds']:.2f} ({c['pass_over_read']:.1f}×) "
            f"| {c['audit_seconds']:.1f} "
            f"| {c['compute_seconds']:.1f} ({c['compute_peak_rss_bytes'] / gib:.1f}) "
            f"| {p['seconds']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 5, 10, 25])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="generate the extracts again")
    args = parser.parse_args()
    rows = [run_scale(scale, args.repeats, args.fresh) for scale in args.scales]
    peaks = [
        step["peak_rss_bytes"]
        for r in rows
        for step in (r["synth"], r["validate"], r["reports"])
        if step
    ] + [r["compute"]["compute_peak_rss_bytes"] for r in rows]
    record = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "targets": {"pass_over_read": READ_RATIO_TARGET, "memory_bytes": MACHINE_MEMORY},
        "met": {
            "pass_over_read": all(
                r["compute"]["pass_over_read"] <= READ_RATIO_TARGET for r in rows
            ),
            "memory": max(peaks) <= MACHINE_MEMORY,
        },
        "scales": rows,
    }
    BENCH.mkdir(parents=True, exist_ok=True)
    (BENCH / "scale.json").write_text(json.dumps(record, indent=2))
    print(table(rows))
    print(f"targets met: {record['met']}; written to {BENCH / 'scale.json'}")


if __name__ == "__main__":
    main()
