"""Great Expectations suites, one per table, generated from the validation rules.

Each rule of :mod:`indicators.validate.rules` that GX can check on one table becomes one
expectation whose ``meta`` carries the rule id, message, level and severity.  The suites
are committed as reviewable JSON in ``expectations/<table>.json``; a test fails when the
committed files differ from what the model generates.  Regenerate them with::

    python -m indicators.validate.suites            # write expectations/*.json
    python -m indicators.validate.suites --check    # exit 1 if they are out of date

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
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx
from great_expectations.expectations.expectation import Expectation

from indicators.extract.model import EXTRACT
from indicators.reference import municipalities, trusts
from indicators.validate.expectations import (
    ExpectColumnValuesToBeValidOrgnr,
    ExpectColumnValuesToHaveNoFodselsnummer,
)
from indicators.validate.rules import MAX_AGE_YEARS, Rule, rules_for

#: Where the committed suites live, relative to the repository root.
SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations"
#: Separator of list values in the frame GX sees.
LIST_SEPARATOR = "|"


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
    return f"^({inner}(\\{LIST_SEPARATOR}{inner})*)?$"


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
    }
    severity = "warning" if rule.severity == "warning" else "critical"
    common: dict[str, Any] = {"meta": meta, "severity": severity}
    extra = rule.kind == "extra_no_fodselsnummer"
    column = column if extra else rule.column
    ex = gx.expectations
    is_list = (
        column is not None and not extra and EXTRACT[rule.table].column(column).dtype == "list[str]"
    )
    match rule.kind:
        case "columns_present":
            return ex.ExpectTableColumnsToMatchSet(
                column_set=list(rule.param("columns")), exact_match=False, **common
            )
        case "columns_no_extra":
            return ex.ExpectTableColumnsToMatchSet(
                column_set=list(rule.param("columns")), exact_match=True, **common
            )
        case "type":
            return ex.ExpectColumnValuesToBeInSet(
                column=column, value_set=list(rule.param("types")), **common
            )
        case "not_empty":
            return ex.ExpectTableRowCountToBeBetween(min_value=1, **common)
        case "not_null":
            return ex.ExpectColumnValuesToNotBeNull(column=column, **common)
        case "code":
            return ex.ExpectColumnValuesToBeInSet(
                column=column, value_set=list(rule.param("codes")), **common
            )
        case "shape":
            pattern = str(rule.param("pattern"))
            return ex.ExpectColumnValuesToMatchRegex(
                column=column, regex=list_pattern(pattern) if is_list else pattern, **common
            )
        case "orgnr":
            return ExpectColumnValuesToBeValidOrgnr(column=column, **common)
        case "known":
            return ex.ExpectColumnValuesToBeInSet(
                column=column, value_set=_reference_values(rule.param("reference")), **common
            )
        case "range":
            return ex.ExpectColumnValuesToBeBetween(
                column=column,
                min_value=rule.param("minimum"),
                max_value=rule.param("maximum"),
                **common,
            )
        case "age":
            return ex.ExpectColumnValuesToBeBetween(
                column=column,
                min_value=_param("earliest_birth_year"),
                max_value=_param("extract_year"),
                **common,
            )
        case "unique" if len(rule.columns) == 1:
            return ex.ExpectColumnValuesToBeUnique(column=column, **common)
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
        case "not_after_extract_date":
            return ex.ExpectColumnValuesToBeBetween(
                column=column, max_value=_param("extract_date"), **common
            )
        case "not_before_earliest_date":
            earliest = date.fromisoformat(str(rule.param("earliest")))
            return ex.ExpectColumnValuesToBeBetween(
                column=column,
                min_value=datetime(earliest.year, earliest.month, earliest.day),
                **common,
            )
        case "no_fodselsnummer" | "extra_no_fodselsnummer" if column is not None:
            return ExpectColumnValuesToHaveNoFodselsnummer(column=column, **common)
    raise ValueError(f"rule {rule.id} ({rule.kind}) is not checked by a GX suite")


def build_suite(table: str) -> gx.ExpectationSuite:
    """The expectation suite of ``table``, one expectation per single-table rule."""
    return gx.ExpectationSuite(
        name=table,
        expectations=[expectation_for(r) for r in rules_for(table) if r.in_suite],
        meta={
            "generated_by": "python -m indicators.validate.suites",
            "source": "indicators/extract/model.py via indicators/validate/rules.py",
            "parameters": ["extract_date", "extract_year", "earliest_birth_year"],
        },
    )


def suite_json(table: str) -> str:
    """The suite of ``table`` as stable, reviewable JSON text (no GX version stamp)."""
    data = build_suite(table).to_json_dict()
    data["meta"].pop("great_expectations_version", None)
    data.pop("id", None)
    for expectation in data["expectations"]:
        expectation.pop("id", None)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load_suite(path: Path) -> gx.ExpectationSuite:
    """Read a committed suite back into GX (the custom expectations are registered)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return gx.ExpectationSuite(**data)


def write_suites(directory: Path = SUITES_DIR) -> list[Path]:
    """Write ``<table>.json`` for every table of the model; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in EXTRACT:
        path = directory / f"{table}.json"
        path.write_text(suite_json(table), encoding="utf-8")
        paths.append(path)
    return paths


def stale_suites(directory: Path = SUITES_DIR) -> list[str]:
    """Tables whose committed suite is missing or differs from the generated one."""
    stale = []
    for table in EXTRACT:
        path = directory / f"{table}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != suite_json(table):
            stale.append(table)
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
    parser.add_argument("--dir", type=Path, default=SUITES_DIR, help="suite directory")
    parser.add_argument("--check", action="store_true", help="only check, exit 1 if stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_suites(args.dir)
        for table in stale:
            print(f"{args.dir / (table + '.json')} is out of date with the extract model")
        return 1 if stale else 0
    for path in write_suites(args.dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
