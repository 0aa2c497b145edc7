"""Kaplan–Meier waiting-time curves against scipy.stats.ecdf; medians and shares within N."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from scipy import stats

from indicators.stats import waiting_time_curve, waiting_time_summary


def _random_waits(seed: int, groups: int = 4, size: int = 80) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for g in range(groups):
        wait = rng.integers(0, 120, size=size)
        follow_up = rng.integers(10, 150, size=size)
        frames.append(
            pl.DataFrame(
                {
                    "trust": f"T{g}",
                    "duration": np.minimum(wait, follow_up),
                    "event": wait <= follow_up,
                }
            )
        )
    return pl.concat(frames)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_curves_of_several_units_match_scipy_ecdf_with_censoring(seed):
    cases = _random_waits(seed)
    curves = waiting_time_curve(cases, group_by="trust")
    for (trust,), part in cases.group_by("trust"):
        sample = stats.CensoredData(
            uncensored=part.filter("event")["duration"].to_numpy().astype(float),
            right=part.filter(~pl.col("event"))["duration"].to_numpy().astype(float),
        )
        result = stats.ecdf(sample)
        ours = curves.filter(pl.col("trust") == trust)
        # scipy reports the curve at every distinct observed time, as we do.
        at_events = ours
        np.testing.assert_allclose(at_events["time"], result.sf.quantiles)
        np.testing.assert_allclose(at_events["survival"], result.sf.probabilities, rtol=1e-12)
        with warnings.catch_warnings():
            # scipy warns where the log-log band is undefined (S = 1 or S = 0).
            warnings.simplefilter("ignore", RuntimeWarning)
            band = result.sf.confidence_interval(0.95, method="log-log")
        low, high = band.low.probabilities, band.high.probabilities
        finite = np.isfinite(low) & np.isfinite(high) & (result.sf.probabilities > 0)
        np.testing.assert_allclose(at_events["ci_low"].to_numpy()[finite], low[finite], rtol=1e-9)
        np.testing.assert_allclose(at_events["ci_high"].to_numpy()[finite], high[finite], rtol=1e-9)
        assert ours["n_at_risk"][0] == part.height


def test_summary_reads_median_and_share_within_n_off_the_curve():
    cases = _random_waits(7, groups=2, size=200)
    curves = waiting_time_curve(cases, group_by="trust")
    summary = waiting_time_summary(cases, group_by="trust", within_days=30)
    for row in summary.iter_rows(named=True):
        curve = curves.filter(pl.col("trust") == row["trust"])
        median = curve.filter(pl.col("survival") <= 0.5 + 1e-9)["time"].min()
        assert row["median"] == median
        s30 = curve.filter(pl.col("time") <= 30)["survival"].to_list()[-1]
        assert row["share_within"] == pytest.approx(1 - s30)
        lo = curve.filter(pl.col("ci_low") <= 0.5 + 1e-9)["time"].min()
        assert row["median_ci_low"] == lo
        assert row["median_ci_low"] <= row["median"]
        if row["median_ci_high"] is not None:
            assert row["median"] <= row["median_ci_high"]
        assert row["share_within_ci_low"] <= row["share_within"] <= row["share_within_ci_high"]
        assert row["n"] == 200
        assert row["within_days"] == 30.0
    assert summary["method"][0].startswith("Kaplan-Meier")


def test_hand_worked_kaplan_meier_with_ties_and_censoring():
    # times 2 2 3 5 5 8, events 1 1 0 1 0 1:
    # t=2: n=6 d=2 S=4/6; t=3: censored; t=5: n=3 d=1 S=4/6*2/3=4/9; t=8: n=1 d=1 S=0
    cases = pl.DataFrame(
        {"duration": [2, 2, 3, 5, 5, 8], "event": [True, True, False, True, False, True]}
    )
    curve = waiting_time_curve(cases)
    assert curve["n_at_risk"].to_list() == [6, 4, 3, 1]
    assert curve["events"].to_list() == [2, 0, 1, 1]
    assert curve["censored"].to_list() == [0, 1, 1, 0]
    assert curve["survival"].to_list() == pytest.approx([4 / 6, 4 / 6, 4 / 9, 0.0])
    summary = waiting_time_summary(cases, within_days=4)
    assert summary["median"].item() == 5.0
    assert summary["share_within"].item() == pytest.approx(1 / 3)
    assert summary["median_ci_low"].item() == 2.0
    assert summary["median_ci_high"].item() == 8.0


@pytest.mark.parametrize("n", [2, 4, 10, 24, 50, 198])
def test_the_median_of_an_even_number_of_distinct_waits_is_the_middle_one(n):
    """Waits 1..n, all ended: S(n/2) is exactly one half, so the median is n/2."""
    cases = pl.DataFrame({"duration": list(range(1, n + 1)), "event": [True] * n})
    assert waiting_time_summary(cases)["median"].item() == n / 2


def test_the_median_holds_when_the_other_half_is_censored():
    """12 ended at days 1..12 and 12 still waiting at day 30: S(12) = 1/2, median 12."""
    cases = pl.DataFrame(
        {"duration": list(range(1, 13)) + [30] * 12, "event": [True] * 12 + [False] * 12}
    )
    assert waiting_time_summary(cases)["median"].item() == 12.0


def test_median_is_null_when_fewer_than_half_have_started():
    cases = pl.DataFrame({"duration": [5, 10, 10, 10], "event": [True, False, False, False]})
    summary = waiting_time_summary(cases)
    assert summary["median"].item() is None
    assert summary["share_within"].item() is None  # 30 days is beyond the last observation


def test_frequency_weights_give_the_same_curve_as_repeated_rows():
    rows = pl.DataFrame({"duration": [3, 3, 3, 7, 9, 9], "event": [1, 1, 0, 1, 0, 0]})
    counted = pl.DataFrame(
        {"duration": [3, 3, 7, 9], "event": [1, 0, 1, 0], "n_cases": [2, 1, 1, 2]}
    )
    a = waiting_time_curve(rows.with_columns(pl.col("event").cast(pl.Boolean)))
    b = waiting_time_curve(counted.with_columns(pl.col("event").cast(pl.Boolean)), weight="n_cases")
    assert a.equals(b)


def test_null_and_negative_durations_are_ignored():
    cases = pl.DataFrame(
        {"duration": [1, None, -3, 4], "event": [True, True, True, None]},
        schema={"duration": pl.Int64, "event": pl.Boolean},
    )
    curve = waiting_time_curve(cases)
    assert curve["time"].to_list() == [1.0]
    assert curve["n_at_risk"].to_list() == [1]


KM_MEDIANS = Path(__file__).resolve().parent.parent / "data" / "km_medians.json"


def test_kaplan_meier_medians_match_lifelines_on_random_tied_and_censored_waits():
    """Medians of 40 seeded datasets against lifelines 0.30.3 (``tests/data/km_medians.json``).

    The datasets have ties, censoring from none to 85 %, n from 2 to 400, curves that never
    reach one half (lifelines: inf, stored as null) and curves that reach exactly one half
    (waits 1..24; 12 events and 12 censored).  Where lifelines' S(t) is an exact half that
    its floating point lifts above 0.5 (``random 11``: 0.5000000000000002 at day 112, so
    lifelines says 115), the file also holds the median of S computed in fractions, and we
    follow that.
    """
    reference = json.loads(KM_MEDIANS.read_text())["datasets"]
    cases = pl.concat(
        pl.DataFrame(
            {"name": d["name"], "duration": d["durations"], "event": d["events"]},
            schema={"name": pl.String, "duration": pl.Int64, "event": pl.Boolean},
        )
        for d in reference
    )
    ours = waiting_time_summary(cases, group_by="name").select(
        "name", pl.col("median").cast(pl.Float64)
    )
    expected = pl.DataFrame(
        {
            "name": [d["name"] for d in reference],
            "median": [d["median"] for d in reference],
            "exact_median": [d["exact_median"] for d in reference],
        },
        schema={"name": pl.String, "median": pl.Float64, "exact_median": pl.Float64},
    )
    rounded_away = expected.filter(pl.col("median") != pl.col("exact_median"))
    assert rounded_away["name"].to_list() == ["random 11"]
    assert_frame_equal(
        ours.sort("name"),
        expected.select("name", pl.col("exact_median").alias("median")).sort("name"),
    )
    agree = expected.join(rounded_away, on="name", how="anti").select("name", "median")
    assert_frame_equal(ours.join(agree.select("name"), on="name").sort("name"), agree.sort("name"))
