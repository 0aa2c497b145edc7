"""Cross-table rules on hand-made frames."""

from __future__ import annotations

from datetime import date

import polars as pl

from indicators.validate.crosstable import check_cross_table, pathway_order_broken


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


def test_foreign_key_and_contact_before_referral_are_flagged():
    patients = pl.DataFrame({"patient_id": ["P1"]})
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
