"""Sections of the trust report and the national overview, read from a results directory."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indicators.reports import NationalOverview, NoTrustDataError, PeriodError, TrustReport
from indicators.reports.data import RESULTS_ENV, ResultsData, default_results_dir

from .conftest import (
    MISSING_TRUST,
    OUTLIER_TRUST,
    SECONDARY_TRUST,
    SMALL_COUNT_TRUST,
    TOO_FEW_TRUST,
    build_results,
)


def _cell(html: str, indicator: str) -> str:
    match = re.search(rf'<td[^>]*data-indicator="{indicator}"[^>]*>([^<]*)</td>', html)
    assert match, indicator
    return match.group(1)


def test_the_default_period_is_the_latest_full_year(results_dir):
    assert ResultsData.read(results_dir).default_period() == "2025"


def test_an_unknown_period_is_refused_naming_the_periods_there_are(results_dir):
    with pytest.raises(PeriodError, match="2024-T1"):
        TrustReport.load(results_dir, trust_id=SMALL_COUNT_TRUST, period="2019")


def test_a_trust_without_rows_cannot_have_a_report(results_dir):
    with pytest.raises(NoTrustDataError, match=MISSING_TRUST):
        TrustReport.load(results_dir, trust_id=MISSING_TRUST)


def test_header_states_period_extract_fingerprint_version_and_synthetic_banner(results_dir):
    html = TrustReport.load(results_dir, trust_id=SMALL_COUNT_TRUST).header()._repr_html_()
    assert "Finnmarkssykehuset HF" in html
    assert "Helse Nord RHF" in html
    assert "2025-12-31" in html
    assert "sha256:3f1c0d9a" in html
    assert "0.1.0" in html
    assert 'data-synthetic="true"' in html
    assert "SYNTETISKE DATA" in html


@pytest.mark.parametrize(("lang", "too_few"), [("nb", "for få"), ("en", "too few")])
def test_summary_shows_suppressed_values_as_their_reason(results_dir, lang, too_few):
    small = TrustReport.load(results_dir, trust_id=SMALL_COUNT_TRUST, lang=lang)
    assert _cell(small.summary()._repr_html_(), "WAIT-02") == "&lt;5"
    few = TrustReport.load(results_dir, trust_id=TOO_FEW_TRUST, lang=lang)
    assert _cell(few.summary()._repr_html_(), "SOM-01") == too_few


@pytest.mark.parametrize(
    ("lang", "withheld", "footnote"),
    [("nb", "skjult", "(sekundær skjerming)"), ("en", "withheld", "(secondary suppression)")],
)
def test_a_value_withheld_by_secondary_suppression_reads_withheld_with_a_footnote(
    results_dir, lang, withheld, footnote
):
    html = TrustReport.load(results_dir, trust_id=SECONDARY_TRUST, lang=lang).summary()
    assert _cell(html._repr_html_(), "WAIT-02") == withheld
    assert footnote in html._repr_html_()


def _section_html(report: TrustReport, indicator: str) -> str:
    return "".join(
        p._repr_html_() for p in report.indicator_section(indicator) if hasattr(p, "_repr_html_")
    )


def test_funnel_caption_reports_phi_tau2_and_which_limits_are_drawn(results_dir):
    html = _section_html(TrustReport.load(results_dir, trust_id=OUTLIER_TRUST), "WAIT-02")
    assert "φ = 1,80, τ² = 0,00040 (18 enheter)" in html
    assert "Heltrukne linjer: kontrollgrenser på 95 % og 99,8 % justert for overspredning" in html
    assert "Stiplede linjer: ujusterte grenser" in html
    assert "skjult" not in html


def test_a_withheld_trust_is_named_as_missing_from_its_funnel_and_trend(results_dir):
    html = _section_html(TrustReport.load(results_dir, trust_id=SMALL_COUNT_TRUST), "WAIT-02")
    assert "Finnmark vises ikke i traktplottet: verdien er skjult (et antall under fem)." in html
    assert "Grafen mangler verdien for Finnmark i 2025-T2 (et antall under fem)." in html


def test_trend_has_a_legend_and_breaks_its_line_at_a_withheld_period(results_dir):
    from indicators.charts import ChartView

    report = TrustReport.load(results_dir, trust_id=SMALL_COUNT_TRUST)
    trend = next(
        p
        for p in report.indicator_section("WAIT-02")
        if isinstance(p, ChartView) and "tertial" in p.description
    )
    line = next(
        layer["encoding"]
        for layer in trend.spec["layer"]
        if (layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]) == "line"
    )
    assert line["color"]["legend"] is not None
    assert line["detail"]["field"] == "segment"
    rows = [r for r in trend.spec["datasets"]["trend"] if r["series"] == "Finnmark"]
    assert "2025-T2" not in [r["period"] for r in rows]
    segment = {r["period"]: r["segment"] for r in rows}
    assert segment["2025-T1"] != segment["2025-T3"]


def test_caterpillar_marks_the_trust_by_its_name_and_explains_the_diamonds(results_dir):
    overview = NationalOverview.load(results_dir)
    parts = list(overview.caterpillars())
    html = "".join(p._repr_html_() for p in parts if hasattr(p, "_repr_html_"))
    assert "Rute: helseforetaket ligger utenfor 99,8 %-grensene" in html
    from indicators.charts import caterpillar_chart

    report = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST)
    rows = report._level_rows(report.catalogue[1], "2025")
    chart = caterpillar_chart(rows, unit="fraction", highlight=OUTLIER_TRUST, lang="nb")
    spec = chart.spec
    axis = spec["layer"][1]["encoding"]["y"]["axis"]
    assert "Innlandet" in axis["labelFontWeight"]["expr"]
    assert "▶" not in json.dumps(spec, ensure_ascii=False)
    shape = spec["layer"][1]["encoding"]["shape"]
    assert shape["legend"] is not None
    assert "Utenfor 99,8 %-grensene (justert)" in shape["scale"]["domain"]


def test_summary_formats_numbers_in_the_report_language(results_dir):
    nb = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST).summary()._repr_html_()
    en = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST, lang="en").summary()._repr_html_()
    assert re.fullmatch(r"\d+,\d %", _cell(nb, "WAIT-02"))
    assert re.fullmatch(r"\d+\.\d%", _cell(en, "WAIT-02"))
    assert "Over 99,8 %-grensen" in nb  # the planted outlier
    # WAIT-02's goal cell: the results' level, in that level's colour.
    row = ResultsData.read(results_dir).indicators.filter(
        indicator_id="WAIT-02", unit_id=OUTLIER_TRUST, period="2025"
    )
    level = row["target_level"].item()
    colour = {"high": "#3BAA34", "moderate": "#FD9C00", "low": "#E30713"}[level]
    rows = re.findall(r"<tr>.*?</tr>", nb, re.DOTALL)
    (tr,) = [t for t in rows if 'data-indicator="WAIT-02"' in t]
    goal = re.findall(
        r'data-goal="(\w+)"[^>]*><span class="ind-goal" style="background:(#\w+)"', tr
    )
    assert goal == [(level, colour)]


def test_indicator_sections_have_funnel_trend_waiting_curve_and_variation(results_dir):
    from indicators.charts import ChartView

    report = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST)
    parts = list(report.indicator_sections())
    charts = [p.description for p in parts if isinstance(p, ChartView)]
    assert any(c.startswith("Traktplott: WAIT-02") for c in charts)
    assert any(c.startswith("WAIT-02") and c.endswith("Utvikling per tertial") for c in charts)
    assert any("Kaplan–Meier" in c for c in charts)
    html = "".join(p._repr_html_() for p in parts if hasattr(p, "_repr_html_"))
    assert 'data-table="variation"' in html


def test_a_chart_offers_interactive_vega_lite_and_offline_svg(results_dir):
    from indicators.charts import ChartView

    report = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST, lang="en")
    chart = next(p for p in report.indicator_sections() if isinstance(p, ChartView))
    bundle = chart._repr_mimebundle_()
    spec = bundle["application/vnd.vegalite.v5+json"]
    assert spec["datasets"]
    # The mimetype names the version the spec is written in, one JupyterLab 4 draws.
    assert re.fullmatch(
        r"https://vega\.github\.io/schema/vega-lite/v5[.0-9]*\.json", spec["$schema"]
    )
    svg = bundle["image/svg+xml"]
    assert svg.startswith("<svg")
    assert not re.search(r"(?:href|src)=\"(?:https?:)?//", svg)


def _decimals(text: str) -> list[int]:
    """How many digits follow each decimal separator in ``text`` (bokmål numbers)."""
    return [len(d) for d in re.findall(r"\d,(\d+)", text)]


def test_charts_read_out_and_carry_numbers_as_the_report_prints_them(results_dir):
    """Screen readers and tooltips get "13,3 %", never "0,13298..."; the data is rounded."""
    from indicators.charts import ChartView
    from indicators.charts.display import DATA_DECIMALS

    report = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST)
    charts = [
        p
        for ind in ("WAIT-01", "WAIT-02", "SOM-01")  # caterpillar, trend, waiting curve, funnels,
        for p in report.indicator_section(ind)  # and the SPC charts of WAIT-01 and WAIT-02
        if isinstance(p, ChartView)
    ]
    assert len(charts) == 9
    for chart in charts:
        labels = re.findall(r'aria-label="([^"]*)"', chart.svg)
        assert max(_decimals(" ".join(labels)), default=0) <= 2, chart.description
        floats = re.findall(r"\d\.(\d+)", json.dumps(chart.spec["datasets"]))
        assert max(map(len, floats)) <= DATA_DECIMALS, chart.description
    trend = next(
        c for c in charts if c.description.startswith("WAIT-02") and "tertial" in c.description
    )
    point = re.search(r'aria-label="(Innlandet; Periode: 2024-T1; [^"]*)"', trend.svg)
    assert point is not None
    shown = (
        r"Innlandet; Periode: 2024-T1; Andel \(%\): \d+,\d %; "
        r"95 % konfidensintervall: \d+,\d–\d+,\d %"
    )
    assert re.fullmatch(shown, point.group(1)), point.group(1)


def test_methods_appendix_is_generated_from_the_catalogue(results_dir):
    from indicators.catalogue import BY_ID

    html = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST).methods()._repr_html_()
    assert BY_ID["WAIT-02"].population_nb in html
    assert "illustrativt" in html


def test_bokmal_methods_appendix_translates_the_fixed_vocabulary_and_marks_the_rest():
    from dataclasses import replace

    from indicators.catalogue import BY_ID
    from indicators.reports.methods import indicator_definition_html

    wait02 = BY_ID["WAIT-02"]
    nb = indicator_definition_html(wait02, "nb")
    assert "Wilson-intervall" in nb
    assert wait02.method not in nb
    assert "datoen henvisningen ble mottatt" in nb
    assert "år, tertial" in nb
    assert wait02.population_nb in nb
    assert wait02.population not in nb
    en = indicator_definition_html(wait02, "en")
    assert wait02.method in en
    assert wait02.population in en
    assert "engelsk" not in en
    assert "year, tertial" in en
    # Text that has no bokmål version is shown in English and marked as such.
    untranslated = replace(wait02, population_nb="", numerator="a new definition")
    nb = indicator_definition_html(untranslated, "nb")
    assert f'<span lang="en">{wait02.population}</span>' in nb
    assert "(engelsk)" in nb


def test_every_definition_in_the_catalogue_reads_in_bokmal():
    from indicators.catalogue import CATALOGUE
    from indicators.reports.methods import methods_html

    html = methods_html(CATALOGUE, lang="nb")
    assert '<span lang="en">' not in html, "catalogue text without a bokmål version"
    assert "engelsk" not in html


def test_data_quality_warns_naming_where_it_looked_when_there_is_no_validation_record(
    results_dir,
):
    html = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST).data_quality()._repr_html_()
    assert 'class="ind-warning"' in html
    assert "Fant ingen valideringsrapport" in html
    assert str(results_dir.resolve() / "validation.json") in html


def test_a_relative_extract_path_in_the_manifest_is_found_from_any_working_directory(
    tmp_path, monkeypatch
):
    """compute ran in tmp_path as `indicators compute out/extract --out out/results`."""
    extract = tmp_path / "out" / "extract"
    extract.mkdir(parents=True)
    results = build_results(tmp_path / "out" / "results", extract=Path("out/extract"))
    _write_validation(extract / "validation.json", results, "REF-007")
    elsewhere = tmp_path / "out" / "reports" / "notebooks"  # where a report kernel runs
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    data = ResultsData.read(results)
    assert data.extract_path == extract.resolve()
    html = TrustReport(data, trust_id=OUTLIER_TRUST).data_quality()._repr_html_()
    assert "REF-007" in html
    assert "ind-warning" not in html


def test_notebooks_without_a_results_dir_read_the_one_named_by_the_environment(
    results_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv(RESULTS_ENV, str(results_dir))
    assert default_results_dir() == results_dir
    assert TrustReport.load(trust_id=OUTLIER_TRUST).data.directory == results_dir.resolve()
    # `nox -s lab` names the demo's output directory, which holds results/.
    demo = build_results(tmp_path / "demo" / "results")
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "demo"))
    assert default_results_dir() == demo


def test_without_the_environment_variable_notebooks_read_the_demo_results(tmp_path, monkeypatch):
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    demo = build_results(tmp_path / "outputs" / "demo" / "results")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")  # where JupyterLab runs the notebooks
    assert default_results_dir() == demo
    assert NationalOverview.load().data.directory == demo.resolve()


def _write_validation(path: Path, results: Path, rule_id: str) -> Path:
    """A report's validation.json as `indicators validate` writes it: one failed rule."""
    from indicators.outward import write_json
    from indicators.validate.schema import RuleRecord, ValidationRecord

    manifest = json.loads((results / "manifest.json").read_text("utf-8"))
    rule = RuleRecord(
        rule_id, "referrals", "failed", "error", "date_order", "row", ("received_date",),
        "dates in order", 1000, 1234, ("line 17",), ("2031-01-01",),
        by_trust={OUTLIER_TRUST: 12},
    )  # fmt: skip
    record = ValidationRecord(
        readable=True, passed=False, extract="x", fingerprint=manifest["extract_fingerprint"],
        extract_date="2026-01-31", extract_date_source="manifest", synthetic=True,
        validated_at="2026-02-01T08:00:00+00:00", indicators_version="0.1.0", rules=(rule,),
    )  # fmt: skip
    return write_json(path, record.to_dict())


