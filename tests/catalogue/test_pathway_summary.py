"""The pathway indicators select from one summary per pathway: the same cases as selecting
each event kind on its own (the plain reading of the definitions, written out below)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.catalogue import BY_ID
from indicators.catalogue.definitions import (
    DECISION_DAYS_INPATIENT,
    DECISION_DAYS_OUTPATIENT,
    EVALUATION_DAYS,
)
from indicators.catalogue.model import CaseContext
from indicators.extract.model import PATHWAY_EVENTS

EXTRACT_DATE = date(2025, 12, 31)
CTX = CaseContext(extract_date=EXTRACT_DATE)
PATHWAY_IDS = ("FA", "FB", "FC", "FD")
EVENT_COLUMNS = (
    "pathway_id", "patient_id", "referral_id", "trust_id", "pathway_type", "event",
    "outcome", "care_level",
)  # fmt: skip


def _first(events: pl.LazyFrame, event: str, name: str) -> pl.LazyFrame:
    return (
        events.filter(pl.col("event") == event)
        .group_by("pathway_id")
        .agg(
            pl.col("event_date").min().alias(name),
            pl.col("care_level").sort_by("event_date").first().alias(f"{name}_level"),
        )
    )


def _heads(events: pl.LazyFrame) -> pl.LazyFrame:
    return events.group_by("pathway_id").agg(
        pl.col("trust_id").first(), pl.col("patient_id").first()
    )


def _days(start: str, end: str | pl.Expr) -> pl.Expr:
    return ((pl.col(end) if isinstance(end, str) else end) - pl.col(start)).dt.total_days()


def decision_reference(events: pl.LazyFrame) -> pl.LazyFrame:
    d01 = events.filter(pl.col("pathway_type") == "D01")
    limit = (
        pl.when(pl.col("decision_level") == "inpatient")
        .then(DECISION_DAYS_INPATIENT)
        .otherwise(DECISION_DAYS_OUTPATIENT)
    )
    return (
        _heads(d01)
        .join(_first(d01, "first_attendance", "first"), on="pathway_id")
        .join(_first(d01, "clinical_decision", "decision"), on="pathway_id", how="left")
        .filter(_days("first", pl.lit(EXTRACT_DATE)) > DECISION_DAYS_OUTPATIENT)
        .select(
            "trust_id",
            "patient_id",
            pl.col("first").alias("period_date"),
            (_days("first", "decision") <= limit).fill_null(False).alias("numerator"),
        )
    )


def evaluation_reference(events: pl.LazyFrame) -> pl.LazyFrame:
    d01 = events.filter(pl.col("pathway_type") == "D01")
    return (
        _heads(d01)
        .join(_first(d01, "clinical_decision", "decision"), on="pathway_id")
        .join(_first(d01, "evaluation", "evaluation"), on="pathway_id", how="left")
        .filter(_days("decision", pl.lit(EXTRACT_DATE)) > EVALUATION_DAYS)
        .select(
            "trust_id",
            "patient_id",
            pl.col("decision").alias("period_date"),
            (_days("decision", "evaluation") <= EVALUATION_DAYS)
            .fill_null(False)
            .alias("numerator"),
        )
    )


def ended_reference(
    events: pl.LazyFrame, types: tuple[str, ...], required: tuple[str, ...]
) -> pl.LazyFrame:
    of_types = events.filter(pl.col("pathway_type").is_in(types))
    has = of_types.group_by("pathway_id").agg(
        pl.all_horizontal((pl.col("event") == e).any() for e in required).alias("numerator")
    )
    return (
        _heads(of_types)
        .join(_first(of_types, "end", "end"), on="pathway_id")
        .join(has, on="pathway_id")
        .select("trust_id", "patient_id", pl.col("end").alias("period_date"), "numerator")
    )


REFERENCES = {
    "PATH-01": decision_reference,
    "PATH-02": evaluation_reference,
    "SOM-03": lambda e: ended_reference(e, ("D01", "D11"), ("somatic_assessment",)),
    "USER-01": lambda e: ended_reference(e, ("D01",), ("treatment_plan_with_patient",)),
    "USER-02": lambda e: ended_reference(e, ("D01",), ("feedback_tool",)),
    "USER-03": lambda e: ended_reference(e, ("D01",), ("individual_plan_assessed",)),
    "USER-04": lambda e: ended_reference(
        e, ("D01",), ("treatment_plan_with_patient", "feedback_tool", "individual_plan_assessed")
    ),
}

event_rows = st.lists(
    st.tuples(
        st.sampled_from(PATHWAY_IDS),
        st.sampled_from(PATHWAY_EVENTS),
        st.integers(0, 120),  # days before the extract date
        st.sampled_from(["outpatient", "inpatient", None]),
    ),
    max_size=40,
)


def _events(rows: list[tuple[str, str, int, str | None]]) -> pl.LazyFrame:
    """Events of up to four pathways; each pathway has one type, trust and patient."""
    kind = {"FA": "D01", "FB": "D01", "FC": "D11", "FD": "D02"}
    return pl.LazyFrame(
        {
            "pathway_id": [r[0] for r in rows],
            "patient_id": [f"P{r[0]}" for r in rows],
            "referral_id": [f"R{r[0]}" for r in rows],
            "trust_id": ["974557746"] * len(rows),
            "pathway_type": [kind[r[0]] for r in rows],
            "event": [r[1] for r in rows],
            "outcome": [None] * len(rows),
            "care_level": [r[3] for r in rows],
            "event_date": [EXTRACT_DATE - timedelta(days=r[2]) for r in rows],
        },
        schema={**dict.fromkeys(EVENT_COLUMNS, pl.String), "event_date": pl.Date},
    )


def _sorted(frame: pl.LazyFrame) -> list[tuple]:
    return sorted(frame.collect().rows(), key=repr)


@settings(max_examples=60, deadline=None)
@given(event_rows)
def test_the_summary_gives_the_cases_of_each_event_selected_alone(rows):
    events = _events(rows)
    for indicator_id, reference in REFERENCES.items():
        cases = BY_ID[indicator_id].cases({"pathway_events": events}, CTX)
        assert _sorted(cases) == _sorted(reference(events)), indicator_id


def test_the_earliest_decision_sets_the_limit_whatever_the_order_of_the_rows():
    # Decided 10 days after the first attendance: late for inpatient care (7 days), on
    # time for outpatient care (21); the earliest decision's level counts.
    rows = [
        ("FA", "first_attendance", 100, None),
        ("FA", "clinical_decision", 80, "outpatient"),
        ("FA", "clinical_decision", 90, "inpatient"),
    ]
    for order in (rows, rows[::-1]):
        cases = BY_ID["PATH-01"].cases({"pathway_events": _events(order)}, CTX).collect()
        assert cases["numerator"].to_list() == [False]
