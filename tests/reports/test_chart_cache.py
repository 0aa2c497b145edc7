"""Charts built from cached specs: each trust's report shows its own trust, as built afresh.

The report worker keeps one kernel for many trusts, so the spec templates of one report
are reused by the next: a report must highlight its own trust only, hold no other
trust's data where it shows one trust, and be what a fresh build makes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from indicators.charts.display import ChartView, clear_spec_templates
from indicators.reports import ResultsData, TrustReport
from indicators.reports.html import Parts

from .conftest import OUTLIER_TRUST, SMALL_COUNT_TRUST


def _charts(data: ResultsData, trust_id: str) -> list[ChartView]:
    report = TrustReport(data, trust_id=trust_id)
    parts: list[Any] = [*report.indicator_sections()]
    flat = [p for part in parts for p in (part if isinstance(part, Parts) else [part])]
    return [p for p in flat if isinstance(p, ChartView)]


def _text(value: Any) -> str:
    """JSON of ``value`` without altair's running numbers of views and parameters."""
    return re.sub(r"(view|param)_\d+", r"\1_N", json.dumps(value, ensure_ascii=False))


def test_a_report_after_another_highlights_its_own_trust_only(results_dir):
    data = ResultsData.read(results_dir)
    clear_spec_templates()
    _charts(data, OUTLIER_TRUST)  # Innlandet first: its templates are reused below
    charts = _charts(data, SMALL_COUNT_TRUST)
    assert charts
    for chart in charts:
        spec, datasets = chart.spec, chart.spec["datasets"]
        if "mine" in datasets:  # a funnel: every trust, Finnmark's point marked
            assert {r["unit_name"] for r in datasets["mine"]} <= {"Finnmark"}
            assert "Innlandet" not in _text(datasets["mine"])
        elif "units" in datasets:  # a caterpillar: every trust, Finnmark's name marked
            axis = spec["layer"][0]["encoding"]["y"]["axis"]
            assert axis["labelFontWeight"]["expr"].startswith('datum.value === "Finnmark"')
            marked = [r["axis_label"] for r in datasets["units"] if r["is_highlight"]]
            assert [m.split(" (")[0] for m in marked] == ["Finnmark"]
        else:  # trend, SPC, waiting curve: Finnmark and the nation only
            assert "Innlandet" not in _text(spec)
            assert "Innlandet" not in chart.svg
            assert "Finnmark" in _text(spec)


def test_cached_charts_are_those_built_afresh(results_dir):
    data = ResultsData.read(results_dir)
    _charts(data, OUTLIER_TRUST)
    cached = [_text(c.spec) for c in _charts(data, SMALL_COUNT_TRUST)]
    clear_spec_templates()
    fresh = [_text(c.spec) for c in _charts(data, SMALL_COUNT_TRUST)]
    assert cached == fresh
