"""Extract input that must be refused or flagged, as `indicators validate` and compute see it.

Unreadable input (a column named twice, a table in two files, a .csv that is not text,
an impossible manifest) ends with exit code 2 and a message naming the file; implausible
data (dates before 1900, a death before birth) breaks a rule (exit 1); every JUnit and
HTML file written is well-formed whatever the input holds.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from indicators.cli import app
from indicators.validate import ValidationRequiredError, require_passed
from tests.validate.conftest import copy_extract

runner = CliRunner()


def _validate(extract: Path, tmp_path: Path):
    """Run `indicators validate` with --junit and --report; the result and the files."""
    junit, report = tmp_path / "junit.xml", tmp_path / "report"
    result = runner.invoke(
        app, ["validate", str(extract), "--junit", str(junit), "--report", str(report)]
    )
    return result, junit, report / "validation.html"


def _as_csv(extract: Path, table: str, header_extra: str = "", row_extra: str = "") -> Path:
    """Replace the table's Parquet file by a CSV file, with text added to each line."""
    frame = pl.read_parquet(extract / f"{table}.parquet")
    (extract / f"{table}.parquet").unlink()
    header, *rows = frame.write_csv(separator=";").rstrip("\n").split("\n")
    lines = [header + header_extra, *(row + row_extra for row in rows)]
    path = extract / f"{table}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _edit_manifest(extract: Path, **changes: object) -> None:
    path = extract / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**manifest, **changes}), encoding="utf-8")


# ---------------------------------------------------------------------------
# Unreadable: exit 2, naming the file
# ---------------------------------------------------------------------------
def test_a_csv_column_named_twice_exits_2_naming_the_file_and_the_column(passing_extract, tmp_path):
    extract = copy_extract(passing_extract, tmp_path / "x")
    _as_csv(extract, "patients", header_extra=";sex", row_extra=";F")
    result, junit, _ = _validate(extract, tmp_path)
    assert result.exit_code == 2, result.output
    assert "patients.csv" in result.output
    assert "column 'sex' occurs 2 times" in result.output
    failure = ET.parse(junit).getroot().find(".//failure")
    assert "patients.csv" in failure.get("message")


def test_a_table_in_both_a_csv_and_a_parquet_file_exits_2_naming_both(passing_extract, tmp_path):
    extract = copy_extract(passing_extract, tmp_path / "x")
    pl.read_parquet(extract / "referrals.parquet").write_csv(
        extract / "referrals.csv", separator=";"
    )
    result, _, _ = _validate(extract, tmp_path)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "referrals.parquet" in text
    assert "referrals.csv" in text


def test_a_csv_of_nul_bytes_exits_2_as_not_text_and_junit_and_html_are_well_formed(
    passing_extract, tmp_path
):
    # Control characters in the directory's name reach every message that names a file.
    extract = copy_extract(passing_extract, tmp_path / "extract\x1b\x07")
    (extract / "patients.parquet").unlink()
    (extract / "patients.csv").write_bytes(b"\x00" * 4096)
    result, junit, html = _validate(extract, tmp_path)
    assert result.exit_code == 2, result.output
    assert "patients.csv: not text" in result.output
    assert "\x00" not in result.output
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert [c.get("name") for c in cases] == ["extract.readable"]
    assert "patients.csv: not text" in cases[0].find("failure").get("message")
    page = html.read_text(encoding="utf-8")
    assert "patients.csv: not text" in page
    for control in "\x00\x07\x1b":
        assert control not in page


def test_nul_and_control_characters_in_values_give_well_formed_junit_and_html(
    passing_extract, tmp_path
):
    extract = copy_extract(passing_extract, tmp_path / "x")
    patients = pl.read_parquet(extract / "patients.parquet")
    patients.with_columns(
        sex=pl.when(pl.int_range(pl.len()) < 3).then(pl.lit("F\x00\x1b")).otherwise("sex")
    ).write_parquet(extract / "patients.parquet")
    result, junit, html = _validate(extract, tmp_path)
    assert result.exit_code == 1, result.output
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases["patients.sex.code"].find("failure") is not None
    page = html.read_text(encoding="utf-8")
    assert "patients.sex.code" in page
    assert "\x00" not in page
    assert "\x1b" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"extract_date": (date.today() + timedelta(days=30)).isoformat()}, "lies in the future"),
        ({"period_start": "2025-06-01", "period_end": "2025-05-31"}, "is after period_end"),
    ],
)
def test_an_impossible_manifest_exits_2_naming_it(passing_extract, tmp_path, changes, message):
    extract = copy_extract(passing_extract, tmp_path / "x")
    _edit_manifest(extract, **changes)
    result, _, _ = _validate(extract, tmp_path)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "manifest.json" in text
    assert message in text


