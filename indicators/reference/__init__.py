"""Reference data shipped with the package: health trusts, RHFs and catchment areas.

Sources (see ``indicators/reference/data/SOURCES.md``): SKDE-Analyse/sas_codes,
``formater/behandler.csv`` and ``formater/boomr.csv`` (updated 2026-04-10), rebuilt by
``tools/build_reference.py``.

Examples
--------
>>> trusts().filter(pl.col("short_name") == "Bergen").select("trust_id", "rhf_short_name")
shape: (1, 2)
┌───────────┬────────────────┐
│ trust_id  ┆ rhf_short_name │
│ ---       ┆ ---            │
│ str       ┆ str            │
╞═══════════╪════════════════╡
│ 983974724 ┆ Helse Vest     │
└───────────┴────────────────┘
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import polars as pl

from indicators.reference.identifiers import (
    fodselsnummer_like,
    is_valid_fodselsnummer,
    is_valid_orgnr,
    orgnr_is_valid,
)

__all__ = [
    "fodselsnummer_like",
    "is_valid_fodselsnummer",
    "is_valid_orgnr",
    "municipalities",
    "orgnr_is_valid",
    "rhfs",
    "trusts",
]


def _read(name: str) -> pl.DataFrame:
    source = files("indicators.reference") / "data" / name
    return pl.read_csv(source.read_bytes(), separator=";", infer_schema=False)


@cache
def trusts() -> pl.DataFrame:
    """Health trusts: ``trust_id`` (orgnr), ``name``, ``short_name``, ``rhf_code``, RHF names.

    One row per trust that has a catchment area (21 trusts, private hospitals excluded).
    """
    return _read("trusts.csv")


@cache
def municipalities() -> pl.DataFrame:
    """Municipalities: ``municipality`` (4 digits), ``name``, ``catchment_trust_id`` and RHF.

    A municipality split between catchments by city district (Oslo) is given to the trust
    that serves most of its districts; ``split_between_catchments`` marks those.
    """
    m = _read("municipalities.csv").with_columns(
        pl.col("split_between_catchments") == "true"
    )
    return m.join(
        trusts().select(
            pl.col("trust_id").alias("catchment_trust_id"), "rhf_code", "rhf_short_name"
        ),
        on="catchment_trust_id",
        how="left",
    )


@cache
def rhfs() -> pl.DataFrame:
    """Regional health authorities: ``rhf_code``, ``rhf_name``, ``rhf_short_name``."""
    return trusts().select("rhf_code", "rhf_name", "rhf_short_name").unique().sort("rhf_code")
