"""Statistical process control as a reader sees it: what changed, the charts, the matrix."""

from __future__ import annotations

import re

import polars as pl
import pytest

from indicators.charts import ChartView
from indicators.reports import NationalOverview, PeriodError, TrustReport
from indicators.reports.data import ReportError
from indicators.reports.spc import spc_chart
from indicators.stats.errors import ArgumentError

from .conftest import OUTLIER_TRUST, STEP_TRUST


def _rows(html: str) -> list[str]:
    """The text of each body row of the first table in ``html``."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>", " ", row) for row in body.split("</tr>") if row.strip()]


def test_the_step_change_is_what_changed_in_its_trusts_report_from_its_month(results_dir):
    report = TrustReport.load(results_dir, trust_id=STEP_TRUST)
    html = report.what_changed()._repr_html_()
    wait01 = [row for row in _rows(html) if "WAIT-01" in row]
    assert len(wait01) == 1
    assert "Spesiell variasjon – forbedring (lavere)" in wait01[0]
    assert "mars 2025" in wait01[0]  # since: the month of the step
    assert "desember 2025" in wait01[0]  # the latest month
    assert 'data-spc="special cause improvement"' in html
    assert "9,6 %" in html  # the chance share from the manifest, as bokmål prints it


def test_a_tertial_report_looks_at_the_months_up_to_its_end_only(results_dir):
    """In 2025-T1 the step (from March) has two months: no run, but outside the limits."""
    report = TrustReport.load(results_dir, trust_id=STEP_TRUST, period="2025-T1")
    html = report.what_changed()._repr_html_()
    assert "desember 2025" not in html
    assert "april 2025" in html  # the latest month of the tertial
    chart = report.spc(next(i for i in report.monthly if i.id == "WAIT-01"))
    assert chart is not None
    view = next(p for p in chart if isinstance(p, ChartView))
    months = {p["month"][:7] for p in view.spec["datasets"]["spc_points"]}
    assert max(months) == "2025-04"


def test_each_monthly_indicator_has_its_spc_chart_with_the_verdicts_in_words(results_dir):
    report = TrustReport.load(results_dir, trust_id=STEP_TRUST)
    section = list(report.indicator_section("WAIT-01"))
    charts = [p for p in section if isinstance(p, ChartView) and "prosesskontroll" in p.description]
    assert len(charts) == 1
    assert "Spesiell variasjon – forbedring (lavere)" in charts[0].description
    notes = " ".join(p._repr_html_() for p in section if not isinstance(p, ChartView))
    assert "Måloppnåelse: Ingen mål" in notes  # WAIT-01's goal is on the mean, not the median
    assert "Senterlinjen er gjennomsnittet av månedene" in notes
    # a yearly-only indicator has none
    som = list(report.indicator_section("SOM-01"))
    assert not any(isinstance(p, ChartView) and "prosesskontroll" in p.description for p in som)


def test_the_national_overview_shows_the_nation_and_a_matrix_of_the_trusts(results_dir):
    overview = NationalOverview.load(results_dir)
    parts = list(overview.spc())
    charts = [p for p in parts if isinstance(p, ChartView)]
    assert [c.description.split(" ")[0] for c in charts] == ["WAIT-01", "WAIT-02"]
    html = parts[-1]._repr_html_()
    matrix = html.split("ind-spc-matrix", 1)[1]
    stavanger = next(row for row in _rows(matrix) if "Stavanger" in row)
    assert "forbedring (L)" in stavanger
    changed = _rows(html.split("ind-spc-matrix")[0])
    assert any("Stavanger" in row and "WAIT-01" in row for row in changed)
    assert 'href="#spc"' in overview.contents()._repr_html_()


def test_spc_chart_draws_any_indicator_and_unit_and_rebases_from_a_month(results_dir):
    nation = spc_chart("WAIT-02", results_dir=results_dir)
    assert nation.description.startswith("WAIT-02 Norge")
    trust = spc_chart("WAIT-01", STEP_TRUST, results_dir=results_dir, rebase_at="2025-03")
    points = pl.DataFrame(trust.spec["datasets"]["spc_lines"])
    assert sorted(points["segment"].unique().to_list()) == [0, 1]
    # after the rebase the step is the new normal: the latest month is common cause
    assert "Vanlig variasjon" in trust.description


def test_spc_chart_says_what_is_wrong_with_a_bad_request(results_dir):
    with pytest.raises(ReportError, match=r"no monthly series of 'SOM-01'.*WAIT-01, WAIT-02"):
        spc_chart("SOM-01", OUTLIER_TRUST, results_dir=results_dir)
    with pytest.raises(ArgumentError, match="YYYY-MM"):
        spc_chart("WAIT-01", results_dir=results_dir, rebase_at="March")


def test_a_report_is_made_for_a_year_or_tertial_not_for_a_month(results_dir):
    with pytest.raises(PeriodError, match="2025-03"):
        TrustReport.load(results_dir, trust_id=STEP_TRUST, period="2025-03")


def test_the_overview_says_how_much_variation_remains_after_case_mix_adjustment(results_dir):
    from indicators.catalogue import BY_ID

    overview = NationalOverview.load(results_dir)
    rows = pl.DataFrame(
        {
            "indicator_id": ["LEVEL-01", "LEVEL-01A", "LEVEL-01A"],
            "level": ["catchment", "catchment", "trust"],
            "phi": [3.11, 1.66, 9.0],
            "scv": [4.83, 4.98, 9.0],
        }
    )
    sentence = overview._remaining_variation(BY_ID["LEVEL-01A"], rows)
    assert "overspredningen φ er 1,66 for LEVEL-01A mot 3,11 for LEVEL-01" in sentence
    assert "(SCV) er 5,0 % mot 4,8 %" in sentence
    assert overview._remaining_variation(BY_ID["LEVEL-01"], rows) == ""
