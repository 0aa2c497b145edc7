"""``indicators audit RESULTS``: the disclosure audit of a results directory, as a command."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console
from rich.markup import escape

from indicators.disclosure.record import PublishedAudit, PublishedTableError, audit_published
from indicators.results import INDICATOR_SCHEMA, conform

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
        table = conform(pl.read_parquet(table_path), INDICATOR_SCHEMA)
    except (OSError, pl.exceptions.PolarsError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PublishedTableError(
            f"{table_path}: cannot be read as a results table ({first})"
        ) from None
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
            console.print(f"[red]{title}[/red] {escape(item)}")
        if len(items) > SHOWN:
            console.print(f"... and {len(items) - SHOWN} more {title} findings")
    seconds = time.perf_counter() - started
    verdict = "[green]passed[/green]" if found.passed else "[red]failed[/red]"
    console.print(
        f"disclosure audit {verdict}: {audited:,} counts of rows shown '<5' attacked with "
        f"{found.audit.linear_programs:,} linear programs in {seconds:.1f} s; "
        f"{len(found.breaches)} rule breaches, {len(found.exposed)} exposed"
    )
    return 0 if found.passed else 1
