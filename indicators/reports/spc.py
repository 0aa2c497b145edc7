"""Statistical process control in the reports: charts, "what changed" and the trust matrix.

Everything here reads ``spc.parquet`` (computed once for every unit by
``indicators compute``, see :mod:`indicators.compute.spc`); nothing is computed from
counts that the results do not publish.  A report for a year or tertial shows the months
up to the end of its period; the centre and limits are those of the whole series.

:func:`spc_chart` is the notebook entry point: the SPC chart of any monthly indicator
and unit, interactive in JupyterLab, optionally recalculated from a change date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from indicators.charts.display import ChartView
from indicators.charts.spc import (
    CONCERN_COLOUR,
    IMPROVEMENT_COLOUR,
    assurance_text,
    variation_text,
    verdict_side,
)
from indicators.charts.spc import spc_chart as draw_spc_chart
from indicators.compute.periods import period_bounds
from indicators.present.format import MISSING_TEXT, format_value
from indicators.present.labels import text
from indicators.reports.html import Cell, attrs, escape, table
from indicators.results import NATIONAL_UNIT_ID
from indicators.stats.spc import CONCERN, IMPROVEMENT

if TYPE_CHECKING:
    from indicators.catalogue.model import Indicator

#: The series whose verdict counts as a signal.
SIGNALS = (IMPROVEMENT, CONCERN)
SIGNAL_COLOURS = {IMPROVEMENT: IMPROVEMENT_COLOUR, CONCERN: CONCERN_COLOUR}


def period_end(period: str) -> date:
    """The last day of a report period (``2025``, ``2025-T2`` or ``2025-03``).

    >>> period_end("2025-T2"), period_end("2024")
    (datetime.date(2025, 8, 31), datetime.date(2024, 12, 31))
    """
    kind = "tertial" if "-T" in period else ("month" if "-" in period else "year")
    frame = pl.DataFrame({"p": [period], "t": [kind]})
    return frame.select(period_bounds(pl.col("p"), pl.col("t"))[1]).item()


def series(spc: pl.DataFrame, indicator_id: str, unit_id: str, *, until: date) -> pl.DataFrame:
    """The rows of one unit's series of one indicator, months up to ``until``."""
    return spc.filter(
        (pl.col("indicator_id") == indicator_id)
        & (pl.col("unit_id") == unit_id)
        & (pl.col("month") <= until)
    ).sort("month")


def changes(spc: pl.DataFrame, *, unit_ids: Sequence[str], year: str, until: date) -> pl.DataFrame:
    """Per indicator and unit, the special cause of ``year`` (up to ``until``), if any.

    Returns one row per series with a special cause among its included months of the
    year: ``indicator_id``, ``unit_id``, ``variation`` (the verdict of the year's latest
    special-cause month), ``since`` (the first month of the unbroken run of that verdict
    which it ends), ``latest`` and ``latest_value`` (the latest month with a value),
    ``improvement``, ``series_variation`` and ``assurance``.
    """
    months = spc.filter(
        pl.col("unit_id").is_in(list(unit_ids)),
        pl.col("month") <= until,
        pl.col("period").str.starts_with(year),
        pl.col("included"),
    ).sort("indicator_id", "unit_id", "month")
    keys = ["indicator_id", "unit_id"]
    runs = months.with_columns(pl.col("variation").rle_id().over(keys).alias("_run"))
    signal = runs.filter(pl.col("special_cause")).group_by(keys).agg(pl.all().last())
    start = runs.group_by([*keys, "_run"]).agg(pl.col("month").min().alias("since"))
    latest = months.group_by(keys).agg(
        pl.col("month").last().alias("latest"), pl.col("value").last().alias("latest_value")
    )
    return (
        signal.join(start, on=[*keys, "_run"])
        .join(latest, on=keys)
        .select(
            *keys,
            "variation",
            "since",
            "latest",
            "latest_value",
            "improvement",
            "series_variation",
            "assurance",
        )
        .sort(keys)
    )


