"""Incomplete periods: hand-worked windows around an extract of 2023-01-01..2025-12-31."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from indicators.catalogue import BY_ID
from indicators.compute.periods import mark_incomplete_periods

FIRST, LAST = date(2023, 1, 1), date(2025, 12, 31)


def _marks(periods, windows, *, first=FIRST, last=LAST, extract_date=LAST):
    rows = pl.DataFrame(
        {
            "indicator_id": ["X"] * len(periods),
            "period": periods,
            "period_type": ["year" if len(p) == 4 else "tertial" for p in periods],
        }
    )
    marked = mark_incomplete_periods(rows, {"X": windows}, first, last, extract_date)
    return dict(zip(periods, marked["period_incomplete"], strict=True))


def test_a_run_in_of_a_year_marks_every_period_starting_in_the_first_year():
    marks = _marks(["2023", "2023-T3", "2024", "2024-T1", "2025-T3"], (365, 0))
    # 2024-01-01 minus 365 days is 2023-01-01: the first day of the extract, so whole.
    assert marks == {"2023": "run_in", "2023-T3": "run_in", "2024": None, "2024-T1": None,
                     "2025-T3": None}  # fmt: skip


def test_a_follow_up_marks_the_periods_ending_too_close_to_the_extract_date():
    marks = _marks(["2025", "2025-T2", "2025-T3"], (0, 92), extract_date=date(2025, 12, 31))
    # 2025-T2 ends 2025-08-31; plus 92 days is 2025-12-01, before the extract date.
    assert marks == {"2025": "follow_up", "2025-T2": None, "2025-T3": "follow_up"}


def test_an_extract_that_ends_inside_a_period_leaves_it_uncovered():
    marks = _marks(["2025", "2025-T2", "2025-T3"], (0, 0), extract_date=date(2025, 10, 15))
    assert marks == {"2025": "coverage", "2025-T2": None, "2025-T3": "coverage"}


def test_without_a_stated_start_the_earliest_period_is_the_start():
    marks = _marks(["2024-T2", "2024-T3", "2025-T3"], (100, 0), first=None)
    # The extract starts 2024-05-01 as far as anyone can tell: 2024-T2 starts too soon;
    # 2024-T3 starts 2024-09-01, 123 days later.
    assert marks == {"2024-T2": "run_in", "2024-T3": None, "2025-T3": None}


@pytest.mark.parametrize(
    ("indicator_id", "run_in", "follow_up"),
    [("USER-01", 365, 0), ("SOM-03", 365, 0), ("WAIT-03", 0, 92), ("PATH-02", 0, 0)],
)
def test_the_catalogue_declares_its_windows(indicator_id, run_in, follow_up):
    indicator = BY_ID[indicator_id]
    assert (indicator.run_in_days, indicator.follow_up_days) == (run_in, follow_up)


def test_cases_decided_early_are_not_kept_over_those_still_open():
    """Extract date 2025-12-31: two referrals received 2025-12-22, both due 2026-01-06
    (10 working days, Christmas and New Year's Day not counted); one was assessed on the
    23rd, one is not assessed yet.  Neither is counted: keeping the early one alone
    would make late December look better than it is.  A referral received 2025-12-01
    (due 2025-12-15) and assessed on the 19th is a breach."""
    from indicators.catalogue.definitions import assessment_breach_cases
    from indicators.catalogue.model import CaseContext

    referrals = pl.LazyFrame(
        {
            "patient_id": ["A", "B", "C"],
            "trust_id": ["1"] * 3,
            "service": ["TSB"] * 3,
            "received_date": [date(2025, 12, 22), date(2025, 12, 22), date(2025, 12, 1)],
            "assessed_date": [date(2025, 12, 23), None, date(2025, 12, 19)],
        }
    )
    cases = assessment_breach_cases({"referrals": referrals}, CaseContext(LAST)).collect()
    assert cases["patient_id"].to_list() == ["C"]
    assert cases["numerator"].to_list() == [True]


def test_months_are_marked_like_other_periods():
    """A month ending within WAIT-03's follow-up is incomplete; a month of the first
    run-in year of a pathway indicator too; a whole month is not."""
    from datetime import date

    import polars as pl

    from indicators.compute.periods import mark_incomplete_periods

    rows = pl.DataFrame(
        {
            "indicator_id": ["WAIT-03", "WAIT-03", "USER-01", "USER-01"],
            "period": ["2025-09", "2025-10", "2023-12", "2024-01"],
            "period_type": "month",
        }
    )
    windows = {"WAIT-03": (0, 92), "USER-01": (365, 0)}
    marked = mark_incomplete_periods(
        rows, windows, date(2023, 1, 1), date(2025, 12, 31), date(2025, 12, 31)
    )
    # September ends 2025-09-30: + 92 days is 2025-12-31, not past the extract date.
    assert marked["period_incomplete"].to_list() == [None, "follow_up", "run_in", None]


def test_months_too_small_to_chart_are_dropped_at_every_level_at_once():
    """WAIT-01's 2025 holds 20 x 12 cases per trust: its months stay; WAIT-02's do not."""
    import polars as pl

    from indicators.compute.periods import MONTH_MIN_CASES_PER_TRUST, publishable_months

    least = MONTH_MIN_CASES_PER_TRUST * 12 * 2  # two trusts
    rows = []
    for ind, n_year in (("WAIT-01", least), ("WAIT-02", least - 1)):
        rows += [
            (ind, "national", "NO", "2025", "year", n_year),
            (ind, "trust", "A", "2025", "year", n_year // 2),
            (ind, "trust", "B", "2025", "year", n_year - n_year // 2),
            (ind, "trust", "A", "2025-03", "month", 30),
            (ind, "rhf", "1", "2025-03", "month", 60),
            (ind, "national", "NO", "2025-03", "month", 60),
        ]
    table = pl.DataFrame(
        rows,
        schema=["indicator_id", "level", "unit_id", "period", "period_type", "n_cases"],
        orient="row",
    )
    kept, record = publishable_months(table)
    months = kept.filter(pl.col("period_type") == "month")
    assert set(months["indicator_id"]) == {"WAIT-01"}
    assert months.height == 3  # every level of WAIT-01's month
    assert kept.filter(pl.col("indicator_id") == "WAIT-02").height == 3  # its year rows
    assert record["published"] == {"WAIT-01": ["2025"]}
    assert record["not_published"] == {"WAIT-02": ["2025"]}
