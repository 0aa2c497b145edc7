"""Great Expectations suites, one per table: the rules ``indicators validate`` checks.

The suite files (``expectations/<table>.json``, found by :func:`default_suites_dir`, or
the directory given with ``indicators validate --suites DIR``) are the source of truth:
they are read at run time with GX's public API (:func:`load_suites`), and an
expectation added to, changed in or removed from a file changes validation without a
change to the code.  Each expectation's ``meta`` names its rule: ``rule_id``,
``message``, ``severity`` (``error`` or ``warning``), ``level`` (``table`` rules are
checked on the file's columns and types and stop the table; ``row`` rules flag rows)
and ``kind``.  An expectation without them gets an id from its table, columns and type
(``contacts.end_date.column_values_to_not_be_null``), severity from GX's own
``severity`` and level ``row`` (``table`` for the expect_table_columns ones); see
:func:`rule_of`.  The suite's ``meta.extra_columns`` is the expectation applied to every
text column outside the model (``<t>.extra_columns.no_fodselsnummer``).

The cross-table rules are data too: ``expectations/cross_table.json`` (checked in polars,
:mod:`indicators.validate.crosstable`).

Starting suites are generated from the extract model via :mod:`indicators.validate.rules`;
a test says when the committed files and the model disagree::

    python -m indicators.validate.suites --write    # write expectations/*.json
    python -m indicators.validate.suites --check    # exit 1 if they differ from the model

Run-time parameters
-------------------
Three values are only known when an extract is validated; the suites refer to them as GX
suite parameters (``{"$PARAMETER": name}``) and :func:`suite_parameters` fills them from
the extract date:

``extract_date``
    No date may lie after it.
``extract_year`` and ``earliest_birth_year``
    The extract date's year and that year minus 120: the plausible birth years.

The extract date is ``--extract-date`` if given, else ``manifest.json``'s
``extract_date``, else the latest date in the extract (see
:func:`indicators.validate.run.fallback_extract_date`; the report says so, because no
date can then lie after it).  The rules that use it are row-level rules like any other;
only if no extract date is known at all are they reported as *not checked*.

Run-time expectations
---------------------
Two rules cannot be a fixed expectation of a committed suite: ``<t>.table.present`` (a
missing file gives GX nothing to look at; it is checked on the directory) and
``<t>.extra_columns.no_fodselsnummer`` (the extra columns are only known from the file:
``expect_column_values_to_have_no_fodselsnummer`` is added at run time for each text
column outside the model, under that rule id).

List columns (``secondary_diagnoses``) are checked as their codes joined by ``|``; the
shape rule's regular expression accepts an empty list or codes of the right shape.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx
from great_expectations.expectations import Expectation

from indicators import outward
from indicators.errors import IndicatorsError
from indicators.extract.model import EXTRACT
from indicators.reference import municipalities, trusts
from indicators.validate.expectations import (
    ExpectColumnValuesToBeValidOrgnr,
    ExpectColumnValuesToHaveNoFodselsnummer,
)
from indicators.validate.rules import MAX_AGE_YEARS, Rule, all_rules, rules_for

#: File of the cross-table rules in a suite directory.
CROSS_TABLE_FILE = "cross_table.json"
#: Separator of list values in the frame GX sees.
LIST_SEPARATOR = "|"


class SuiteError(IndicatorsError):
    """A suite file is missing or is not a valid GX expectation suite."""


def default_suites_dir() -> Path:
    """The directory of the suites ``indicators validate`` uses without ``--suites``.

    Every lookup of the default suites goes through here: the repository's
    ``expectations/`` directory in a source checkout (where the suites are edited), else
    the copy the wheel carries inside the package (``indicators/validate/suite_files``).
    """
    source_tree = Path(__file__).resolve().parents[2] / "expectations"
    if (source_tree / "cross_table.json").is_file():
        return source_tree
    return Path(str(files("indicators.validate") / "suite_files"))


def _param(name: str) -> dict[str, str]:
    return {"$PARAMETER": name}


def list_pattern(pattern: str) -> str:
    """Regex for codes of ``pattern`` joined by ``|`` (an empty string is an empty list).

    >>> import re
    >>> bool(re.match(list_pattern(r"^[A-Z][0-9]{2}$"), "T90|K86"))
    True
    >>> bool(re.match(list_pattern(r"^[A-Z][0-9]{2}$"), "T90|K8"))
    False
    """
    inner = pattern.removeprefix("^").removesuffix("$")
    return f"^(?:{inner}(?:\\{LIST_SEPARATOR}{inner})*)?$"


def non_capturing(pattern: str) -> str:
    """``pattern`` with its groups made non-capturing (pandas warns about capturing ones).

    >>> print(non_capturing("^F([0-9]{2})?$"))
    ^F(?:[0-9]{2})?$
    """
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)


def _reference_values(name: object) -> list[str]:
    if name == "trust":
        return sorted(trusts()["trust_id"].to_list())
    return sorted(municipalities()["municipality"].to_list())


def expectation_for(rule: Rule, *, column: str | None = None) -> Expectation:
    """The GX expectation that checks ``rule`` (not for cross-table rules).

    ``column`` names the column of a rule about columns only the file tells
    (``<t>.extra_columns.no_fodselsnummer``); other rules read their own column.
    """
    meta = {
        "rule_id": rule.id,
        "message": rule.message,
        "level": rule.level,
        "severity": rule.severity,
        "kind": rule.kind,
    }
    severity = "warning" if rule.severity == "warning" else "critical"
    common: dict[str, Any] = {"meta": meta, "severity": severity}
    extra = rule.kind == "extra_no_fodselsnummer"
    column = column if extra else rule.column
    expectation = _table_expectation(rule, common)
    if expectation is None and column is not None:
        expectation = _column_expectation(
            rule,
            column,
            common,
            is_list=not extra and (EXTRACT[rule.table].column(column).dtype == "list[str]"),
        )
    if expectation is not None:
        return expectation
    raise ValueError(f"rule {rule.id} ({rule.kind}) is not checked by a GX suite")


def _table_expectation(rule: Rule, common: dict[str, Any]) -> Expectation | None:
    """The expectation of a rule about the table's columns, rows or keys (else None)."""
    ex = gx.expectations
    match rule.kind:
        case "columns_present":
            return ex.ExpectTableColumnsToMatchSet(
                column_set=list(rule.param("columns")), exact_match=False, **common
            )
        case "columns_no_extra":
            return ex.ExpectTableColumnsToMatchSet(
                column_set=list(rule.param("columns")), exact_match=True, **common
            )
        case "not_empty":
            return ex.ExpectTableRowCountToBeBetween(min_value=1, **common)
        case "unique" if len(rule.columns) == 1:
            return ex.ExpectColumnValuesToBeUnique(column=rule.columns[0], **common)
        case "unique":
            return ex.ExpectCompoundColumnsToBeUnique(column_list=list(rule.columns), **common)
        case "date_order":
            later, earlier = rule.columns
            return ex.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=later,
                column_B=earlier,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                **common,
            )
    return None


