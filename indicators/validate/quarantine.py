"""Quarantine: split each table into accepted rows and rows that break row-level rules.

Nothing is lost: ``DIR/accepted/<table>.parquet`` holds the rows that break no rule of
severity ``error``, ``DIR/quarantined/<table>.parquet`` the others with a ``rule_ids``
list column (the ids of every rule the row breaks) before the original columns, and
``DIR/manifest.json`` the counts per table, with ``accepted + quarantined = input``.
The accepted directory is itself an extract (with the original ``manifest.json``), so
it can be validated and computed on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from indicators.extract.write import write_manifest
from indicators.validate.rules import RULES
from indicators.validate.run import Validation

ROW = "__row"


def rule_ids_per_row(height: int, failing: dict[str, pl.Series]) -> pl.Series:
    """A list of failing rule ids per row (empty list where the row breaks none).

    Only rules of severity ``error`` count.
    """
    parts = [
        pl.DataFrame({ROW: rows.cast(pl.UInt32), "rule_id": rule_id})
        for rule_id, rows in failing.items()
        if RULES[rule_id].severity == "error" and rows.len()
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


def write_quarantine(validation: Validation, directory: Path) -> dict[str, Any]:
    """Write accepted and quarantined rows of every table and the quarantine manifest.

    Returns the manifest (also written to ``DIR/manifest.json``).
    """
    accepted_dir = directory / "accepted"
    quarantined_dir = directory / "quarantined"
    accepted_dir.mkdir(parents=True, exist_ok=True)
    quarantined_dir.mkdir(parents=True, exist_ok=True)
    tables: dict[str, Any] = {}
    for name, frame in validation.frames.items():
        ids = rule_ids_per_row(frame.height, validation.failing_rows.get(name, {}))
        bad = ids.list.len() > 0
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
        }
        assert accepted.height + quarantined.height == frame.height
    write_manifest(accepted_dir, validation.manifest)
    manifest = {
        "extract": validation.report.extract,
        "fingerprint": validation.report.fingerprint,
        "passed": validation.report.passed,
        "tables": tables,
    }
    (directory / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest
