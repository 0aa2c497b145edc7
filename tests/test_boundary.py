"""Every command ends in one line and a stated exit code, and no identifier leaves.

Hostile inputs: paths that are files, directories where files belong, damaged results,
terminal markup in data and options, and identifiers (fødselsnummer, patient ids) in
places a user would not expect them: table cells, keys and directory names.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from indicators import outward
from indicators.cli import app

from .reports.conftest import build_results
from .validate.conftest import copy_extract, without_pathway_disorder

FNR = "01010012356"  # passes both check digits
runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(result, code: int = 2) -> str:
    """The command failed with ``code`` and a one-line error, no traceback."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors, result.output
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_results(tmp_path_factory.mktemp("boundary") / "results")


@pytest.fixture(scope="module")
def clean(small_extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic extract, passing validation."""
    out = copy_extract(small_extract, tmp_path_factory.mktemp("clean"))
    events = pl.read_parquet(out / "pathway_events.parquet")
    without_pathway_disorder(events).write_parquet(out / "pathway_events.parquet")
    return out


def broken_results(results: Path, tmp_path: Path) -> Path:
    target = tmp_path / "results"
    shutil.copytree(results, target)
    return target


# ---------------------------------------------------------------------- crashes


def test_markup_in_an_option_is_printed_as_it_is(results, tmp_path):
    text = one_line_error(invoke("report", results, "--out", tmp_path / "o", "--period", "[/red]x"))
    assert "'[/red]x' is not in the results" in text


def test_an_out_path_that_is_a_file_is_refused_before_work_starts(results, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    text = one_line_error(invoke("report", results, "--out", blocker / "sub"))
    assert f"{blocker} is a file, not a directory" in text
    extract = tmp_path / "x"
    extract.mkdir()
    text = one_line_error(invoke("compute", extract, "--out", blocker, "--allow-unvalidated"))
    assert f"{blocker} is a file, not a directory" in text


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda d: (d / "variation.parquet").unlink(), "variation.parquet: missing"),
        (
            lambda d: (d / "indicators.parquet").write_bytes(
                (d / "indicators.parquet").read_bytes()[:500]
            ),
            "indicators.parquet: not a readable results table",
        ),
        (lambda d: (d / "manifest.json").write_text("{"), "manifest.json: not readable as JSON"),
    ],
)
def test_damaged_results_are_named_in_one_line(results, tmp_path, damage, named):
    target = broken_results(results, tmp_path)
    damage(target)
    text = one_line_error(invoke("report", target, "--out", tmp_path / "o"))
    assert named in text
    assert not (tmp_path / "o" / "index.html").exists()


def test_a_missing_extract_is_named(tmp_path):
    text = one_line_error(
        invoke("compute", tmp_path / "nothere", "--out", tmp_path / "o", "--allow-unvalidated")
    )
    assert "nothere: no such extract directory" in text


def test_an_internal_error_is_one_line_and_debug_shows_the_traceback(monkeypatch):
    import indicators.catalogue

    def broken(*_args, **_kwargs):
        raise RuntimeError("unexpected state")

    monkeypatch.setattr(indicators.catalogue.Indicator, "title", broken)
    result = invoke("list")
    assert result.exit_code == 3
    assert "internal error (RuntimeError: unexpected state)" in result.output
    assert "--debug" in result.output
    debug = invoke("--debug", "list")
    assert isinstance(debug.exception, RuntimeError)


# ---------------------------------------------------------------------- leaks


def test_the_outward_gate_masks_identifiers_and_controls_keeping_length():
    text = f"{FNR} P10000003 974631326 [/red] \x00"
    assert outward.redact(text) == "*********** P******** 974631326 [/red] \ufffd"
    assert len(outward.redact(text)) == len(text)
    assert outward.redact_json({FNR: [f"x {FNR}"]}) == {"*" * 11: ["x " + "*" * 11]}


def test_a_fodselsnummer_as_a_trust_id_never_reaches_a_file(clean, tmp_path):
    extract = copy_extract(clean, tmp_path / "x")
    referrals = pl.read_parquet(extract / "referrals.parquet")
    referrals = referrals.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(FNR))
        .otherwise(pl.col("trust_id"))
        .alias("trust_id")
    )
    referrals.write_parquet(extract / "referrals.parquet")
    result = invoke("validate", extract, "--report", tmp_path / "r", "--junit", tmp_path / "j.xml")
    assert result.exit_code == 1, result.output
    outputs = [result.output] + [
        p.read_text("utf-8") for p in (tmp_path / "r", extract) for p in p.glob("*.json")
    ]
    outputs += [(tmp_path / "r" / "validation.html").read_text("utf-8")]
    outputs += [(tmp_path / "j.xml").read_text("utf-8")]
    for text in outputs:
        assert FNR not in text


def test_a_fodselsnummer_in_the_extract_path_is_masked_everywhere(clean, tmp_path):
    extract = copy_extract(clean, tmp_path / f"uttrekk_{FNR}")
    result = invoke("validate", extract, "--report", tmp_path / "r", "--junit", tmp_path / "j.xml")
    assert result.exit_code == 0, result.output
    assert "uttrekk_***********" in " ".join(result.output.split())
    for path in (tmp_path / "r" / "validation.html", tmp_path / "r" / "validation.json",
                 tmp_path / "j.xml", extract / "validation.json"):  # fmt: skip
        assert FNR not in path.read_text("utf-8"), path


def test_validation_shows_where_an_id_rule_failed_not_the_ids(clean, tmp_path):
    extract = copy_extract(clean, tmp_path / "x")
    patients = pl.read_parquet(extract / "patients.parquet")
    twice = pl.concat([patients, patients.head(3)])
    twice.write_parquet(extract / "patients.parquet")
    ids = set(patients["patient_id"].to_list())
    result = invoke("validate", extract, "--report", tmp_path / "r", "--junit", tmp_path / "j.xml")
    assert result.exit_code == 1, result.output
    record = json.loads((tmp_path / "r" / "validation.json").read_text("utf-8"))
    unique = next(r for r in record["rules"] if r["rule_id"] == "patients.patient_id.unique")
    assert unique["examples"] == []
    assert unique["where"]
    assert all(re.fullmatch(r"row \d+", w) for w in unique["where"])
    texts = [result.output, (tmp_path / "r" / "validation.html").read_text("utf-8"),
             (tmp_path / "j.xml").read_text("utf-8"), json.dumps(record)]  # fmt: skip
    for text in texts:
        assert not ids.intersection(re.findall(r"P\d{8}", text))


def test_an_extract_date_in_the_future_is_refused(tmp_path):
    result = invoke("validate", tmp_path, "--extract-date", "2999-01-01")
    assert result.exit_code == 2
    assert "lies in the future" in " ".join(result.output.split())


def test_a_missing_extra_is_named_with_the_install_command():
    from indicators.cli import describe_error

    missing = ModuleNotFoundError("No module named 'papermill'", name="papermill")
    code, message = describe_error(missing)
    assert code == 2
    assert message == (
        "this command needs the reports extra (papermill is not installed): "
        "pip install 'indicators[reports]'"
    )


def test_a_manifest_that_is_a_directory_is_named_and_outputs_still_written(clean, tmp_path):
    extract = copy_extract(clean, tmp_path / "x")
    (extract / "manifest.json").unlink()
    (extract / "manifest.json").mkdir()
    result = invoke("validate", extract, "--junit", tmp_path / "j.xml", "--report", tmp_path / "r")
    assert result.exit_code == 2
    assert "manifest.json: not a file" in " ".join(result.output.split())
    assert (tmp_path / "j.xml").exists()
    text = one_line_error(
        invoke("compute", extract, "--out", tmp_path / "o", "--allow-unvalidated")
    )
    assert "manifest.json: not a file" in text
