"""The leak check finds what must not leave the package, and names the file."""

from __future__ import annotations

import json
from pathlib import Path

from indicators.reports.leaks import check_leaks, scan_text

from .conftest import OUTLIER_TRUST

#: A valid fødselsnummer (check digits pass), as in the reference tests.
FNR = "01010012356"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def test_a_planted_patient_id_of_the_extract_is_found_and_the_file_named(tmp_path):
    clean = _write(tmp_path / "a.html", "<p>Helse Bergen: 72,4 %</p>")
    leaky = _write(tmp_path / "b.html", "<p>Helse Bergen: 72,4 % (pasient X7Q2ZK19)</p>")
    leaks = check_leaks([tmp_path], patient_ids=frozenset({"X7Q2ZK19", "Y0000000"}))
    assert [(x.path, x.kind) for x in leaks] == [(leaky, "patient_id")]
    assert clean not in {x.path for x in leaks}
    assert "X7Q2ZK19" not in str(leaks[0])  # the finding masks the id


def test_an_id_shaped_like_the_pseudonyms_is_found_without_the_extract(tmp_path):
    _write(tmp_path / "r.html", "<td>P12345678</td>")
    assert [x.kind for x in check_leaks([tmp_path])] == ["patient_id"]


def test_a_fodselsnummer_is_found_but_decimals_and_hex_are_not():
    assert scan_text(f"<td>{FNR}</td>") == [("fodselsnummer", "010********")]
    assert scan_text(f"<path d='M0.{FNR},3'/> sha:a{FNR}f") == []


def test_a_count_below_five_in_a_count_cell_is_found():
    assert scan_text('<td data-count="3">3</td>') == [("small_count", "data-count=3")]
    assert scan_text('<td data-count="5">5</td><td data-count="0">0</td>') == []


def test_a_withheld_value_printed_as_a_number_is_found():
    found = scan_text('<td data-suppressed="too_few">12,5 %</td>')
    assert found == [("suppressed_value", "too_few shown as 12,5 %")]
    assert scan_text('<span data-suppressed="too_few">for få</span>') == []
    assert scan_text('<td data-suppressed="secondary">skjult</td>') == []
    assert scan_text('<td data-suppressed="secondary">withheld</td>') == []
    assert scan_text('<td data-suppressed="secondary">41</td>') == [
        ("suppressed_value", "secondary shown as 41")
    ]


def test_anything_fetched_from_the_network_is_found():
    kinds = [k for k, _ in scan_text('<script src="https://cdn.example/x.js"></script>')]
    assert kinds == ["external_reference"]
    assert scan_text("<style>a { background: url(//cdn.example/i.png) }</style>")


def test_a_notebook_is_scanned_through_its_outputs(tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "report.summary()",
                "outputs": [{"output_type": "display_data", "data": {"text/html": "P87654321"}}],
            }
        ]
    }
    path = _write(tmp_path / "r.ipynb", json.dumps(nb))
    assert [(x.path, x.kind) for x in check_leaks([path])] == [(path, "patient_id")]


#: A chart as altair embeds it in a page (the spec is an argument of a script).
EMBEDDED = """<p>2025: 72,4 % (n = 1 234)</p><div id="c"></div><script>
(function(spec, embedOpt){{ vegaEmbed("#c", spec, embedOpt); }})({spec}, {{"mode": "vega-lite"}});
</script>"""


def _spec(rows: list[dict]) -> dict:
    return {"title": "WAIT-02: Trakt", "mark": "point", "datasets": {"others": rows}}


def test_a_small_count_in_the_data_of_a_chart_embedded_in_a_page_is_found():
    rows = [
        {"unit_name": "Bergen", "period": "2025", "numerator": 3, "denominator": 40.0},
        {"unit_name": "Fonna", "period": "2025", "numerator": 12, "value": 0.3, "n_text": "40"},
    ]
    found = scan_text(EMBEDDED.format(spec=json.dumps(_spec(rows))))
    where = "script chart 'WAIT-02: Trakt' dataset 'others' row 0 (Bergen)"
    assert found == [("small_count", f"{where}: numerator=3")]


def test_a_withheld_row_of_chart_data_may_carry_no_count_or_value():
    rows = [{"unit_name": "Bergen", "suppressed": "small_count", "numerator": 3, "n_text": "<5"}]
    page = f'<script type="application/json">{json.dumps(_spec(rows))}</script>'
    where = "script chart 'WAIT-02: Trakt' dataset 'others' row 0 (Bergen)"
    assert scan_text(page) == [
        ("suppressed_value", f"{where} is withheld (small_count) but carries numerator=3")
    ]
    shown_as_withheld = [{"unit_name": "Bergen", "suppressed": "small_count", "n_text": "<5"}]
    assert scan_text(f"<script>{json.dumps(_spec(shown_as_withheld))}</script>") == []


def test_a_small_count_read_out_by_a_mark_of_an_svg_chart_is_found():
    svg = (
        '<svg role="img" aria-label="Traktplott: WAIT-02"><g>'
        '<path aria-roledescription="point" aria-label="Antall (n): 3; Verdi: 21 %; period: 2024">'
        '</path><path aria-roledescription="circle" aria-label="Number (n): 1 234; Value: 4 %">'
        '</path><path aria-roledescription="point" '
        'aria-label="Forventet antall (E): 3; Verdi: 1,2">'
        '</path><path aria-label="n: 2; Andel som venter: 3 %"></path></g></svg>'
    )
    assert scan_text(svg) == [
        ("small_count", "chart 'Traktplott: WAIT-02' point aria-label: Antall (n)=3"),
        ("small_count", "chart 'Traktplott: WAIT-02' path aria-label: n=2"),
    ]