def _column_expectation(
    rule: Rule, column: str, common: dict[str, Any], *, is_list: bool
) -> Expectation | None:
    """The expectation of a rule about one column's values (else None)."""
    ex = gx.expectations
    match rule.kind:
        case "type":
            return ex.ExpectColumnValuesToBeInSet(
                column=column, value_set=list(rule.param("types")), **common
            )
        case "not_null":
            return ex.ExpectColumnValuesToNotBeNull(column=column, **common)
        case "code":
            return ex.ExpectColumnValuesToBeInSet(
                column=column, value_set=list(rule.param("codes")), **common
            )
        case "shape":
            pattern = non_capturing(str(rule.param("pattern")))
            return ex.ExpectColumnValuesToMatchRegex(
                column=column, regex=list_pattern(pattern) if is_list else pattern, **common
            )
        case "orgnr":
            return ExpectColumnValuesToBeValidOrgnr(column=column, **common)
        case "known":
            return ex.ExpectColumnValuesToBeInSet(
                column=column, value_set=_reference_values(rule.param("reference")), **common
            )
        case "no_fodselsnummer" | "extra_no_fodselsnummer":
            return ExpectColumnValuesToHaveNoFodselsnummer(column=column, **common)
    return _bounds_expectation(rule, column, common)


def _bounds_expectation(rule: Rule, column: str, common: dict[str, Any]) -> Expectation | None:
    """The expectation of a rule that bounds a column's values (else None)."""
    between = gx.expectations.ExpectColumnValuesToBeBetween
    match rule.kind:
        case "range":
            return between(
                column=column,
                min_value=rule.param("minimum"),
                max_value=rule.param("maximum"),
                **common,
            )
        case "age":
            return between(
                column=column,
                min_value=_param("earliest_birth_year"),
                max_value=_param("extract_year"),
                **common,
            )
        case "not_after_extract_date":
            return between(column=column, max_value=_param("extract_date"), **common)
        case "not_before_earliest_date":
            earliest = date.fromisoformat(str(rule.param("earliest")))
            return between(
                column=column,
                min_value=datetime(earliest.year, earliest.month, earliest.day),
                **common,
            )
    return None


