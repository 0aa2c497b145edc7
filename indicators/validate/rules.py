"""The validation rules of an extract, derived from the extract model.

Every rule has a stable id built from the names in :mod:`indicators.extract.model`
(``<table>.<column>.<check>``), a human message, a kind, a level (``table`` rules stop
the run, ``row`` rules flag rows that are quarantined) and a severity (``error`` makes
the extract invalid, ``warning`` is reported only).  The starting suites in
``expectations/`` (and ``expectations/cross_table.json``) are generated from this list
(``python -m indicators.validate.suites --write``); at run time the files are the rules,
and a rule found only in a file is checked and reported like these.  There
is no second list of columns: a column added to the model gets its rules here.

Rule ids
--------
============================================  ===========================================
id                                            rule
============================================  ===========================================
``<t>.table.present``                         the table's file is in the extract (required
                                              tables; checked on the directory, not by GX)
``<t>.columns.present``                       every model column is in the file
``<t>.columns.no_extra``                      no column outside the model (warning)
``<t>.<c>.type``                              the file stores the column in a usable type
``<t>.rows.not_empty``                        the table has at least one row
``<t>.<c>.not_null``                          a required value is present
``<t>.<c>.code``                              a coded value is in its code list
``<t>.<c>.shape``                             the value matches its pattern (ICD-10 ...)
``<t>.<c>.orgnr``                             nine digits with a valid check digit
``<t>.<c>.known_trust``                       the orgnr is a trust in the reference table
``<t>.<c>.known_municipality``                the municipality is in the reference table
``<t>.<c>.range``                             an integer inside the model's range
``patients.birth_year.age``                   age 0-120 years at the extract date
``<t>.<c>.unique`` / ``<t>.<a>+<b>.unique``   no id (or key combination) twice
``<t>.<later>.not_before_<earlier>``          dates of one row in order
``<t>.<c>.not_after_extract_date``            no date after the extract date
``<t>.<c>.not_before_1900``                   no date before 1900-01-01 (the model's
                                              ``EARLIEST_DATE``)
``<t>.<c>.not_before_birth``                  the date (a death, a referral, a contact ...)
                                              is not in a year before the patient's
                                              birth year (checked in polars)
``<t>.<c>.no_fodselsnummer``                  no 11-digit run passing both check digits
``<t>.extra_columns.no_fodselsnummer``        the same in every text column outside the model
                                              (added to the suite at run time, one
                                              expectation per extra column found)
``<t>.<c>.foreign_key``                       the id exists in the parent table
``pathway_events.event_date.pathway_order``   start <= first attendance <= decision
                                              <= evaluation, end last
``contacts.start_date.within_referral``       a linked contact starts on or after the
                                              referral was received
``<t>.patient_id.same_as_referral``           a row linked to a referral has the referral's
                                              patient (contacts, pathway_events)
============================================  ===========================================

A rule is *not checked* when what it reads is not there: the row-level rules of a table
stopped by a table-level failure, and the cross-table rules that read such a table.  It
is reported with that status (neither passed nor failed), so every run lists the same
rules.

Examples
--------
>>> [r.id for r in rules_for("patients") if r.column == "sex"]
['patients.sex.type', 'patients.sex.not_null', 'patients.sex.code', 'patients.sex.no_fodselsnummer']
>>> RULES["referrals.assessed_date.not_before_received_date"].message
'assessed_date is before received_date in the same row'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from indicators.extract.model import (
    EARLIEST_DATE,
    EXTRACT,
    ICD10_PATTERN,
    ICPC2_PATTERN,
    MAX_AGE_YEARS,
    MUNICIPALITY_PATTERN,
    ORGNR_PATTERN,
    Column,
    Table,
)

Kind = Literal[
    "columns_present",
    "columns_no_extra",
    "type",
    "not_empty",
    "not_null",
    "code",
    "shape",
    "orgnr",
    "known",
    "range",
    "age",
    "unique",
    "date_order",
    "not_after_extract_date",
    "not_before_earliest_date",
    "not_before_birth",
    "no_fodselsnummer",
    "foreign_key",
    "pathway_order",
    "within_referral",
    "same_patient",
    "table_present",
    "extra_no_fodselsnummer",
]
Level = Literal["table", "row"]
Severity = Literal["error", "warning"]

#: What each pattern of the model means, for messages.
PATTERN_NAMES = {
    ICD10_PATTERN: "an ICD-10 code such as F10.2",
    ICPC2_PATTERN: "an ICPC-2 code such as T90",
    MUNICIPALITY_PATTERN: "a four-digit municipality number",
    ORGNR_PATTERN: "a nine-digit organisation number",
}

#: Rule kinds checked in polars, not by a GX suite: the rules across tables, and the
#: birth-year rule, which compares a date with a year (of the row's patient).
CROSS_TABLE_KINDS = (
    "foreign_key",
    "pathway_order",
    "within_referral",
    "same_patient",
    "not_before_birth",
)
#: Rule kinds checked outside the committed suites: whether the file exists (no batch to
#: give GX), and the fødselsnummer search in extra columns (whose names only the file
#: tells; GX runs it with one expectation per column found).
RUNTIME_KINDS = ("table_present", "extra_no_fodselsnummer")


@dataclass(frozen=True)
class Rule:
    """One validation rule.

    Parameters
    ----------
    id
        Stable id, ``<table>.<column or key>.<check>``.
    table
        Table the rule is about (for a cross-table rule: the table whose rows it flags).
    columns
        Columns the rule reads in ``table`` (empty for whole-table rules).
    kind
        What is checked (see the module table).
    message
        What a broken row or table means, in a quality adviser's words.
    level
        ``table``: a failure stops the run (nothing is computed, nothing quarantined);
        ``row``: failing rows are counted and quarantined.
    severity
        ``error`` makes the extract invalid; ``warning`` is reported only.
    params
        Kind-specific settings (code list, pattern, range, parent table).
    """

    id: str
    table: str
    columns: tuple[str, ...]
    kind: Kind
    message: str
    level: Level = "row"
    severity: Severity = "error"
    params: tuple[tuple[str, object], ...] = ()

    @property
    def column(self) -> str | None:
        """The single column of a one-column rule, else None."""
        return self.columns[0] if len(self.columns) == 1 else None

    def param(self, name: str) -> Any:
        """A kind-specific setting (a code list, a pattern, a bound, a table name)."""
        return dict(self.params)[name]

    @property
    def cross_table(self) -> bool:
        """True for rules checked in polars across tables, not by a GX suite."""
        return self.kind in CROSS_TABLE_KINDS

    @property
    def in_suite(self) -> bool:
        """True for rules that are one expectation of the committed GX suite."""
        return self.kind not in CROSS_TABLE_KINDS and self.kind not in RUNTIME_KINDS


#: Stored types (families, see :func:`indicators.validate.gxrun.stored_type`) a file may
#: hold each logical type in.  Text is always accepted: the loader parses it strictly and
#: refuses what it cannot parse; an all-null column ("empty") holds any type.
ACCEPTED_TYPES: dict[str, tuple[str, ...]] = {
    "str": ("text", "empty"),
    "int": ("integer", "text", "empty"),
    "date": ("date", "datetime", "text", "empty"),
    "bool": ("boolean", "text", "empty"),
    "list[str]": ("list of text", "text", "empty"),
}


def _column_rules(table: Table, column: Column) -> list[Rule]:
    """A column's rules: its stored type, then its values, references, dates, identifiers."""
    t, c = table.name, column.name
    out = [
        Rule(
            f"{t}.{c}.type",
            t,
            (c,),
            "type",
            f"{c} is stored as a type that cannot hold {column.dtype} values "
            "(e.g. a number for a code with leading zeros, a decimal for a year)",
            level="table",
            params=(("types", ACCEPTED_TYPES[column.dtype]),),
        )
    ]
    return (
        out
        + _value_rules(table, column)
        + _reference_rules(table, column)
        + _date_rules(table, column)
        + _no_fodselsnummer_rules(table, column)
    )


