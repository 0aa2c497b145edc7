"""Benchmark the disclosure audit with and without monthly periods, side by side.

For each scale (the test suite's extract, scale 0.02 seed 7, where nearly every cell is
small; and scale 1 seed 1), the synthetic extract in outputs/bench/ (made once, reused)
is computed in a fresh process ``--repeats`` times with the catalogue as declared
(months) and with every indicator limited to years and tertials (no months).  Each run
reports the seconds the audit and suppression took (manifest
``parameters.disclosure.audit.seconds``), its rounds and linear programs, and the rows
the audit withheld.  Medians are printed side by side.  Target: with months, no slower
than without them at scale 0.02, and at most about 10 s at scale 1.  Results go to
outputs/bench/audit.json.

Usage: python benchmarks/bench_audit.py [--scales 0.02 1] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from bench_compute import BENCH

#: The seed of each scale's extract: the test suite's fixture at 0.02.
SEEDS = {0.02: 7, 1.0: 1}

CHILD = """
import dataclasses, json, sys
from indicators.catalogue import CATALOGUE
from indicators.compute.engine import compute_indicators
from indicators.extract.load import load_extract
months = sys.argv[2] == "months"
catalogue = CATALOGUE if months else tuple(
    dataclasses.replace(i, periods=("year", "tertial")) for i in CATALOGUE
)
result = compute_indicators(load_extract(sys.argv[1]), indicators=catalogue)
d = result.manifest["parameters"]["disclosure"]
print(json.dumps({
    "audit_s": d["audit"]["seconds"], "rounds": d["audit"]["rounds"],
    "linear_programs": d["audit"]["linear_programs"],
    "withheld_by_audit": d["withheld"]["by_rule"]["secondary_audit"],
}))
"""


def extract_for(scale: float) -> Path:
    seed = SEEDS.get(scale, 1)
    path = BENCH / f"audit_extract_scale{scale:g}_seed{seed}"
    if not (path / "manifest.json").exists():
        print(f"generating scale {scale:g} extract in {path} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "indicators", "synth", "--out", str(path),
             "--scale", f"{scale:g}", "--seed", str(seed)],
            check=True, capture_output=True,
        )  # fmt: skip
    return path


def run(scale: float, periods: str, repeats: int) -> dict:
    extract = extract_for(scale)
    runs = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(extract), periods],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    last = runs[-1]
    return {
        "scale": scale,
        "periods": periods,
        "repeats": repeats,
        "median_audit_s": round(statistics.median(r["audit_s"] for r in runs), 2),
        **{k: last[k] for k in ("rounds", "linear_programs", "withheld_by_audit")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.02, 1.0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    BENCH.mkdir(parents=True, exist_ok=True)
    results = []
    print(f"{'scale':>6} {'periods':>9} {'audit s':>8} {'rounds':>6} {'LPs':>6} {'withheld':>8}")
    for scale in args.scales:
        for periods in ("no-months", "months"):
            r = run(scale, periods, args.repeats)
            results.append(r)
            print(f"{scale:>6g} {periods:>9} {r['median_audit_s']:>8.2f} {r['rounds']:>6} "
                  f"{r['linear_programs']:>6} {r['withheld_by_audit']:>8}", flush=True)  # fmt: skip
    (BENCH / "audit.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
