"""Cross-table rules on hand-made frames."""

from __future__ import annotations

from datetime import date

import polars as pl

from indicators.validate.crosstable import check_cross_table, pathway_order_broken


def _patients(*ids: str) -> pl.DataFrame:
    """Patients born in 1980 and alive (the columns the patient rules read)."""
    return pl.DataFrame(
        {"patient_id": ids, "birth_year": [1980] * len(ids), "death_date": [None] * len(ids)},
        schema_overrides={"death_date": pl.Date},
    )


def _events(rows):
    return pl.DataFrame(rows, schema=["pathway_id", "event", "event_date"], orient="row")


def test_events_in_order_are_not_flagged():
    events = _events(
        [
            ("A", "start", date(2025, 1, 1)),
            ("A", "first_attendance", date(2025, 1, 3)),
            ("A", "clinical_decision", date(2025, 1, 3)),
            ("A", "somatic_assessment", date(2025, 1, 4)),
            ("A", "evaluation", date(2025, 1, 9)),
            ("A", "end", date(2025, 2, 1)),
        ]
    )
    assert not pathway_order_broken(events).any()


def test_an_event_after_end_is_flagged_and_other_pathways_are_not():
    events = _events(
        [
            ("A", "start", date(2025, 1, 1)),
            ("A", "end", date(2025, 1, 5)),
            ("A", "feedback_tool", date(2025, 1, 6)),
            ("B", "start", date(2025, 1, 7)),
            ("B", "feedback_tool", date(2025, 1, 8)),
        ]
    )
    assert pathway_order_broken(events).to_list() == [False, False, True, False, False]


def test_an_event_without_a_date_does_not_hide_an_end_before_the_start():
    events = _events(
        [
            ("A", "start", date(2025, 1, 3)),
            ("A", "evaluation", None),
            ("A", "end", date(2025, 1, 1)),
        ]
    )
    assert pathway_order_broken(events).to_list() == [True, False, True]


def test_foreign_key_and_contact_before_referral_are_flagged():
    patients = _patients("P1")
    referrals = pl.DataFrame(
        {"referral_id": ["R1"], "patient_id": ["P1"], "received_date": [date(2025, 3, 1)]}
    )
    contacts = pl.DataFrame(
        {
            "patient_id": ["P1", "P2", "P1"],
            "referral_id": ["R1", None, "R1"],
            "start_date": [date(2025, 3, 1), date(2025, 1, 1), date(2025, 2, 28)],
        }
    )
    results, failing = check_cross_table(
        {"patients": patients, "referrals": referrals, "contacts": contacts}
    )
    counts = {r.rule_id: r.unexpected for r in results}
    assert counts["contacts.patient_id.foreign_key"] == 1
    assert counts["contacts.referral_id.foreign_key"] == 0
    assert failing["contacts.start_date.within_referral"].to_list() == [2]
    assert failing["contacts.patient_id.foreign_key"].to_list() == [1]


def test_cross_table_rules_on_ids_show_no_id_and_their_rows():
    patients = _patients("P1")
    contacts = pl.DataFrame(
        {"patient_id": ["P9", "P9", "P8"], "referral_id": [None] * 3, "start_date": [None] * 3},
        schema_overrides={"referral_id": pl.String, "start_date": pl.Date},
    )
    results, failing = check_cross_table({"patients": patients, "contacts": contacts})
    fk = next(r for r in results if r.rule_id == "contacts.patient_id.foreign_key")
    assert (fk.unexpected, fk.examples) == (3, [])
    assert failing[fk.rule_id].to_list() == [0, 1, 2]
    fk.locate(failing[fk.rule_id].to_list(), csv=True)
    assert fk.where == ["line 2", "line 3", "line 4"]


def test_contacts_patient_id_same_as_referral_flags_a_contact_on_another_patients_referral():
    """K2 is P2's contact but names R1, P1's referral; K3 names no referral."""
    patients = _patients("P1", "P2")
    referrals = pl.DataFrame(
        {"referral_id": ["R1"], "patient_id": ["P1"], "received_date": [date(2025, 3, 1)]}
    )
    contacts = pl.DataFrame(
        {
            "patient_id": ["P1", "P2", "P2"],
            "referral_id": ["R1", "R1", None],
            "start_date": [date(2025, 3, 2)] * 3,
        }
    )
    results, failing = check_cross_table(
        {"patients": patients, "referrals": referrals, "contacts": contacts}
    )
    same = next(r for r in results if r.rule_id == "contacts.patient_id.same_as_referral")
    assert (same.unexpected, same.examples) == (1, [])  # ids are never examples
    assert failing["contacts.patient_id.same_as_referral"].to_list() == [1]
    assert {r.rule_id: r.unexpected for r in results}["contacts.start_date.within_referral"] == 0


def test_rules_reading_an_unavailable_table_are_not_checked_with_its_reason():
    contacts = pl.DataFrame(
        {"patient_id": ["P1"], "referral_id": ["R1"], "start_date": [date(2025, 3, 2)]}
    )
    results, failing = check_cross_table(
        {"contacts": contacts, "patients": _patients("P1")},
        {"referrals": "referrals was not read row by row"},
    )
    statuses = {r.rule_id: (r.status, r.not_checked) for r in results}
    assert statuses["contacts.referral_id.foreign_key"] == (
        "not checked",
        "referrals was not read row by row",
    )
    assert statuses["contacts.patient_id.foreign_key"] == ("passed", "")
    assert statuses["referrals.patient_id.foreign_key"][0] == "not checked"
    assert failing == {}
