"""Quarantine: split each table into accepted rows and rows that break row-level rules.

Nothing is lost: ``DIR/accepted/<table>.parquet`` holds the rows that break no rule of
severity ``error``, ``DIR/quarantined/<table>.parquet`` the others with a ``rule_ids``
list column (the ids of every rule the row breaks) before the original columns, and
``DIR/manifest.json`` the counts per table, with ``accepted + quarantined = input``.

The accepted directory is itself a valid extract (with the original ``manifest.json``,
and the extract date the validation used if that was given with ``--extract-date``):
quarantining a parent row would otherwise orphan its children, so a row whose foreign
key names a quarantined (or missing) parent row is quarantined too, under that foreign
key's rule id.  Per table the manifest counts, besides ``rows_per_rule``, the rule ids
added this way (``rows_per_rule_cascaded``) and the rows quarantined only because of a
parent (``cascaded``).  Validate the accepted rows before
computing on it (``indicators validate DIR/accepted``): that writes the record
``indicators compute`` asks for.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from indicators.extract.model import EXTRACT
from indicators.extract.write import write_manifest
from indicators.outward import write_json
from indicators.validate.rules import RULES
from indicators.validate.run import Validation

ROW = "__row"


def rule_ids_per_row(
    height: int, failing: dict[str, pl.Series], severity: dict[str, str] | None = None
) -> pl.Series:
    """A list of failing rule ids per row (empty list where the row breaks none).

    Only rules of severity ``error`` count: ``severity`` gives each rule's (as the
    validation reported it); a rule it does not name takes :data:`RULES`' or, for a
    rule found only in a suite file, counts as an error.
    """
    severity = severity or {}

    def is_error(rule_id: str) -> bool:
        rule = RULES.get(rule_id)
        return severity.get(rule_id, rule.severity if rule else "error") == "error"

    parts = [
        pl.DataFrame({ROW: rows.cast(pl.UInt32), "rule_id": rule_id})
        for rule_id, rows in failing.items()
        if is_error(rule_id) and rows.len()
    ]
    index = pl.DataFrame({ROW: pl.arange(0, height, dtype=pl.UInt32, eager=True)})
    if not parts:
        return pl.Series("rule_ids", [[]] * height, dtype=pl.List(pl.String))
    ids = (
        pl.concat(parts)
        .unique()
        .sort(ROW, "rule_id")
        .group_by(ROW, maintain_order=True)
        .agg(pl.col("rule_id").alias("rule_ids"))
    )
    joined = index.join(ids, on=ROW, how="left", maintain_order="left")
    return joined.get_column("rule_ids").fill_null(pl.lit([], dtype=pl.List(pl.String)))


def cascade(
    frames: dict[str, pl.DataFrame],
    failing: dict[str, dict[str, pl.Series]],
    severity: dict[str, str] | None = None,
) -> tuple[dict[str, dict[str, pl.Series]], dict[str, dict[str, int]]]:
    """Add to each foreign-key rule the rows whose parent row is not accepted.

    Tables are taken parents first (model order), so a patient quarantined takes its
    referrals with it, and they their contacts and pathway events.

    Returns
    -------
    failing, cascaded
        The failing rows per table and rule, with the cascaded rows added, and per
        table and foreign-key rule the number of rows added.
    """
    accepted_keys: dict[tuple[str, str], pl.Series] = {}
    out: dict[str, dict[str, pl.Series]] = {}
    cascaded: dict[str, dict[str, int]] = {}
    for name in EXTRACT:
        if name not in frames:
            continue
        frame = frames[name]
        table_failing = dict(failing.get(name, {}))
        for fk in EXTRACT[name].foreign_keys:
            rule_id = f"{name}.{fk.column}.foreign_key"
            parent_keys = accepted_keys.get((fk.table, fk.ref_column))
            if parent_keys is None:
                continue
            orphans = (
                frame.select(
                    (pl.col(fk.column).is_not_null() & ~pl.col(fk.column).is_in(parent_keys)).alias(
                        "orphan"
                    )
                )
                .with_row_index(ROW)
                .filter("orphan")
                .get_column(ROW)
            )
            before = table_failing.get(rule_id, pl.Series(ROW, [], dtype=pl.UInt32))
            after = pl.concat([before.cast(pl.UInt32), orphans]).unique().sort()
            if after.len() > before.len():
                table_failing[rule_id] = after
                cascaded.setdefault(name, {})[rule_id] = after.len() - before.len()
        out[name] = table_failing
        bad = rule_ids_per_row(frame.height, table_failing, severity).list.len() > 0
        for column in {c for (t, c) in _referenced() if t == name}:
            keys = frame.filter(~bad).get_column(column).drop_nulls().unique().implode()
            accepted_keys[name, column] = keys
    return out, cascaded


def _referenced() -> set[tuple[str, str]]:
    """(table, column) pairs that some foreign key points at."""
    return {(fk.table, fk.ref_column) for t in EXTRACT.values() for fk in t.foreign_keys}


def write_quarantine(validation: Validation, directory: Path) -> dict[str, Any]:
    """Write accepted and quarantined rows of every table and the quarantine manifest.

    Returns the manifest (also written to ``DIR/manifest.json``).
    """
    accepted_dir = directory / "accepted"
    quarantined_dir = directory / "quarantined"
    accepted_dir.mkdir(parents=True, exist_ok=True)
    quarantined_dir.mkdir(parents=True, exist_ok=True)
    severity = {r.rule_id: r.severity for r in validation.report.results()}
    failing, cascaded = cascade(validation.frames, validation.failing_rows, severity)
    tables: dict[str, Any] = {}
    for name, frame in validation.frames.items():
        ids = rule_ids_per_row(frame.height, failing.get(name, {}), severity)
        bad = ids.list.len() > 0
        own = rule_ids_per_row(frame.height, validation.failing_rows.get(name, {}), severity)
        only_cascaded = int((bad & (own.list.len() == 0)).sum())
        accepted = frame.filter(~bad)
        quarantined = frame.filter(bad).insert_column(0, ids.filter(bad))
        accepted.write_parquet(accepted_dir / f"{name}.parquet", compression="zstd")
        quarantined.write_parquet(quarantined_dir / f"{name}.parquet", compression="zstd")
        per_rule = (
            quarantined.select(pl.col("rule_ids").explode().value_counts(sort=True))
            .unnest("rule_ids")
            .rows()
            if quarantined.height
            else []
        )
        tables[name] = {
            "input": frame.height,
            "accepted": accepted.height,
            "quarantined": quarantined.height,
            "rows_per_rule": {rule: int(n) for rule, n in per_rule},
            "cascaded": only_cascaded,
            "rows_per_rule_cascaded": cascaded.get(name, {}),
        }
        if accepted.height + quarantined.height != frame.height:  # pragma: no cover
            raise AssertionError(f"{name}: quarantine lost rows")
    manifest = validation.manifest
    report = validation.report
    if manifest.extract_date is None and report.extract_date_source == "--extract-date":
        manifest = dataclasses.replace(
            manifest, extract_date=date.fromisoformat(str(report.extract_date))
        )
    write_manifest(accepted_dir, manifest)
    out = {
        "extract": report.extract,
        "fingerprint": report.fingerprint,
        "passed": report.passed,
        "tables": tables,
        "next_step": f"indicators validate {accepted_dir}",
    }
    write_json(directory / "manifest.json", out)
    return out
