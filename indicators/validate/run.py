"""Validate an extract directory: file checks, the GX suites, the cross-table rules.

The steps:

1. every required table must have a file (``<t>.table.present``); a missing one is a
   table-level failure, reported with the table's other rules as not checked;
2. for every table present, the file's column names and stored types are read (without
   the data) and the table-level rules of the suite are checked on them; a failure stops
   that table (missing column, wrong type, empty table) and makes the extract invalid;
3. the other tables are read as the model says
   (:func:`indicators.extract.load.read_table`), with their text columns outside the
   model; a file or value that cannot be read raises
   :class:`~indicators.errors.ExtractReadError`, naming the file;
4. the extract date is settled (``--extract-date``, else the manifest's, else the
   latest date in the extract, see :func:`fallback_extract_date`);
5. the row-level rules of each table's GX suite are checked
   (:mod:`indicators.validate.gxrun`);

then the cross-table rules of ``cross_table.json`` are checked in polars
(:mod:`indicators.validate.crosstable`).  The suites and ``cross_table.json`` are read
from the suite directory (``--suites``, default
:func:`indicators.validate.suites.default_suites_dir`) on every run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from indicators.errors import ExtractError, ExtractReadError
from indicators.extract.load import (
    Extract,
    Manifest,
    find_table_file,
    header_names,
    read_csv_text,
    read_manifest,
    read_table,
    read_text,
)
from indicators.extract.model import EXTRACT
from indicators.validate.crosstable import check_cross_table
from indicators.validate.results import RuleResult, TableResult, ValidationReport
from indicators.validate.rules import RULES, Rule

if TYPE_CHECKING:
    from indicators.validate.gxrun import GXRunner


@dataclass
class Validation:
    """A finished validation: the report, the tables as read and the failing rows."""

    report: ValidationReport
    frames: dict[str, pl.DataFrame]
    failing_rows: dict[str, dict[str, pl.Series]] = field(default_factory=dict)
    manifest: Manifest = field(default_factory=Manifest)


def _unreadable(file: Path, what: str, exc: BaseException) -> ExtractReadError:
    reason = (str(exc).strip().splitlines() or [""])[0]
    return ExtractReadError(
        f"{file}: {what} ({type(exc).__name__}: {reason}). "
        "Export the table again as Parquet, or as CSV with ';' separators.",
        file=str(file),
    )


def file_schema(file: Path, table: str) -> tuple[dict[str, pl.DataType], int]:
    """Column names, stored types and row count of a table file, without parsing values.

    A CSV file has no stored types: its model columns count as the model's types (the
    loader parses them strictly) and other columns as text.

    Raises
    ------
    ExtractReadError
        The file is not Parquet (for ``.parquet``), or not text or names a column twice
        (for ``.csv``).
    """
    if file.suffix == ".parquet":
        try:
            schema = dict(pl.read_parquet_schema(file))
            height = pl.scan_parquet(file).select(pl.len()).collect().item()
        except Exception as exc:  # noqa: BLE001 - polars raises several types here
            raise _unreadable(file, "cannot be read as Parquet", exc) from None
        return schema, height
    text = _csv_text(file)
    lines = text.splitlines()
    model = EXTRACT[table].schema
    names = header_names(text, file)
    height = sum(1 for line in lines[1:] if line.strip())
    return {n: model.get(n, pl.String()) for n in names}, height


def _csv_text(file: Path) -> str:
    try:
        return read_text(file)
    except OSError as exc:
        raise _unreadable(file, "cannot be opened", exc) from None


def read_rows(file: Path, table: str) -> pl.DataFrame:
    """The table as the model says, every row; a damaged file raises ExtractReadError.

    A Parquet file whose footer is sound can still hold pages that cannot be decoded;
    polars finds that only when it reads them.
    """
    try:
        return read_table(file, EXTRACT[table]).collect()
    except ExtractError:
        raise
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _unreadable(file, "cannot be read: the file is damaged", exc) from None


def read_extra_text(
    file: Path, table: str, schema: dict[str, pl.DataType], height: int
) -> pl.DataFrame:
    """The file's text columns outside the model, as text (lists joined by ``|``).

    Only ``<table>.extra_columns.no_fodselsnummer`` reads them; nothing else does.
    """
    from indicators.validate.gxrun import stored_type

    model = set(EXTRACT[table].column_names)
    names = [
        n
        for n, dtype in schema.items()
        if n not in model and stored_type(dtype) in ("text", "list of text")
    ]
    if not names:
        return pl.DataFrame()
    as_text = [
        pl.col(n).cast(pl.List(pl.String)).list.join("|")
        if isinstance(schema[n], pl.List)
        else pl.col(n).cast(pl.String)
        for n in names
    ]
    try:
        if file.suffix == ".parquet":
            extra = pl.scan_parquet(file).select(as_text).collect()
        else:
            extra = read_csv_text(file).select(as_text)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _unreadable(file, "cannot be read: the file is damaged", exc) from None
    if extra.height != height:
        raise ExtractReadError(
            f"{file}: the columns outside the model have {extra.height} rows, the table "
            f"{height}. Export the table again.",
            file=str(file),
        )
    return extra


def fallback_extract_date(
    frames: dict[str, pl.DataFrame], columns: dict[str, list[str]] | None = None
) -> tuple[date, str] | None:
    """The latest date in the extract, and where it is (``table.column``), or None.

    Only the columns that must not lie after the extract date are read (``columns`` per
    table: those whose suite expectations refer to ``extract_date``; by default those of
    the model's ``not_after_extract_date`` rules), not a deadline, which may.  Used when
    neither ``--extract-date`` nor ``manifest.json`` gives one.

    >>> from datetime import date
    >>> frames = {"contacts": pl.DataFrame({"start_date": [date(2025, 3, 1)],
    ...                                     "end_date": [date(2025, 3, 4)]})}
    >>> fallback_extract_date(frames)
    (datetime.date(2025, 3, 4), 'contacts.end_date')
    """
    if columns is None:
        columns = {}
        for rule in RULES.values():
            if rule.kind == "not_after_extract_date" and rule.column is not None:
                columns.setdefault(rule.table, []).append(rule.column)
    latest: tuple[date, str] | None = None
    for table, frame in frames.items():
        for column in columns.get(table, []):
            if column not in frame.columns:
                continue
            value = frame.get_column(column).max()
            if isinstance(value, date) and (latest is None or value > latest[0]):
                latest = (value, f"{table}.{column}")
    return latest


def extract_date_columns(runner: GXRunner) -> dict[str, list[str]]:
    """Per table, the columns whose suite expectations refer to ``extract_date``."""
    out: dict[str, list[str]] = {}
    for table, checks in runner.checks.items():
        for rule, expectation in checks:
            kwargs = expectation.configuration.kwargs.values()
            if rule.column and {"$PARAMETER": "extract_date"} in list(kwargs):
                out.setdefault(table, []).append(rule.column)
    return out


def failed_by_trust(
    frames: dict[str, pl.DataFrame], failing: dict[str, dict[str, pl.Series]]
) -> dict[str, dict[str, int]]:
    """Failing rows per rule id and ``trust_id``, for tables that have a ``trust_id``.

    Examples
    --------
    >>> frames = {"referrals": pl.DataFrame({"trust_id": ["A", "A", "B"]})}
    >>> failing = {"referrals": {"referrals.service.code": pl.Series([0, 1, 2])}}
    >>> failed_by_trust(frames, failing)
    {'referrals.service.code': {'A': 2, 'B': 1}}
    """
    out: dict[str, dict[str, int]] = {}
    for table, rules in failing.items():
        frame = frames.get(table)
        if frame is None or "trust_id" not in frame.columns:
            continue
        trusts = frame.get_column("trust_id").cast(pl.String)
        for rule_id, rows in rules.items():
            if not rows.len():
                continue
            counts = (
                trusts.gather(rows.cast(pl.UInt32))
                .fill_null("(none)")
                .value_counts(sort=False)
                .sort("trust_id")
            )
            out[rule_id] = dict(zip(counts["trust_id"], counts["count"], strict=True))
    return out


def locate_failures(
    tables: dict[str, TableResult],
    failing: dict[str, dict[str, pl.Series]],
    files: dict[str, Path],
) -> None:
    """Give every failed row-level rule the places of its first failing rows in the file."""
    for name, table in tables.items():
        csv = name in files and files[name].suffix.lower() == ".csv"
        for result in table.results:
            rows = failing.get(name, {}).get(result.rule_id)
            if result.failed and rows is not None and rows.len():
                result.locate(rows.sort().to_list(), csv=csv)


def validate_extract(
    path: str | Path, *, extract_date: date | None = None, suites_dir: Path | None = None
) -> Validation:
    """Validate the extract in ``path`` with the GX suites and the cross-table rules.

    Parameters
    ----------
    path
        Extract directory (as for :func:`indicators.extract.load_extract`).
    suites_dir
        Directory of the suite files and ``cross_table.json`` (default
        :func:`indicators.validate.suites.default_suites_dir`).
    extract_date
        Overrides the manifest's ``extract_date``.  Without either, the latest date in
        the extract is used and the report says so (:attr:`ValidationReport.notices`).

    Returns
    -------
    Validation
        ``validation.report.passed`` is False if any error-severity rule failed,
        including ``<table>.table.present`` for a missing required table.

    Raises
    ------
    ExtractReadError
        A file cannot be read at all (not Parquet, damaged, not text, a value that
        cannot be parsed to its column's type).
    ManifestError
        ``manifest.json`` is present but not valid.
    SuiteError
        A suite file is missing or not valid.
    """
    from indicators.validate.gxrun import GXRunner
    from indicators.validate.suites import load_cross_table, load_suites, suite_parameters

    start = time.perf_counter()
    directory = Path(path)
    if not directory.is_dir():
        raise ExtractReadError(f"{directory}: not a directory (an extract is a directory)")
    manifest = read_manifest(directory)
    files = {n: f for n in EXTRACT if (f := find_table_file(directory, n)) is not None}
    runner = GXRunner(load_suites(suites_dir))
    cross = load_cross_table(suites_dir)
    read = _read_tables(directory, files, runner)
    tables, frames = read.tables, read.frames
    when, source, notices = _settle_extract_date(extract_date, manifest, frames, runner)
    parameters = suite_parameters(when)

    failing: dict[str, dict[str, pl.Series]] = {name: {} for name in tables}
    for name, frame in frames.items():
        outcome = runner.check_rows(name, frame, parameters, read.extras.get(name))
        tables[name].results.extend(outcome.results)
        failing[name] = outcome.failing_rows
    cross_results, cross_failing = check_cross_table(frames, read.unavailable, cross)
    for result in cross_results:
        tables[result.table].results.append(result)
        if result.rule_id in cross_failing:
            failing[result.table][result.rule_id] = cross_failing[result.rule_id]
    locate_failures(tables, failing, files)
    extract = Extract(path=directory, tables={}, manifest=manifest, files=files)
    report = ValidationReport(
        failed_by_trust=failed_by_trust(frames, failing),
        extract=str(directory),
        fingerprint=extract.fingerprint(),
        extract_date=when.isoformat() if when else None,
        synthetic=manifest.synthetic,
        tables=tables,
        seconds=time.perf_counter() - start,
        gx_seconds=runner.gx_seconds,
        extract_date_source=source,
        notices=notices,
    )
    return Validation(report=report, frames=frames, failing_rows=failing, manifest=manifest)


@dataclass
class _ReadTables:
    """The tables as read, and those that were not.

    Results so far by table, the frames, their text columns outside the model, and the
    tables not read row by row with the reason.
    """

    tables: dict[str, TableResult] = field(default_factory=dict)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    extras: dict[str, pl.DataFrame] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)


def _read_tables(directory: Path, files: dict[str, Path], runner: GXRunner) -> _ReadTables:
    """Check each table's file and table-level rules, and read the tables that pass."""
    read = _ReadTables()
    for name in EXTRACT:
        present = RULES.get(f"{name}.table.present")
        file = files.get(name)
        if file is None:
            if present is not None:  # else an optional table that is absent
                read.tables[name] = _missing_table(name, present, directory, runner)
                read.unavailable[name] = f"the extract has no {name} table"
            continue
        schema, height = file_schema(file, name)
        results = [RuleResult(present.id, name, True, 1, 0, engine="files")] if present else []
        result = TableResult(name, file.name, height, results)
        result.results.extend(runner.check_schema(name, schema, height))
        read.tables[name] = result
        if result.stopped:
            failed = ", ".join(r.rule_id for r in result.errors)
            reason = f"{name} was not read row by row: a table-level rule failed ({failed})"
            result.results.extend(
                RuleResult.skipped(r, reason, rows=height)
                for r in runner.rules(name)
                if r.level != "table"
            )
            read.unavailable[name] = reason
            continue
        frame = read_rows(file, name)
        read.extras[name] = read_extra_text(file, name, schema, frame.height)
        result.rows = frame.height
        read.frames[name] = frame
    return read


def _missing_table(name: str, present: Rule, directory: Path, runner: GXRunner) -> TableResult:
    """A required table without a file: its presence rule fails, the others are not checked."""
    reason = f"the extract has no {name} table"
    failed = RuleResult(
        present.id, name, False, 1, 1, detail=f"looked in {directory}", engine="files"
    )
    skipped = [RuleResult.skipped(r, reason) for r in runner.rules(name)]
    return TableResult(name, "", 0, [failed, *skipped])


def _settle_extract_date(
    given: date | None, manifest: Manifest, frames: dict[str, pl.DataFrame], runner: GXRunner
) -> tuple[date | None, str, list[str]]:
    """The extract date, where it came from, and a notice if it is the latest date found.

    ``--extract-date`` first, then the manifest's, then the latest date in the columns
    that must not lie after it (:func:`fallback_extract_date`).
    """
    if given is not None:
        return given, "--extract-date", []
    if manifest.extract_date is not None:
        return manifest.extract_date, "manifest.json", []
    latest = fallback_extract_date(frames, extract_date_columns(runner))
    if latest is None:
        return None, "unknown", []
    when, where = latest
    notice = (
        f"No extract date in manifest.json and none given with --extract-date: the "
        f"latest date in the extract, {when.isoformat()} ({where}), is used. No date "
        "can lie after it, so the not_after_extract_date rules cannot fail; give "
        "--extract-date YYYY-MM-DD to check them."
    )
    return when, "latest date in the extract", [notice]
