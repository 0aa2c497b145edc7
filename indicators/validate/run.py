"""Validate an extract directory: file checks, the GX suites, the cross-table rules.

The steps, for every table of the model present in the directory:

1. the file's column names and stored types are read (without the data) and the
   table-level rules of the suite are checked on them; a failure stops that table
   (missing column, wrong type, empty table) and makes the extract invalid;
2. the table is read as the model says (:func:`indicators.extract.load.read_table`);
   a value that cannot be parsed raises :class:`~indicators.errors.ExtractReadError`;
3. the row-level rules of its GX suite are checked (:mod:`indicators.validate.gxrun`);

then the cross-table rules are checked in polars (:mod:`indicators.validate.crosstable`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from indicators.errors import ExtractReadError, MissingTableError
from indicators.extract.load import (
    Extract,
    Manifest,
    decode_text,
    find_table_file,
    read_manifest,
    read_table,
)
from indicators.extract.model import EXTRACT
from indicators.validate.crosstable import check_cross_table
from indicators.validate.results import TableResult, ValidationReport


@dataclass
class Validation:
    """A finished validation: the report, the tables as read and the failing rows."""

    report: ValidationReport
    frames: dict[str, pl.DataFrame]
    failing_rows: dict[str, dict[str, pl.Series]] = field(default_factory=dict)
    manifest: Manifest = field(default_factory=Manifest)


def file_schema(file: Path, table: str) -> tuple[dict[str, pl.DataType], int]:
    """Column names, stored types and row count of a table file, without parsing values.

    A CSV file has no stored types: its model columns count as the model's types (the
    loader parses them strictly) and other columns as text.

    Raises
    ------
    ExtractReadError
        The file is not Parquet (for ``.parquet``) or not text (for ``.csv``).
    """
    if file.suffix == ".parquet":
        try:
            schema = dict(pl.read_parquet_schema(file))
            height = pl.scan_parquet(file).select(pl.len()).collect().item()
        except Exception as exc:  # noqa: BLE001 - polars raises several types here
            raise ExtractReadError(
                f"{file}: cannot be read as Parquet ({type(exc).__name__}: {exc}). "
                "Export the table again as Parquet, or as CSV with ';' separators.",
                file=str(file),
            ) from None
        return schema, height
    try:
        text, _ = decode_text(file)
    except UnicodeDecodeError as exc:
        raise ExtractReadError(
            f"{file}: neither UTF-8 nor Windows-1252 text ({exc})", file=str(file)
        ) from None
    lines = text.splitlines()
    model = EXTRACT[table].schema
    names = [n.strip().strip('"') for n in lines[0].split(";")] if lines else []
    height = sum(1 for line in lines[1:] if line.strip())
    return {n: model.get(n, pl.String()) for n in names}, height


def validate_extract(path: str | Path, *, extract_date: date | None = None) -> Validation:
    """Validate the extract in ``path`` with the GX suites and the cross-table rules.

    Parameters
    ----------
    path
        Extract directory (as for :func:`indicators.extract.load_extract`).
    extract_date
        Overrides the manifest's ``extract_date`` (needed when the manifest has none).

    Returns
    -------
    Validation
        ``validation.report.passed`` is False if any error-severity rule failed.

    Raises
    ------
    MissingTableError
        A required table has no file.
    ExtractReadError
        A file cannot be read at all (not Parquet, not text, a value that cannot be
        parsed to its column's type).
    """
    from indicators.validate.gxrun import GXRunner
    from indicators.validate.suites import suite_parameters

    start = time.perf_counter()
    directory = Path(path)
    if not directory.is_dir():
        raise ExtractReadError(f"{directory}: not a directory (an extract is a directory)")
    manifest = read_manifest(directory)
    when = extract_date or manifest.extract_date
    parameters = suite_parameters(when)
    files: dict[str, Path] = {}
    for name, table in EXTRACT.items():
        file = find_table_file(directory, name)
        if file is None:
            if table.optional:
                continue
            raise MissingTableError(
                f"{directory}: table {name!r} is missing (expected {name}.parquet or {name}.csv)"
            )
        files[name] = file
    runner = GXRunner()
    frames: dict[str, pl.DataFrame] = {}
    tables: dict[str, TableResult] = {}
    failing: dict[str, dict[str, pl.Series]] = {}
    for name, file in files.items():
        schema, height = file_schema(file, name)
        result = TableResult(name, file.name, height, runner.check_schema(name, schema, height))
        tables[name] = result
        failing[name] = {}
        if result.stopped:
            continue
        frame = read_table(file, EXTRACT[name]).collect()
        result.rows = frame.height
        outcome = runner.check_rows(name, frame, parameters)
        result.results.extend(outcome.results)
        failing[name] = outcome.failing_rows
        frames[name] = frame
    cross_results, cross_failing = check_cross_table(frames)
    for result in cross_results:
        tables[result.table].results.append(result)
        failing[result.table][result.rule_id] = cross_failing.get(result.rule_id)
    failing = {t: {r: s for r, s in f.items() if s is not None} for t, f in failing.items()}
    extract = Extract(path=directory, tables={}, manifest=manifest, files=files)
    report = ValidationReport(
        extract=str(directory),
        fingerprint=extract.fingerprint(),
        extract_date=when.isoformat() if when else None,
        synthetic=manifest.synthetic,
        tables=tables,
        seconds=time.perf_counter() - start,
        gx_seconds=runner.gx_seconds,
    )
    return Validation(report=report, frames=frames, failing_rows=failing, manifest=manifest)
