"""Helpers shared by the statistics modules: confidence levels, column naming, expressions."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist
from typing import TypeVar

import polars as pl

from indicators.stats.errors import ConfidenceLevelError

IntoExpr = str | pl.Expr
"""A column name or a polars expression."""

Confidence = float | Sequence[float]
"""One confidence level, or several to compute side by side."""

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)
"""A ``DataFrame`` or a ``LazyFrame``: frame functions return the kind they are given."""


def to_expr(value: IntoExpr | float) -> pl.Expr:
    """Turn a column name into ``pl.col``, a number into a literal, and pass expressions on."""
    if isinstance(value, pl.Expr):
        return value
    if isinstance(value, str):
        return pl.col(value)
    return pl.lit(value, dtype=pl.Float64)


def check_confidence(confidence: float) -> float:
    """Return ``confidence`` as a float, or raise if it is not strictly between 0 and 1."""
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        msg = (
            f"confidence must be a number between 0 and 1 such as 0.95, got {confidence!r}; "
            "pass several levels as a tuple, e.g. (0.95, 0.998)"
        )
        raise ConfidenceLevelError(msg)
    level = float(confidence)
    if not 0.0 < level < 1.0:
        msg = (
            f"confidence must be strictly between 0 and 1 (e.g. 0.95 for 95 %), got {confidence!r}"
            + ("; did you mean a percentage? divide by 100" if 1.0 < level < 100.0 else "")
        )
        raise ConfidenceLevelError(msg)
    return level


def confidence_levels(confidence: Confidence) -> tuple[float, ...]:
    """Normalise one level or a sequence of levels to a non-empty tuple of checked levels."""
    if isinstance(confidence, Sequence) and not isinstance(confidence, str):
        levels = tuple(check_confidence(level) for level in confidence)
        if not levels:
            msg = "at least one confidence level is needed, e.g. (0.95, 0.998)"
            raise ConfidenceLevelError(msg)
        return levels
    return (check_confidence(confidence),)


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile z = Φ⁻¹(1 − α/2) with α = 1 − confidence."""
    level = check_confidence(confidence)
    return NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)


def level_suffix(confidence: float) -> str:
    """Column suffix of a confidence level: 0.95 -> ``"95"``, 0.998 -> ``"99_8"``."""
    percent = f"{check_confidence(confidence) * 100:.10g}"
    return percent.replace(".", "_")


def level_label(confidence: float) -> str:
    """Human label of a confidence level: 0.95 -> ``"95%"``, 0.998 -> ``"99.8%"``."""
    return f"{check_confidence(confidence) * 100:.10g}%"


def levels_label(levels: Sequence[float]) -> str:
    """Label of several levels, e.g. ``"95%, 99.8%"``."""
    return ", ".join(level_label(level) for level in levels)