# ---------------------------------------------------------------------------
# Read alike, read correctly
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_blank_codes_and_ids_are_missing_values_in_parquet_as_in_csv(
    passing_extract, tmp_path, fmt
):
    extract = copy_extract(passing_extract, tmp_path / "x")
    patients = pl.read_parquet(extract / "patients.parquet")
    blank = pl.int_range(pl.len()) < 4
    patients = patients.with_columns(
        sex=pl.when(blank).then(pl.lit("  ")).otherwise(pl.col("sex") + " "),
        municipality=pl.when(blank).then(pl.lit("")).otherwise("municipality"),
    )
    patients.write_parquet(extract / "patients.parquet")
    if fmt == "csv":
        _as_csv(extract, "patients")
    result, junit, _ = _validate(extract, tmp_path)
    assert result.exit_code == 1, result.output
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    for rule in ("patients.sex.not_null", "patients.municipality.not_null"):
        failure = cases[rule].find("failure")
        assert failure is not None, rule
        assert "(4 unexpected)" in failure.get("message")
    assert cases["patients.sex.code"].find("failure") is None  # "F " is trimmed to "F"


def test_a_csv_header_with_an_escaped_quote_is_an_extra_column_like_any_other(
    passing_extract, tmp_path
):
    extract = copy_extract(passing_extract, tmp_path / "x")
    _as_csv(extract, "patients", header_extra=';"""x"', row_extra=';"sa ""hei"""')
    result, junit, _ = _validate(extract, tmp_path)
    assert result.exit_code == 0, result.output
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    warning = cases["patients.columns.no_extra"].find("skipped")
    assert warning is not None
    assert '"x' in warning.text


# ---------------------------------------------------------------------------
# Implausible dates: validation rules (exit 1)
# ---------------------------------------------------------------------------
def test_dates_before_1900_and_dates_before_birth_break_their_rules(passing_extract, tmp_path):
    extract = copy_extract(passing_extract, tmp_path / "x")
    patients = pl.read_parquet(extract / "patients.parquet")
    row = pl.int_range(pl.len())
    patients.with_columns(
        death_date=pl.when(row == 0)
        .then(pl.date(1850, 5, 1))
        .when(row == 1)
        .then(pl.date(pl.col("birth_year") - 1, 6, 1))
        .otherwise("death_date")
    ).write_parquet(extract / "patients.parquet")
    contacts = pl.read_parquet(extract / "contacts.parquet")
    born_late = patients.filter(row >= 2).select("patient_id", "birth_year").head(2)
    contacts.join(born_late, on="patient_id", how="left", maintain_order="left").with_columns(
        start_date=pl.when(pl.col("birth_year").is_not_null())
        .then(pl.date(pl.col("birth_year") - 1, 1, 1))
        .otherwise("start_date")
    ).drop("birth_year").write_parquet(extract / "contacts.parquet")
    before = contacts.filter(pl.col("patient_id").is_in(born_late["patient_id"].implode())).height
    result, junit, _ = _validate(extract, tmp_path)
    assert result.exit_code == 1, result.output
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    expected = {
        "patients.death_date.not_before_1900": 1,
        "patients.death_date.not_before_birth": 2,  # 1850 is before any birth year too
        "contacts.start_date.not_before_birth": before,
    }
    for rule, count in expected.items():
        failure = cases[rule].find("failure")
        assert failure is not None, rule
        assert f"({count} unexpected)" in failure.get("message"), rule
    assert cases["referrals.received_date.not_before_1900"].find("failure") is None


# ---------------------------------------------------------------------------
# What compute reads is what was validated
# ---------------------------------------------------------------------------
def test_a_manifest_edited_after_validation_is_not_validated(passing_extract, tmp_path):
    extract = copy_extract(passing_extract, tmp_path / "x")
    assert runner.invoke(app, ["validate", str(extract)]).exit_code == 0
    require_passed(extract)
    _edit_manifest(extract, period_start="2025-01-01")
    with pytest.raises(ValidationRequiredError, match="no validation of these files"):
        require_passed(extract)
    result = runner.invoke(app, ["compute", str(extract), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "not computed" in result.output
    assert not (tmp_path / "out" / "indicators.parquet").exists()


def test_a_manifest_period_that_excludes_all_the_data_is_a_compute_error(passing_extract, tmp_path):
    from indicators.compute import ComputeError, compute_extract

    extract = copy_extract(passing_extract, tmp_path / "x")
    _edit_manifest(extract, period_start="2010-01-01", period_end="2010-12-31")
    with pytest.raises(ComputeError, match="excludes all the data") as refused:
        compute_extract(extract, tmp_path / "out", allow_unvalidated=True)
    assert "2010-01-01 to 2010-12-31" in str(refused.value)
    assert "manifest.json" in str(refused.value)
    assert not (tmp_path / "out" / "indicators.parquet").exists()
