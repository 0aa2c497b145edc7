"""Loading extracts: round trips and the Norwegian CSV export conventions."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import ExtractReadError, Manifest, MissingTableError, load_extract, write_extract
from indicators.errors import ManifestError
from indicators.extract.model import EXTRACT


def tiny_tables() -> dict[str, pl.DataFrame]:
    patients = pl.DataFrame(
        {
            "patient_id": ["P1", "P2"],
            "birth_year": [1980, 1995],
            "sex": ["F", "M"],
            "municipality": ["0301", "4601"],
            "death_date": [None, date(2024, 3, 1)],
        }
    )
    referrals = pl.DataFrame(
        {
            "referral_id": ["H1", "H2"],
            "patient_id": ["P1", "P2"],
            "trust_id": ["993467049", "983974724"],
            "service": ["TSB", "PHV"],
            "received_date": [date(2024, 1, 2), date(2024, 2, 1)],
            "assessed_date": [date(2024, 1, 9), None],
            "right_to_care": [True, None],
            "deadline_date": [date(2024, 2, 20), None],
            "requested_level": ["inpatient", "unknown"],
            "assigned_level": ["outpatient", None],
            "housing": ["homeless", "own"],
            "care_start_date": [date(2024, 2, 1), None],
        }
    )
    contacts = pl.DataFrame(
        {
            "contact_id": ["K1", "K2"],
            "patient_id": ["P1", "P1"],
            "referral_id": ["H1", None],
            "trust_id": ["993467049", "993467049"],
            "service": ["TSB", "SOM"],
            "activity": ["outpatient", "inpatient"],
            "start_date": [date(2024, 2, 1), date(2024, 5, 1)],
            "end_date": [date(2024, 2, 1), date(2024, 5, 4)],
            "main_diagnosis": ["F10.2", "E11.9"],
            "secondary_diagnoses": [["F32.1", "I10"], []],
        }
    )
    events = pl.DataFrame(
        {
            "pathway_id": ["F1", "F1"],
            "patient_id": ["P1", "P1"],
            "referral_id": ["H1", "H1"],
            "trust_id": ["993467049", "993467049"],
            "pathway_type": ["D01", "D01"],
            "event": ["start", "clinical_decision"],
            "outcome": [None, "P"],
            "care_level": [None, "outpatient"],
            "event_date": [date(2024, 1, 2), date(2024, 2, 10)],
        }
    )
    tables = {"patients": patients, "referrals": referrals, "contacts": contacts}
    tables["pathway_events"] = events
    return {
        name: frame.select(pl.col(c.name).cast(c.polars_dtype) for c in EXTRACT[name].columns)
        for name, frame in tables.items()
    }


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_an_extract_written_and_loaded_again_is_the_same(tmp_path: Path, fmt: str):
    tables = tiny_tables()
    manifest = Manifest(extract_date=date(2025, 1, 31), source="test", synthetic=True)
    write_extract(tables, tmp_path, manifest=manifest, format=fmt)  # type: ignore[arg-type]
    extract = load_extract(tmp_path)
    for name, frame in tables.items():
        assert_frame_equal(extract[name].collect(), frame)
    assert extract.manifest.extract_date == date(2025, 1, 31)
    assert extract.manifest.synthetic is True
    assert "primary_care" not in extract


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.write_bytes(text.encode(encoding))


PATIENTS_CSV = (
    "patient_id;birth_year;sex;municipality;death_date\n"
    "P1;1980;F;0301;\n"
    "P2;1 995;M;5001;01.03.2024\n"
)


def test_csv_reads_norwegian_dates_and_thousand_separators(tmp_path: Path):
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV)
    frame = load_extract(tmp_path, tables=["patients"])["patients"].collect()
    assert frame["death_date"].to_list() == [None, date(2024, 3, 1)]
    assert frame["birth_year"].to_list() == [1980, 1995]


def test_csv_in_windows_1252_is_read_with_its_norwegian_letters(tmp_path: Path):
    text = (
        "pathway_id;patient_id;referral_id;trust_id;pathway_type;event;outcome;care_level;event_date\n"
        "F1;P1;H1;993467049;D01;end;Avsluttet – pasienten ønsket det;;2024-05-02\n"
    )
    write_csv(tmp_path / "pathway_events.csv", text, encoding="cp1252")
    frame = load_extract(tmp_path, tables=["pathway_events"])["pathway_events"].collect()
    assert frame["outcome"].item() == "Avsluttet – pasienten ønsket det"


def test_csv_booleans_accept_norwegian_words_and_lists_accept_separators(tmp_path: Path):
    tables = tiny_tables()
    write_extract(tables, tmp_path, format="csv")
    text = (tmp_path / "referrals.csv").read_text().replace(";true;", ";ja;")
    (tmp_path / "referrals.csv").write_text(text)
    text = (tmp_path / "contacts.csv").read_text().replace("F32.1,I10", "F32.1 | I10")
    (tmp_path / "contacts.csv").write_text(text)
    extract = load_extract(tmp_path)
    assert extract["referrals"].collect()["right_to_care"].to_list() == [True, None]
    assert extract["contacts"].collect()["secondary_diagnoses"].to_list() == [["F32.1", "I10"], []]


def test_an_unparsable_date_names_the_file_the_column_and_the_row(tmp_path: Path):
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV.replace("01.03.2024", "31.02.2024"))
    with pytest.raises(
        ExtractReadError, match=r"patients\.csv: column 'death_date'.*rows 2 \('31\.02\.2024'\)"
    ):
        load_extract(tmp_path, tables=["patients"])


def test_a_non_numeric_birth_year_is_an_error_not_a_null(tmp_path: Path):
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV.replace("1980", "198O"))
    with pytest.raises(
        ExtractReadError, match=r"'birth_year'.*not a whole number.*rows 1 \('198O'\)"
    ):
        load_extract(tmp_path, tables=["patients"])


def test_a_missing_column_is_named(tmp_path: Path):
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV.replace("sex;", "kjonn;"))
    with pytest.raises(ExtractReadError, match="lacks column\\(s\\) sex") as info:
        load_extract(tmp_path, tables=["patients"])
    assert info.value.column == "sex"


def test_a_file_that_is_not_parquet_is_named(tmp_path: Path):
    (tmp_path / "patients.parquet").write_text("this is not parquet")
    with pytest.raises(ExtractReadError, match=r"patients\.parquet: cannot be read as Parquet"):
        load_extract(tmp_path, tables=["patients"])


def test_a_missing_required_table_is_named(tmp_path: Path):
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV)
    with pytest.raises(MissingTableError, match="table 'referrals' is missing"):
        load_extract(tmp_path)


def test_parquet_with_text_dates_is_parsed_and_checked(tmp_path: Path):
    frame = tiny_tables()["patients"].with_columns(pl.col("death_date").cast(pl.String))
    frame.write_parquet(tmp_path / "patients.parquet")
    loaded = load_extract(tmp_path, tables=["patients"])["patients"].collect()
    assert loaded.schema["death_date"] == pl.Date
    frame.with_columns(pl.lit("soon").alias("death_date")).write_parquet(
        tmp_path / "patients.parquet"
    )
    with pytest.raises(ExtractReadError, match=r"'death_date'.*not a date"):
        load_extract(tmp_path, tables=["patients"])


def test_parquet_with_wider_integers_is_cast_to_the_canonical_type(tmp_path: Path):
    frame = tiny_tables()["patients"].with_columns(pl.col("birth_year").cast(pl.Int64))
    frame.write_parquet(tmp_path / "patients.parquet")
    loaded = load_extract(tmp_path, tables=["patients"])["patients"].collect()
    assert loaded.schema["birth_year"] == pl.Int32


def test_a_broken_manifest_is_reported(tmp_path: Path):
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV)
    (tmp_path / "manifest.json").write_text(json.dumps({"extract_date": "31.12.2025"}))
    with pytest.raises(ManifestError, match=r"extract_date = '31\.12\.2025' is not a date"):
        load_extract(tmp_path, tables=["patients"])


def test_the_fingerprint_changes_when_a_table_file_or_the_manifest_changes(tmp_path: Path):
    write_extract(tiny_tables(), tmp_path)
    before = load_extract(tmp_path).fingerprint()
    (tmp_path / "validation.json").write_text("{}")  # written by the toolkit: not covered
    assert load_extract(tmp_path).fingerprint() == before
    (tmp_path / "manifest.json").write_text("{}")
    with_manifest = load_extract(tmp_path).fingerprint()
    assert with_manifest != before
    (tmp_path / "manifest.json").write_text('{"extract_date": "2025-01-31"}')
    assert load_extract(tmp_path).fingerprint() != with_manifest
    tiny_tables()["patients"].head(1).write_parquet(tmp_path / "patients.parquet")
    assert load_extract(tmp_path).fingerprint() not in (before, with_manifest)


@pytest.mark.parametrize("value", ["01.03.24", "24-03-01", "1.3.2024", "2024-3-1"])
def test_a_date_not_written_as_yyyy_mm_dd_or_dd_mm_yyyy_is_an_error(tmp_path: Path, value: str):
    """strptime's %Y takes two digits: ``01.03.24`` must not load as 1 March of year 24."""
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV.replace("01.03.2024", value))
    with pytest.raises(
        ExtractReadError,
        match=rf"patients\.csv: column 'death_date'.*rows 2 \('{re.escape(value)}'\)",
    ) as info:
        load_extract(tmp_path, tables=["patients"])
    assert info.value.column == "death_date"


