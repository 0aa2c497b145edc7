"""The runner's bookkeeping without kernels: warnings, the index and the run record."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from indicators.reports.data import ReportError, ResultsData
from indicators.reports.run import (
    RECORD,
    RenderResult,
    ReportOutcome,
    _leak_check_ids,
    _validation_warnings,
    plan_jobs,
    render_reports,
    write_index_and_record,
)

from .conftest import OUTLIER_TRUST, build_results


def _result(out: Path, *, warnings: list[str] | None = None) -> RenderResult:
    outcome = ReportOutcome(
        key=OUTLIER_TRUST,
        name="Sykehuset Innlandet HF",
        group="Helse Sør-Øst",
        ok=True,
        seconds=3.45,
        html=f"{OUTLIER_TRUST}_2025_nb.html",
        ipynb=f"{OUTLIER_TRUST}_2025_nb.ipynb",
        bytes=1_234_567,
    )
    return RenderResult(
        out=out,
        index=out / "index.html",
        period="2025",
        outcomes=[outcome],
        warnings=warnings or [],
    )


def test_a_leak_check_without_the_extract_says_it_fell_back_to_the_id_shape(tmp_path):
    results = build_results(tmp_path / "results", extract=tmp_path / "gone")
    data = ResultsData.read(results)
    path, ids, warnings = _leak_check_ids(data, None, "en")
    assert path is None
    assert ids == frozenset()
    assert len(warnings) == 1
    assert warnings[0].startswith("leak check: the extract was not found")
    assert str(tmp_path / "gone") in warnings[0]
    assert "shape only" in warnings[0]


def test_a_missing_validation_record_is_a_warning_of_the_run(tmp_path):
    data = ResultsData.read(build_results(tmp_path / "results"))
    (warning,) = _validation_warnings(data, "nb")
    assert warning.startswith("Ingen valideringsrapport funnet")
    assert str(data.directory / "validation.json") in warning


def test_index_shows_warnings_and_norwegian_numbers(tmp_path):
    data = ResultsData.read(build_results(tmp_path / "results"))
    out = tmp_path / "reports"
    out.mkdir()
    result = _result(out, warnings=["lekkasjekontroll: fant ikke uttrekket"])
    write_index_and_record(result, data=data, lang="nb", extract=None)
    index = result.index.read_text("utf-8")
    assert 'class="ind-warning"' in index
    assert "lekkasjekontroll: fant ikke uttrekket" in index
    assert '<td class="num">3,5</td>' in index
    assert '<td class="num">1 206 KB</td>' in index
    record = json.loads((out / RECORD).read_text("utf-8"))
    assert record["warnings"] == result.warnings
    assert record["patient_ids_checked"] is False
    assert result.leaks == []


def test_index_and_run_record_are_leak_checked_too(tmp_path):
    """An extract's id in a path named in a warning ends up in both files: both are findings.

    (An id of another shape than the pseudonyms': those are masked when written.)
    """
    data = ResultsData.read(build_results(tmp_path / "results"))
    out = tmp_path / "reports"
    out.mkdir()
    result = _result(out, warnings=["leak check: the extract was not found: /data/Q20250001"])
    write_index_and_record(
        result, data=data, lang="en", extract=None, patient_ids=frozenset({"Q20250001"})
    )
    found = {(x.path.name, x.kind) for x in result.leaks}
    assert found == {("index.html", "patient_id"), (RECORD, "patient_id")}
    assert not result.ok
    # Written again, naming the findings (the record masks the id).
    record = json.loads((out / RECORD).read_text("utf-8"))
    assert {x["detail"] for x in record["leaks"]} == {"Q20****** (in the extract)"}
    assert "leak check: index.html: patient_id" in (out / "index.html").read_text("utf-8")


def test_identifiers_in_the_index_and_run_record_are_masked_when_written(tmp_path):
    data = ResultsData.read(build_results(tmp_path / "results"))
    out = tmp_path / "reports"
    out.mkdir()
    warning = "the extract was not found: /data/01010012356/P20250001"
    result = _result(out, warnings=[warning])
    write_index_and_record(result, data=data, lang="en", extract=None)
    for name in ("index.html", RECORD):
        text = (out / name).read_text("utf-8")
        assert "01010012356" not in text
        assert "P20250001" not in text
        assert "***********/P********" in text


def test_a_report_of_an_edited_table_that_shows_a_small_count_is_refused(tmp_path):
    results = build_results(tmp_path / "results")
    table = pl.read_parquet(results / "indicators.parquet")
    # A person "restores" a withheld cell: a count of 3 is on show.
    edited = table.with_columns(
        pl.when(pl.col("suppressed") == "small_count")
        .then(pl.lit(3.0))
        .otherwise(pl.col("numerator"))
        .alias("numerator"),
        pl.when(pl.col("suppressed") == "small_count")
        .then(pl.lit(40.0))
        .otherwise(pl.col("denominator"))
        .alias("denominator"),
        pl.when(pl.col("suppressed") == "small_count")
        .then(None)
        .otherwise(pl.col("suppressed"))
        .alias("suppressed"),
    )
    edited.write_parquet(results / "indicators.parquet")
    with pytest.raises(ReportError, match=r"fail disclosure control.*numerator below 5"):
        render_reports(results, tmp_path / "out", period="2025")
    assert not (tmp_path / "out").exists()


def test_results_without_a_trust_in_the_period_and_no_overview_are_refused(tmp_path):
    results = build_results(tmp_path / "results", only=[])
    with pytest.raises(ReportError, match="no rows of any trust in 2025; no report to render"):
        render_reports(results, tmp_path / "out", national=False)
    assert not (tmp_path / "out").exists()


def test_results_holding_the_unsuppressed_table_are_refused(tmp_path):
    results = build_results(tmp_path / "results")
    (results / "INTERNAL-unsuppressed-indicators.parquet").write_bytes(b"x")
    with pytest.raises(ReportError, match="unsuppressed table is in the results directory"):
        render_reports(results, tmp_path / "out", period="2025")


def test_index_links_a_report_pdf_and_the_run_record_names_it(tmp_path):
    data = ResultsData.read(build_results(tmp_path / "results"))
    out = tmp_path / "reports"
    out.mkdir()
    result = _result(out)
    result.outcomes[0].pdf = f"{OUTLIER_TRUST}_2025_nb.pdf"
    result.outcomes[0].pdf_bytes = 2_048
    write_index_and_record(result, data=data, lang="nb", extract=None)
    index = result.index.read_text("utf-8")
    assert f'<a href="{OUTLIER_TRUST}_2025_nb.pdf" data-pdf="{OUTLIER_TRUST}_2025_nb.pdf">' in index
    (report,) = json.loads((out / RECORD).read_text("utf-8"))["reports"]
    assert report["pdf"] == f"{OUTLIER_TRUST}_2025_nb.pdf"
    assert report["pdf_bytes"] == 2_048


def test_reports_are_planned_with_a_pdf_beside_the_html_only_when_asked(tmp_path):
    data = ResultsData.read(build_results(tmp_path / "results", only=[OUTLIER_TRUST]))
    out = tmp_path / "reports"
    for pdf in (False, True):
        jobs = plan_jobs(
            data, out, trusts=[OUTLIER_TRUST], period="2025", lang="nb", national=True, pdf=pdf
        )
        assert [j.key for j in jobs] == ["national", OUTLIER_TRUST]
        for job in jobs:
            assert job.pdf == (job.html.with_suffix(".pdf") if pdf else None)


def _tiny_job(directory: Path, name: str, source: str):
    """A two-cell notebook (parameters, then ``source``) as a report job."""
    import nbformat

    from indicators.reports.run import ReportJob

    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
        }
    )
    parameters = nbformat.v4.new_code_cell('lang = "nb"', metadata={"tags": ["parameters"]})
    nb.cells = [parameters, nbformat.v4.new_code_cell(source)]
    notebook = directory / f"{name}_in.ipynb"
    nbformat.write(nb, str(notebook))
    return ReportJob(
        key=name,
        name=name,
        group="",
        notebook=notebook,
        parameters={"lang": "nb"},
        ipynb=directory / f"{name}.ipynb",
        html=directory / f"{name}.html",
    )


def _collect_sockets() -> None:
    """Collect the zmq sockets jupyter_client leaves to the garbage collector, here.

    Else their warnings surface in whichever later test the collector happens to run.
    """
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.mark.slow
# Run here rather than in a worker process, jupyter_client's channels leave their zmq
# sockets to the garbage collector, which warns; a worker process just exits.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_notebook_in_a_reused_kernel_cannot_see_the_one_before(tmp_path):
    from indicators.reports import run

    run._init_worker(str(run.write_kernelspec(tmp_path / "home")))
    seen = "print('secret' in globals(), flush=True)"
    try:
        first = run.run_job(_tiny_job(tmp_path, "first", "secret = 42\n" + seen))
        second = run.run_job(_tiny_job(tmp_path, "second", seen))
    finally:
        run._shutdown_worker_kernel()
        _collect_sockets()
    assert first.ok, first.error
    assert second.ok, second.error
    outputs = [
        "".join(
            json.loads((tmp_path / f"{n}.ipynb").read_text())["cells"][-1]["outputs"][0]["text"]
        )
        for n in ("first", "second")
    ]
    assert outputs == ["True\n", "False\n"]  # the same kernel, a cleared namespace
