"""Variation statistics across units against hand computation; undefined cases give reasons."""

from __future__ import annotations

import statistics

import polars as pl
import pytest

from indicators.stats import variation_statistics

VALUES = [4.0, 9.0, 6.0, 12.0, 5.0, 7.0, 10.0]
OBSERVED = [20, 45, 31, 60, 24, 36, 52]
EXPECTED = [25.0, 40.0, 30.0, 48.0, 30.0, 35.0, 42.0]


def _as_dict(out: pl.DataFrame) -> dict[str, tuple[float | None, str | None]]:
    return {row["statistic"]: (row["value"], row["reason"]) for row in out.iter_rows(named=True)}


def test_variation_statistics_match_hand_computation():
    units = pl.DataFrame({"value": VALUES, "observed": OBSERVED, "expected": EXPECTED})
    out = _as_dict(variation_statistics(units, observed="observed", expected="expected"))
    ordered = sorted(VALUES)  # 4 5 6 7 9 10 12
    assert out["CV"][0] == pytest.approx(100 * statistics.stdev(VALUES) / statistics.mean(VALUES))
    assert out["FT1"][0] == pytest.approx(12 / 4)
    assert out["FT2"][0] == pytest.approx(10 / 5)
    assert out["FT3"][0] == pytest.approx(9 / 6)
    k = len(OBSERVED)
    scv = (
        100
        / k
        * (
            sum((o - e) ** 2 / e**2 for o, e in zip(OBSERVED, EXPECTED, strict=True))
            - sum(1 / e for e in EXPECTED)
        )
    )
    assert out["SCV"][0] == pytest.approx(scv)
    assert all(reason is None for _, reason in out.values())
    assert ordered[-1] / ordered[0] == out["FT1"][0]


def test_variation_statistics_are_grouped_and_report_k():
    units = pl.DataFrame(
        {
            "indicator": ["A"] * 7 + ["B"] * 3,
            "value": [*VALUES, 1.0, 2.0, 4.0],
        }
    )
    out = variation_statistics(units, group_by="indicator")
    b = out.filter(pl.col("indicator") == "B")
    assert b["units"].unique().to_list() == [3]
    assert _as_dict(b)["FT1"][0] == pytest.approx(4.0)
    assert _as_dict(b)["FT2"] == (None, "fewer than 4 units")
    a = out.filter(pl.col("indicator") == "A")
    assert _as_dict(a)["FT3"][0] == pytest.approx(1.5)
    assert set(out["statistic"]) == {"CV", "FT1", "FT2", "FT3"}


def test_fewer_than_three_units_give_nulls_with_a_reason_not_an_error():
    out = _as_dict(variation_statistics(pl.DataFrame({"value": [1.0, 2.0]})))
    assert out["CV"] == (None, "fewer than 3 units")
    assert out["FT1"] == (None, "fewer than 3 units")


def test_zero_minimum_and_zero_mean_give_reasons():
    zeros = _as_dict(variation_statistics(pl.DataFrame({"value": [0.0, 0.0, 0.0, 0.0]})))
    assert zeros["CV"] == (None, "mean is zero")
    assert zeros["FT1"] == (None, "lowest value is zero")
    some_zero = _as_dict(variation_statistics(pl.DataFrame({"value": [0.0, 1.0, 2.0, 3.0]})))
    assert some_zero["FT1"] == (None, "lowest value is zero")
    assert some_zero["FT2"][0] == pytest.approx(2.0)


def test_all_units_equal_give_cv_zero_and_extremal_ratios_one():
    out = _as_dict(variation_statistics(pl.DataFrame({"value": [3.0] * 6})))
    assert out["CV"] == (0.0, None)
    assert out["FT1"] == (1.0, None)
    assert out["FT3"] == (1.0, None)


def test_null_values_are_left_out_of_k():
    units = pl.DataFrame({"value": [1.0, None, 2.0, 4.0]})
    out = variation_statistics(units)
    assert out["units"].unique().to_list() == [3]
    assert _as_dict(out)["FT1"][0] == 4.0


def test_scv_with_a_zero_expected_count_is_null_with_a_reason():
    units = pl.DataFrame(
        {"value": [1.0, 2.0, 3.0], "observed": [1, 2, 3], "expected": [1.0, 0.0, 3.0]}
    )
    out = _as_dict(variation_statistics(units, observed="observed", expected="expected"))
    assert out["SCV"] == (None, "an expected count is zero")
