"""The results a report reads: the published tables and their manifest, read once.

Reports never see the extract: only the disclosed tables that ``indicators compute``
wrote (:mod:`indicators.results`) and its ``manifest.json``.

Paths in the manifest (the extract, whose directory holds the validation record) may be
relative to wherever ``indicators compute`` was run.  They are resolved once, when the
manifest is read, against the results directory and its parent directories, then the
current directory (:func:`resolve_recorded_path`), so a notebook running in another
directory finds the same files as the command that started it.

Where no results directory is given (a notebook opened in JupyterLab), the one named by
the environment variable ``INDICATORS_RESULTS`` is read, else ``outputs/demo/results``
(:func:`default_results_dir`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from indicators.errors import IndicatorsError
from indicators.results import SPC_SCHEMA, read_results

if TYPE_CHECKING:
    from collections.abc import Mapping

    from indicators.catalogue.model import Indicator, ReportLevel


class ReportError(IndicatorsError):
    """A report cannot be made from the results it was given."""


class NoTrustDataError(ReportError):
    """The results hold no rows for the trust and period a report was asked for."""


class PeriodError(ReportError):
    """The period asked for is not in the results."""


MANIFEST = "manifest.json"
#: Environment variable naming the results directory notebooks read by default.
RESULTS_ENV = "INDICATORS_RESULTS"
#: Where ``indicators demo`` writes its results, relative to the project directory.
DEMO_RESULTS = Path("outputs") / "demo" / "results"
#: A file every results directory has (:data:`indicators.results.RESULT_FILES`).
_RESULTS_MARKER = "indicators.parquet"


def default_results_dir() -> Path:
    """The results directory a notebook reads when its ``results_dir`` parameter is None.

    ``$INDICATORS_RESULTS`` if set (a results directory, or a demo output directory
    holding ``results/``), else ``outputs/demo/results`` in the current directory or the
    nearest parent directory that has one (JupyterLab runs notebooks in ``notebooks/``).

    >>> import os
    >>> os.environ[RESULTS_ENV] = "/data/results"
    >>> str(default_results_dir())
    '/data/results'
    >>> del os.environ[RESULTS_ENV]
    """
    named = os.environ.get(RESULTS_ENV)
    if named:
        path = Path(named).expanduser()
        nested = path / "results"
        if not (path / _RESULTS_MARKER).exists() and (nested / _RESULTS_MARKER).exists():
            return nested
        return path
    here = Path.cwd()
    for base in (here, *here.parents):
        if (base / DEMO_RESULTS).is_dir():
            return base / DEMO_RESULTS
    return here / DEMO_RESULTS


def resolve_recorded_path(value: str | Path, *, results_dir: Path) -> Path | None:
    """An absolute path for a path the results manifest records, or None if not found.

    An absolute path is taken as it is.  A relative one was relative to the directory
    ``indicators compute`` ran in, which is not recorded: it is looked for under the
    results directory, then under each of its parent directories, then under the
    current directory; the first that exists is returned.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "out" / "extract").mkdir(parents=True)
    >>> (root / "out" / "results").mkdir()
    >>> resolve_recorded_path("out/extract", results_dir=root / "out" / "results") == (
    ...     root / "out" / "extract").resolve()
    True
    >>> resolve_recorded_path("elsewhere", results_dir=root / "out" / "results") is None
    True
    """
    path = Path(value).expanduser()
    if path.is_absolute():
        return path if path.exists() else None
    base = results_dir.resolve()
    for directory in (base, *base.parents, Path.cwd()):
        candidate = directory / path
        if candidate.exists():
            return candidate.resolve()
    return None


def report_level(indicator: Indicator) -> ReportLevel:
    """The level a trust report and the national overview show ``indicator`` at.

    Its declared :attr:`~indicators.catalogue.Indicator.report_level`: ``trust`` (the
    treating trust), or ``catchment`` for an indicator about the catchment population.

    >>> from indicators.catalogue import BY_ID
    >>> report_level(BY_ID["LEVEL-01"]), report_level(BY_ID["WAIT-02"])
    ('catchment', 'trust')
    """
    return indicator.report_level


def judged_statistic(indicator: Indicator) -> str | None:
    """The column a goal judges when it is not the value shown, from the definition.

    WAIT-01 shows the Kaplan–Meier median, but its national goal is on the mean wait
    (its targets' ``statistic`` is ``mean_days``); None for an indicator whose goal
    judges the value, or that has no goal.

    >>> from indicators.catalogue import BY_ID
    >>> judged_statistic(BY_ID["WAIT-01"]), judged_statistic(BY_ID["WAIT-02"])
    ('mean_days', None)
    """
    statistic = indicator.targets.statistic if indicator.targets is not None else "value"
    return None if statistic == "value" else statistic


#: The interval of a judged statistic, where the results publish one.
JUDGED_INTERVAL = {"mean_days": ("mean_ci_low", "mean_ci_high")}


def judged_rows(table: pl.DataFrame, indicator: Indicator) -> pl.DataFrame:
    """Rows of one indicator with ``value`` (and interval) set to the statistic judged.

    For an indicator whose goal judges another statistic (:func:`judged_statistic`) the
    value becomes the judged statistic
    (WAIT-01: ``mean_days``) and the interval its interval (``mean_ci_low``,
    ``mean_ci_high``; null when the results do not publish them), so a chart coloured
    by goal achievement or placed in a funnel shows what is judged.  Other indicators'
    rows are returned as they are.

    >>> from indicators.catalogue import BY_ID
    >>> rows = pl.DataFrame({"value": [27.0], "ci_low": [20.0], "ci_high": [30.0],
    ...                      "mean_days": [33.5]})
    >>> judged_rows(rows, BY_ID["WAIT-01"]).select("value", "ci_low").row(0)
    (33.5, None)
    """
    column = judged_statistic(indicator)
    if column is None or column not in table.columns:
        return table
    low, high = JUDGED_INTERVAL.get(column, ("", ""))
    return table.with_columns(
        pl.col(column).alias("value"),
        (pl.col(low) if low in table.columns else pl.lit(None, pl.Float64)).alias("ci_low"),
        (pl.col(high) if high in table.columns else pl.lit(None, pl.Float64)).alias("ci_high"),
    )


def report_rows(table: pl.DataFrame, definitions: Mapping[str, Indicator]) -> pl.DataFrame:
    """The rows of an indicator table at the level trust reports show each indicator at.

    ``definitions``: the indicators by id (:attr:`ResultsData.definitions`); an indicator
    not among them is shown at ``trust`` level.

    >>> from indicators.catalogue import BY_ID
    >>> table = pl.DataFrame({"indicator_id": ["LEVEL-01", "LEVEL-01", "WAIT-02"],
    ...                       "level": ["trust", "catchment", "trust"]})
    >>> report_rows(table, BY_ID)["level"].to_list()
    ['catchment', 'trust']
    """
    levels = {
        i: report_level(definitions[i]) if i in definitions else "trust"
        for i in table["indicator_id"].unique().to_list()
    }
    return table.filter(
        pl.col("level") == pl.col("indicator_id").replace_strict(levels, default="trust")
    )


def _read_manifest(path: Path) -> dict[str, Any]:
    """A results manifest as a dict (empty when absent); ReportError when malformed."""
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportError(
            f"{path}: not readable as JSON ({error}); run `indicators compute` again"
        ) from None
    if not isinstance(manifest, dict):
        raise ReportError(f"{path}: not a JSON object; run `indicators compute` again")
    return manifest


#: The periods a report is made for (months are shown inside them, in SPC charts).
REPORT_PERIOD_TYPES = ("year", "tertial")


@dataclass(frozen=True)
class ResultsData:
    """The published tables of one results directory and its manifest.

    Attributes
    ----------
    indicators, variation, curves, spc
        The tables of :data:`indicators.results.RESULT_FILES`.
    manifest
        ``manifest.json`` as a dict (empty if absent).
    directory
        The results directory (absolute).
    extract_path
        The extract the results were computed from, absolute, if the manifest records
        it and it was found (see :func:`resolve_recorded_path`).
    """

    indicators: pl.DataFrame
    variation: pl.DataFrame
    curves: pl.DataFrame
    spc: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SPC_SCHEMA))
    manifest: dict[str, Any] = field(default_factory=dict)
    directory: Path | None = None
    extract_path: Path | None = None

    @classmethod
    def read(cls, results_dir: str | Path | None = None) -> ResultsData:
        """Read the tables and manifest of ``results_dir`` (None: :func:`default_results_dir`)."""
        directory = Path(results_dir) if results_dir is not None else default_results_dir()
        if not directory.is_dir():
            raise ReportError(f"{directory}: no such results directory; run `indicators compute`")
        directory = directory.resolve()
        tables = read_results(directory)
        manifest_path = directory / MANIFEST
        manifest = _read_manifest(manifest_path)
        recorded = recorded_extract(manifest)
        return cls(
            indicators=tables["indicators"],
            variation=tables["variation"],
            curves=tables["waiting_curves"],
            spc=tables["spc"],
            manifest=manifest,
            directory=directory,
            extract_path=(
                resolve_recorded_path(recorded, results_dir=directory) if recorded else None
            ),
        )

    @cached_property
    def definitions(self) -> dict[str, Indicator]:
        """Every indicator definition the results were computed with, by id.

        The built-in catalogue and the local catalogues the manifest records
        (:func:`indicators.catalogue.local.definitions_of_results`).
        """
        from indicators.catalogue.local import definitions_of_results

        return definitions_of_results(self.manifest)

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
        reported = self.indicators.filter(pl.col("period_type").is_in(REPORT_PERIOD_TYPES))
        known = set(reported["period"].unique().to_list())
        if period not in known:
            raise PeriodError(
                f"period {period!r} is not in the results (they hold {', '.join(sorted(known))})"
            )
        return period

    def trusts_with_rows(self, period: str) -> set[str]:
        """The trusts (``unit_id``) a report can be made for: those with rows in ``period``."""
        rows = report_rows(self.indicators.filter(pl.col("period") == period), self.definitions)
        return set(rows["unit_id"].to_list())

    # ------------------------------------------------------------------ manifest
    @property
    def synthetic(self) -> bool:
        """True when the manifest says the extract is synthetic."""
        return bool(self.manifest.get("synthetic", False))

    @property
    def extract_recorded(self) -> str | None:
        """The extract's path as the manifest records it (maybe relative), if it does."""
        return recorded_extract(self.manifest)


def recorded_extract(manifest: dict[str, Any]) -> str | None:
    """The extract path a results manifest records (``parameters.extract`` or ``extract``)."""
    params = manifest.get("parameters") or {}
    value = params.get("extract") if isinstance(params, dict) else None
    value = value or manifest.get("extract")
    return str(value) if value else None