def test_data_quality_shows_the_failed_rules_of_a_validation_record(results_dir, tmp_path):
    record = _write_validation(tmp_path / "validation.json", results_dir, "referrals.dates.order")
    report = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST, lang="en", validation=record)
    html = report.data_quality()._repr_html_()
    assert "did not pass" in html
    assert "referrals.dates.order" in html
    assert "1,234" in html
    assert 'data-rows="12"' in html
    assert "ind-warning" not in html
    nb = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST, validation=record)
    assert "1 234" in nb.data_quality()._repr_html_()


def test_a_validation_record_of_an_older_version_is_named_not_guessed_at(results_dir, tmp_path):
    record = tmp_path / "validation.json"
    record.write_text(
        '{"passed": false, "results": [{"rule_id": "referrals.dates.order", "success": false,'
        ' "unexpected": 12, "severity": "error", "message": "dates in order"}]}',
        "utf-8",
    )
    report = TrustReport.load(results_dir, trust_id=OUTLIER_TRUST, lang="en", validation=record)
    html = report.data_quality()._repr_html_()
    assert 'class="ind-warning"' in html
    assert "cannot be read by this version of the program" in html
    assert "written by an older version of indicators" in html
    assert "referrals.dates.order" not in html


def test_national_overview_lists_the_planted_outlier(results_dir):
    overview = NationalOverview.load(results_dir, lang="en")
    html = overview.outliers()._repr_html_()
    assert "Innlandet" in html
    assert 'data-table="variation"' in overview.variation()._repr_html_()