def test_parquet_text_dates_follow_the_csv_rules_for_the_year(tmp_path: Path):
    frame = tiny_tables()["patients"].with_columns(
        pl.Series("death_date", [None, "01.03.24"], dtype=pl.String)
    )
    frame.write_parquet(tmp_path / "patients.parquet")
    with pytest.raises(ExtractReadError, match=r"'death_date'.*rows 2 \('01\.03\.24'\)"):
        load_extract(tmp_path, tables=["patients"])


def test_a_csv_line_with_too_few_fields_is_named_not_padded_with_empty_values(tmp_path: Path):
    text = PATIENTS_CSV + "P3;1980;F\nP4;1990;M;0301;\nP5;2001\n"
    write_csv(tmp_path / "patients.csv", text)
    with pytest.raises(
        ExtractReadError,
        match=r"patients\.csv: 2 line\(s\) do not have the header's 5 fields; "
        r"lines 4 \(3 fields\), 6 \(2 fields\)",
    ) as info:
        load_extract(tmp_path, tables=["patients"])
    assert info.value.file == str(tmp_path / "patients.csv")


def test_a_blank_line_between_rows_is_an_error_but_blank_lines_at_the_end_are_not(
    tmp_path: Path,
):
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV + "\n\n")
    assert load_extract(tmp_path, tables=["patients"])["patients"].collect().height == 2
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV.replace("\nP2", "\n\nP2"))
    with pytest.raises(ExtractReadError, match=r"lines 3 \(1 field\)"):
        load_extract(tmp_path, tables=["patients"])


