"""Reports show an indicator at the level, and judge it on the statistic, it declares.

A local catalogue (recorded in the results manifest) declares LOCAL-AREA at the
catchment level and LOCAL-WAIT with targets on the mean wait.  Every value is written
out by hand:

- LOCAL-AREA and LEVEL-01, Finnmark, 2025: 20,0 % as a catchment area, 90,0 % as the
  treating trust; the reports show the catchment row.
- LOCAL-WAIT, 2025: Finnmark and Bergen both have a median of 27,0 days; their means
  are 38,0 and 25,0 days, judged moderate and high (high up to 30 days, moderate up to
  45).
"""

from __future__ import annotations

import textwrap

import polars as pl
import pytest

from indicators.catalogue import BY_ID
from indicators.catalogue.local import load_catalogue
from indicators.reports.data import ResultsData, judged_statistic, report_level, report_rows
from indicators.reports.national import NationalOverview
from indicators.reports.trust import TrustReport
from indicators.results import CURVE_SCHEMA, INDICATOR_SCHEMA, VARIATION_SCHEMA, conform

from .test_reader_text import _summary_row, _text

FINNMARK = "983974880"
BERGEN = "983974724"

LOCAL = """
import polars as pl
from indicators.catalogue import Indicator, Targets

def _referrals(t):
    days = (pl.col("care_start_date") - pl.col("received_date")).dt.total_days()
    return t["referrals"].filter(pl.col("service") == "TSB"), days

def inpatient(t, ctx):
    referrals, _ = _referrals(t)
    return referrals.select(
        "trust_id", "patient_id", pl.col("received_date").alias("period_date"),
        (pl.col("assigned_level") == "inpatient").fill_null(False).alias("numerator"),
    )

def waits(t, ctx):
    referrals, days = _referrals(t)
    return referrals.select(
        "trust_id", "patient_id", pl.col("received_date").alias("period_date"),
        days.cast(pl.Float64).alias("days"),
        pl.col("care_start_date").is_not_null().alias("event"),
    )

COMMON = dict(
    population="TSB referrals", exclusions="", period_date="referrals.received_date",
    min_denominator=5, tables=("referrals",),
)

INDICATORS = [
    Indicator(
        id="LOCAL-AREA", title_nb="Døgn i opptaksområdet", title_en="Inpatient by area",
        description_nb="Andel tildelt døgn, per opptaksområde.",
        description_en="Share assigned inpatient care, by catchment area.",
        numerator="assigned_level = inpatient", unit="fraction",
        direction="higher_is_better", kind="proportion", method="Wilson score interval",
        cases=inpatient, report_level="catchment", **COMMON,
    ),
    Indicator(
        id="LOCAL-WAIT", title_nb="Lokal ventetid", title_en="Local waiting time",
        description_nb="Median ventetid; målet gjelder gjennomsnittet.",
        description_en="Median wait; the goal is on the mean.",
        numerator="days to start of care", unit="days", direction="lower_is_better",
        kind="waiting_time", method="Kaplan-Meier median; mean of completed waits",
        cases=waits, targets=Targets(high=30, moderate=45, statistic="mean_days"), **COMMON,
    ),
]
"""


def _row(indicator_id: str, unit_id: str, **values) -> dict:
    level = values.pop("level", "national" if unit_id == "NO" else "trust")
    return {
        "indicator_id": indicator_id,
        "level": level,
        "unit_id": unit_id,
        "unit_name": {FINNMARK: "Finnmark", BERGEN: "Bergen"}.get(unit_id, unit_id),
        "period": "2025",
        "period_type": "year",
        **values,
    }


