"""Quarantine keeps every row: accepted + quarantined = input, with the rules broken."""

from __future__ import annotations

import json

import polars as pl

from indicators.validate.quarantine import rule_ids_per_row, write_quarantine


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
        for rule_id, n in counts["rows_per_rule"].items():
            assert report.counts()[rule_id] == n
    assert manifest["tables"]["contacts"]["rows_per_rule"]["contacts.contact_id.unique"] == 6


def test_accepted_rows_form_an_extract_without_row_failures(defect_validation, tmp_path):
    from indicators.validate.run import validate_extract

    write_quarantine(defect_validation, tmp_path)
    again = validate_extract(tmp_path / "accepted").report
    failed = {r.rule_id for r in again.results() if r.is_error}
    # Dropping quarantined rows can orphan children (a patient without sex removed
    # takes its referrals' foreign key with it); nothing else may fail.
    assert all(f.endswith((".foreign_key", "pathway_order")) for f in failed)
