"""The funnel plot as a reader sees it: outliers named, what the limits are around."""

from __future__ import annotations

import polars as pl

from indicators.catalogue import BY_ID
from indicators.charts import funnel_chart
from indicators.reports.data import judged_rows


def _rows(**columns) -> pl.DataFrame:
    """Three trusts of SOM-02: pooled O/E 0.63, Bergen above its 99.8 % adjusted limit."""
    base = {
        "unit_id": ["A", "B", "C"],
        "unit_name": ["Bergen", "Fonna", "Førde"],
        "numerator": [80.0, 40.0, 30.0],
        "denominator": [90.0, 70.0, 50.0],
        "value": [0.89, 0.57, 0.60],
        "funnel_target": [0.63, 0.63, 0.63],
        "funnel_low_998_od": [0.4, 0.38, 0.35],
        "funnel_high_998_od": [0.86, 0.88, 0.91],
        "funnel_flag_998_od": ["high", "within", "within"],
        "funnel_flag_95_od": ["high", "within", "within"],
    }
    return pl.DataFrame({**base, **columns})


def test_outliers_among_the_other_trusts_are_named_on_the_chart():
    chart = funnel_chart(_rows(), unit="ratio", highlight="B", title="SOM-02 2025")
    assert [r["unit_name"] for r in chart.spec["datasets"]["flagged"]] == ["Bergen"]
    assert ">Bergen</text>" in chart.svg
    assert ">Fonna</text>" in chart.svg  # the trust of the report, in its colour
    assert ">Førde</text>" not in chart.svg


def test_a_ratio_around_a_pooled_centre_also_draws_the_general_population_line():
    chart = funnel_chart(_rows(), unit="ratio", title="SOM-02 2025")
    assert chart.spec["datasets"]["target"] == [{"target": 0.63}]
    assert chart.spec["datasets"]["reference"] == [{"reference": 1.0}]
    layers = [layer.get("data", {}).get("name") for layer in chart.spec["layer"]]
    assert "reference" in layers
    around_one = funnel_chart(_rows(funnel_target=[1.0] * 3), unit="ratio", title="x")
    assert "reference" not in [
        layer.get("data", {}).get("name") for layer in around_one.spec["layer"]
    ]


def test_marks_are_described_in_the_report_language_with_their_position():
    chart = funnel_chart(_rows(), unit="ratio", title="SOM-02 2025")
    assert (
        'aria-label="Bergen; Observert/forventet: 0,89; Forventet antall (E): 90,00; '
        'Over 99,8 %-grensen"'
    ) in chart.svg
    assert 'aria-label="Førde; Observert/forventet: 0,60; Forventet antall (E): 50,00"' in (
        chart.svg
    )
    assert "Y-axis" not in chart.svg
    assert "X-axis" not in chart.svg


def test_a_judged_statistic_is_drawn_with_its_own_interval_when_published():
    rows = pl.DataFrame(
        {"value": [27.0], "ci_low": [24.0], "ci_high": [30.0], "mean_days": [33.5],
         "mean_ci_low": [31.0], "mean_ci_high": [36.0]}
    )  # fmt: skip
    assert judged_rows(rows, BY_ID["WAIT-01"]).select("value", "ci_low", "ci_high").row(0) == (
        33.5,
        31.0,
        36.0,
    )
    assert judged_rows(rows, BY_ID["WAIT-02"]).row(0) == rows.row(0)
