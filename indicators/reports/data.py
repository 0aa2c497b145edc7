"""The results a report reads: the published tables and their manifest, read once.

Reports never see the extract: only the disclosed tables that ``indicators compute``
wrote (:mod:`indicators.results`) and its ``manifest.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from indicators.errors import IndicatorsError
from indicators.results import read_results


class ReportError(IndicatorsError):
    """A report cannot be made from the results it was given."""


class NoTrustDataError(ReportError):
    """The results hold no rows for the trust and period a report was asked for."""


class PeriodError(ReportError):
    """The period asked for is not in the results."""


MANIFEST = "manifest.json"

#: Level at which an indicator is shown in a trust's report when not the treating trust.
#: LEVEL-01 is about the catchment population (DOMAIN.md §3, seed 003).
REPORT_LEVEL_OVERRIDES = {"LEVEL-01": "catchment"}


def report_level(indicator_id: str) -> str:
    """The level a trust report shows ``indicator_id`` at: ``trust`` or ``catchment``.

    >>> report_level("LEVEL-01"), report_level("WAIT-02")
    ('catchment', 'trust')
    """
    return REPORT_LEVEL_OVERRIDES.get(indicator_id, "trust")


@dataclass(frozen=True)
class ResultsData:
    """The published tables of one results directory and its manifest.

    Attributes
    ----------
    indicators, variation, curves
        The tables of :data:`indicators.results.RESULT_FILES`.
    manifest
        ``manifest.json`` as a dict (empty if absent).
    directory
        The results directory.
    """

    indicators: pl.DataFrame
    variation: pl.DataFrame
    curves: pl.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    directory: Path | None = None

    @classmethod
    def read(cls, results_dir: str | Path) -> ResultsData:
        """Read the tables and manifest of ``results_dir``."""
        directory = Path(results_dir)
        if not directory.is_dir():
            raise ReportError(f"{directory}: no such results directory; run `indicators compute`")
        tables = read_results(directory)
        manifest_path = directory / MANIFEST
        manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
        return cls(
            indicators=tables["indicators"],
            variation=tables["variation"],
            curves=tables["waiting_curves"],
            manifest=manifest,
            directory=directory,
        )

    # ------------------------------------------------------------------ periods
    def years(self) -> list[str]:
        """Calendar years in the results, oldest first."""
        return sorted(
            self.indicators.filter(pl.col("period_type") == "year")["period"].unique().to_list()
        )

    def default_period(self) -> str:
        """The latest full calendar year in the results.

        A year is full when the manifest's ``period_start``..``period_end`` covers it from
        1 January to 31 December; without those dates, when all three of its tertials are
        in the results.
        """
        years = self.years()
        if not years:
            raise PeriodError("the results hold no yearly rows; cannot choose a period")
        start, end = self.manifest.get("period_start"), self.manifest.get("period_end")
        if start and end:
            first, last = date.fromisoformat(str(start)), date.fromisoformat(str(end))
            full = [
                y for y in years if first <= date(int(y), 1, 1) and date(int(y), 12, 31) <= last
            ]
        else:
            tertials = set(self.indicators["period"].unique().to_list())
            full = [y for y in years if all(f"{y}-T{t}" in tertials for t in (1, 2, 3))]
        return (full or years)[-1]

    def check_period(self, period: str | None) -> str:
        """``period`` if it is in the results, the default period if None; else PeriodError."""
        if period is None:
            return self.default_period()
        known = set(self.indicators["period"].unique().to_list())
        if period not in known:
            raise PeriodError(
                f"period {period!r} is not in the results (they hold {', '.join(sorted(known))})"
            )
        return period

    # ------------------------------------------------------------------ manifest
    @property
    def synthetic(self) -> bool:
        """True when the manifest says the extract is synthetic."""
        return bool(self.manifest.get("synthetic", False))

    @property
    def extract_path(self) -> Path | None:
        """The extract the results were computed from, if the manifest records it."""
        params = self.manifest.get("parameters") or {}
        value = params.get("extract") if isinstance(params, dict) else None
        value = value or self.manifest.get("extract")
        return Path(value) if value else None
