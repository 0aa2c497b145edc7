"""Synthetic extract -> compute -> report, through the package functions of each step."""

from __future__ import annotations

import pytest

from indicators.compute import write_results
from indicators.reports import render_reports
from indicators.reports.leaks import read_patient_ids
from indicators.synth import PLANTED_OUTLIERS

pytestmark = pytest.mark.slow

SLOW_TRUST = next(t for t, ind in PLANTED_OUTLIERS.items() if "WAIT-01" in ind)


def test_a_report_of_real_compute_output_renders_and_leaks_nothing(
    medium, medium_extract, tmp_path
):
    """The medium extract's results (months and SPC included) as a trust reads them."""
    extract, results = medium_extract, tmp_path / "results"
    write_results(medium, results)
    rendered = render_reports(
        results, tmp_path / "reports", trusts=[SLOW_TRUST], jobs=1, national=False
    )
    assert rendered.ok, (rendered.failed, rendered.leaks)
    html = (tmp_path / "reports" / f"{SLOW_TRUST}_{rendered.period}_nb.html").read_text("utf-8")
    assert "Sykehuset Innlandet HF" in html
    assert "prosesskontroll" in html  # the monthly WAIT indicators' SPC charts
    ids = read_patient_ids(extract)
    assert ids
    assert not any(pid in html for pid in list(ids)[:2000])
