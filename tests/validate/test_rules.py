"""Rules derived from the extract model: ids, coverage, messages."""

from __future__ import annotations

from indicators.extract.model import EXTRACT
from indicators.validate.rules import RULES, all_rules, rules_for


def test_rule_ids_are_unique_and_name_their_table():
    ids = [r.id for r in all_rules()]
    assert len(ids) == len(set(ids))
    assert all(r.id.startswith(f"{r.table}.") for r in all_rules())


def test_every_model_column_has_a_type_rule_and_every_required_one_a_not_null_rule():
    for table in EXTRACT.values():
        for column in table.columns:
            assert f"{table.name}.{column.name}.type" in RULES
            assert (f"{table.name}.{column.name}.not_null" in RULES) == column.required


def test_every_text_column_is_checked_for_fodselsnummer():
    for table in EXTRACT.values():
        for column in table.columns:
            if column.dtype in ("str", "list[str]"):
                assert f"{table.name}.{column.name}.no_fodselsnummer" in RULES


def test_deadline_may_lie_after_the_extract_date():
    assert "referrals.deadline_date.not_after_extract_date" not in RULES
    assert "referrals.care_start_date.not_after_extract_date" in RULES


def test_table_level_rules_come_first():
    levels = [r.level for r in rules_for("contacts")]
    assert levels == sorted(levels, key=lambda level: level != "table")


def test_extra_columns_are_a_warning():
    assert RULES["patients.columns.no_extra"].severity == "warning"


def test_every_table_searches_its_extra_text_columns_for_fodselsnummer_row_by_row():
    for table in EXTRACT:
        rule = RULES[f"{table}.extra_columns.no_fodselsnummer"]
        assert (rule.level, rule.severity, rule.in_suite) == ("row", "error", False)


def test_required_tables_have_a_table_present_rule_and_optional_ones_none():
    for table in EXTRACT.values():
        assert (f"{table.name}.table.present" in RULES) == (not table.optional)


def test_rows_linked_to_a_referral_must_have_its_patient():
    assert RULES["contacts.patient_id.same_as_referral"].cross_table
    assert "pathway_events.patient_id.same_as_referral" in RULES