ROWS = [
    *(
        row
        for ind in ("LOCAL-AREA", "LEVEL-01")
        for row in (
            _row(ind, FINNMARK, level="catchment", denominator=60.0, value=0.2),
            _row(ind, FINNMARK, level="trust", denominator=80.0, value=0.9),
            _row(ind, BERGEN, level="catchment", denominator=70.0, value=0.3),
            _row(ind, BERGEN, level="trust", denominator=90.0, value=0.8),
            _row(ind, "NO", denominator=3000.0, value=0.22),
        )
    ),
    _row("LOCAL-WAIT", FINNMARK, denominator=90.0, value=27.0, mean_days=38.0,
         target_level="moderate"),
    _row("LOCAL-WAIT", BERGEN, denominator=80.0, value=27.0, mean_days=25.0,
         target_level="high"),
    _row("LOCAL-WAIT", "NO", denominator=900.0, value=28.0, mean_days=31.0),
]  # fmt: skip


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> ResultsData:
    path = tmp_path_factory.mktemp("local") / "declared.py"
    path.write_text(textwrap.dedent(LOCAL), "utf-8")
    manifest = {
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "catalogues": [load_catalogue(path).record()],
    }
    return ResultsData(
        indicators=conform(pl.DataFrame(ROWS, infer_schema_length=None), INDICATOR_SCHEMA),
        variation=pl.DataFrame(schema=VARIATION_SCHEMA),
        curves=pl.DataFrame(schema=CURVE_SCHEMA),
        manifest=manifest,
    )


def test_the_definitions_declare_level_and_judged_statistic(data):
    definitions = data.definitions
    assert report_level(definitions["LOCAL-AREA"]) == "catchment"
    assert report_level(definitions["LOCAL-WAIT"]) == "trust"
    assert judged_statistic(definitions["LOCAL-WAIT"]) == "mean_days"
    assert judged_statistic(definitions["LOCAL-AREA"]) is None
    assert [report_level(BY_ID[i]) for i in ("LEVEL-01", "LEVEL-01A", "WAIT-01")] == [
        "catchment",
        "catchment",
        "trust",
    ]
    assert judged_statistic(BY_ID["WAIT-01"]) == "mean_days"


@pytest.mark.parametrize("indicator_id", ["LOCAL-AREA", "LEVEL-01"])
def test_a_catchment_indicator_shows_the_catchment_row_in_a_trust_report(data, indicator_id):
    shown = report_rows(data.indicators, data.definitions).filter(
        pl.col("indicator_id") == indicator_id
    )
    assert shown["level"].to_list() == ["catchment", "catchment"]
    html = TrustReport(data, trust_id=FINNMARK, period="2025").summary()._repr_html_()
    row = _summary_row(html, indicator_id)
    assert "20,0" in row
    assert "90,0" not in row


@pytest.mark.parametrize("indicator_id", ["LOCAL-AREA", "LEVEL-01"])
def test_the_national_overview_shows_a_catchment_indicator_by_catchment_area(data, indicator_id):
    overview = NationalOverview(data, period="2025", lang="en")
    html = "".join(
        p._repr_html_() for p in overview.caterpillars().parts if hasattr(p, "_repr_html_")
    )
    heading = _text(html.split(f'id="ind-{indicator_id}"', 1)[1].split("</p>", 1)[0])
    assert "(Level: catchment area)" in heading


def test_a_local_indicator_is_judged_on_the_statistic_its_targets_name(data):
    finnmark = TrustReport(data, trust_id=FINNMARK, period="2025").summary()._repr_html_()
    row = _summary_row(finnmark, "LOCAL-WAIT")
    assert "median 27,0 dager gjennomsnitt 38,0 dager" in row
    assert "Middels (vurdert på gjennomsnittet)" in row
    notes = _text(finnmark.split("</table>", 1)[1])
    assert "Ventetid (LOCAL-WAIT): verdien er Kaplan–Meier-medianen" in notes


def test_the_national_values_name_the_indicators_judged_on_another_statistic(data):
    html = NationalOverview(data, period="2025", lang="en").national_values()._repr_html_()
    notes = _text(html.split("</table>", 1)[1])
    assert "The waiting time (LOCAL-WAIT) is the median" in notes


def test_the_chart_of_a_local_judged_indicator_draws_the_statistic_it_colours(data):
    from indicators.charts import ChartView

    report = TrustReport(data, trust_id=BERGEN, period="2025")
    chart = next(p for p in report.indicator_section("LOCAL-WAIT") if isinstance(p, ChartView))
    drawn = {r["axis_label"]: r["value"] for r in chart.spec["datasets"]["units"]}
    assert drawn == {"Bergen": 25.0, "Finnmark": 38.0}
    assert chart.spec["datasets"]["national"] == [{"national": 31.0}]