def build_suite(table: str) -> gx.ExpectationSuite:
    """The starting suite of ``table``: one expectation per single-table rule."""
    extra = next(r for r in rules_for(table) if r.kind == "extra_no_fodselsnummer")
    template = expectation_for(extra, column="_").configuration.to_json_dict()
    return gx.ExpectationSuite(
        name=table,
        expectations=[expectation_for(r) for r in rules_for(table) if r.in_suite],
        meta={
            "generated_by": "python -m indicators.validate.suites --write",
            "source": "indicators/extract/model.py via indicators/validate/rules.py",
            "parameters": ["extract_date", "extract_year", "earliest_birth_year"],
            "extra_columns": {k: template[k] for k in ("type", "meta", "severity")},
        },
    )


def suite_json(table: str) -> str:
    """The starting suite of ``table`` as stable, reviewable JSON text (no GX version)."""
    data: dict[str, Any] = build_suite(table).to_json_dict()
    data["meta"].pop("great_expectations_version", None)
    data.pop("id", None)
    for expectation in data["expectations"]:
        expectation.pop("id", None)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def cross_table_json() -> str:
    """The cross-table rules of the model as JSON text (``cross_table.json``)."""
    rules = [
        {
            "rule_id": r.id,
            "kind": r.kind,
            "table": r.table,
            "columns": list(r.columns),
            "params": dict(r.params),
            "message": r.message,
            "severity": r.severity,
        }
        for r in all_rules()
        if r.cross_table
    ]
    return json.dumps({"rules": rules}, indent=2, ensure_ascii=False) + "\n"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(f"{path}: no such suite file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SuiteError(f"{path}: not a readable JSON suite ({exc})") from None


def load_suite(path: Path) -> gx.ExpectationSuite:
    """Read a suite file into GX (the package's custom expectations are registered)."""
    data = _read_json(path)
    try:
        return gx.ExpectationSuite(**data)
    except Exception as exc:  # noqa: BLE001 - GX raises many kinds for a bad suite
        raise SuiteError(f"{path}: not a valid GX expectation suite ({exc})") from None


def load_suites(directory: Path | None = None) -> dict[str, gx.ExpectationSuite]:
    """The suite of every table of the model, read from ``directory``.

    Raises
    ------
    SuiteError
        A table has no ``<table>.json`` or it is not a valid suite.
    """
    directory = directory or default_suites_dir()
    return {table: load_suite(directory / f"{table}.json") for table in EXTRACT}


def load_cross_table(directory: Path | None = None) -> list[Rule]:
    """The cross-table rules of ``directory``'s ``cross_table.json`` (none if absent)."""
    path = (directory or default_suites_dir()) / CROSS_TABLE_FILE
    if not path.exists():
        return []
    try:
        return [
            Rule(
                r["rule_id"],
                r["table"],
                tuple(r["columns"]),
                r["kind"],
                r["message"],
                "row",
                r.get("severity", "error"),
                tuple(sorted(r.get("params", {}).items())),
            )
            for r in _read_json(path)["rules"]
        ]
    except (KeyError, TypeError) as exc:
        raise SuiteError(f"{path}: a cross-table rule lacks {exc}") from None


def _columns_of(kwargs: dict[str, Any]) -> tuple[str, ...]:
    if isinstance(kwargs.get("column"), str):
        return (kwargs["column"],)
    if "column_A" in kwargs:
        return (kwargs["column_A"], kwargs["column_B"])
    return tuple(kwargs.get("column_list") or ())


#: Expectation types that are about the table's columns (level ``table`` by default).
TABLE_TYPES = (
    "expect_table_columns_to_match_set",
    "expect_table_columns_to_match_ordered_list",
    "expect_column_to_exist",
)


def rule_of(table: str, expectation: Expectation) -> Rule:
    """The rule an expectation of ``table``'s suite stands for, from its ``meta``.

    What ``meta`` does not say is derived: the id from table, columns and type, the
    severity from GX's (``warning`` stays a warning, anything else is an error), the
    level (``table`` for :data:`TABLE_TYPES`, else ``row``), the kind (the type) and
    the message (the type and columns).
    """
    meta = expectation.meta or {}
    kind = expectation.expectation_type
    columns = _columns_of(expectation.configuration.kwargs)
    short = kind.removeprefix("expect_")
    derived = f"{table}.{'+'.join(columns) or 'table'}.{short}"
    return Rule(
        str(meta.get("rule_id") or derived),
        table,
        columns,
        str(meta.get("kind") or kind),  # type: ignore[arg-type]
        str(meta.get("message") or f"{short.replace('_', ' ')} ({', '.join(columns)})"),
        str(meta.get("level") or ("table" if kind in TABLE_TYPES else "row")),  # type: ignore[arg-type]
        str(  # type: ignore[arg-type]
            meta.get("severity") or ("warning" if expectation.severity == "warning" else "error")
        ),
    )


def extra_columns_expectation(
    suite: gx.ExpectationSuite, column: str
) -> tuple[Rule, Expectation] | None:
    """The suite's ``meta.extra_columns`` expectation, for one column outside the model."""
    template = (suite.meta or {}).get("extra_columns")
    if not template:
        return None
    config = {**template, "kwargs": {**template.get("kwargs", {}), "column": column}}
    expectation = gx.ExpectationSuite(name="_", expectations=[config]).expectations[0]
    return rule_of(suite.name, expectation), expectation


def write_suites(directory: Path | None = None) -> list[Path]:
    """Write the starting suites and ``cross_table.json``; return the paths written."""
    directory = directory or default_suites_dir()
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in EXTRACT:
        path = directory / f"{table}.json"
        outward.write_text(path, suite_json(table))
        paths.append(path)
    path = directory / CROSS_TABLE_FILE
    outward.write_text(path, cross_table_json())
    return [*paths, path]


def stale_suites(directory: Path | None = None) -> list[str]:
    """Files of ``directory`` that are missing or differ from what the model generates."""
    directory = directory or default_suites_dir()
    expected = {f"{t}.json": suite_json(t) for t in EXTRACT}
    expected[CROSS_TABLE_FILE] = cross_table_json()
    stale = []
    for name, text in expected.items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name.removesuffix(".json"))
    return stale


def suite_parameters(extract_date: date | None) -> dict[str, Any]:
    """The run-time suite parameters for an extract taken on ``extract_date``.

    >>> suite_parameters(date(2025, 12, 31))["earliest_birth_year"]
    1905
    """
    if extract_date is None:
        return {}
    return {
        "extract_date": datetime(extract_date.year, extract_date.month, extract_date.day),
        "extract_year": extract_date.year,
        "earliest_birth_year": extract_date.year - MAX_AGE_YEARS,
    }


def main(argv: list[str] | None = None) -> int:
    """Write or check the committed suites (``python -m indicators.validate.suites``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="suite directory")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="only check, exit 1 if stale")
    group.add_argument("--write", action="store_true", help="write the starting suites")
    args = parser.parse_args(argv)
    directory = args.dir or default_suites_dir()
    console = outward.console()
    if not args.write:
        stale = stale_suites(directory)
        for name in stale:
            console.print(f"{directory / (name + '.json')} differs from the extract model")
        return 1 if stale else 0
    for path in write_suites(directory):
        console.print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
