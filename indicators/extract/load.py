"""Read a registry extract directory into polars LazyFrames with canonical dtypes.

An extract is a directory with one file per table (``patients.parquet`` or
``patients.csv`` ...) and an optional ``manifest.json``.  CSV files follow Norwegian
export conventions: ``;`` separator, decimal comma, UTF-8 or Windows-1252, dates as
``YYYY-MM-DD`` or ``DD.MM.YYYY``, booleans as ``true/false``, ``ja/nei``, ``1/0`` or
``J/N``, lists (secondary diagnoses) as codes separated by ``,``, ``|`` or spaces.

Nothing is silently coerced to null: a value that cannot be parsed to its column's type
raises :class:`~indicators.errors.ExtractReadError` naming the file, the column and the
first offending rows.  A CSV line with fewer or more fields than the header is an error
too (it is never padded with empty values), and so are two-digit years.  Parquet columns
are converted only where no information is lost: whole floats and wider integers to
integers, midnight timestamps to dates; a fractional value in an integer column or a
number in a date column is an error.

Text is read alike in both formats: values are trimmed, and a value that is empty or
only whitespace is missing (null), whether it comes from a CSV field or a Parquet text
column; in a list (secondary diagnoses) such codes are dropped.

What is refused as unreadable, with the file named: a table present as both
``<table>.parquet`` and ``<table>.csv`` (one table, one file); a ``.csv`` file that is
not text (it holds NUL or other control characters, see :data:`NOT_TEXT`); a CSV header
that names a column twice; and a ``manifest.json`` whose dates are impossible (see
:meth:`Manifest.from_dict`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from indicators.errors import ExtractReadError, ManifestError, MissingTableError
from indicators.extract.model import EXTRACT, Column, Table

#: Number of offending rows quoted in an error message.
EXAMPLE_ROWS = 5
TRUE_WORDS = ("true", "ja", "j", "1", "yes", "sann")
FALSE_WORDS = ("false", "nei", "n", "0", "no", "usann")
NULL_WORDS = ("",)
#: The two date forms accepted in text, each with a four-digit year.
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
NORWEGIAN_DATE = r"^\d{2}\.\d{2}\.\d{4}$"
#: File suffixes a table may have, in the order they are looked for.
TABLE_SUFFIXES = (".parquet", ".csv")
#: Characters text never holds: the C0 control characters other than tab, line feed and
#: carriage return (NUL among them).  A ``.csv`` file holding one is binary or damaged.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: How far ``extract_date`` may lie after today's date: one day, for an extract taken
#: where the date has already changed (a time zone ahead of this machine's).
EXTRACT_DATE_TOLERANCE = timedelta(days=1)
#: The extract's description of itself, beside the table files.
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    """What an extract says about itself (``manifest.json``).

    ``extra`` keeps every other key (a generator's seed, planted effects, defects).
    """

    extract_date: date | None = None
    source: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    synthetic: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, file: str = "manifest.json", today: date | None = None
    ) -> Manifest:
        """Build a manifest from parsed JSON, checking the date fields.

        The rules (each broken one raises :class:`ManifestError`):

        - every date is written ``YYYY-MM-DD``;
        - ``extract_date`` is not after today (``today``, default the machine's date);
          one day later is accepted (:data:`EXTRACT_DATE_TOLERANCE`), since the date may
          already have changed where the extract was taken;
        - ``period_start`` is not after ``period_end``.
        """
        known: dict[str, date | None] = {}
        for key in ("extract_date", "period_start", "period_end"):
            raw = data.get(key)
            if raw is None:
                known[key] = None
                continue
            try:
                known[key] = date.fromisoformat(str(raw))
            except ValueError:
                raise ManifestError(
                    f"{file}: {key} = {raw!r} is not a date in YYYY-MM-DD form"
                ) from None
        _check_manifest_dates(known, file, today or date.today())
        synthetic = data.get("synthetic", False)
        if not isinstance(synthetic, bool):
            raise ManifestError(f"{file}: synthetic must be true or false, not {synthetic!r}")
        extra = {
            k: v
            for k, v in data.items()
            if k not in ("extract_date", "period_start", "period_end", "synthetic", "source")
        }
        return cls(source=data.get("source"), synthetic=synthetic, extra=extra, **known)

    def to_dict(self) -> dict[str, Any]:
        """The manifest as JSON-ready data (dates as ISO strings)."""
        out: dict[str, Any] = {
            "extract_date": self.extract_date.isoformat() if self.extract_date else None,
            "source": self.source,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "synthetic": self.synthetic,
        }
        out.update(self.extra)
        return out


def _check_manifest_dates(dates: dict[str, date | None], file: str, today: date) -> None:
    """Raise :class:`ManifestError` for a future extract date or a reversed period."""
    extract_date = dates["extract_date"]
    if extract_date is not None and extract_date > today + EXTRACT_DATE_TOLERANCE:
        raise ManifestError(
            f"{file}: extract_date = {extract_date.isoformat()} lies in the future (today is "
            f"{today.isoformat()}); an extract cannot be taken after today (one day later is "
            "accepted, for time zones). Correct extract_date."
        )
    start, end = dates["period_start"], dates["period_end"]
    if start is not None and end is not None and start > end:
        raise ManifestError(
            f"{file}: period_start = {start.isoformat()} is after period_end = "
            f"{end.isoformat()}; the period would hold no day. Correct the period."
        )


@dataclass
class Extract:
    """A loaded extract: one LazyFrame per table present, the manifest and the files read."""

    path: Path
    tables: dict[str, pl.LazyFrame]
    manifest: Manifest
    files: dict[str, Path]

    def __getitem__(self, table: str) -> pl.LazyFrame:
        try:
            return self.tables[table]
        except KeyError:
            raise MissingTableError(
                f"the extract in {self.path} has no table {table!r} "
                f"(expected {table}.parquet or {table}.csv)"
            ) from None

    def __contains__(self, table: str) -> bool:
        return table in self.tables

    def fingerprint(self) -> str:
        """SHA-256 over every file compute reads (hex, 16 chars).

        The table files in table order, then ``manifest.json`` if there is one: its
        extract date and period change the results as much as the tables do.  Files
        the toolkit writes into the directory (``validation.json``) are not covered.
        """
        paths = [self.files[t] for t in EXTRACT if t in self.files]
        manifest = self.path / MANIFEST_FILE
        return fingerprint_files([*paths, manifest] if manifest.is_file() else paths)


def fingerprint_files(paths: list[Path]) -> str:
    """A short SHA-256 fingerprint of the given files' names and contents."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def find_table_file(directory: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``directory`` (``.parquet`` or ``.csv``), or None.

    Raises
    ------
    ExtractReadError
        Both files are there: one table, one file (which one is meant is not guessed).
    """
    found = [
        directory / f"{table}{suffix}"
        for suffix in TABLE_SUFFIXES
        if (directory / f"{table}{suffix}").exists()
    ]
    if len(found) > 1:
        raise ExtractReadError(
            f"{directory}: table {table!r} is in {' and in '.join(str(f) for f in found)}; "
            "an extract holds each table in one file. Remove the file that is not meant.",
            file=str(found[0]),
        )
    return found[0] if found else None


def read_manifest(directory: Path) -> Manifest:
    """Read ``manifest.json`` from an extract directory; an absent file gives an empty one."""
    path = directory / MANIFEST_FILE
    if not path.exists():
        return Manifest()
    if not path.is_file():
        raise ManifestError(f"{path}: not a file; manifest.json must be a JSON file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid JSON ({exc})") from None
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: expected a JSON object at the top level")
    return Manifest.from_dict(data, file=str(path))


def load_extract(path: str | Path, *, tables: list[str] | None = None) -> Extract:
    """Load an extract directory into LazyFrames with the model's canonical dtypes.

    Parameters
    ----------
    path
        Directory holding ``<table>.parquet`` or ``<table>.csv`` files and, optionally,
        ``manifest.json``.
    tables
        Tables to load; default every table of the model.  A required table that is
        missing raises :class:`MissingTableError`; an optional one (``primary_care``) is
        simply absent from the result.

    Returns
    -------
    Extract
        ``extract["referrals"]`` is a LazyFrame with exactly the model's columns, in the
        model's order and dtypes.  Parquet files are scanned lazily; CSV files are parsed
        and checked eagerly (a CSV has no types to trust) and then made lazy.

    Raises
    ------
    ExtractReadError
        A file cannot be read, a column is missing, or a value cannot be parsed; the
        message names the file, the column and example rows.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise ExtractReadError(f"{directory}: not a directory (an extract is a directory)")
    wanted = tables or list(EXTRACT)
    frames: dict[str, pl.LazyFrame] = {}
    files: dict[str, Path] = {}
    for name in wanted:
        table = EXTRACT[name]
        file = find_table_file(directory, name)
        if file is None:
            if table.optional:
                continue
            raise MissingTableError(
                f"{directory}: table {name!r} is missing (expected {name}.parquet or {name}.csv)"
            )
        files[name] = file
        frames[name] = read_table(file, table)
    return Extract(path=directory, tables=frames, manifest=read_manifest(directory), files=files)


def read_table(file: Path, table: Table) -> pl.LazyFrame:
    """Read one table file (Parquet or CSV) into a LazyFrame with canonical dtypes."""
    if file.suffix == ".parquet":
        return _read_parquet(file, table)
    return _read_csv(file, table).lazy()


# ---------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------
def _read_parquet(file: Path, table: Table) -> pl.LazyFrame:
    try:
        frame = pl.scan_parquet(file)
        schema = frame.collect_schema()
    except Exception as exc:  # noqa: BLE001 - polars raises several types for a non-Parquet file
        raise ExtractReadError(
            f"{file}: cannot be read as Parquet ({type(exc).__name__}: {exc}). "
            "Export the table again as Parquet, or as CSV with ';' separators.",
            file=str(file),
        ) from None
    _check_columns(file, table, list(schema.names()))
    text = [c.name for c in table.columns if _is_text(schema[c.name])]
    frame = frame.with_columns(pl.col(text).cast(pl.String))
    exprs = []
    for column in table.columns:
        actual = schema[column.name]
        if column.name in text:
            # Text, in a text column or a typed one: read with the CSV rules (trimmed,
            # blank is null), and a typed column's values parsed and checked eagerly.
            if column.dtype != "str":
                _parse_column(frame.select(column.name).collect(), column, file, row_offset=1)
            exprs.append(_parse_expr(column))
        elif column.dtype == "list[str]" and actual == column.polars_dtype:
            exprs.append(_clean_list(column))
        elif actual == column.polars_dtype:
            exprs.append(pl.col(column.name))
        else:
            _check_lossless(frame, column, actual, file)
            exprs.append(pl.col(column.name).cast(column.polars_dtype))
    return frame.select(exprs)


def _is_text(dtype: pl.DataType) -> bool:
    """True for a stored type that holds text (String, Categorical, Enum)."""
    return dtype == pl.String() or dtype == pl.Categorical() or isinstance(dtype, pl.Enum)


def _clean_list(column: Column) -> pl.Expr:
    """A list of codes with each code trimmed and blank or null codes dropped, as in CSV."""
    code = pl.element().str.strip_chars()
    return pl.col(column.name).list.eval(code.filter(code != "")).alias(column.name)


def _lossy(column: Column, actual: pl.DataType) -> pl.Expr | None:
    """Values that converting from ``actual`` to the model's type would change.

    True on the offending values; None if a column of type ``actual`` is not accepted.
    """
    col = pl.col(column.name)
    unreadable = col.cast(column.polars_dtype, strict=False).is_null()
    match column.dtype:
        case "int" if actual.is_integer():
            return unreadable  # out of the Int32 range
        case "int" if actual.is_float():
            return unreadable | (col != col.floor())  # a fraction would be cut off
        case "date" if isinstance(actual, pl.Datetime):
            return unreadable | (col != col.dt.truncate("1d"))  # a time of day would be lost
        case "bool" if actual.is_integer():
            return ~col.is_in([0, 1])
        case "str" | "list[str]":
            return unreadable
    return None


def _check_lossless(frame: pl.LazyFrame, column: Column, actual: pl.DataType, file: Path) -> None:
    lossy = _lossy(column, actual)
    accepted = {
        "int": "whole numbers (integers, or floats without a fraction)",
        "date": "dates (Parquet DATE, or text as YYYY-MM-DD or DD.MM.YYYY)",
        "bool": "booleans (or the integers 0 and 1)",
    }
    if lossy is None:
        raise ExtractReadError(
            f"{file}: column {column.name!r} has type {actual}, which cannot be read as "
            f"{column.dtype}; it must hold {accepted[column.dtype]}. Export the column "
            "with its proper type.",
            file=str(file),
            column=column.name,
        )
    col = pl.col(column.name)
    bad = (
        frame.with_row_index("_row", offset=1)
        .filter(col.is_not_null() & lossy)
        .select("_row", col.cast(pl.String).alias("value"))
        .head(EXAMPLE_ROWS)
        .collect()
    )
    if bad.height:
        raise ExtractReadError(
            f"{file}: column {column.name!r} has type {actual} and cannot be read as "
            f"{column.dtype} without changing values; rows {_rows(bad)}. Correct the "
            "export; no value is rounded, truncated or set to empty silently.",
            file=str(file),
            column=column.name,
        )


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------
def decode_text(file: Path) -> tuple[str, str]:
    """Return the text of ``file`` and the encoding used (UTF-8, else Windows-1252)."""
    raw = file.read_bytes()
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict"), "cp1252"


def read_text(file: Path) -> str:
    """The text of a ``.csv`` file, decoded as UTF-8, else Windows-1252.

    Raises
    ------
    ExtractReadError
        The bytes are neither encoding, or the text holds characters text never holds
        (:data:`NOT_TEXT`: NUL and the other control characters but tab and line
        breaks): the file is binary or damaged, whatever its name says.
    """
    try:
        text, _ = decode_text(file)
    except UnicodeDecodeError as exc:
        raise ExtractReadError(
            f"{file}: not text: neither UTF-8 nor Windows-1252 ({exc}). Export the table "
            "again as CSV (UTF-8 or Windows-1252, ';' separators) or as Parquet.",
            file=str(file),
        ) from None
    found = NOT_TEXT.findall(text)
    if found:
        first = NOT_TEXT.search(text)
        line = text.count("\n", 0, first.start() if first else 0) + 1
        kinds = ", ".join(f"U+{ord(c):04X}" for c in sorted(set(found))[:EXAMPLE_ROWS])
        raise ExtractReadError(
            f"{file}: not text: {len(found):,} control character(s) that text never holds "
            f"({kinds}), the first on line {line}. The file is binary or damaged, not a CSV "
            "export; export the table again as CSV (UTF-8 or Windows-1252, ';' separators) "
            "or as Parquet.",
            file=str(file),
        )
    return text


def header_names(text: str, file: Path) -> list[str]:
    """The column names of a ``;``-separated CSV text, trimmed, as a CSV reader reads them.

    Quoted names follow the CSV rules: a doubled quote inside quotes is one quote, and a
    quoted name may hold ``;``.

    Raises
    ------
    ExtractReadError
        A name occurs twice (after trimming): which column is meant cannot be known,
        and no copy is dropped or renamed silently.
    """
    header = next(csv.reader(io.StringIO(text), delimiter=";", quotechar='"'), [])
    names = [name.strip() for name in header]
    repeated = [name for name, n in Counter(names).items() if n > 1]
    if repeated:
        name = repeated[0]
        positions = [str(i) for i, n in enumerate(names, start=1) if n == name]
        what = f"column {name!r}" if name else "an unnamed column (an empty header field)"
        raise ExtractReadError(
            f"{file}: {what} occurs {len(positions)} times in the header (fields "
            f"{', '.join(positions)}); a table holds each column once. Remove or rename "
            "the copy in the export.",
            file=str(file),
            column=name,
        )
    return names


def read_csv_text(file: Path) -> pl.DataFrame:
    """Every field of a CSV table file as text, under the header's names.

    The file must be text (:func:`read_text`), every record must have the header's
    number of fields, and no column may be named twice (:func:`header_names`).
    """
    # Blank lines after the last row are not rows (polars would read them as empty ones).
    text = read_text(file).rstrip("\r\n")
    _check_field_counts(text, file)
    names = header_names(text, file)
    try:
        raw = pl.read_csv(io.StringIO(text), separator=";", infer_schema=False)
    except pl.exceptions.ComputeError as exc:
        raise ExtractReadError(
            f"{file}: not a ';'-separated CSV file ({exc}). Check the separator and quoting.",
            file=str(file),
        ) from None
    if raw.width != len(names):
        raise ExtractReadError(
            f"{file}: the header has {len(names)} fields but {raw.width} columns were read. "
            "Check the separator and quoting.",
            file=str(file),
        )
    # polars renames a repeated name and misreads escaped quotes in the header: the
    # names are the CSV reader's.
    raw.columns = names
    return raw


def _read_csv(file: Path, table: Table) -> pl.DataFrame:
    raw = read_csv_text(file)
    _check_columns(file, table, raw.columns)
    # Data row n (1-based, under the header) is line n + 1 of the file.
    return _parse_frame(raw, table, file)


def field_counts(text: str) -> pl.DataFrame:
    r"""Fields per record of ``;``-separated text, with the line where each record starts.

    Returns columns ``line`` (1-based) and ``fields``.  Separators inside double quotes
    do not count, and a quoted field may span lines.  Vectorised: string expressions over
    the lines, no loop over rows.

    Examples
    --------
    >>> field_counts('a;b;c\n1;"x;y";3\n2;4\n"multi\nline";5;6')
    shape: (4, 2)
    ┌──────┬────────┐
    │ line ┆ fields │
    │ ---  ┆ ---    │
    │ u32  ┆ u32    │
    ╞══════╪════════╡
    │ 1    ┆ 3      │
    │ 2    ┆ 3      │
    │ 3    ┆ 2      │
    │ 4    ┆ 3      │
    └──────┴────────┘
    """
    lines = pl.DataFrame({"text": text.split("\n")}).with_row_index("line", offset=1)
    # '""' is an escaped quote or an empty quoted field: neither holds a separator.
    lines = lines.with_columns(pl.col("text").str.replace_all('""', "", literal=True))
    lines = lines.with_columns(pl.col("text").str.count_matches('"', literal=True).alias("quotes"))
    if (lines["quotes"] % 2 == 1).any():
        # A line starting while an odd number of quotes is open continues the record above.
        opens = (pl.col("quotes").cum_sum() - pl.col("quotes")) % 2 == 0
        lines = (
            lines.with_columns(opens.cum_sum().alias("_record"))
            .group_by("_record", maintain_order=True)
            .agg(pl.col("line").first(), pl.col("text").str.join("\n"), pl.col("quotes").sum())
            .drop("_record")
        )
    unquoted = (
        pl.when(pl.col("quotes") > 0)
        .then(pl.col("text").str.replace_all(r'"[^"]*"', ""))
        .otherwise(pl.col("text"))
    )
    return lines.select("line", (unquoted.str.count_matches(";", literal=True) + 1).alias("fields"))


def _check_field_counts(text: str, file: Path) -> None:
    """Raise if a CSV record has fewer or more fields than the header.

    polars would pad a short record with nulls, or refuse a long one without saying where.
    """
    counts = field_counts(text)
    header = counts["fields"][0]
    bad = counts.slice(1).filter(pl.col("fields") != header)
    if bad.height:
        examples = ", ".join(
            f"{line} ({fields} field{'s' if fields != 1 else ''})"
            for line, fields in bad.head(EXAMPLE_ROWS).iter_rows()
        )
        raise ExtractReadError(
            f"{file}: {bad.height} line(s) do not have the header's {header} fields; "
            f"lines {examples}. A line is cut short or holds an extra ';' (quote text that "
            "contains ';'); correct the export: missing values are not filled in silently.",
            file=str(file),
        )


def _parse_frame(raw: pl.DataFrame, table: Table, file: Path) -> pl.DataFrame:
    for column in table.columns:
        _parse_column(raw.select(column.name), column, file, row_offset=1)
    return raw.select(_parse_expr(c) for c in table.columns)


def _clean(column: Column) -> pl.Expr:
    value = pl.col(column.name).str.strip_chars()
    return pl.when(value.is_in(NULL_WORDS)).then(None).otherwise(value)


def _parse_expr(column: Column) -> pl.Expr:
    """Expression turning a text column into the model's dtype (nulls where unparsable)."""
    value = _clean(column)
    name = column.name
    match column.dtype:
        case "str":
            return value.alias(name)
        case "int":
            return (
                value.str.replace_all(r"[\s\u00a0]", "")
                .cast(pl.Int64, strict=False)
                .cast(pl.Int32, strict=False)
                .alias(name)
            )
        case "date":
            # strptime's %Y also takes two digits ("01.02.24" would be year 24): check the
            # form first, so anything else stays null and is reported.
            return (
                pl.when(value.str.contains(ISO_DATE))
                .then(value.str.strptime(pl.Date, "%Y-%m-%d", strict=False))
                .when(value.str.contains(NORWEGIAN_DATE))
                .then(value.str.strptime(pl.Date, "%d.%m.%Y", strict=False))
                .alias(name)
            )
        case "bool":
            lowered = value.str.to_lowercase()
            return (
                pl.when(lowered.is_in(TRUE_WORDS))
                .then(True)
                .when(lowered.is_in(FALSE_WORDS))
                .then(False)
                .otherwise(None)
                .alias(name)
            )
        case "list[str]":
            return (
                pl.when(value.is_null())
                .then(pl.lit([], dtype=pl.List(pl.String)))
                .otherwise(
                    value.str.replace_all(r"[\[\]'\"]", "")
                    .str.replace_all(r"[,|\s]+", " ")
                    .str.strip_chars()
                    .str.split(" ")
                    .list.eval(pl.element().filter(pl.element() != ""))
                )
                .alias(name)
            )
    raise AssertionError(f"unknown dtype {column.dtype}")  # pragma: no cover


def _parse_column(raw: pl.DataFrame, column: Column, file: Path, *, row_offset: int) -> None:
    parsed = raw.select(
        _clean(column).alias("raw"),
        _parse_expr(column).alias("parsed"),
    ).with_row_index("_row", offset=row_offset)
    if column.dtype == "list[str]":
        return
    bad = parsed.filter(pl.col("raw").is_not_null() & pl.col("parsed").is_null())
    if bad.height:
        expected = {
            "int": "a whole number",
            "date": "a date as YYYY-MM-DD or DD.MM.YYYY (four-digit year)",
            "bool": "true/false (or ja/nei, J/N, 1/0)",
        }[column.dtype]
        examples = bad.head(EXAMPLE_ROWS).select("_row", pl.col("raw").alias("value"))
        raise ExtractReadError(
            f"{file}: column {column.name!r}: {bad.height} value(s) are not {expected}; "
            f"rows {_rows(examples)}. Correct the export; no value is set to empty silently.",
            file=str(file),
            column=column.name,
        )


def _rows(examples: pl.DataFrame) -> str:
    return ", ".join(f"{row} ({value!r})" for row, value in examples.iter_rows())


def _check_columns(file: Path, table: Table, present: list[str]) -> None:
    missing = [c for c in table.column_names if c not in present]
    if missing:
        raise ExtractReadError(
            f"{file}: table {table.name!r} lacks column(s) {', '.join(missing)}; "
            f"found {', '.join(present) or 'no columns'}",
            file=str(file),
            column=missing[0],
        )
