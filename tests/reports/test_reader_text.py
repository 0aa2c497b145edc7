"""What a reader sees: the text of tables, notes and charts, from a hand-made results table.

Every value here is written out by hand (no compute engine), so each expected text is
worked from the row it comes from:

- Finnmark, LEVEL-02, 2025: withheld as a small count although its n is 7 (the
  complement, those without the event, is 1); the published row has no n.
- Finnmark, SOM-01, 2025: observed O = 14, expected E = 22.46, O/E = 0.62.
- WAIT-01, 2025: Bergen and Innlandet both have a median of 27.0 days; their means are
  25.0 and 38.0 days, so their goal levels differ (high below 30 days, moderate below 45).
- WAIT-02, 2025: four trusts in a funnel; Innlandet above the 99.8 % adjusted limit,
  Fonna below the 95 % one.
- Finnmark, WAIT-02, 2023-T1 and 2023-T3: withheld as secondary suppression.
- Diakonhjemmet has no LEVEL-01 row at the catchment level in any period.
- PATH-01, 2025 and 2025-T3: incomplete (``follow_up``: not every pathway was decided by
  the extract date); nationally 75,0 % in 2024 and 70,0 % in 2025.
"""

from __future__ import annotations

import re

import polars as pl
import pytest

from indicators.reports.data import ResultsData
from indicators.reports.national import NationalOverview
from indicators.reports.trust import TrustReport
from indicators.results import CURVE_SCHEMA, INDICATOR_SCHEMA, VARIATION_SCHEMA, conform

FINNMARK = "983974880"
BERGEN = "983974724"
INNLANDET = "983971709"
FONNA = "983974694"
DIAKONHJEMMET = "974116804"


def _row(indicator_id: str, unit_id: str, period: str, **values) -> dict:
    level = values.pop("level", "national" if unit_id == "NO" else "trust")
    return {
        "indicator_id": indicator_id,
        "level": level,
        "unit_id": unit_id,
        "unit_name": unit_id,
        "period": period,
        "period_type": "tertial" if "-T" in period else "year",
        **values,
    }


def _funnel(flag_998: str, flag_95: str) -> dict:
    limits = {
        "funnel_target": 0.08,
        "funnel_low_95": 0.05,
        "funnel_high_95": 0.11,
        "funnel_low_998": 0.03,
        "funnel_high_998": 0.13,
        "funnel_low_95_od": 0.05,
        "funnel_high_95_od": 0.11,
        "funnel_low_998_od": 0.03,
        "funnel_high_998_od": 0.13,
    }
    flags = {"funnel_flag_998_od": flag_998, "funnel_flag_95_od": flag_95}
    return {**limits, **flags, "funnel_flag_998": flag_998, "funnel_flag_95": flag_95}


