"""The distinct-value batches give exactly GX's own verdicts on the full rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import polars as pl
import pytest

from indicators.validate import suites
from indicators.validate.gxrun import (
    CATEGORY_SAFE,
    GXRunner,
    schema_frame,
    stored_type,
    to_pandas,
)
from indicators.validate.rules import rules_for


@pytest.mark.slow
def test_unexpected_counts_equal_gx_on_every_row(defect_validation):
    runner = GXRunner()
    parameters = suites.suite_parameters(date(2025, 12, 31))
    for table, frame in defect_validation.frames.items():
        rules = [r for r in rules_for(table) if r.level == "row" and r.in_suite]
        expectations = [suites.expectation_for(r) for r in rules]
        full = runner._validate(f"{table}.full", to_pandas(frame), expectations, parameters)
        ours = {r.rule_id: r for r in defect_validation.report.tables[table].results}
        for rule, res in zip(rules, full, strict=True):
            assert ours[rule.id].unexpected == res.result.get("unexpected_count"), (rule.id, res)
            rows = defect_validation.failing_rows[table].get(rule.id)
            index = sorted(res.result.get("unexpected_index_list") or [])
            assert ([] if rows is None else rows.to_list()) == index, rule.id


def test_stored_types_name_the_families_the_type_rules_accept():
    assert stored_type(pl.Int8) == "integer"
    assert stored_type(pl.Datetime("us")) == "datetime"
    assert stored_type(pl.Null) == "empty"
    assert stored_type(pl.Struct({"a": pl.Int8})).startswith("other")


def test_schema_frame_has_one_row_of_type_names_or_none_when_empty():
    frame = schema_frame({"a": pl.Int64(), "b": pl.String()}, height=10)
    assert frame.to_dict("list") == {"a": ["integer"], "b": ["text"]}
    assert len(schema_frame({"a": pl.Int64()}, height=0)) == 0


def test_to_pandas_joins_lists_and_keeps_nulls():
    frame = pl.DataFrame({"l": [["F10.2", "E11"], []], "s": ["x", None]})
    out = to_pandas(frame)
    assert out["l"].tolist() == ["F10.2|E11", ""]
    assert out["s"].isna().tolist() == [False, True]


def _patients(sex: list[str | None]) -> pl.DataFrame:
    n = len(sex)
    return pl.DataFrame(
        {
            "patient_id": [f"P{i:08d}" for i in range(n)],
            "birth_year": [1980] * n,
            "sex": sex,
            "municipality": ["0301"] * n,
            "death_date": [None] * n,
        },
        schema_overrides={"birth_year": pl.Int32, "death_date": pl.Date},
    )


def test_a_failing_value_padded_into_a_shared_batch_is_one_example_not_five():
    frame = _patients(["X"] * 8 + ["Y", "F"])
    outcome = GXRunner().check_rows("patients", frame, suites.suite_parameters(date(2025, 12, 31)))
    (code,) = [r for r in outcome.results if r.rule_id == "patients.sex.code"]
    assert code.unexpected == 9
    assert code.examples == ["X", "Y"]
    assert outcome.failing_rows["patients.sex.code"].to_list() == list(range(9))


def test_uniqueness_on_ranks_flags_the_rows_of_repeated_values_and_shows_no_id():
    frame = _patients(["F"] * 5).with_columns(patient_id=pl.Series(["P1", "P2", "P1", None, None]))
    outcome = GXRunner().check_rows("patients", frame, {})
    (unique,) = [r for r in outcome.results if r.rule_id == "patients.patient_id.unique"]
    assert outcome.failing_rows["patients.patient_id.unique"].to_list() == [0, 2]
    assert unique.examples == []


def test_gx_batch_fingerprint_is_switched_off_only_while_a_batch_is_validated():
    from great_expectations.execution_engine import pandas_execution_engine

    before = pandas_execution_engine.HASH_THRESHOLD
    rule = next(r for r in rules_for("patients") if r.kind == "unique")
    GXRunner()._validate("t", to_pandas(_patients(["F"])), [suites.expectation_for(rule)])
    assert pandas_execution_engine.HASH_THRESHOLD == before > 0


#: Keyword arguments for one expectation of each type in CATEGORY_SAFE.
CATEGORY_KWARGS = {
    "expect_column_values_to_not_be_null": {},
    "expect_column_values_to_be_null": {},
    "expect_column_values_to_be_in_set": {"value_set": ["K1", "X9"]},
    "expect_column_values_to_not_be_in_set": {"value_set": ["K1"]},
    "expect_column_values_to_match_regex": {"regex": "^K"},
    "expect_column_values_to_not_match_regex": {"regex": "^K"},
    "expect_column_values_to_match_regex_list": {"regex_list": ["^K", "^X"]},
    "expect_column_values_to_not_match_regex_list": {"regex_list": ["^K", "^X"]},
    "expect_column_value_lengths_to_equal": {"value": 2},
    "expect_column_value_lengths_to_be_between": {"min_value": 2, "max_value": 3},
    "expect_column_values_to_have_no_fodselsnummer": {},
    "expect_column_values_to_be_valid_orgnr": {},
}


@pytest.mark.parametrize("kind", sorted(CATEGORY_SAFE))
def test_text_given_as_categories_gets_the_verdicts_it_gets_as_text(kind):
    # 15076500565 is a valid fødselsnummer (both check digits), 974707152 a valid orgnr.
    values = pl.DataFrame({"c": ["K1", "K22", None, "X9", "15076500565", "974707152", "abc"]})
    runner = GXRunner({})

    def verdict(frame):
        config = {"type": kind, "kwargs": {"column": "c", **CATEGORY_KWARGS[kind]}}
        (expectation,) = suites.gx.ExpectationSuite(name=kind, expectations=[config]).expectations
        expectation.meta = {"rule_id": kind}
        (res,) = runner._validate(kind, frame, [expectation])
        result = res.result
        return res.success, result["unexpected_index_list"], result["unexpected_list"]

    as_text = verdict(to_pandas(values))
    as_categories = verdict(to_pandas(values, categories=["c"]))
    assert isinstance(to_pandas(values, categories=["c"])["c"].dtype, pd.CategoricalDtype)
    assert as_categories == as_text
    assert as_text[0] is False  # every rule here fails on some value


@pytest.mark.slow
def test_every_column_in_its_own_batch_gives_the_same_results(defect_validation):
    runner = GXRunner()
    runner.shared_batch_values = 0  # every column alone; ids and codes go as categories
    parameters = suites.suite_parameters(date(2025, 12, 31))
    for table, frame in defect_validation.frames.items():
        outcome = runner.check_rows(table, frame, parameters)
        ours = {r.rule_id: r for r in defect_validation.report.tables[table].results}
        for result in outcome.results:
            assert result.unexpected == ours[result.rule_id].unexpected, result.rule_id
            rows = outcome.failing_rows.get(result.rule_id)
            expected = defect_validation.failing_rows[table].get(result.rule_id)
            assert (rows is None) == (expected is None), result.rule_id
            if rows is not None:
                assert rows.to_list() == expected.to_list(), result.rule_id
