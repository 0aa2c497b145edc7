"""Write an extract directory (Parquet or Norwegian-convention CSV) and its manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import polars as pl

from indicators.extract.load import Manifest
from indicators.extract.model import EXTRACT

Format = Literal["parquet", "csv"]


def to_csv_text(frame: pl.DataFrame, *, date_format: str = "%Y-%m-%d") -> str:
    """Render a table as Norwegian-convention CSV text (``;``, lists joined by ``,``)."""
    out = frame.with_columns(
        pl.col(c).list.join(",") for c, dtype in frame.schema.items() if isinstance(dtype, pl.List)
    ).with_columns(
        pl.col(c).cast(pl.String).str.to_lowercase()
        for c, dtype in frame.schema.items()
        if dtype == pl.Boolean
    )
    return out.write_csv(separator=";", date_format=date_format, null_value="")


def write_table(
    frame: pl.DataFrame,
    directory: Path,
    name: str,
    *,
    format: Format = "parquet",
    encoding: str = "utf-8",
    date_format: str = "%Y-%m-%d",
) -> Path:
    """Write one table as ``<name>.parquet`` or ``<name>.csv`` and return its path."""
    if format == "parquet":
        path = directory / f"{name}.parquet"
        frame.write_parquet(path, compression="zstd", statistics=True)
    else:
        path = directory / f"{name}.csv"
        path.write_bytes(to_csv_text(frame, date_format=date_format).encode(encoding))
    return path


def write_manifest(directory: Path, manifest: Manifest) -> Path:
    """Write ``manifest.json`` with stable formatting: equal manifests give equal bytes."""
    path = directory / "manifest.json"
    path.write_text(
        json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False, sort_keys=False) + "\n",
        encoding="utf-8",
    )
    return path


def write_extract(
    tables: dict[str, pl.DataFrame],
    directory: str | Path,
    *,
    manifest: Manifest | None = None,
    format: Format = "parquet",
) -> dict[str, Path]:
    """Write every table of an extract to ``directory`` (created if needed).

    Tables are written in model order with their columns in model order.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, table in EXTRACT.items():
        if name not in tables:
            continue
        frame = tables[name]
        ordered = frame.select(
            table.column_names + [c for c in frame.columns if c not in table.column_names]
        )
        written[name] = write_table(ordered, target, name, format=format)
    if manifest is not None:
        written["manifest"] = write_manifest(target, manifest)
    return written