def test_a_csv_line_with_too_many_fields_is_named(tmp_path: Path):
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV.replace("P1;1980;F;", "P1;1980;F;x;"))
    with pytest.raises(ExtractReadError, match=r"lines 2 \(6 fields\)"):
        load_extract(tmp_path, tables=["patients"])


def test_separators_and_line_breaks_inside_quotes_do_not_count_as_fields(tmp_path: Path):
    text = (
        "pathway_id;patient_id;referral_id;trust_id;pathway_type;event;outcome;care_level;event_date\n"
        'F1;P1;H1;993467049;D01;end;"avsluttet; ""etter ønske""\nav pasienten";;2024-05-02\n'
        "F1;P1;H1;993467049;D01;start;;;2024-01-02\n"
    )
    write_csv(tmp_path / "pathway_events.csv", text)
    frame = load_extract(tmp_path, tables=["pathway_events"])["pathway_events"].collect()
    assert frame["outcome"].to_list() == ['avsluttet; "etter ønske"\nav pasienten', None]
    write_csv(tmp_path / "pathway_events.csv", text + "F2;P1;H1\n")
    with pytest.raises(ExtractReadError, match=r"lines 5 \(3 fields\)"):
        load_extract(tmp_path, tables=["pathway_events"])


def test_parquet_floats_in_an_integer_column_load_only_when_whole(tmp_path: Path):
    frame = tiny_tables()["patients"].with_columns(pl.Series("birth_year", [1980.0, 1995.0]))
    frame.write_parquet(tmp_path / "patients.parquet")
    loaded = load_extract(tmp_path, tables=["patients"])["patients"].collect()
    assert loaded["birth_year"].to_list() == [1980, 1995]
    assert loaded.schema["birth_year"] == pl.Int32
    frame.with_columns(pl.Series("birth_year", [1980.7, 1995.0])).write_parquet(
        tmp_path / "patients.parquet"
    )
    with pytest.raises(
        ExtractReadError, match=r"'birth_year' has type Float64.*rows 1 \('1980\.7'\)"
    ):
        load_extract(tmp_path, tables=["patients"])


def test_parquet_numbers_in_a_date_column_are_an_error(tmp_path: Path):
    frame = tiny_tables()["patients"].with_columns(pl.Series("death_date", [None, 19783]))
    frame.write_parquet(tmp_path / "patients.parquet")
    with pytest.raises(
        ExtractReadError, match=r"'death_date' has type Int64, which cannot be read as date"
    ):
        load_extract(tmp_path, tables=["patients"])


def test_parquet_timestamps_in_a_date_column_load_only_at_midnight(tmp_path: Path):
    midnight = datetime(2024, 3, 1)
    frame = tiny_tables()["patients"].with_columns(pl.Series("death_date", [None, midnight]))
    frame.write_parquet(tmp_path / "patients.parquet")
    loaded = load_extract(tmp_path, tables=["patients"])["patients"].collect()
    assert loaded["death_date"].to_list() == [None, date(2024, 3, 1)]
    frame.with_columns(pl.Series("death_date", [None, datetime(2024, 3, 1, 13, 30)])).write_parquet(
        tmp_path / "patients.parquet"
    )
    with pytest.raises(ExtractReadError, match=r"'death_date'.*without changing values; rows 2"):
        load_extract(tmp_path, tables=["patients"])


# ---------------------------------------------------------------------------
# Input that must be refused, and input that must be read alike
# ---------------------------------------------------------------------------
def test_a_csv_header_naming_a_column_twice_is_refused_naming_the_file_and_the_column(
    tmp_path: Path,
):
    header, rows = PATIENTS_CSV.split("\n", 1)
    text = header + "; sex \n" + "".join(f"{line};X\n" for line in rows.splitlines())
    write_csv(tmp_path / "patients.csv", text)
    with pytest.raises(ExtractReadError, match=r"patients\.csv: column 'sex' occurs 2 times") as e:
        load_extract(tmp_path, tables=["patients"])
    assert (e.value.column, e.value.file) == ("sex", str(tmp_path / "patients.csv"))


def test_a_table_in_both_a_parquet_and_a_csv_file_is_refused_naming_both(tmp_path: Path):
    write_extract(tiny_tables(), tmp_path)
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV)
    with pytest.raises(ExtractReadError, match="table 'patients' is in") as e:
        load_extract(tmp_path)
    assert str(tmp_path / "patients.parquet") in str(e.value)
    assert str(tmp_path / "patients.csv") in str(e.value)


