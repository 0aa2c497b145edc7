"""Shared helpers for the statistics tests: where the reference values live."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

PHE = Path(__file__).resolve().parent.parent / "data" / "phe"


@pytest.fixture
def phe():
    """Read a reference CSV from ``tests/data/phe`` (see the README there)."""

    def read(name: str) -> pl.DataFrame:
        return pl.read_csv(PHE / name, infer_schema_length=None)

    return read
