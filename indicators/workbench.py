"""The adviser's workbench: try a new indicator on an extract, then keep it.

Every step is one call, so a notebook stays thin (``notebooks/workbench.ipynb``)::

    bench = Workbench.open("outputs/demo/extract")
    trial = bench.try_indicator(my_indicator)     # checked, computed, disclosed
    trial.funnel()                                # every trust, one period
    trial.trend("983974678")                      # one unit against the nation
    trial.variation()                             # CV, FT1-FT3, SCV, φ, τ²
    trial.save("my_indicators.py")                # a local catalogue file

A trial computes the indicator exactly as ``indicators compute --catalogue`` will (all
levels and periods, intervals, funnels, variation, disclosure control and the audit), on
this indicator alone, so it takes seconds.  What a trial shows has passed disclosure
control, as a report would.
"""

from __future__ import annotations

import inspect
from dataclasses import MISSING, dataclass, fields
from pathlib import Path

import polars as pl

from indicators.catalogue import CATALOGUE, Indicator
from indicators.catalogue.local import (
    CatalogueError,
    check_definitions,
    load_catalogue,
)
from indicators.charts import ChartView, caterpillar_chart, funnel_chart, trend_chart
from indicators.compute import ComputeResult, compute_indicators
from indicators.extract.load import Extract, load_extract
from indicators.reports.html import Html
from indicators.reports.tables import variation_table_html
from indicators.reports.trust import unit_labels
from indicators.results import NATIONAL_UNIT_ID


class Workbench:
    """One extract, and the indicators tried on it.

    ``extract`` is a loaded extract; :meth:`open` loads one from its directory.
    """

    def __init__(self, extract: Extract) -> None:
        self.extract = extract

    @classmethod
    def open(cls, extract_dir: str | Path) -> Workbench:
        """Load the extract in ``extract_dir`` (Parquet or CSV tables)."""
        return cls(load_extract(extract_dir))

    def try_indicator(self, indicator: Indicator, *, lang: str = "nb") -> Trial:
        """Check ``indicator`` as a local definition and compute it for every unit.

        Raises :class:`~indicators.catalogue.local.CatalogueError` naming what is wrong
        (an id the catalogue has, a missing column, a wrong type, ...).
        """
        taken = {i.id: "the built-in catalogue" for i in CATALOGUE}
        check_definitions([indicator], origin="workbench", taken=taken)
        result = compute_indicators(self.extract, indicators=(indicator,))
        return Trial(indicator=indicator, result=result, lang=lang)