def _value_rules(table: Table, column: Column) -> list[Rule]:
    """Rules on a column's values alone: required, a code list, a shape."""
    t, c = table.name, column.name
    out = []
    if column.required:
        out.append(Rule(f"{t}.{c}.not_null", t, (c,), "not_null", f"{c} is empty but required"))
    if column.codes is not None:
        out.append(
            Rule(
                f"{t}.{c}.code",
                t,
                (c,),
                "code",
                f"{c} is not one of {', '.join(column.codes)}",
                params=(("codes", column.codes),),
            )
        )
    if column.pattern is not None and column.reference != "trust":
        what = PATTERN_NAMES.get(column.pattern, f"of the form {column.pattern}")
        every = " (every code of the list)" if column.dtype == "list[str]" else ""
        out.append(
            Rule(
                f"{t}.{c}.shape",
                t,
                (c,),
                "shape",
                f"{c} is not {what}{every}",
                params=(("pattern", column.pattern),),
            )
        )
    return out


def _no_fodselsnummer_rules(table: Table, column: Column) -> list[Rule]:
    if column.dtype not in ("str", "list[str]"):
        return []
    return [
        Rule(
            f"{table.name}.{column.name}.no_fodselsnummer",
            table.name,
            (column.name,),
            "no_fodselsnummer",
            f"{column.name} contains an 11-digit number that passes the fødselsnummer check "
            "digits (a direct identifier must never be in an extract)",
        )
    ]


