"""Calendar helpers: Norwegian working days, working-day deadlines, year and tertial labels.

Working days are Monday to Friday except Norwegian public holidays (helligdager): New Year's
Day, Maundy Thursday, Good Friday, Easter Monday, 1 May, 17 May, Ascension Day, Whit Monday,
25 and 26 December (Easter Sunday and Whit Sunday are Sundays anyway).  The list comes from
the ``holidays`` package.  Christmas Eve and New Year's Eve are not public holidays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays
import polars as pl

from indicators.stats._common import IntoExpr, to_expr
from indicators.stats.errors import ArgumentError

__all__ = [
    "ASSESSMENT_WORKING_DAYS",
    "HOLIDAY_YEARS",
    "add_working_days",
    "norwegian_holidays",
    "tertial_label",
    "working_day_deadline_breached",
    "working_days_between",
    "year_label",
]

HOLIDAY_YEARS = range(1990, 2061)
"""Years whose public holidays are known to the working-day functions by default.

Dates outside these years are still handled, but their holidays are not excluded; pass
``years=`` to cover other years.
"""

ASSESSMENT_WORKING_DAYS = 10
"""Assessment guarantee: a referral is to be assessed within 10 working days of receipt."""

WORKING_WEEK = (True, True, True, True, True, False, False)
"""Monday to Friday."""


@lru_cache(maxsize=8)
def _holidays(years: tuple[int, ...]) -> tuple[dt.date, ...]:
    calendar = holidays.country_holidays("NO", years=years, include_sundays=False)
    return tuple(sorted(calendar.keys()))


def norwegian_holidays(years: Iterable[int] = HOLIDAY_YEARS) -> list[dt.date]:
    """Norwegian public holidays in the given years, sorted.

    Parameters
    ----------
    years
        Calendar years, e.g. ``range(2024, 2027)``.

    Returns
    -------
    list of datetime.date
        The public holidays (Sundays are not listed unless they are named holidays).

    Examples
    --------
    >>> [day.isoformat() for day in norwegian_holidays([2025]) if day.month == 4]
    ['2025-04-17', '2025-04-18', '2025-04-20', '2025-04-21']
    """
    return list(_holidays(tuple(sorted(set(years)))))


def _holiday_list(years: Iterable[int] | None) -> list[dt.date]:
    return norwegian_holidays(HOLIDAY_YEARS if years is None else years)


def working_days_between(
    start: IntoExpr, end: IntoExpr, *, years: Iterable[int] | None = None
) -> pl.Expr:
    """Number of Norwegian working days after ``start`` up to and including ``end``.

    Parameters
    ----------
    start
        Date column or expression (e.g. ``received_date``); it is day 0 and is not counted.
    end
        Date column or expression (e.g. ``assessed_date``); counted if it is a working day.
    years
        Years whose holidays are excluded (default :data:`HOLIDAY_YEARS`).

    Returns
    -------
    pl.Expr
        Int32 count of working days in the half-open interval (start, end]; negative when
        ``end`` is before ``start``; null when either date is null.

    Notes
    -----
    Equal to ``business_day_count(start + 1 day, end + 1 day)`` with Monday–Friday and the
    Norwegian public holidays.  A referral received on Friday and assessed on Monday took
    1 working day; one received on Saturday and assessed on Monday also took 1.

    References
    ----------
    Lov om helligdager og helligdagsfred (LOV-1995-02-24-12); lov om 1. og 17. mai som
    offentlige høytidsdager (LOV-1947-04-26-1).

    Examples
    --------
    Easter 2025: Maundy Thursday 17, Good Friday 18 and Easter Monday 21 April are holidays.

    >>> import datetime as dt
    >>> import polars as pl
    >>> dates = pl.DataFrame(
    ...     {"received": [dt.date(2025, 4, 14)], "assessed": [dt.date(2025, 4, 28)]}
    ... )
    >>> dates.select(days=working_days_between("received", "assessed"))
    shape: (1, 1)
    ┌──────┐
    │ days │
    │ ---  │
    │ i32  │
    ╞══════╡
    │ 7    │
    └──────┘
    """
    one_day = pl.duration(days=1)
    return pl.business_day_count(
        to_expr(start).cast(pl.Date) + one_day,
        to_expr(end).cast(pl.Date) + one_day,
        week_mask=WORKING_WEEK,
        holidays=_holiday_list(years),
    )


def add_working_days(
    date: IntoExpr, days: int | IntoExpr, *, years: Iterable[int] | None = None
) -> pl.Expr:
    """The date that is ``days`` Norwegian working days after ``date``.

    Parameters
    ----------
    date
        Date column or expression (day 0, e.g. ``received_date``).
    days
        Number of working days to add (>= 0), a number or an integer column/expression.
    years
        Years whose holidays are excluded (default :data:`HOLIDAY_YEARS`).

    Returns
    -------
    pl.Expr
        Date expression: the ``days``-th working day after ``date``; ``date`` itself when
        days = 0.  Null where ``date`` or ``days`` is null.

    Notes
    -----
    ``date`` is day 0 whether or not it is a working day; the result d satisfies
    ``working_days_between(date, d) == days``.  For the assessment guarantee the deadline
    is ``add_working_days(received_date, 10)``: received on Monday 14 April 2025, the
    deadline is Friday 2 May 2025 (Easter and 1 May skipped).

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> received = pl.DataFrame({"received": [dt.date(2025, 4, 14), dt.date(2025, 5, 16)]})
    >>> received.with_columns(deadline=add_working_days("received", 10))
    shape: (2, 2)
    ┌────────────┬────────────┐
    │ received   ┆ deadline   │
    │ ---        ┆ ---        │
    │ date       ┆ date       │
    ╞════════════╪════════════╡
    │ 2025-04-14 ┆ 2025-05-02 │
    │ 2025-05-16 ┆ 2025-06-02 │
    └────────────┴────────────┘
    """
    if isinstance(days, int) and days < 0:
        msg = f"days must be a number of working days >= 0, got {days}"
        raise ArgumentError(msg)
    n = pl.lit(days, dtype=pl.Int64) if isinstance(days, int) else to_expr(days)
    start = to_expr(date).cast(pl.Date)
    # Rolling a non-working day 0 back to the last working day leaves the count unchanged
    # for n >= 1; for n = 0 the answer is the date itself.
    later = start.dt.add_business_days(
        n, week_mask=WORKING_WEEK, holidays=_holiday_list(years), roll="backward"
    )
    return pl.when(n == 0).then(start).otherwise(later)


def working_day_deadline_breached(
    start: IntoExpr,
    end: IntoExpr,
    *,
    working_days: int = ASSESSMENT_WORKING_DAYS,
    as_of: dt.date | IntoExpr | None = None,
    years: Iterable[int] | None = None,
) -> pl.Expr:
    """Whether ``end`` came later than ``working_days`` working days after ``start``.

    Parameters
    ----------
    start
        Date the clock starts (day 0), e.g. ``received_date``.
    end
        Date the task was done, e.g. ``assessed_date``; null while not yet done.
    working_days
        Allowed working days (default :data:`ASSESSMENT_WORKING_DAYS` = 10).
    as_of
        The date the data were extracted, used for cases not yet done: a date, or a date
        column/expression.  None: open cases give null.
    years
        Years whose holidays are excluded (default :data:`HOLIDAY_YEARS`).

    Returns
    -------
    pl.Expr
        Boolean: True when ``end > deadline``, False when ``end <= deadline``, with
        deadline = :func:`add_working_days` (start, working_days).  When ``end`` is null:
        True if ``as_of > deadline`` (still not done after the deadline), otherwise null
        (the outcome is not yet known).  Null when ``start`` is null.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> referrals = pl.DataFrame(
    ...     {
    ...         "received": [dt.date(2025, 4, 14)] * 4,
    ...         "assessed": [dt.date(2025, 5, 2), dt.date(2025, 5, 5), None, None],
    ...         "extract": [dt.date(2025, 5, 31)] * 3 + [dt.date(2025, 4, 20)],
    ...     }
    ... )
    >>> referrals.select(
    ...     breach=working_day_deadline_breached("received", "assessed", as_of=pl.col("extract"))
    ... )
    shape: (4, 1)
    ┌────────┐
    │ breach │
    │ ---    │
    │ bool   │
    ╞════════╡
    │ false  │
    │ true   │
    │ true   │
    │ null   │
    └────────┘
    """
    deadline = add_working_days(start, working_days, years=years)
    done = to_expr(end).cast(pl.Date)
    if as_of is None:
        reference = pl.lit(None, dtype=pl.Date)
    elif isinstance(as_of, dt.date):
        reference = pl.lit(as_of, dtype=pl.Date)
    else:
        reference = to_expr(as_of).cast(pl.Date)
    return (
        pl.when(done.is_not_null())
        .then(done > deadline)
        .when(reference > deadline)
        .then(pl.lit(True))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )


def year_label(date: IntoExpr) -> pl.Expr:
    """Calendar-year label of a date, e.g. ``"2025"``.

    Parameters
    ----------
    date
        Date column or expression.

    Returns
    -------
    pl.Expr
        String expression; null where the date is null.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> pl.DataFrame({"d": [dt.date(2025, 5, 17)]}).select(year_label("d"))
    shape: (1, 1)
    ┌──────┐
    │ d    │
    │ ---  │
    │ str  │
    ╞══════╡
    │ 2025 │
    └──────┘
    """
    return to_expr(date).dt.year().cast(pl.String)


def tertial_label(date: IntoExpr) -> pl.Expr:
    """Tertial label of a date, e.g. ``"2025-T2"``: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec.

    Parameters
    ----------
    date
        Date column or expression.

    Returns
    -------
    pl.Expr
        String expression ``"<year>-T<1|2|3>"``; null where the date is null.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> days = [dt.date(2025, 4, 30), dt.date(2025, 5, 1), dt.date(2025, 12, 31)]
    >>> pl.DataFrame({"d": days}).select(tertial_label("d"))
    shape: (3, 1)
    ┌─────────┐
    │ d       │
    │ ---     │
    │ str     │
    ╞═════════╡
    │ 2025-T1 │
    │ 2025-T2 │
    │ 2025-T3 │
    └─────────┘
    """
    d = to_expr(date)
    tertial = (d.dt.month().cast(pl.Int32) - 1) // 4 + 1
    return pl.format("{}-T{}", d.dt.year(), tertial)
