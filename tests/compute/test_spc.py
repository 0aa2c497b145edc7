"""spc.parquet from the published months: chart choice, what takes part, verdicts."""

from __future__ import annotations

import math

import polars as pl
import pytest

from indicators.catalogue import BY_ID
from indicators.compute.spc import spc_parameters, spc_table
from indicators.results import SPC_SCHEMA
from indicators.stats.errors import ArgumentError


def _months(indicator: str, statistic: str, values, **columns) -> pl.DataFrame:
    k = len(values)
    base = {
        "indicator_id": indicator,
        "level": "trust",
        "unit_id": "A",
        "unit_name": "Trust A",
        "period": [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(12, 12 + k)],
        "period_type": "month",
        "statistic": statistic,
        "value": values,
        "numerator": None,
        "denominator": None,
        "suppressed": None,
        "period_incomplete": None,
    }
    frame = pl.DataFrame(base | columns, strict=False)
    return frame.with_columns(
        pl.col("suppressed", "period_incomplete").cast(pl.String),
        pl.col("numerator", "denominator", "value").cast(pl.Float64),
    )


def test_a_median_wait_gets_an_xmr_chart_worked_by_hand():
    # x = 10, 12, 11, 13: mean 11.5; moving ranges 2, 1, 2, mean 5/3;
    # limits 11.5 ± 2.66 · 5/3 = 11.5 ± 4.4333.
    spc = spc_table(_months("WAIT-01", "median_days", [10.0, 12.0, 11.0, 13.0]), BY_ID)
    assert spc.schema == SPC_SCHEMA
    assert spc["chart"].unique().to_list() == ["XmR"]
    assert spc["centre"][0] == pytest.approx(11.5)
    assert spc["upper"][0] == pytest.approx(11.5 + 2.66 * 5 / 3)
    assert spc["lower"][0] == pytest.approx(11.5 - 2.66 * 5 / 3)
    assert spc["improvement"].unique().to_list() == ["decrease"]  # shorter waits are better
    assert spc["target"].is_null().all()  # WAIT-01's goal is on the mean, not the median
    assert spc["assurance"].is_null().all()


def test_withheld_and_incomplete_months_take_no_part_and_are_kept_as_rows():
    values = [10.0, None, 12.0, 11.0, 40.0]
    spc = spc_table(
        _months(
            "WAIT-01",
            "median_days",
            values,
            suppressed=[None, "small_count", None, None, None],
            period_incomplete=[None, None, None, None, "follow_up"],
        ),
        BY_ID,
    )
    assert spc.height == 5
    assert spc["included"].to_list() == [True, False, True, True, False]
    # limits from 10, 12, 11 only: mean 11; the moving range 10 -> 12 spans a missing
    # month and is left out, so MR = |11 - 12| = 1 and the limits are 11 ± 2.66.
    assert spc["centre"][0] == pytest.approx(11.0)
    assert spc["upper"][0] == pytest.approx(13.66)
    assert spc["value"][4] == 40.0  # shown, hollow, never a signal
    assert spc["variation"][4] is None
    assert not spc["outside_limits"][4]


def test_a_share_gets_a_p_chart_and_laneys_when_the_months_are_overdispersed():
    n = [1000.0] * 12
    steady = [82, 83, 81, 82, 84, 82, 83, 81, 82, 83, 82, 82]  # less spread than binomial
    wild = [20, 300, 50, 250, 30, 280, 60, 270, 40, 290, 50, 260]
    frames = [
        _months(
            "WAIT-02", "proportion", [x / 1000 for x in xs], numerator=xs, denominator=n
        ).with_columns(pl.lit(unit).alias("unit_id"))
        for unit, xs in (("steady", steady), ("wild", wild))
    ]
    spc = spc_table(pl.concat(frames), BY_ID)
    charts = dict(spc.group_by("unit_id").agg(pl.col("chart").first()).iter_rows())
    assert charts == {"steady": "p", "wild": "p′"}
    steady_rows = spc.filter(pl.col("unit_id") == "steady")
    p_bar = sum(steady) / 12000
    sigma = math.sqrt(p_bar * (1 - p_bar) / 1000)
    assert steady_rows["upper"][0] == pytest.approx(p_bar + 3 * sigma)
    # WAIT-02's goal (lower is better) lies below the lower limit p̄ - 3σ = 5.6 %: always
    # missed
    assert steady_rows["target"][0] == pytest.approx(BY_ID["WAIT-02"].targets.high)
    assert steady_rows["assurance"][0] == "consistently fails target"


def test_the_series_verdict_is_that_of_its_latest_whole_month():
    # Seven months in a row below the centre at the end: a run, and lower is better.
    values = [30.0, 31, 29, 30, 32, 31, 30, 24, 23, 24, 25, 24, 23, 24]
    spc = spc_table(_months("WAIT-01", "median_days", values), BY_ID)
    assert spc["run"][-7:].all()
    assert spc["series_variation"].unique().to_list() == ["special cause improvement"]
    rebased = spc_table(_months("WAIT-01", "median_days", values), BY_ID, rebase_at="2025-08")
    assert rebased["segment"].to_list() == [0] * 7 + [1] * 7
    assert rebased["series_variation"].unique().to_list() == ["common cause"]


def test_rebase_months_must_be_written_as_months():
    with pytest.raises(ArgumentError, match="YYYY-MM"):
        spc_table(_months("WAIT-01", "median_days", [1.0, 2.0]), BY_ID, rebase_at="2025-13")


def test_yearly_rows_and_yearly_indicators_give_no_series():
    yearly = _months("SOM-03", "proportion", [0.5], numerator=[5.0], denominator=[10.0])
    assert spc_table(yearly, BY_ID).is_empty()
    assert spc_table(yearly.with_columns(pl.lit("year").alias("period_type")), BY_ID).is_empty()


def test_the_manifest_states_the_chance_of_a_signal_for_the_months_held():
    spc = spc_table(_months("WAIT-01", "median_days", [float(v % 5) for v in range(12)]), BY_ID)
    chance = spc_parameters(spc)["chance_signal_share"]
    assert chance["months"] == 12
    assert chance["last_months"] == 12
    assert 0.02 < chance["share"] < 0.5
