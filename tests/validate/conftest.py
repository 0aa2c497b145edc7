"""Fixtures of the validation tests: validations run once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from indicators.validate.crosstable import pathway_order_broken


def copy_extract(src: Path, dst: Path) -> Path:
    """Copy an extract directory (table files and manifest, no validation record)."""
    dst.mkdir(parents=True, exist_ok=True)
    for file in src.iterdir():
        if file.name != "validation.json":
            shutil.copy2(file, dst / file.name)
    return dst


def damage_pages(file: Path) -> None:
    """Flip the bytes of a Parquet file's data pages, leaving magic and footer intact."""
    raw = bytearray(file.read_bytes())
    footer = int.from_bytes(raw[-8:-4], "little") + 8
    for i in range(64, len(raw) - footer - 64):
        raw[i] ^= 0xFF
    file.write_bytes(bytes(raw))


def without_pathway_disorder(events: pl.DataFrame) -> pl.DataFrame:
    """Drop pathway events that break the order rule, until none does."""
    while True:
        broken = pathway_order_broken(events)
        if not broken.any():
            return events
        events = events.filter(~broken)


@pytest.fixture(scope="session")
def passing_extract(small_extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic extract with the generator's out-of-order pathway events removed.

    The generator currently dates some events after a pathway's end (reported to the
    lead; see test_clean_synthetic_extract_passes_with_zero_failures).
    """
    out = copy_extract(small_extract, tmp_path_factory.mktemp("passing_extract"))
    events = pl.read_parquet(out / "pathway_events.parquet")
    without_pathway_disorder(events).write_parquet(out / "pathway_events.parquet")
    return out


@pytest.fixture(scope="session")
def passing_validation(passing_extract: Path):
    from indicators.validate.run import validate_extract

    return validate_extract(passing_extract)


@pytest.fixture(scope="session")
def defect_validation(defect_extract: Path):
    from indicators.validate.run import validate_extract

    return validate_extract(defect_extract)
