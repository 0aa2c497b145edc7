"""Recorded conditions: a code counts when its three-character ICD-10 category is listed,
whether it is the main or a secondary diagnosis (checked against a plain reading)."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.catalogue.definitions import ICD10_CATEGORIES, recorded_conditions

CODES = ("E11", "E11.9", "E1", "E15", "E149", "I10", "I15.0", "I16", "F10.2", "Z00", "XE11")
CATEGORY = {code: c for c, codes in ICD10_CATEGORIES.items() for code in codes}


def reference(contacts: pl.DataFrame) -> set[tuple[str, int, str]]:
    """Every (patient, year, condition) whose code's first three characters are listed."""
    found = set()
    for row in contacts.iter_rows(named=True):
        codes = [row["main_diagnosis"], *row["secondary_diagnoses"]]
        for code in codes:
            if code is not None and code[:3] in CATEGORY:
                found.add((row["patient_id"], row["start_date"].year, CATEGORY[code[:3]]))
    return found


contact_rows = st.lists(
    st.tuples(
        st.sampled_from(("P1", "P2")),
        st.sampled_from((2024, 2025)),
        st.one_of(st.none(), st.sampled_from(CODES)),
        st.lists(st.sampled_from(CODES), max_size=3),
    ),
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(contact_rows)
def test_a_code_counts_by_its_category_as_main_or_secondary_diagnosis(rows):
    contacts = pl.DataFrame(
        {
            "patient_id": [r[0] for r in rows],
            "start_date": [date(r[1], 6, 1) for r in rows],
            "main_diagnosis": [r[2] for r in rows],
            "secondary_diagnoses": [r[3] for r in rows],
        },
        schema={
            "patient_id": pl.String,
            "start_date": pl.Date,
            "main_diagnosis": pl.String,
            "secondary_diagnoses": pl.List(pl.String),
        },
    )
    found = recorded_conditions({"contacts": contacts.lazy()}).collect()
    assert set(found.iter_rows()) == reference(contacts)
    assert found.height == len(set(found.iter_rows()))