def _reference_rules(table: Table, column: Column) -> list[Rule]:
    """Rules that look a value up: a valid orgnr, a known trust or municipality."""
    t, c = table.name, column.name
    out = []
    if column.reference == "trust":
        out.append(
            Rule(
                f"{t}.{c}.orgnr",
                t,
                (c,),
                "orgnr",
                f"{c} is not a nine-digit organisation number with a valid check digit",
            )
        )
        out.append(
            Rule(
                f"{t}.{c}.known_trust",
                t,
                (c,),
                "known",
                f"{c} is not a health trust in the reference table",
                params=(("reference", "trust"),),
            )
        )
    if column.reference == "municipality":
        out.append(
            Rule(
                f"{t}.{c}.known_municipality",
                t,
                (c,),
                "known",
                f"{c} is not a municipality in the reference table",
                params=(("reference", "municipality"),),
            )
        )
    return out


def _date_rules(table: Table, column: Column) -> list[Rule]:
    """Rules on a number's range, a birth year's age and a date's place in time."""
    t, c = table.name, column.name
    out = []
    if column.minimum is not None or column.maximum is not None:
        out.append(
            Rule(
                f"{t}.{c}.range",
                t,
                (c,),
                "range",
                f"{c} is outside {column.minimum}-{column.maximum}",
                params=(("minimum", column.minimum), ("maximum", column.maximum)),
            )
        )
    if t == "patients" and c == "birth_year":
        out.append(
            Rule(
                f"{t}.{c}.age",
                t,
                (c,),
                "age",
                f"the patient would be younger than 0 or older than {MAX_AGE_YEARS} "
                "years at the extract date",
            )
        )
    if column.dtype == "date" and not column.may_be_after_extract_date:
        out.append(
            Rule(
                f"{t}.{c}.not_after_extract_date",
                t,
                (c,),
                "not_after_extract_date",
                f"{c} is after the extract date",
            )
        )
    if column.dtype == "date":
        out.append(
            Rule(
                f"{t}.{c}.not_before_{EARLIEST_DATE.year}",
                t,
                (c,),
                "not_before_earliest_date",
                f"{c} is before {EARLIEST_DATE.isoformat()}, earlier than any date an "
                "extract can hold (a typing error in the year?)",
                params=(("earliest", EARLIEST_DATE.isoformat()),),
            )
        )
    return out


def _table_rules(table: Table) -> list[Rule]:
    """Every rule of a table: the file's, each column's, then those across rows and tables."""
    out = _file_rules(table)
    for column in table.columns:
        out.extend(_column_rules(table, column))
    out.append(
        Rule(
            f"{table.name}.extra_columns.no_fodselsnummer",
            table.name,
            (),
            "extra_no_fodselsnummer",
            "a text column outside the extract model contains an 11-digit number that passes "
            "the fødselsnummer check digits (a direct identifier must never be in an extract)",
        )
    )
    return out + _key_rules(table) + _row_rules(table) + _link_rules(table)