@pytest.mark.parametrize(
    ("content", "line"),
    [(b"\x00" * 64, 1), (PATIENTS_CSV.encode() + b"P3;1990;F;0301;\x07\n", 4)],
)
def test_a_csv_file_that_is_not_text_is_refused_naming_the_file_and_line(
    tmp_path: Path, content: bytes, line: int
):
    (tmp_path / "patients.csv").write_bytes(content)
    with pytest.raises(ExtractReadError, match=rf"patients\.csv: not text: .* on line {line}\."):
        load_extract(tmp_path, tables=["patients"])


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_blank_text_is_missing_and_codes_are_trimmed_alike_in_parquet_and_csv(
    tmp_path: Path, fmt: str
):
    tables = tiny_tables()
    tables["patients"] = tables["patients"].with_columns(
        pl.Series("sex", [" F ", "   "]), pl.Series("municipality", ["", "\t4601 "])
    )
    tables["contacts"] = tables["contacts"].with_columns(
        pl.Series("main_diagnosis", [" F10.2", " "]),
        pl.Series("secondary_diagnoses", [[" F32.1 ", "", "I10"], ["  "]]),
    )
    write_extract(tables, tmp_path, format=fmt)  # type: ignore[arg-type]
    extract = load_extract(tmp_path)
    patients, contacts = extract["patients"].collect(), extract["contacts"].collect()
    assert patients["sex"].to_list() == ["F", None]
    assert patients["municipality"].to_list() == [None, "4601"]
    assert contacts["main_diagnosis"].to_list() == ["F10.2", None]
    assert contacts["secondary_diagnoses"].to_list() == [["F32.1", "I10"], []]


def test_a_csv_header_with_an_escaped_quote_is_read_as_the_csv_rules_say(tmp_path: Path):
    header, rows = PATIENTS_CSV.split("\n", 1)
    text = header + ';"""x"\n' + "".join(f'{line};"a ""b"""\n' for line in rows.splitlines())
    write_csv(tmp_path / "patients.csv", text)
    loaded = load_extract(tmp_path, tables=["patients"])["patients"].collect()
    assert loaded.columns == EXTRACT["patients"].column_names
    assert loaded["patient_id"].to_list() == ["P1", "P2"]
    from indicators.extract.load import read_csv_text

    raw = read_csv_text(tmp_path / "patients.csv")
    assert raw.columns[-1] == '"x'
    assert raw['"x'].to_list() == ['a "b"', 'a "b"']


def test_a_manifest_extract_date_in_the_future_is_refused_but_tomorrow_is_accepted(
    tmp_path: Path,
):
    from datetime import timedelta

    write_csv(tmp_path / "patients.csv", PATIENTS_CSV)
    today = date.today()
    tomorrow = (today + timedelta(days=1)).isoformat()
    (tmp_path / "manifest.json").write_text(json.dumps({"extract_date": tomorrow}))
    assert load_extract(tmp_path, tables=["patients"]).manifest.extract_date == today + timedelta(1)
    later = (today + timedelta(days=2)).isoformat()
    (tmp_path / "manifest.json").write_text(json.dumps({"extract_date": later}))
    with pytest.raises(ManifestError, match=rf"extract_date = {later} lies in the future"):
        load_extract(tmp_path, tables=["patients"])


def test_a_manifest_period_that_ends_before_it_starts_is_refused(tmp_path: Path):
    write_csv(tmp_path / "patients.csv", PATIENTS_CSV)
    period = {"period_start": "2025-01-01", "period_end": "2024-12-31"}
    (tmp_path / "manifest.json").write_text(json.dumps(period))
    with pytest.raises(ManifestError, match="period_start = 2025-01-01 is after period_end"):
        load_extract(tmp_path, tables=["patients"])