ROWS = [
    # LEVEL-02: n = 7 with one without the event: withheld, no n published.
    _row("LEVEL-02", FINNMARK, "2025", suppressed="small_count"),
    _row("LEVEL-02", "NO", "2025", numerator=90.0, denominator=200.0, value=0.45),
    # SOM-01: O = 14, E = 22.46.
    _row("SOM-01", FINNMARK, "2025", numerator=14.0, denominator=22.46, value=0.62),
    _row("SOM-01", "NO", "2025", numerator=700.0, denominator=1000.0, value=0.7),
    # WAIT-01: the same median, different means.
    _row(
        "WAIT-01",
        FINNMARK,
        "2025",
        denominator=50.0,
        value=30.0,
        mean_days=33.0,
        target_level="moderate",
    ),
    _row(
        "WAIT-01", BERGEN, "2025", denominator=80.0, value=27.0, mean_days=25.0, target_level="high"
    ),
    _row(
        "WAIT-01",
        INNLANDET,
        "2025",
        denominator=90.0,
        value=27.0,
        mean_days=38.0,
        target_level="moderate",
    ),
    _row("WAIT-01", "NO", "2025", denominator=900.0, value=28.0, mean_days=31.0),
    # WAIT-02: a funnel with one trust above 99.8 % and one below 95 %.
    _row("WAIT-02", FINNMARK, "2025", denominator=100.0, value=0.08, **_funnel("within", "within")),
    _row("WAIT-02", BERGEN, "2025", denominator=300.0, value=0.09, **_funnel("within", "within")),
    _row("WAIT-02", INNLANDET, "2025", denominator=400.0, value=0.2, **_funnel("high", "high")),
    _row("WAIT-02", FONNA, "2025", denominator=250.0, value=0.04, **_funnel("within", "low")),
    _row("WAIT-02", "NO", "2025", denominator=9000.0, value=0.08),
    _row("WAIT-02", "NO", "2024", denominator=9000.0, value=0.1),
    _row("WAIT-02", FINNMARK, "2023-T1", suppressed="secondary"),
    _row("WAIT-02", FINNMARK, "2023-T2", denominator=40.0, value=0.1),
    _row("WAIT-02", FINNMARK, "2023-T3", suppressed="secondary"),
    _row("WAIT-02", FINNMARK, "2025-T1", denominator=40.0, value=0.1),
    _row("WAIT-02", DIAKONHJEMMET, "2025", denominator=300.0, value=0.07),
    # LEVEL-01: at the catchment level; Diakonhjemmet has none.
    _row("LEVEL-01", FINNMARK, "2025", level="catchment", denominator=60.0, value=0.2),
    _row("LEVEL-01", "NO", "2025", denominator=3000.0, value=0.22),
    _row("LEVEL-01", "NO", "2024", denominator=3000.0, value=0.25),
    _row("WAIT-01", "NO", "2024", denominator=900.0, value=28.0, mean_days=30.0),
    _row("WAIT-01", FINNMARK, "2025-T1", denominator=20.0, value=29.0, mean_days=31.0),
    # PATH-01: the last year and tertial do not hold every pathway.
    _row("PATH-01", FINNMARK, "2025", denominator=60.0, value=0.7, period_incomplete="follow_up"),
    _row("PATH-01", FINNMARK, "2025-T2", denominator=20.0, value=0.72),
    _row(
        "PATH-01", FINNMARK, "2025-T3", denominator=20.0, value=0.6, period_incomplete="follow_up"
    ),
    _row("PATH-01", "NO", "2024", denominator=900.0, value=0.75),
    _row("PATH-01", "NO", "2025", denominator=900.0, value=0.7, period_incomplete="follow_up"),
]


@pytest.fixture(scope="module")
def data() -> ResultsData:
    frame = pl.DataFrame(ROWS, infer_schema_length=None)
    return ResultsData(
        indicators=conform(frame, INDICATOR_SCHEMA),
        variation=pl.DataFrame(schema=VARIATION_SCHEMA),
        curves=pl.DataFrame(schema=CURVE_SCHEMA),
        manifest={"period_start": "2023-01-01", "period_end": "2025-12-31"},
    )


def _text(html: str) -> str:
    """What a reader reads: the text of the HTML, tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&lt;", "<").strip()


def _summary_row(html: str, indicator_id: str) -> str:
    row = re.search(rf'<tr><td><a href="#ind-{indicator_id}">.*?</tr>', html)
    assert row, indicator_id
    return _text(row.group(0))


def _section(report: TrustReport, indicator_id: str) -> str:
    return " ".join(
        _text(p._repr_html_())
        for p in report.indicator_section(indicator_id)
        if hasattr(p, "_repr_html_")
    )


def test_a_row_withheld_for_its_complement_says_why_and_shows_no_false_n(data):
    html = TrustReport(data, trust_id=FINNMARK, period="2025").summary()._repr_html_()
    row = _summary_row(html, "LEVEL-02")
    assert "skjult: lite antall" in row
    assert row.count("<5") == 2  # the value and its interval, never the count
    assert "Ikke vist (verdien er skjult)" in row  # not "not assessed"
    assert "(antallet i alt kan godt være større enn fem)" in _text(html)


def test_an_observed_expected_row_shows_both_counts_labelled(data):
    html = TrustReport(data, trust_id=FINNMARK, period="2025").summary()._repr_html_()
    assert "observert 14, forventet 22,5" in _summary_row(html, "SOM-01")
    en = TrustReport(data, trust_id=FINNMARK, period="2025", lang="en").summary()
    assert "observed 14, expected 22.5" in _summary_row(en._repr_html_(), "SOM-01")


def test_waiting_time_shows_the_mean_its_goal_colour_is_judged_on(data):
    bergen = TrustReport(data, trust_id=BERGEN, period="2025").summary()._repr_html_()
    innlandet = TrustReport(data, trust_id=INNLANDET, period="2025").summary()._repr_html_()
    assert "median 27,0 dager gjennomsnitt 25,0 dager" in _summary_row(bergen, "WAIT-01")
    assert "median 27,0 dager gjennomsnitt 38,0 dager" in _summary_row(innlandet, "WAIT-01")
    assert "Høy (vurdert på gjennomsnittet)" in _summary_row(bergen, "WAIT-01")
    assert "Middels (vurdert på gjennomsnittet)" in _summary_row(innlandet, "WAIT-01")
    assert "det nasjonale målet og fargen for måloppnåelse gjelder gjennomsnittlig" in _text(bergen)


def test_the_waiting_time_chart_draws_the_mean_it_colours(data):
    from indicators.charts import ChartView

    report = TrustReport(data, trust_id=BERGEN, period="2025")
    chart = next(p for p in report.indicator_section("WAIT-01") if isinstance(p, ChartView))
    drawn = {r["axis_label"]: r["value"] for r in chart.spec["datasets"]["units"]}
    assert drawn == {"Bergen": 25.0, "Innlandet": 38.0, "Finnmark": 33.0}
    assert chart.spec["datasets"]["national"] == [{"national": 31.0}]
    assert "Gjennomsnittlig ventetid (dager)" in chart.svg


def test_the_waiting_time_trend_is_titled_as_the_median_it_draws(data):
    from indicators.charts import ChartView

    report = TrustReport(data, trust_id=FINNMARK, period="2025")
    section = _section(report, "WAIT-01")
    assert "Finnmark : median 30,0 dager" in section
    assert "Gjennomsnittlig ventetid, som målet og fargen for måloppnåelse gjelder: 33,0" in section
    trend = next(
        p
        for p in report.indicator_section("WAIT-01")
        if isinstance(p, ChartView) and "tertial" in p.description
    )
    assert "Median ventetid (dager)" in trend.svg


def test_a_catchment_indicator_says_the_trust_has_no_catchment_area(data):
    report = TrustReport(data, trust_id=DIAKONHJEMMET, period="2025")
    section = _section(report, "LEVEL-01")
    assert "har ikke et eget opptaksområde" in section
    assert "Ingen publiserbare tall" not in section
    assert "ikke eget opptaksområde" in _summary_row(report.summary()._repr_html_(), "LEVEL-01")


def test_a_yearly_indicator_in_a_tertial_report_says_it_is_yearly(data):
    report = TrustReport(data, trust_id=FINNMARK, period="2025-T1")
    assert "beregnes bare per år, ikke per tertial" in _section(report, "SOM-01")
    assert "verdien for 2025 står i rapporten for 2025" in _section(report, "SOM-01")
    assert "bare per år" in _summary_row(report.summary()._repr_html_(), "SOM-01")


def test_periods_missing_from_a_trend_are_named_once_with_their_reason(data):
    section = _section(TrustReport(data, trust_id=FINNMARK, period="2025"), "WAIT-02")
    assert (
        "Grafen mangler verdien for Finnmark i 2023-T1 og 2023-T3 "
        "(holdt tilbake for å skjerme et lite antall et annet sted)."
    ) in section
    assert "(skjult)" not in section


def test_funnel_outliers_are_named_on_the_chart_and_listed_under_it(data):
    from indicators.charts import ChartView

    report = TrustReport(data, trust_id=FINNMARK, period="2025")
    parts = list(report.indicator_section("WAIT-02"))
    funnel = next(p for p in parts if isinstance(p, ChartView))
    assert [r["unit_name"] for r in funnel.spec["datasets"]["flagged"]] == ["Innlandet"]
    assert ">Innlandet</text>" in funnel.svg
    assert (
        "Helseforetak utenfor grensene (justert for overspredning): "
        "Over 99,8 %-grensen: Innlandet. Under 95 %-grensen: Fonna."
    ) in _section(report, "WAIT-02")


def test_charts_read_out_in_bokmal_and_title_axes_by_what_they_show(data):
    from indicators.charts import ChartView

    report = TrustReport(data, trust_id=FINNMARK, period="2025")
    charts = [
        p
        for ind in ("WAIT-01", "WAIT-02")
        for p in report.indicator_section(ind)
        if isinstance(p, ChartView)
    ]
    # Vega still writes "Title text '...'" on a title, inside a group hidden from screen
    # readers (``aria: false`` gives it aria-hidden); everything read out is bokmål.
    for chart in charts:
        for title in re.finditer(r'aria-label="(?:Sub)?[Tt]itle text', chart.svg):
            group = chart.svg.rfind('<g class="mark-group role-title"', 0, title.start())
            assert 'aria-hidden="true"' in chart.svg[group : chart.svg.find(">", group)]
    read_out = " ".join(
        label
        for chart in charts
        for label in re.findall(r'aria-label="([^"]*)"', chart.svg)
        if not label.startswith(("Title text", "Subtitle text"))
    )
    for english in ("X-axis", "Y-axis", "titled", "value:", "legend for", "for a linear"):
        assert english not in read_out
    assert "Innlandet; Andel (%): 20,0 %; Antall (n): 400; Over 99,8 %-grensen" in read_out
    assert all(' lang="nb"' in chart.svg.split(">", 1)[0] for chart in charts)
    axis_titles = [
        enc["title"]
        for chart in charts
        for layer in chart.spec.get("layer", [])
        for enc in layer.get("encoding", {}).values()
        if isinstance(enc, dict) and "title" in enc and enc["title"]
    ]
    assert "Verdi" not in axis_titles
    assert "Andel (%)" in axis_titles


def test_report_sections_are_marked_as_bokmal(data):
    report = TrustReport(data, trust_id=FINNMARK, period="2025")
    assert report.summary()._repr_html_().startswith('<div class="ind-report" lang="nb">')


def test_methods_appendix_names_no_field_of_the_extract_and_no_file(data):
    text = _text(TrustReport(data, trust_id=FINNMARK, period="2025").methods()._repr_html_())
    for raw in ("assigned_level", "housing = homeless", "SOURCES.md", "received_date"):
        assert raw not in text
    assert "tildelt døgnbehandling" in text


def test_national_overview_has_contents_national_trends_and_outliers_per_indicator(data):
    overview = NationalOverview(data, period="2025")
    contents = overview.contents()._repr_html_()
    assert 'href="#national-values"' in contents
    assert 'href="#outliers-WAIT-02"' in contents
    values = _text(overview.national_values()._repr_html_())
    # WAIT-02 went from 10,0 % to 8,0 %: 2 percentage points down, lower is better.
    assert "WAIT-02 Vurdering ikke ferdig innen 10 virkedager (TSB) 10,0 % 8,0 %" in values
    assert "−2,0 prosentpoeng bedre" in values
    # LEVEL-01 has no goal: its change has no better or worse.
    assert "25,0 % 22,0 % −3,0 prosentpoeng ingen målretning" in values
    # WAIT-01: the median beside the mean its goal is on; the median did not change.
    assert (
        "median 28,0 dager gjennomsnitt 30,0 dager median 28,0 dager gjennomsnitt 31,0 dager "
        "0,0 dager uendret"
    ) in values
    outliers = overview.outliers()._repr_html_()
    for indicator in ("WAIT-01", "WAIT-02", "LEVEL-01", "LEVEL-02", "SOM-01"):
        assert f'id="outliers-{indicator}"' in outliers
    wait02 = outliers.split('id="outliers-WAIT-02"')[1].split("<h3")[0]
    assert "Innlandet" in _text(wait02)
    assert "Fonna" not in _text(wait02)  # below 95 %, not beyond 99.8 %
    wait01 = outliers.split('id="outliers-WAIT-01"')[1].split("<h3")[0]
    assert "ingen kontrollgrenser" in _text(wait01)


def test_an_incomplete_period_is_named_in_table_section_trend_and_national_values(data):
    from indicators.charts import ChartView

    report = TrustReport(data, trust_id=FINNMARK, period="2025")
    summary = report.summary()._repr_html_()
    assert "70,0 % ufullstendig periode" in _summary_row(summary, "PATH-01")
    assert (
        "Ufullstendig periode, ikke direkte sammenlignbar med hele perioder: PATH-01: ikke "
        "alle tilfeller var avgjort ved uttrekksdatoen."
    ) in _text(summary)
    section = _section(report, "PATH-01")
    assert "Ufullstendig periode: ikke alle tilfeller var avgjort ved uttrekksdatoen" in section
    assert (
        "Hule punkter: ufullstendig periode (2025-T3: ikke alle tilfeller var avgjort ved "
        "uttrekksdatoen)."
    ) in section
    trend = next(
        p
        for p in report.indicator_section("PATH-01")
        if isinstance(p, ChartView) and "tertial" in p.description
    )
    hollow = {r["period"] for r in trend.spec["datasets"]["trend"] if r["incomplete"]}
    assert hollow == {"2025-T3"}
    assert "Periode: 2025-T3; Andel (%): 60,0 %; 95 % konfidensintervall: –; ufullstendig" in (
        trend.svg
    )
    values = _text(NationalOverview(data, period="2025").national_values()._repr_html_())
    # 75,0 % to 70,0 % would read "worse"; the year is incomplete, so it says that instead.
    assert "75,0 % 70,0 % ufullstendig periode −5,0 prosentpoeng ufullstendig periode" in values


def test_the_mean_interval_is_shown_beside_the_median_interval_when_published(data):
    """Results that carry mean_ci_low/mean_ci_high (WAIT-01) show the mean's interval."""
    with_mean_ci = ResultsData(
        indicators=data.indicators.with_columns(
            pl.when(pl.col("indicator_id") == "WAIT-01")
            .then(pl.col("mean_days") - 2.0)
            .alias("mean_ci_low"),
            pl.when(pl.col("indicator_id") == "WAIT-01")
            .then(pl.col("mean_days") + 2.0)
            .alias("mean_ci_high"),
        ),
        variation=data.variation,
        curves=data.curves,
        manifest=data.manifest,
    )
    report = TrustReport(with_mean_ci, trust_id=BERGEN, period="2025")
    row = _summary_row(report.summary()._repr_html_(), "WAIT-01")
    assert "median 27,0 dager gjennomsnitt 25,0 dager – 23,0–27,0 dager" in row
    chart = next(
        p for p in report.indicator_section("WAIT-01") if hasattr(p, "spec")
    )  # the caterpillar of the means, with their intervals
    bergen = next(r for r in chart.spec["datasets"]["units"] if r["axis_label"] == "Bergen")
    assert (bergen["value"], bergen["ci_low"], bergen["ci_high"]) == (25.0, 23.0, 27.0)