def month_text(month: date, lang: str) -> str:
    """``mars 2025`` / ``March 2025``.

    >>> month_text(date(2025, 3, 1), "nb"), month_text(date(2025, 3, 1), "en")
    ('mars 2025', 'March 2025')
    """
    names = text("month_names", lang).split(",")
    return f"{names[month.month - 1]} {month.year}"


def verdict_cell(verdict: str | None, improvement: str | None, lang: str) -> Cell:
    """A variation verdict in words, marked with its colour where it is a signal."""
    words = variation_text(verdict, improvement, lang) if verdict else MISSING_TEXT
    colour = SIGNAL_COLOURS.get(verdict or "")
    if colour is None:
        return Cell(words)
    mark = f'<span class="ind-goal" style="background:{colour}" aria-hidden="true"></span>'
    return Cell(html=f"{mark}{escape(words)}", attributes=attrs(data_spc=verdict))


def what_changed_html(
    found: pl.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    year: str,
    chance: float | None,
    lang: str,
    units: Mapping[str, str] | None = None,
) -> str:
    """The "what changed" table: the monthly indicators with a special cause in ``year``.

    ``found`` comes from :func:`changes`; ``units`` (unit id -> name) adds a column naming
    the unit, for a table of many units.
    """
    note = escape(text("what_changed_rules", lang))
    if chance is not None:
        share = format_value(chance, unit="fraction", lang=lang)
        note += " " + escape(text("what_changed_chance", lang).format(share=share))
    if found.is_empty():
        body = f"<p>{escape(text('what_changed_none', lang).format(year=year))}</p>"
        return body + f'<p class="ind-note">{note}</p>'
    rows = []
    for r in found.iter_rows(named=True):
        ind = catalogue[r["indicator_id"]]
        row = {"indicator_id": ind.id, "unit_id": r["unit_id"], "value": r["latest_value"]}
        value = format_value(r["latest_value"], unit=ind.unit, lang=lang)
        named = [units.get(r["unit_id"], r["unit_id"])] if units is not None else []
        link = f'<a href="#ind-{escape(ind.id)}">{escape(ind.id)}</a> {escape(ind.title(lang))}'
        marks = attrs(class_="num", data_indicator=row["indicator_id"], data_unit=row["unit_id"])
        rows.append(
            [
                *named,
                Cell(html=link),
                verdict_cell(r["variation"], r["improvement"], lang),
                month_text(r["since"], lang),
                Cell(value, attributes=marks),
                month_text(r["latest"], lang),
                assurance_text(r["assurance"], lang).split(": ", 1)[1],
            ]
        )
    header = [
        *([text("trust", lang)] if units is not None else []),
        text("indicator", lang),
        text("spc_variation", lang),
        text("spc_since", lang),
        text("spc_latest_value", lang),
        text("spc_latest_month", lang),
        text("spc_assurance", lang),
    ]
    return table(header, rows) + f'<p class="ind-note">{note}</p>'


def spc_view(
    rows: pl.DataFrame, ind: Indicator, *, unit_label: str, lang: str
) -> tuple[ChartView, str]:
    """The SPC chart of one series and the sentence under it (verdicts and what is drawn)."""
    title = f"{ind.id} {unit_label}: {text('spc_title', lang).lower()}"
    chart = draw_spc_chart(rows, unit=ind.unit, title=title, lang=lang)
    last = rows.filter(pl.col("included")).tail(1)
    verdict = last["series_variation"].item() if last.height else None
    improvement = last["improvement"].item() if last.height else None
    assured = last["assurance"].item() if last.height else None
    sentence = (
        f"{variation_text(verdict, improvement, lang)}. {assurance_text(assured, lang)}. "
        f"{text('spc_chart_note', lang)}"
    )
    return chart, sentence


