"""Quarantine keeps every row: accepted + quarantined = input, with the rules broken."""

from __future__ import annotations

import json

import polars as pl

from indicators.validate.quarantine import cascade, rule_ids_per_row, write_quarantine


def test_rule_ids_per_row_lists_every_rule_a_row_breaks():
    failing = {
        "contacts.activity.code": pl.Series([0, 2], dtype=pl.UInt32),
        "contacts.contact_id.unique": pl.Series([2], dtype=pl.UInt32),
        "patients.columns.no_extra": pl.Series([1], dtype=pl.UInt32),  # a warning: ignored
    }
    assert rule_ids_per_row(3, failing).to_list() == [
        ["contacts.activity.code"],
        [],
        ["contacts.activity.code", "contacts.contact_id.unique"],
    ]


def test_quarantine_loses_no_row_and_agrees_with_the_report(defect_validation, tmp_path):
    manifest = write_quarantine(defect_validation, tmp_path)
    on_disk = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    report = defect_validation.report
    for table, counts in manifest["tables"].items():
        accepted = pl.read_parquet(tmp_path / "accepted" / f"{table}.parquet")
        quarantined = pl.read_parquet(tmp_path / "quarantined" / f"{table}.parquet")
        assert accepted.height == counts["accepted"]
        assert quarantined.height == counts["quarantined"]
        assert counts["accepted"] + counts["quarantined"] == counts["input"]
        assert counts["input"] == report.tables[table].rows
        assert quarantined.columns == ["rule_ids", *accepted.columns]
        cascaded = counts["rows_per_rule_cascaded"]
        for rule_id, n in counts["rows_per_rule"].items():
            assert report.counts()[rule_id] + cascaded.get(rule_id, 0) == n
        assert set(cascaded) <= {r for r in counts["rows_per_rule"] if r.endswith(".foreign_key")}
    assert manifest["tables"]["contacts"]["rows_per_rule"]["contacts.contact_id.unique"] == 6
    # Patients without sex (D08) and with an unknown municipality (D11) are quarantined:
    # their referrals, contacts and events follow them.
    referrals = manifest["tables"]["referrals"]
    assert referrals["rows_per_rule_cascaded"]["referrals.patient_id.foreign_key"]
    assert 0 < referrals["cascaded"] <= referrals["quarantined"]
    assert manifest["tables"]["patients"]["cascaded"] == 0


def test_accepted_rows_form_an_extract_that_passes_with_zero_failures(defect_validation, tmp_path):
    from indicators.validate.run import validate_extract

    write_quarantine(defect_validation, tmp_path)
    again = validate_extract(tmp_path / "accepted").report
    assert [r.rule_id for r in again.results() if r.failed or r.not_checked] == []
    assert again.passed
    assert again.extract_date == defect_validation.report.extract_date


def test_cascade_quarantines_children_of_quarantined_parents_under_the_foreign_key_rule():
    frames = {
        "patients": pl.DataFrame({"patient_id": ["P1", "P2"]}),
        "referrals": pl.DataFrame(
            {"referral_id": ["R1", "R2", "R3"], "patient_id": ["P1", "P2", "P9"]}
        ),
        "contacts": pl.DataFrame(
            {
                "contact_id": ["K1", "K2", "K3"],
                "patient_id": ["P1", "P1", "P2"],
                "referral_id": ["R1", "R3", None],
            }
        ),
    }
    failing = {
        "patients": {"patients.sex.not_null": pl.Series([1], dtype=pl.UInt32)},
        "referrals": {"referrals.patient_id.foreign_key": pl.Series([2], dtype=pl.UInt32)},
    }
    out, cascaded = cascade(frames, failing)
    # R2 belongs to the quarantined P2; R3's patient never existed (already failing).
    assert out["referrals"]["referrals.patient_id.foreign_key"].to_list() == [1, 2]
    assert cascaded["referrals"] == {"referrals.patient_id.foreign_key": 1}
    # K2 names the quarantined R3; K3 belongs to the quarantined P2.
    assert out["contacts"]["contacts.referral_id.foreign_key"].to_list() == [1]
    assert out["contacts"]["contacts.patient_id.foreign_key"].to_list() == [2]