def test_national_outlier_tables_sit_under_their_indicator_without_repeating_it(data):
    outliers = NationalOverview(data, period="2025").outliers()._repr_html_()
    wait02 = outliers.split('id="outliers-WAIT-02"')[1].split("<h3")[0]
    assert "<th>Indikator</th>" not in wait02
    assert "<th>Helseforetak</th>" in wait02


def test_waiting_time_flags_without_published_limits_name_the_outliers(data):
    """WAIT-01 publishes flags on the mean but no limits: Innlandet (38 days) is high."""
    flagged = pl.when(pl.col("indicator_id") != "WAIT-01").then(pl.col("funnel_flag_998_od"))
    flags = ResultsData(
        indicators=data.indicators.with_columns(
            flagged.when(pl.col("unit_id") == INNLANDET)
            .then(pl.lit("high"))
            .when(pl.col("unit_id") != "NO")
            .then(pl.lit("within"))
            .alias("funnel_flag_998_od")
        ),
        variation=data.variation,
        curves=data.curves,
        manifest=data.manifest,
    )
    report = TrustReport(flags, trust_id=BERGEN, period="2025")
    section = _section(report, "WAIT-01")
    assert "Helseforetak utenfor grensene (justert for overspredning): " in section
    assert "Over 99,8 %-grensen: Innlandet." in section
    assert "men grensene vises ikke" in section
    assert "Rute: helseforetaket ligger utenfor 99,8 %-grensene" in section
    chart = next(p for p in report.indicator_section("WAIT-01") if hasattr(p, "spec"))
    diamond = {r["axis_label"]: r["position"] for r in chart.spec["datasets"]["units"]}
    assert diamond["Innlandet"] == "Utenfor 99,8 %-grensene (justert)"
    outliers = NationalOverview(flags, period="2025").outliers()._repr_html_()
    wait01 = _text(outliers.split('id="outliers-WAIT-01"')[1].split("<h3")[0])
    assert "Innlandet 38,0 dager" in wait01  # the mean it is judged on
