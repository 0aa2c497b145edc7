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
from pathlib import Path

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
    "prevalence",
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
    m = _read("municipalities.csv").with_columns(pl.col("split_between_catchments") == "true")
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


#: Conditions in the prevalence table and the codes that count as a recorded diagnosis.
CONDITIONS = ("diabetes", "hypertension")


def prevalence(path: str | Path | None = None) -> pl.DataFrame:
    """General-population prevalence by condition, age band and sex.

    Columns: ``condition``, ``age_band``, ``age_from``, ``age_to`` (inclusive, years),
    ``sex`` (F/M), ``prevalence`` (fraction 0-1).  The shipped table is ILLUSTRATIVE
    (see ``data/SOURCES.md``); pass ``path`` to a ``;``-separated CSV with the same
    columns to use real figures.

    >>> prevalence().filter(condition="diabetes", age_band="50-59", sex="M")["prevalence"].item()
    0.058
    """
    raw = (
        _read("prevalence.csv")
        if path is None
        else pl.read_csv(Path(path), separator=";", infer_schema=False)
    )
    table = raw.select(
        "condition",
        "age_band",
        pl.col("age_from").cast(pl.Int32),
        pl.col("age_to").cast(pl.Int32),
        "sex",
        pl.col("prevalence").str.replace(",", ".").cast(pl.Float64),
    )
    bad = table.filter(~pl.col("prevalence").is_between(0, 1) | ~pl.col("sex").is_in(["F", "M"]))
    if bad.height:
        raise ValueError(
            f"prevalence table {path}: rows outside 0-1 or sex not F/M: {bad.rows()[:3]}"
        )
    return table
