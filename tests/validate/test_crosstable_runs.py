"""The run-based paths of the cross-table rules give the same rows as plain hash lookups.

Sorted key columns are grouped by their runs (``aggregate``, ``per_group``), a column
whose equal values are adjacent is looked up once per run (``link``), and a foreign key
to the referrals reads the link.  Each is compared with the plain group-by, join or
``is_in`` on random tables: sorted and unsorted, with nulls, duplicate keys and ids the
parent does not have.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.validate.crosstable import (
    FOUND,
    PATIENT_HI,
    PATIENT_LO,
    PATIENT_NULLS,
    RECEIVED,
    aggregate,
    check_cross_table,
    link,
    parent_summary,
    pathway_order_broken,
    per_group,
    runs,
)
from indicators.validate.suites import load_cross_table

IDS = st.one_of(st.none(), st.sampled_from(["A", "B", "C", "D", "E", "F"]))
DAYS = st.one_of(st.none(), st.integers(0, 40).map(lambda d: date(2025, 1, 1) + timedelta(d)))


@st.composite
def keyed(draw, ids=IDS, size=40) -> pl.DataFrame:
    """Rows with a key (nulls, repeats), a date and a patient, sorted by the key or not."""
    n = draw(st.integers(0, size))
    frame = pl.DataFrame(
        {
            "k": draw(st.lists(ids, min_size=n, max_size=n)),
            "d": draw(st.lists(DAYS, min_size=n, max_size=n)),
            "p": draw(st.lists(IDS, min_size=n, max_size=n)),
        },
        schema={"k": pl.String, "d": pl.Date, "p": pl.String},
    )
    return frame.sort("k", "d", nulls_last=draw(st.booleans())) if draw(st.booleans()) else frame


AGGS = [pl.len().alias("n"), pl.col("d").min().alias("lo"), pl.col("p").max().alias("hi")]


def _plain_aggregate(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("k").is_not_null()).group_by("k").agg(AGGS).sort("k")


@settings(max_examples=200, deadline=None)
@given(keyed())
def test_aggregate_is_the_group_by_of_the_rows_with_a_key(frame: pl.DataFrame):
    assert aggregate(frame, "k", AGGS).sort("k").equals(_plain_aggregate(frame))


@settings(max_examples=200, deadline=None)
@given(keyed())
def test_per_group_is_the_group_by_joined_back_to_the_rows(frame: pl.DataFrame):
    plain = frame.select("k").join(
        _plain_aggregate(frame), on="k", how="left", maintain_order="left"
    )
    assert per_group(frame, "k", AGGS).equals(plain.drop("k"))


def test_runs_only_for_a_sorted_column_without_nulls():
    assert runs(pl.Series(["A", "A", "B", "C", "C"])).to_list() == [0, 0, 1, 2, 2]
    assert runs(pl.Series(["A", "B", "A"])) is None
    assert runs(pl.Series(["A", None, "B"])) is None


def _plain_link(rows: pl.DataFrame, parent: pl.DataFrame) -> pl.DataFrame:
    summary = (
        parent.filter(pl.col("referral_id").is_not_null())
        .group_by("referral_id")
        .agg(
            pl.len().alias(FOUND),
            pl.col("patient_id").min().alias(PATIENT_LO),
            pl.col("patient_id").max().alias(PATIENT_HI),
            pl.col("patient_id").null_count().alias(PATIENT_NULLS),
            pl.col("received_date").min().alias(RECEIVED),
        )
    )
    return (
        rows.select(pl.col("k").alias("referral_id"))
        .join(summary, on="referral_id", how="left", maintain_order="left")
        .drop("referral_id")
    )


def _referrals(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({"k": "referral_id", "p": "patient_id", "d": "received_date"})


@settings(max_examples=200, deadline=None)
@given(keyed(size=60), keyed(ids=st.one_of(st.none(), st.sampled_from(["A", "C", "E", "G"]))))
def test_link_is_the_join_with_the_parent_summary(rows: pl.DataFrame, parent: pl.DataFrame):
    referrals = _referrals(parent)
    linked = link(rows, "k", referrals, "referral_id")
    assert linked.equals(_plain_link(rows, referrals))
    keys = referrals.select(k="referral_id").unique().drop_nulls().sort("k")
    summary = parent_summary(referrals, "referral_id").sort("referral_id")
    assert summary.drop("referral_id").equals(_plain_link(keys, referrals))


def test_link_of_runs_repeats_each_run_summary():
    """Rows in runs of one id (as in a file sorted by it) take the lookup once per run."""
    referrals = pl.DataFrame(
        {
            "referral_id": ["R1", "R1", "R2", None],
            "patient_id": ["P1", "P2", None, "P3"],
            "received_date": [date(2025, 1, 2), date(2025, 1, 1), None, date(2025, 1, 1)],
        }
    )
    rows = pl.DataFrame({"k": ["R1"] * 4 + [None] * 3 + ["R9"] * 2 + ["R2"] * 3})
    linked = link(rows, "k", referrals, "referral_id")
    assert linked.equals(_plain_link(rows, referrals))
    assert linked.get_column(FOUND).to_list() == [2] * 4 + [None] * 5 + [1] * 3


def _contact_tables(contacts: pl.DataFrame, parent: pl.DataFrame) -> dict[str, pl.DataFrame]:
    referrals = _referrals(parent)
    patients = pl.DataFrame(
        {"patient_id": ["A", "B", "C"], "birth_year": [1980] * 3, "death_date": [None] * 3},
        schema_overrides={"death_date": pl.Date},
    )
    contacts = contacts.rename({"k": "referral_id", "p": "patient_id", "d": "start_date"})
    return {"patients": patients, "referrals": referrals, "contacts": contacts}


@settings(max_examples=100, deadline=None)
@given(keyed(size=60), keyed(ids=st.one_of(st.none(), st.sampled_from(["A", "C", "E", "G"]))))
def test_foreign_key_read_from_the_link_is_the_lookup_among_the_keys(contacts, parent):
    tables = _contact_tables(contacts, parent)
    rules = load_cross_table()
    fk = "contacts.referral_id.foreign_key"
    alone = [r for r in rules if r.id == fk]  # no rule makes the link: the hash lookup
    keys = tables["referrals"].get_column("referral_id").implode()
    expected = tables["contacts"].select(
        pl.col("referral_id").is_not_null() & ~pl.col("referral_id").is_in(keys)
    )
    expected_rows = expected.to_series().arg_true().to_list()
    for chosen in (rules, alone):
        results, failing = check_cross_table(tables, rules=chosen)
        result = next(r for r in results if r.rule_id == fk)
        assert result.unexpected == len(expected_rows)
        assert failing.get(fk, pl.Series([], dtype=pl.UInt32)).to_list() == expected_rows


def test_pathway_order_is_the_same_sorted_or_not():
    """The run path (sorted, no null ids) and the hash path flag the same events."""
    day = date(2025, 1, 10)
    events = pl.DataFrame(
        {
            "pathway_id": ["A", "A", "A", "B", "B", "C", "C", "C"],
            "event": ["start", "first_attendance", "end", "start", "end", "end", "evaluation", "x"],
            "event_date": [day, day - timedelta(2), day, day, day, day, day, day + timedelta(1)],
        }
    )
    sorted_flags = pathway_order_broken(events).to_list()
    order = pl.Series([7, 2, 5, 0, 3, 6, 1, 4])
    shuffled = pathway_order_broken(events[order]).to_list()
    assert sorted_flags == [True, True, False, False, False, False, False, True]
    assert [sorted_flags[i] for i in order] == shuffled