def _file_rules(table: Table) -> list[Rule]:
    """The table's file: present (unless optional), the model's columns, not empty."""
    t = table.name
    out = []
    if not table.optional:
        out.append(
            Rule(
                f"{t}.table.present",
                t,
                (),
                "table_present",
                f"the extract has no {t} table ({t}.parquet or {t}.csv)",
                level="table",
            )
        )
    out += [
        Rule(
            f"{t}.columns.present",
            t,
            (),
            "columns_present",
            f"{t} lacks column(s) of the extract model",
            level="table",
            params=(("columns", tuple(table.column_names)),),
        ),
        Rule(
            f"{t}.columns.no_extra",
            t,
            (),
            "columns_no_extra",
            f"{t} has column(s) outside the extract model; they are not read, "
            "except to look for fødselsnummer in text columns",
            level="table",
            severity="warning",
            params=(("columns", tuple(table.column_names)),),
        ),
        Rule(
            f"{t}.rows.not_empty",
            t,
            (),
            "not_empty",
            f"{t} has no rows",
            level="table",
        ),
    ]
    return out


def _key_rules(table: Table) -> list[Rule]:
    """The primary key and other column combinations that must not repeat."""
    t = table.name
    out = []
    if table.primary_key is not None:
        pk = table.primary_key
        out.append(Rule(f"{t}.{pk}.unique", t, (pk,), "unique", f"{pk} occurs more than once"))
    for key in table.unique:
        out.append(
            Rule(
                f"{t}.{'+'.join(key)}.unique",
                t,
                key,
                "unique",
                f"the combination {', '.join(key)} occurs more than once",
            )
        )
    return out


def _row_rules(table: Table) -> list[Rule]:
    """Dates within a row: in order, and not before the patient's birth year."""
    t = table.name
    out = []
    for order in table.date_orders:
        out.append(
            Rule(
                f"{t}.{order.later}.not_before_{order.earlier}",
                t,
                (order.later, order.earlier),
                "date_order",
                f"{order.later} is before {order.earlier} in the same row",
            )
        )
    for c in table.not_before_birth:
        born = "the patient's birth_year" if t == "patients" else "the patient's birth year"
        out.append(
            Rule(
                f"{t}.{c}.not_before_birth",
                t,
                (c, "birth_year" if t == "patients" else "patient_id"),
                "not_before_birth",
                f"{c} is in a year before {born}",
            )
        )
    return out


def _link_rules(table: Table) -> list[Rule]:
    """Links to other rows and tables: foreign keys, pathway order, referral and patient."""
    t = table.name
    out = []
    for fk in table.foreign_keys:
        out.append(
            Rule(
                f"{t}.{fk.column}.foreign_key",
                t,
                (fk.column,),
                "foreign_key",
                f"{fk.column} is not a {fk.ref_column} in {fk.table}",
                params=(("table", fk.table), ("ref_column", fk.ref_column)),
            )
        )
    if t == "pathway_events":
        out.append(
            Rule(
                "pathway_events.event_date.pathway_order",
                t,
                ("pathway_id", "event", "event_date"),
                "pathway_order",
                "the pathway's events are out of order (start <= first_attendance <= "
                "clinical_decision <= evaluation, and no event after end)",
            )
        )
    if t == "contacts":
        out.append(
            Rule(
                "contacts.start_date.within_referral",
                t,
                ("referral_id", "start_date"),
                "within_referral",
                "the contact starts before its referral was received",
            )
        )
    parents = {(fk.column, fk.table) for fk in table.foreign_keys}
    if {("patient_id", "patients"), ("referral_id", "referrals")} <= parents:
        out.append(
            Rule(
                f"{t}.patient_id.same_as_referral",
                t,
                ("patient_id", "referral_id"),
                "same_patient",
                "patient_id differs from the patient_id of the referral the row is linked to",
            )
        )
    return out


@cache
def _all_rules() -> tuple[Rule, ...]:
    return tuple(
        rule
        for table in EXTRACT.values()
        for rule in sorted(_table_rules(table), key=lambda r: r.level != "table")
    )


def rules_for(table: str) -> list[Rule]:
    """Every rule about ``table``, table-level rules first, in a stable order."""
    return [r for r in _all_rules() if r.table == table]


def all_rules() -> list[Rule]:
    """Every rule of every table, in model order."""
    return list(_all_rules())


#: Every rule by id.
RULES: dict[str, Rule] = {r.id: r for r in _all_rules()}
