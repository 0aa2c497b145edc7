"""The cross-table rules against plain reference definitions, on hand-built frames.

Each reference states a rule the slow, obvious way (every pair of a pathway's events,
every row joined to its parent), and the frames hold the edge cases: ties, nulls,
single-event pathways, events out of order, ids held twice, unknown parents.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl
import pytest

from indicators.extract.model import PATHWAY_EVENT_ORDER
from indicators.validate.crosstable import (
    before_birth,
    check_cross_table,
    other_patients_referral,
    pathway_order_broken,
    usual_first_year,
)

EVENTS = [*PATHWAY_EVENT_ORDER, "feedback_tool", "somatic_assessment"]


def _events(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"pathway_id": pl.String, "event": pl.String, "event_date": pl.Date},
        orient="row",
    )  # fmt: skip


def reference_pathway_order(events: pl.DataFrame) -> list[bool]:
    """A row is broken if another event of its pathway contradicts it, pair by pair."""
    rank = pl.col("event").replace_strict(PATHWAY_EVENT_ORDER, default=None, return_dtype=pl.Int32)
    rows = events.with_row_index("i").with_columns(rank.alias("rank"))
    pairs = rows.join(rows, on="pathway_id", suffix="_o")
    d, o = pl.col("event_date"), pl.col("event_date_o")
    r, ro = pl.col("rank"), pl.col("rank_o")
    end = PATHWAY_EVENT_ORDER["end"]
    broken = pl.when(r.is_null()).then((ro == end) & (d > o))
    broken = broken.otherwise(((ro < r) & (o > d)) | ((ro > r) & (o < d)))
    flagged = set(pairs.filter(broken.fill_null(False)).get_column("i").to_list())
    return [i in flagged for i in range(events.height)]


def test_pathway_order_edge_cases():
    day = date(2025, 1, 10)
    events = _events(
        [
            ("TIE", "start", day),  # equal dates across ranks are in order
            ("TIE", "first_attendance", day),
            ("TIE", "end", day),
            ("TIE", "feedback_tool", day),  # on the end date: not after it
            ("ONE", "clinical_decision", day),  # a single event
            ("NUL", "start", None),  # no date: takes no part
            ("NUL", "evaluation", day),
            ("NUL", "end", day - timedelta(1)),  # end before evaluation: both flagged
            ("OOO", "evaluation", day),  # written out of order, dated in order
            ("TIE", "somatic_assessment", day + timedelta(1)),  # after end: flagged
            ("OOO", "start", day - timedelta(5)),
            ("BAD", "first_attendance", day - timedelta(3)),
            ("BAD", "start", day),  # start after the first attendance
            ("END2", "end", day),  # two ends, which do not contradict each other; the
            ("END2", "end", day + timedelta(9)),  # earliest bounds the unranked events
            ("END2", "feedback_tool", day + timedelta(1)),
            (None, "start", day),  # no pathway id: not a pathway, not compared
            (None, "end", day - timedelta(1)),
        ]
    )
    expected = reference_pathway_order(events)
    assert pathway_order_broken(events).to_list() == expected
    flagged = events.filter(pl.Series(expected)).select("pathway_id", "event").rows()
    assert flagged == [
        ("NUL", "evaluation"), ("NUL", "end"), ("TIE", "somatic_assessment"),
        ("BAD", "first_attendance"), ("BAD", "start"), ("END2", "feedback_tool"),
    ]  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pathway_order_matches_the_pairwise_reference_on_random_events(seed: int):
    rng = random.Random(seed)
    rows = [
        (
            f"F{rng.randrange(40)}",
            rng.choice(EVENTS),
            None if rng.random() < 0.1 else date(2025, 1, 1) + timedelta(rng.randrange(30)),
        )
        for _ in range(400)
    ]
    events = _events(rows)
    assert pathway_order_broken(events).to_list() == reference_pathway_order(events)


def reference_before_birth(rows: pl.DataFrame, patients: pl.DataFrame, column: str) -> list:
    births = patients.group_by("patient_id").agg(pl.col("birth_year").min())
    joined = rows.join(births, on="patient_id", how="left", maintain_order="left")
    broken = pl.col(column).dt.year() < pl.col("birth_year")
    return joined.select(broken.fill_null(False)).to_series().to_list()


def test_before_birth_edge_cases():
    patients = pl.DataFrame(
        {
            "patient_id": ["OLD", "NEW", "TWICE", "TWICE", "NOYEAR", None],
            "birth_year": [1950, 2024, 2025, 2023, None, 2030],
        }
    )
    rows = pl.DataFrame(
        {
            "patient_id": ["OLD", "OLD", "NEW", "NEW", "TWICE", "NOYEAR", "GONE", None, "NEW"],
            "start_date": [
                date(1899, 5, 1),  # an early row (a typing error): looked up, flagged
                date(2024, 1, 1),
                date(2023, 12, 31),  # a year before NEW's birth: flagged
                date(2024, 1, 1),  # the birth year itself: not flagged
                date(2023, 6, 1),  # TWICE: the earliest birth year, 2023, counts
                date(2020, 1, 1),  # no birth year
                date(1800, 1, 1),  # unknown patient
                date(1800, 1, 1),  # no patient
                None,  # no date
            ],
        }
    )
    expected = reference_before_birth(rows, patients, "start_date")
    assert expected == [True, False, True, False, False, False, False, False, False]
    assert before_birth(rows, patients, "start_date").to_list() == expected


@pytest.mark.parametrize("seed", [1, 2])
def test_before_birth_matches_the_join_on_random_rows(seed: int):
    rng = random.Random(seed)
    ids = [f"P{i}" for i in range(30)] + [None]
    patients = pl.DataFrame(
        {
            "patient_id": [rng.choice(ids) for _ in range(40)],
            "birth_year": [rng.choice([None, 1990, 2022, 2023, 2024, 2025]) for _ in range(40)],
        }
    )
    days = [None, date(1899, 1, 1)] + [date(2022, 1, 1) + timedelta(d) for d in range(0, 1300, 7)]
    rows = pl.DataFrame(
        {
            "patient_id": [rng.choice([*ids, "X"]) for _ in range(500)],
            "start_date": [rng.choice(days) for _ in range(500)],
        }
    )
    expected = reference_before_birth(rows, patients, "start_date")
    assert any(expected)
    assert before_birth(rows, patients, "start_date").to_list() == expected


def test_usual_first_year_leaves_out_a_few_early_dates():
    dates = pl.Series([date(1899, 1, 1), None] + [date(2023, 1, 1)] * 150 + [date(2024, 1, 1)] * 50)
    assert usual_first_year(dates) == 2023
    assert usual_first_year(pl.Series([None], dtype=pl.Date)) is None


def reference_other_patient(rows: pl.DataFrame, referrals: pl.DataFrame) -> list[bool]:
    known = set(referrals.get_column("referral_id").drop_nulls().to_list())
    pairs = set(referrals.select("referral_id", "patient_id").rows())
    return [
        r in known and p is not None and (r, p) not in pairs
        for r, p in rows.select("referral_id", "patient_id").rows()
    ]


def test_same_patient_edge_cases():
    referrals = pl.DataFrame(
        {
            "referral_id": ["R1", "R2", "R2", "R3", "R4", "R4", "R5", None],
            "patient_id": ["P1", "P2", "P3", None, "P4", "P4", "P5", "P6"],
        }
    )
    rows = pl.DataFrame(
        {
            "referral_id": ["R1", "R1", "R2", "R2", "R2", "R3", "R3", "R4", "R4", "R9", None, "R5"],
            "patient_id": ["P1", "P2", "P2", "P3", "P1", "P3", None, "P4", "P5", "P1", "P6", None],
        }
    )
    expected = reference_other_patient(rows, referrals)
    assert expected == [
        False, True,  # R1 is P1's
        False, False, True,  # R2 is held by P2 and P3
        True, False,  # R3 has no patient; a row without one is left to not_null
        False, True,  # R4 twice, both P4
        False, False, False,  # unknown referral, no referral, no patient
    ]  # fmt: skip
    assert other_patients_referral(rows, referrals).to_list() == expected


def test_within_referral_reads_the_earliest_received_date_of_an_id_held_twice():
    patients = pl.DataFrame({"patient_id": ["P1"], "birth_year": [1980], "death_date": [None]})
    referrals = pl.DataFrame(
        {
            "referral_id": ["R1", "R1", "R2"],
            "patient_id": ["P1", "P1", "P1"],
            "received_date": [date(2025, 3, 5), date(2025, 3, 1), None],
        }
    )
    contacts = pl.DataFrame(
        {
            "patient_id": ["P1"] * 5,
            "referral_id": ["R1", "R1", "R2", "R9", None],
            "start_date": [date(2025, 3, 1), date(2025, 2, 28), date(2020, 1, 1), None, None],
        },
        schema_overrides={"start_date": pl.Date},
    )
    _, failing = check_cross_table(
        {"patients": patients.cast({"death_date": pl.Date}), "referrals": referrals,
         "contacts": contacts}
    )  # fmt: skip
    assert failing["contacts.start_date.within_referral"].to_list() == [1]
    assert failing["contacts.referral_id.foreign_key"].to_list() == [3]
    assert "contacts.patient_id.same_as_referral" not in failing
