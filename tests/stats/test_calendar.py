"""Norwegian working days, working-day deadlines and period labels, checked by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.stats import (
    ArgumentError,
    add_working_days,
    norwegian_holidays,
    tertial_label,
    working_day_deadline_breached,
    working_days_between,
    year_label,
)

D = dt.date


def _between(start, end):
    frame = pl.DataFrame({"s": [start], "e": [end]}, schema={"s": pl.Date, "e": pl.Date})
    return frame.select(working_days_between("s", "e")).item()


def _add(start, days):
    return pl.DataFrame({"s": [start]}).select(add_working_days("s", days)).item()


@pytest.mark.parametrize(
    ("start", "end", "days", "why"),
    [
        # Mon 14 Apr -> Mon 28 Apr 2025: Tue 15, Wed 16, (Maundy Thu 17, Good Fri 18,
        # Easter Mon 21 are holidays), Tue 22 - Fri 25, Mon 28 = 7.
        (D(2025, 4, 14), D(2025, 4, 28), 7, "Easter 2025"),
        (D(2025, 4, 16), D(2025, 4, 22), 1, "Wednesday before Easter to Tuesday after"),
        # Fri 16 May -> Tue 20 May 2025: 17 May is a Saturday, so Mon 19 and Tue 20 count.
        (D(2025, 5, 16), D(2025, 5, 20), 2, "17 May on a Saturday"),
        # 17 May 2027 is a Monday: Fri 14 -> Tue 18 counts only Tue 18.
        (D(2027, 5, 14), D(2027, 5, 18), 1, "17 May on a Monday"),
        # Tue 23 Dec 2025 -> Fri 2 Jan 2026: Wed 24, Mon 29, Tue 30, Wed 31, Fri 2 (25, 26
        # Dec and 1 Jan are holidays; Christmas Eve and New Year's Eve are working days).
        (D(2025, 12, 23), D(2026, 1, 2), 5, "Christmas and New Year"),
        # Ascension Day Thu 29 May and Whit Monday 9 June 2025.
        (D(2025, 5, 28), D(2025, 6, 10), 7, "Ascension and Whitsun"),
        (D(2025, 4, 14), D(2025, 4, 14), 0, "same day"),
        (D(2025, 4, 12), D(2025, 4, 14), 1, "received on a Saturday"),
        (D(2025, 4, 28), D(2025, 4, 14), -7, "end before start"),
    ],
)
def test_working_days_between_hand_checked_dates(start, end, days, why):
    assert _between(start, end) == days, why


def test_easter_holidays_come_from_the_holidays_package():
    april = [d for d in norwegian_holidays([2025]) if d.month == 4]
    assert april == [D(2025, 4, 17), D(2025, 4, 18), D(2025, 4, 20), D(2025, 4, 21)]
    assert D(2025, 12, 24) not in norwegian_holidays([2025])


def test_ten_working_days_from_received_skips_easter_and_first_of_may():
    assert _add(D(2025, 4, 14), 10) == D(2025, 5, 2)
    assert _add(D(2025, 4, 12), 10) == D(2025, 4, 30)  # Saturday is day 0, Mon 14 day 1


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)), st.integers(0, 40))
def test_adding_working_days_inverts_counting_them(start, days):
    deadline = _add(start, days)
    assert _between(start, deadline) == days


def test_breach_is_assessed_after_the_deadline_and_open_cases_use_the_extract_date():
    frame = pl.DataFrame(
        {
            "received": [D(2025, 4, 14)] * 5 + [None],
            "assessed": [D(2025, 5, 2), D(2025, 5, 5), None, None, None, D(2025, 5, 5)],
            "extract": [D(2025, 6, 1)] * 3 + [D(2025, 5, 2), D(2025, 5, 5), D(2025, 6, 1)],
        },
        schema={"received": pl.Date, "assessed": pl.Date, "extract": pl.Date},
    )
    out = frame.select(
        working_day_deadline_breached("received", "assessed", as_of=pl.col("extract"))
    ).to_series()
    assert out.to_list() == [False, True, True, None, True, None]
    without_as_of = frame.select(working_day_deadline_breached("received", "assessed"))
    assert without_as_of.to_series().to_list() == [False, True, None, None, None, None]


def test_negative_working_days_is_misuse():
    with pytest.raises(ArgumentError, match=">= 0"):
        add_working_days("received", -1)


def test_tertial_and_year_labels():
    days = [D(2025, 1, 1), D(2025, 4, 30), D(2025, 5, 1), D(2025, 8, 31), D(2025, 9, 1), None]
    out = pl.DataFrame({"d": days}, schema={"d": pl.Date}).select(
        tertial=tertial_label("d"), year=year_label("d")
    )
    assert out["tertial"].to_list() == ["2025-T1", "2025-T1", "2025-T2", "2025-T2", "2025-T3", None]
    assert out["year"].to_list() == ["2025"] * 5 + [None]
