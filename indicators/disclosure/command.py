"""``indicators audit RESULTS``: the disclosure audit of a results directory, as a command."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console

from indicators.disclosure.record import PublishedAudit, PublishedTableError, audit_published
from indicators.errors import ResultsError
from indicators.outward import styled
from indicators.results import INDICATOR_SCHEMA, read_result_table

#: How many findings of each kind the terminal shows (all are counted).
SHOWN = 20


def read_published(results_dir: str | Path) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The published indicator table and the manifest of ``results_dir``.

    Raises :class:`PublishedTableError` naming the file when either cannot be read.
    """
    directory = Path(results_dir)
    if not directory.is_dir():
        raise PublishedTableError(f"{directory}: no such results directory")
    table_path, manifest_path = directory / "indicators.parquet", directory / "manifest.json"
    try:
        table = read_result_table(table_path, INDICATOR_SCHEMA)
    except ResultsError as error:
        raise PublishedTableError(str(error)) from None
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PublishedTableError(f"{manifest_path}: cannot be read as JSON ({error})") from None
    if not isinstance(manifest, dict):
        raise PublishedTableError(f"{manifest_path}: not a JSON object")
    return table, manifest


def check_published(results_dir: str | Path) -> PublishedAudit:
    """Audit the published table of ``results_dir`` (see :func:`audit_published`)."""
    table, manifest = read_published(results_dir)
    return audit_published(table, manifest)


def run_audit_command(results_dir: Path, *, console: Console) -> int:
    """Run the audit, print what it found, and return the exit code (0 or 1)."""
    started = time.perf_counter()
    with console.status("auditing disclosure control"):
        found = check_published(results_dir)
    assert found.audit is not None
    audited = found.audit.intervals.height
    for title, items in (("rule broken", found.breaches), ("exposed", found.exposed)):
        for item in items[:SHOWN]:
            console.print(styled((title, "red"), f" {item}"))
        if len(items) > SHOWN:
            console.print(f"... and {len(items) - SHOWN} more {title} findings")
    seconds = time.perf_counter() - started
    verdict = ("passed", "green") if found.passed else ("failed", "red")
    console.print(
        styled(
            "disclosure audit ",
            verdict,
            f": {audited:,} counts of rows shown '<5' attacked with "
            f"{found.audit.linear_programs:,} linear programs in {seconds:.1f} s; "
            f"{len(found.breaches)} rule breaches, {len(found.exposed)} exposed",
        )
    )
    return 0 if found.passed else 1