def test_a_small_count_in_a_column_of_counts_is_found_and_a_withheld_one_is_not():
    table = (
        '<table class="ind-table" data-table="summary"><thead><tr><th>Indikator</th>'
        "<th>Verdi</th><th>Antall (n)</th></tr></thead><tbody>"
        '<tr><td>WAIT-02</td><td class="num">3,0 %</td><td class="num">4</td></tr>'
        '<tr><td>SOM-01</td><td class="num">3</td><td class="num">3,2</td></tr>'
        '<tr><td>WAIT-01</td><td data-suppressed="small_count">&lt;5</td>'
        '<td class="num sup" data-suppressed="small_count">&lt;5</td></tr>'
        "</tbody></table>"
    )
    assert scan_text(table) == [("small_count", "table 'summary' row 1 column 'Antall (n)': 4")]


def test_a_chart_output_of_a_notebook_is_read_by_its_data(tmp_path):
    spec = _spec([{"unit_name": "Bergen", "denominator": 2.0, "value": 0.5}])
    svg = '<svg aria-label="Trakt"><path aria-label="ci_high: 1,64029024144"/></svg>'
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "Rapport for 2025"},
            {
                "cell_type": "code",
                "source": "report.funnel()",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": {
                            "application/vnd.vegalite.v5+json": spec,
                            "image/svg+xml": svg,
                            "text/plain": "Trakt",
                        },
                    }
                ],
            },
        ]
    }
    path = _write(tmp_path / "r.ipynb", json.dumps(nb))
    assert [(x.path, x.kind, x.detail) for x in check_leaks([path])] == [
        (
            path,
            "small_count",
            (
                "cell 1 output 0 (application/vnd.vegalite.v5+json): chart 'WAIT-02: Trakt' "
                "dataset 'others' row 0 (Bergen): denominator=2.0"
            ),
        ),
        (
            path,
            "unrounded_number",
            "cell 1 output 0 (image/svg+xml): chart 'Trakt' aria-label 'ci_high': 1,640290…",
        ),
    ]


def test_a_number_longer_than_it_is_shown_is_found_where_it_is_read():
    page = (
        '<p>Verdi: 0,21497584541 </p><svg aria-label="Trend">'
        '<g transform="translate(0.123456789,1)">'
        '<path d="M62.857142857142854,3" aria-label="period: 2024; ci_low: 0,570472975647"></path>'
        "</g></svg><p>Laget 2025-11-30T10:51:59.318719, 72,4 %, 12 345, 0,1234</p>"
    )
    assert scan_text(page) == [
        ("unrounded_number", "text: 0,214975…"),
        ("unrounded_number", "chart 'Trend' aria-label 'ci_low': 0,570472…"),
    ]
    spec = {"mark": "line", "datasets": {"trend": [{"value": 0.21497584541062803, "n": 40}]}}
    assert scan_text(f"<script>{json.dumps(spec)}</script>") == [
        ("unrounded_number", "script chart 'chart' field 'value': 0.214975…")
    ]


def test_a_run_record_with_unrounded_seconds_is_found(tmp_path):
    record = _write(tmp_path / "reports.json", json.dumps({"reports": [{"seconds": 2.4191075}]}))
    assert [(x.kind, x.detail) for x in check_leaks([record])] == [
        ("unrounded_number", "field 'seconds': 2.419107…")
    ]


def test_a_rendered_chart_that_shows_a_count_of_three_is_found_in_page_and_notebook(
    results_dir, tmp_path
):
    """A funnel drawn from a published row with n = 3, through the report's own converter."""
    import nbformat
    import polars as pl

    from indicators.charts import funnel_chart
    from indicators.reports.data import ResultsData
    from indicators.reports.render import notebook_to_html

    table = ResultsData.read(results_dir).indicators
    rows = table.filter(
        (pl.col("indicator_id") == "WAIT-02")
        & (pl.col("level") == "trust")
        & (pl.col("period") == "2025")
    ).with_columns(
        pl.when(pl.col("unit_id") == OUTLIER_TRUST)
        .then(3.0)
        .otherwise(pl.col("denominator"))
        .alias("denominator")
    )
    chart = funnel_chart(rows, unit="fraction", highlight=OUTLIER_TRUST, title="WAIT-02 2025")
    output = nbformat.v4.new_output("display_data", data=chart._repr_mimebundle_())
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("report.funnel(...)", outputs=[output])]
    )
    ipynb = tmp_path / "report.ipynb"
    nbformat.write(notebook, str(ipynb))
    page = notebook_to_html(nbformat.read(str(ipynb), as_version=4), tmp_path / "r.html", title="r")

    leaks = check_leaks([page, ipynb])
    assert {x.kind for x in leaks} == {"small_count"}  # nothing else in a real chart
    in_page = [x.detail for x in leaks if x.path == page]
    in_notebook = [x.detail for x in leaks if x.path == ipynb]
    assert "chart 'Traktplott: WAIT-02 2025' point aria-label: Antall (n)=3" in in_page
    assert (
        "cell 0 output 0 (application/vnd.vegalite.v5+json): chart 'WAIT-02 2025' dataset "
        "'mine' row 0 (Sykehuset Innlandet HF): denominator=3.0"
    ) in in_notebook
    assert any("n_text=3" in d for d in in_notebook)  # the count in its tooltip