@dataclass
class Trial:
    """One indicator computed on the workbench's extract: its tables, charts and file."""

    indicator: Indicator
    result: ComputeResult
    lang: str = "nb"

    def table(self, level: str = "trust", period: str | None = None) -> pl.DataFrame:
        """The published rows of a level (and period; default the latest year)."""
        period = period or self.latest_year()
        rows = self.result.indicators.filter(
            (pl.col("level") == level) & (pl.col("period") == period)
        )
        labels = unit_labels()
        return rows.with_columns(
            pl.col("unit_id").replace_strict(labels, default=None).fill_null(pl.col("unit_name"))
            .alias("label")
        ).sort("unit_id")  # fmt: skip

    def latest_year(self) -> str:
        """The latest year in the results."""
        years = self.result.indicators.filter(pl.col("period_type") == "year")["period"]
        return str(years.max())

    def funnel(self, period: str | None = None, *, level: str = "trust") -> ChartView:
        """Funnel plot of every unit of ``level`` (a caterpillar without funnel limits)."""
        ind, rows = self.indicator, self.table(level, period)
        title = f"{ind.id} {ind.title(self.lang)} {rows['period'][0] if rows.height else ''}"
        if rows["funnel_high_95"].drop_nulls().is_empty():
            national = self.table("national", period)["value"]
            return caterpillar_chart(
                rows, unit=ind.unit, national_value=national[0] if national.len() else None,
                title=title, lang=self.lang,
            )  # fmt: skip
        return funnel_chart(
            rows.with_columns(pl.col("label").alias("unit_name")),
            unit=ind.unit,
            title=title,
            lang=self.lang,
        )

    def trend(self, unit_id: str, *, level: str = "trust") -> ChartView:
        """A unit's value by tertial (by year without tertials) against the nation."""
        ind = self.indicator
        period_type = "tertial" if "tertial" in ind.periods else "year"
        table = self.result.indicators.filter(pl.col("period_type") == period_type)
        unit = (pl.col("level") == level) & (pl.col("unit_id") == str(unit_id))
        nation = (pl.col("level") == "national") & (pl.col("unit_id") == NATIONAL_UNIT_ID)
        rows = table.filter(unit | nation).with_columns(nation.alias("is_national"))
        label = unit_labels().get(str(unit_id), str(unit_id))
        return trend_chart(
            rows, unit=ind.unit, unit_label=label, national_label="Norge",
            title=f"{ind.id} {ind.title(self.lang)}", lang=self.lang,
        )  # fmt: skip

    def variation(self, period: str | None = None) -> Html:
        """Variation between units (CV, FT1–FT3, SCV, φ, τ²) in ``period``."""
        period = period or self.latest_year()
        rows = self.result.variation.filter(
            (pl.col("period") == period) & (pl.col("level") != "national")
        ).sort("level")
        return Html(variation_table_html(rows, lang=self.lang), lang=self.lang)

    def save(self, path: str | Path) -> Path:
        """Write the definition to a local catalogue file (added to one already there).

        The file holds the case selector's source and the definition; it is loaded and
        checked again before this returns, so what is saved is what compute will use.
        """
        return save_definitions([self.indicator], path)


#: The opening of a local catalogue file the workbench writes.
HEADER = (
    '"""Local indicator catalogue, written by indicators.workbench."""\n\n'
    "import polars as pl\n\nfrom indicators.catalogue import Indicator, Targets\n"
)


def save_definitions(indicators: list[Indicator], path: str | Path) -> Path:
    """Write ``indicators`` to a local catalogue file, keeping the others it holds.

    An existing file's definitions with other ids are kept (their selectors' source is
    read back); one with the same id is replaced.  Each case selector must be a
    function whose source can be read (``def`` in a file or notebook cell) and that
    needs nothing but ``polars`` (as ``pl``) and its two arguments.

    Raises
    ------
    CatalogueError
        A selector's source cannot be read, or the written file does not load back.
    """
    target = Path(path)
    kept = list(load_catalogue(target).indicators) if target.is_file() else []
    new_ids = {i.id for i in indicators}
    everything = [i for i in kept if i.id not in new_ids] + list(indicators)
    sources = {}
    for ind in everything:
        try:
            sources[ind.cases.__name__] = inspect.getsource(ind.cases)
        except (OSError, TypeError):
            raise CatalogueError(
                f"{ind.id}: the source of its case selector cannot be read; define it with "
                "`def` in a file or notebook cell"
            ) from None
    body = [
        HEADER,
        *(f"\n\n{source.rstrip()}\n" for source in sources.values()),
        "\n\nINDICATORS = [\n",
        *(f"    {_literal(ind)},\n" for ind in everything),
        "]\n",
    ]
    target.write_text("".join(body), encoding="utf-8")
    check_definitions(load_catalogue(target).indicators, origin=str(target))
    return target


def _literal(ind: Indicator) -> str:
    """``Indicator(...)`` with every field that differs from its default."""
    parts = []
    for field in fields(Indicator):
        value = getattr(ind, field.name)
        if field.default is not MISSING and value == field.default:
            continue
        text = ind.cases.__name__ if field.name == "cases" else repr(value)
        parts.append(f"{field.name}={text}")
    return "Indicator(" + ", ".join(parts) + ")"
