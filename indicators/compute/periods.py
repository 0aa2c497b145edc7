"""Whole and incomplete periods: which periods hold every case of their population.

An indicator's period holds its whole population only if each case could be observed
whole inside the extract (see :class:`~indicators.catalogue.model.Indicator`,
``run_in_days`` and ``follow_up_days``).  A period is marked, in ``period_incomplete``:

``coverage``
    the extract does not cover the whole period (it starts after the period's first day,
    or ends, or was drawn, before its last day);
``run_in``
    cases are dated by their end and may have begun up to ``run_in_days`` earlier: a
    period starting fewer days than that after the extract's first day holds only the
    shorter cases (ended pathways in the extract's first year);
``follow_up``
    cases need up to ``follow_up_days`` after their period date to be decided: a period
    ending fewer days than that before the extract date holds only the cases decided
    early (deadlines, time limits).

Marked periods are computed like every other period; reports show them as incomplete.

Examples
--------
>>> from datetime import date
>>> rows = pl.DataFrame({"indicator_id": ["X", "X"], "period": ["2023-T1", "2025-T3"],
...                      "period_type": ["tertial", "tertial"]})
>>> windows = {"X": (0, 30)}
>>> mark_incomplete_periods(rows, windows, date(2023, 1, 1), date(2025, 12, 31),
...                         date(2025, 12, 31))["period_incomplete"].to_list()
[None, 'follow_up']
"""

from __future__ import annotations

from datetime import date

import polars as pl

from indicators.results import period_bounds

#: The reasons a period is incomplete, in the order they are looked for.
INCOMPLETE_REASONS = ("coverage", "run_in", "follow_up")


def mark_incomplete_periods(
    table: pl.DataFrame,
    windows: dict[str, tuple[int, int]],
    first_day: date | None,
    last_day: date | None,
    extract_date: date,
) -> pl.DataFrame:
    """Add ``period_incomplete``: null for a whole period, else the reason (see above).

    ``windows`` gives each indicator's ``(run_in_days, follow_up_days)``; ``first_day``
    and ``last_day`` are the extract's period (None where the manifest states none: the
    start is then the earliest period in the table, and the end the extract date).
    """
    first, last = period_bounds(pl.col("period"), pl.col("period_type"))
    if first_day is None:
        first_day = table.select(first.min()).item()
    end = min(last_day, extract_date) if last_day is not None else extract_date
    run_in, follow_up = (
        pl.col("indicator_id").replace_strict(
            {i: w[k] for i, w in windows.items()}, default=0, return_dtype=pl.Int64
        )
        for k in (0, 1)
    )
    days = pl.duration(days=1)
    reason = (
        pl.when((first < pl.lit(first_day)) | (last > pl.lit(end)))
        .then(pl.lit("coverage"))
        .when((run_in > 0) & (first - run_in * days < pl.lit(first_day)))
        .then(pl.lit("run_in"))
        .when((follow_up > 0) & (last + follow_up * days > pl.lit(extract_date)))
        .then(pl.lit("follow_up"))
    )
    return table.with_columns(reason.otherwise(None).alias("period_incomplete"))