def spc_matrix_html(
    spc: pl.DataFrame,
    indicators: Sequence[Indicator],
    units: Mapping[str, str],
    *,
    until: date,
    lang: str,
) -> str:
    """Trusts x monthly indicators: each series' variation verdict at ``until``.

    A cell shows the verdict of the series' latest included month up to ``until`` (its
    special cause, with the side, or common cause); ``–`` where the trust has no series.
    """
    latest = (
        spc.filter(pl.col("level") == "trust", pl.col("month") <= until, pl.col("included"))
        .sort("indicator_id", "unit_id", "month")
        .group_by("indicator_id", "unit_id")
        .agg(pl.col("variation").last(), pl.col("improvement").last())
    )
    verdicts = {(r[0], r[1]): (r[2], r[3]) for r in latest.iter_rows()}
    rows = []
    for unit_id, label in sorted(units.items(), key=lambda item: item[1]):
        cells: list[Cell | str] = [label]
        for ind in indicators:
            verdict, improvement = verdicts.get((ind.id, unit_id), (None, None))
            cells.append(_matrix_cell(verdict, improvement, lang))
        rows.append(cells)
    header = [text("trust", lang), *(ind.id for ind in indicators)]
    return table(header, rows, class_="ind-table ind-spc-matrix")


def _matrix_cell(verdict: str | None, improvement: str | None, lang: str) -> Cell:
    """A short verdict: ``forbedring (L)``, ``bekymring (H)``, ``vanlig`` or ``–``."""
    if verdict is None:
        return Cell(MISSING_TEXT)
    short = text(f"{verdict_key(verdict)}_short", lang)
    side = verdict_side(verdict, improvement)
    words = f"{short} ({side})" if side else short
    colour = SIGNAL_COLOURS.get(verdict)
    if colour is None:
        return Cell(words, attributes=attrs(title=variation_text(verdict, improvement, lang)))
    mark = f'<span class="ind-goal" style="background:{colour}" aria-hidden="true"></span>'
    return Cell(
        html=f"{mark}{escape(words)}",
        attributes=attrs(title=variation_text(verdict, improvement, lang), data_spc=verdict),
    )


def verdict_key(verdict: str) -> str:
    """The label key of a point verdict (``spc_improvement``, ...)."""
    from indicators.charts.spc import VERDICT_KEYS

    return VERDICT_KEYS.get(verdict, "spc_no_variation")


def spc_chart(
    indicator_id: str,
    unit_id: str = NATIONAL_UNIT_ID,
    *,
    results_dir: str | Path | None = None,
    rebase_at: str | Sequence[str] | None = None,
    lang: str = "nb",
) -> ChartView:
    """The SPC chart of one monthly indicator for one unit, from a results directory.

    Parameters
    ----------
    indicator_id
        A monthly indicator (``indicators list`` shows the periods of each).
    unit_id
        A trust's organisation number, an RHF code (``"1"``..``"4"``) or ``"NO"`` (the
        nation, default).
    results_dir
        Written by ``indicators compute``; None: the default results directory.
    rebase_at
        Months (``"2025-03"``) from which the centre and limits are calculated anew,
        e.g. the month a change was made; the rules then restart there too.
    lang
        ``nb`` or ``en``.

    Raises
    ------
    ReportError
        The indicator has no monthly series for the unit in the results.
    """
    from indicators.compute.spc import spc_table
    from indicators.reports.data import ReportError, ResultsData

    data = ResultsData.read(results_dir)
    definitions = data.definitions
    rows = data.spc.filter(
        (pl.col("indicator_id") == indicator_id) & (pl.col("unit_id") == str(unit_id))
    )
    if rows.is_empty() or indicator_id not in definitions:
        monthly = sorted(data.spc["indicator_id"].unique().to_list())
        raise ReportError(
            f"no monthly series of {indicator_id!r} for unit {unit_id!r} in "
            f"{data.directory}; monthly indicators: {', '.join(monthly) or 'none'}"
        )
    if rebase_at is not None:
        published = data.indicators.filter(
            (pl.col("indicator_id") == indicator_id) & (pl.col("unit_id") == str(unit_id))
        )
        rows = spc_table(published, definitions, rebase_at=rebase_at)
    ind = definitions[indicator_id]
    label = rows["unit_name"][0] or str(unit_id)
    return spc_view(rows, ind, unit_label=label, lang=lang)[0]
