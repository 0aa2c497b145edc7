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


#: Months of an indicator and year are published only where the nation's year holds at
#: least this many cases per trust and month: below it most trust-months would be
#: withheld, an SPC chart of them would show mostly gaps, and every withheld month is
#: one more count for the disclosure audit to protect.
MONTH_MIN_CASES_PER_TRUST = 20


def publishable_months(table: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, object]]:
    """Drop the months of every indicator and year too small to chart, at every level.

    A year's months are kept when the national population of the year (``n_cases`` of
    the national yearly row) is at least ``MONTH_MIN_CASES_PER_TRUST`` x 12 x the trusts
    with rows in that year.  Months are dropped at every level at once, so no published
    sum has a month missing from it.  Returns the table and what the manifest records:
    the rule and, per indicator, the years whose months were published and those whose
    were not.
    """
    year = pl.col("period").str.slice(0, 4)
    least = MONTH_MIN_CASES_PER_TRUST * 12
    national = table.filter(
        (pl.col("level") == "national") & (pl.col("period_type") == "year")
    ).select("indicator_id", pl.col("period").alias("_year"), pl.col("n_cases").alias("_n"))
    trusts = (
        table.filter((pl.col("level") == "trust") & (pl.col("period_type") == "year"))
        .group_by("indicator_id", pl.col("period").alias("_year"))
        .agg(pl.len().alias("_trusts"))
    )
    monthly = (
        table.filter(pl.col("period_type") == "month")
        .select("indicator_id", year.alias("_year"))
        .unique()
        .join(national, on=["indicator_id", "_year"], how="left")
        .join(trusts, on=["indicator_id", "_year"], how="left")
        .with_columns(
            (pl.col("_n").fill_null(0) >= least * pl.col("_trusts").fill_null(1)).alias("_keep")
        )
        .sort("indicator_id", "_year")
    )
    dropped = monthly.filter(~pl.col("_keep")).select("indicator_id", "_year")
    kept = table.join(
        dropped.with_columns(pl.lit("month").alias("period_type")),
        left_on=["indicator_id", year, "period_type"],
        right_on=["indicator_id", "_year", "period_type"],
        how="anti",
        maintain_order="left",
    )
    record: dict[str, object] = {
        "rule": f"an indicator's months of a year are published only where the nation's "
        f"year holds at least {MONTH_MIN_CASES_PER_TRUST} cases per trust and month",
        "published": _years_by_indicator(monthly.filter("_keep")),
        "not_published": _years_by_indicator(monthly.filter(~pl.col("_keep"))),
    }
    return kept, record


def _years_by_indicator(frame: pl.DataFrame) -> dict[str, list[str]]:
    grouped = frame.group_by("indicator_id", maintain_order=True).agg(pl.col("_year"))
    return {row[0]: list(row[1]) for row in grouped.iter_rows()}
