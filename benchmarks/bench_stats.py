"""Benchmark the statistical core against PHStatsMethods on identical input.

The task: for every unit, the proportion with its Wilson intervals at 95 % and 99.8 %, then
funnel limits around the pooled value and the flag of each unit at both levels.

- ``indicators``: ``wilson_interval`` then ``proportion_funnel_limits`` on a polars frame.
- PHStatsMethods: ``ph_proportion`` (both levels) then ``assign_funnel_significance``.

Both run side by side in one process on the same units (numerators binomial around 30 %,
denominators 20-5 000), alternating, ``--repeats`` times; medians are reported.
PHStatsMethods works row by row (about a millisecond a unit), so it is timed on
``--compare-units`` units and its time for ``--units`` is extrapolated linearly (stated
as such in the output); ``--full`` times it on all units instead (about 20 minutes for
1 000 000).  The two must agree: flags unit for unit and Wilson limits to 1e-9.
Targets: 1 000 000 units in at most 1 s on 2 cores and at least 20x faster.
Results go to outputs/bench/stats.json.

Usage: python benchmarks/bench_stats.py [--units 1000000] [--compare-units 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

from indicators.stats import proportion_funnel_limits, wilson_interval

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "outputs" / "bench"

# PHStatsMethods' significance labels -> (flag at 95 %, flag at 99.8 %).
PHE_FLAGS = {
    "High (0.001)": ("high", "high"),
    "High (0.025)": ("high", "within"),
    "Low (0.001)": ("low", "low"),
    "Low (0.025)": ("low", "within"),
    "Not significant": ("within", "within"),
}


def units(k: int, seed: int = 2025) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n = rng.integers(20, 5000, k)
    return pl.DataFrame({"unit": np.arange(k), "numerator": rng.binomial(n, 0.3), "denominator": n})


def ours(frame: pl.DataFrame) -> pl.DataFrame:
    wilson = wilson_interval(frame, confidence=(0.95, 0.998)).rename(
        {
            "lower_95": "ci_lower_95",
            "upper_95": "ci_upper_95",
            "lower_99_8": "ci_lower_99_8",
            "upper_99_8": "ci_upper_99_8",
        }
    )
    wilson = wilson.drop("value", "confidence", "statistic", "method")
    return proportion_funnel_limits(wilson, confidence=(0.95, 0.998))


def theirs(frame: pl.DataFrame):
    import pandas as pd
    import PHStatsMethods as phs

    data = pd.DataFrame({c: frame[c].to_numpy() for c in ("numerator", "denominator")})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        intervals = phs.ph_proportion(
            data.copy(), "numerator", "denominator", confidence=[0.95, 0.998]
        )
        flags = phs.assign_funnel_significance(
            data.copy(), "numerator", "proportion", denom_col="denominator"
        )
    return intervals, flags


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def agreement(mine: pl.DataFrame, intervals, flags) -> dict:
    expected = [PHE_FLAGS[s] for s in flags["significance"]]
    got = list(zip(mine["flag_95"], mine["flag_99_8"], strict=True))
    same = sum(e == g for e, g in zip(expected, got, strict=True))
    upper = [c for c in intervals.columns if "upper" in c.lower() and "99" in c]
    lower = [c for c in intervals.columns if "lower" in c.lower() and "95" in c and "99" not in c]
    diff = max(
        float(np.max(np.abs(intervals[upper[0]].to_numpy() - mine["ci_upper_99_8"].to_numpy()))),
        float(np.max(np.abs(intervals[lower[0]].to_numpy() - mine["ci_lower_95"].to_numpy()))),
    )
    return {"flag_agreement": same / len(expected), "wilson_max_abs_difference": diff}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--compare-units", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="time PHStatsMethods on all units")
    args = parser.parse_args()
    BENCH.mkdir(parents=True, exist_ok=True)

    big = units(args.units)
    small = big.head(args.units if args.full else args.compare_units)
    ours(small.head(1000))  # warm up polars' thread pool and scipy's import

    ours_big, ours_small, theirs_small = [], [], []
    check = {}
    for i in range(args.repeats):
        seconds, mine = timed(ours, small)
        ours_small.append(seconds)
        seconds, (intervals, flags) = timed(theirs, small)
        theirs_small.append(seconds)
        seconds, _ = timed(ours, big)
        ours_big.append(seconds)
        if i == 0:
            check = agreement(mine, intervals, flags)
        print(
            f"run {i + 1}: indicators {small.height:,} units {ours_small[-1]:.3f} s, "
            f"PHStatsMethods {theirs_small[-1]:.2f} s; indicators {big.height:,} units "
            f"{ours_big[-1]:.3f} s",
            flush=True,
        )

    med_ours_small = statistics.median(ours_small)
    med_theirs_small = statistics.median(theirs_small)
    med_ours_big = statistics.median(ours_big)
    theirs_big = med_theirs_small * big.height / small.height
    report = {
        "benchmark": "stats: Wilson 95 % and 99.8 % + proportion funnel limits and flags",
        "cpus": os.cpu_count(),
        "units": big.height,
        "compare_units": small.height,
        "repeats": args.repeats,
        "indicators_seconds_median": med_ours_big,
        "indicators_compare_seconds_median": med_ours_small,
        "phstatsmethods_compare_seconds_median": med_theirs_small,
        "phstatsmethods_seconds": theirs_big,
        "phstatsmethods_seconds_is_extrapolated": small.height != big.height,
        "ratio_same_input": med_theirs_small / med_ours_small,
        "ratio_at_units": theirs_big / med_ours_big,
        **check,
        "targets": {"max_seconds": 1.0, "min_ratio": 20},
    }
    (BENCH / "stats.json").write_text(json.dumps(report, indent=2) + "\n")
    how = "extrapolated linearly from" if small.height != big.height else "measured on"
    print(
        f"indicators: {big.height:,} units in {med_ours_big:.3f} s (median of {args.repeats})\n"
        f"PHStatsMethods: {theirs_big:.1f} s for {big.height:,} units, {how} "
        f"{small.height:,} units ({med_theirs_small:.2f} s)\n"
        f"ratio on the same {small.height:,} units: {report['ratio_same_input']:.0f}x; "
        f"at {big.height:,} units: {report['ratio_at_units']:.0f}x\n"
        f"agreement: flags {check['flag_agreement']:.2%}, "
        f"Wilson limits max |difference| {check['wilson_max_abs_difference']:.1e}"
    )


if __name__ == "__main__":
    main()
