"""The registry extract model: one declaration of every table, column, code list and key.

The loader, the synthetic generator, the validation suites and the tests all read this
module; none of them keeps its own list of columns.  The tables and columns are those
of the NPR-style extract, with an optional primary-care linkage.

Examples
--------
>>> from indicators.extract.model import EXTRACT
>>> EXTRACT["referrals"].primary_key
'referral_id'
>>> [c.name for c in EXTRACT["patients"].columns]
['patient_id', 'birth_year', 'sex', 'municipality', 'death_date']

Plausibility bounds
-------------------
Every date lies between :data:`EARLIEST_DATE` and the extract date (a column declared
``may_be_after_extract_date``, a deadline, may lie after the extract date); a birth year
lies between the extract year minus :data:`MAX_AGE_YEARS` and the extract year; and the
dates a table declares in ``not_before_birth`` (a death, a referral, a contact, a
pathway event, a GP contact) do not lie in a year before the patient's birth year.  The
validation rules (:mod:`indicators.validate.rules`) are made from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import polars as pl

# ---------------------------------------------------------------------------
# Code lists
# ---------------------------------------------------------------------------
SEX = ("F", "M")
SERVICES = ("TSB", "PHV", "PHBU")
CONTACT_SERVICES = (*SERVICES, "SOM")
ACTIVITIES = ("inpatient", "day", "outpatient")
REQUESTED_LEVELS = ("inpatient", "outpatient", "unknown")
ASSIGNED_LEVELS = ("inpatient", "outpatient", "none")
CARE_LEVELS = ("inpatient", "outpatient")
HOUSING = ("own", "supported", "homeless", "unknown")
PATHWAY_TYPES = ("D01", "D11", "D12")
PATHWAY_EVENTS = (
    "start",
    "first_attendance",
    "clinical_decision",
    "evaluation",
    "treatment_plan_with_patient",
    "individual_plan_assessed",
    "feedback_tool",
    "somatic_assessment",
    "end",
)
#: Outcome codes of the clinical decision (pasientforløp): U = assessment continues,
#: P = treatment in specialist care, T = treatment elsewhere, S = ends, K/A/I as registered.
DECISION_OUTCOMES = ("U", "P", "T", "S", "K", "A", "I")

#: No date of an extract lies before this day: an earlier one is a typing error (1800
#: for 2008), not history.
EARLIEST_DATE = date(1900, 1, 1)
#: Oldest plausible age in years at the extract date (``patients.birth_year.age``).
MAX_AGE_YEARS = 120

#: ICD-10 code shape: letter, two digits, optional dot and up to two more characters.
ICD10_PATTERN = r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$"
#: ICPC-2 code shape: chapter letter and two digits (T90, K86).
ICPC2_PATTERN = r"^[A-Z][0-9]{2}$"
#: Norwegian municipality number (kommunenummer): four digits.
MUNICIPALITY_PATTERN = r"^[0-9]{4}$"
#: Organisation number: nine digits (the check digit is checked separately).
ORGNR_PATTERN = r"^[0-9]{9}$"

DType = Literal["str", "int", "date", "bool", "list[str]"]

POLARS_DTYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int32(),
    "date": pl.Date(),
    "bool": pl.Boolean(),
    "list[str]": pl.List(pl.String()),
}


@dataclass(frozen=True)
class Column:
    """One column of an extract table.

    Parameters
    ----------
    name
        Canonical column name.
    dtype
        Logical type; ``polars_dtype`` gives the canonical polars type.
    required
        True if the value may never be null.
    codes
        Allowed values, for a coded column.
    pattern
        Regular expression a non-null value must match (ICD-10, ICPC-2, municipality).
    reference
        ``"trust"`` or ``"municipality"`` when the value must be a known entry of the
        package's reference tables.
    minimum, maximum
        Inclusive range for an integer column.
    may_be_after_extract_date
        For a date column: True if a value after the extract date is legitimate (a
        deadline set at assessment lies in the future); every other date may not.
    description
        What the column holds, in the words of the register.
    """

    name: str
    dtype: DType
    required: bool = True
    codes: tuple[str, ...] | None = None
    pattern: str | None = None
    reference: Literal["trust", "municipality"] | None = None
    minimum: int | None = None
    maximum: int | None = None
    description: str = ""
    may_be_after_extract_date: bool = False

    @property
    def polars_dtype(self) -> pl.DataType:
        """The canonical polars dtype of the column."""
        return POLARS_DTYPES[self.dtype]


@dataclass(frozen=True)
class ForeignKey:
    """A column whose non-null values must exist in another table's key column."""

    column: str
    table: str
    ref_column: str


@dataclass(frozen=True)
class DateOrder:
    """Within one row, ``earlier <= later`` wherever both dates are present."""

    earlier: str
    later: str


@dataclass(frozen=True)
class Table:
    """One table of the extract, with its keys and row-level rules.

    ``not_before_birth`` names the date columns that cannot lie in a year before the
    patient's birth year: in ``patients`` the row's own ``birth_year``, elsewhere that of
    the patient the row's ``patient_id`` names.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: str | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    date_orders: tuple[DateOrder, ...] = ()
    optional: bool = False
    unique: tuple[tuple[str, ...], ...] = field(default=())
    not_before_birth: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """Column names in canonical order."""
        return [c.name for c in self.columns]

    @property
    def schema(self) -> pl.Schema:
        """The canonical polars schema of the table."""
        return pl.Schema({c.name: c.polars_dtype for c in self.columns})

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def date_columns(self) -> list[str]:
        """Names of the date columns."""
        return [c.name for c in self.columns if c.dtype == "date"]


def _id(name: str, description: str, required: bool = True) -> Column:
    return Column(name, "str", required=required, description=description)


PATIENTS = Table(
    name="patients",
    description="One row per patient (pseudonymised).",
    primary_key="patient_id",
    not_before_birth=("death_date",),
    columns=(
        _id("patient_id", "Pseudonymised patient id; never a fødselsnummer."),
        Column(
            "birth_year",
            "int",
            minimum=EARLIEST_DATE.year,
            maximum=2100,
            description="Year of birth.",
        ),
        Column("sex", "str", codes=SEX, description="Legal sex, F or M."),
        Column(
            "municipality",
            "str",
            pattern=MUNICIPALITY_PATTERN,
            reference="municipality",
            description="Municipality of residence (kommunenummer).",
        ),
        Column("death_date", "date", required=False, description="Date of death, if dead."),
    ),
)

REFERRALS = Table(
    name="referrals",
    description="Referrals to specialist care (henvisninger), one row each.",
    primary_key="referral_id",
    foreign_keys=(ForeignKey("patient_id", "patients", "patient_id"),),
    date_orders=(
        DateOrder("received_date", "assessed_date"),
        DateOrder("assessed_date", "care_start_date"),
        DateOrder("received_date", "care_start_date"),
        DateOrder("received_date", "deadline_date"),
    ),
    not_before_birth=("received_date",),
    columns=(
        _id("referral_id", "Referral id."),
        _id("patient_id", "Patient the referral is for."),
        Column(
            "trust_id",
            "str",
            pattern=ORGNR_PATTERN,
            reference="trust",
            description="Organisation number of the treating trust.",
        ),
        Column("service", "str", codes=SERVICES, description="Service area: TSB, PHV or PHBU."),
        Column("received_date", "date", description="Referral received (henvisning mottatt)."),
        Column(
            "assessed_date",
            "date",
            required=False,
            description="Assessment completed (vurdering ferdig); null while unassessed.",
        ),
        Column(
            "right_to_care",
            "bool",
            required=False,
            description="Right to necessary care; null until assessed.",
        ),
        Column(
            "deadline_date",
            "date",
            required=False,
            may_be_after_extract_date=True,
            description="Deadline (frist) for the start of care; may lie after the extract date.",
        ),
        Column(
            "requested_level",
            "str",
            codes=REQUESTED_LEVELS,
            description="Level of care the patient asked for.",
        ),
        Column(
            "assigned_level",
            "str",
            required=False,
            codes=ASSIGNED_LEVELS,
            description="Level of care given at assessment; null until assessed.",
        ),
        Column("housing", "str", codes=HOUSING, description="Housing situation at referral."),
        Column(
            "care_start_date",
            "date",
            required=False,
            description="Start of care; null while waiting or if care never started.",
        ),
    ),
)

CONTACTS = Table(
    name="contacts",
    description="Contacts and episodes in specialist care, one row each.",
    primary_key="contact_id",
    foreign_keys=(
        ForeignKey("patient_id", "patients", "patient_id"),
        ForeignKey("referral_id", "referrals", "referral_id"),
    ),
    date_orders=(DateOrder("start_date", "end_date"),),
    not_before_birth=("start_date",),
    columns=(
        _id("contact_id", "Contact or episode id."),
        _id("patient_id", "Patient."),
        _id("referral_id", "Referral the contact belongs to, if linked.", required=False),
        Column(
            "trust_id",
            "str",
            pattern=ORGNR_PATTERN,
            reference="trust",
            description="Organisation number of the treating trust.",
        ),
        Column(
            "service",
            "str",
            codes=CONTACT_SERVICES,
            description="Service area of the treating department; SOM for somatic care.",
        ),
        Column(
            "activity",
            "str",
            codes=ACTIVITIES,
            description="NPR activity category 3: inpatient, day or outpatient.",
        ),
        Column("start_date", "date", description="Start of the contact or episode."),
        Column("end_date", "date", description="End of the contact or episode."),
        Column(
            "main_diagnosis",
            "str",
            required=False,
            pattern=ICD10_PATTERN,
            description="Main condition (ICD-10).",
        ),
        Column(
            "secondary_diagnoses",
            "list[str]",
            pattern=ICD10_PATTERN,
            description="Secondary conditions (ICD-10); an empty list when there are none.",
        ),
    ),
)

PATHWAY_EVENTS_TABLE = Table(
    name="pathway_events",
    description="Events registered on national patient pathways (pakkeforløp).",
    foreign_keys=(
        ForeignKey("patient_id", "patients", "patient_id"),
        ForeignKey("referral_id", "referrals", "referral_id"),
    ),
    unique=(("pathway_id", "event", "event_date"),),
    not_before_birth=("event_date",),
    columns=(
        _id("pathway_id", "Pathway id."),
        _id("patient_id", "Patient."),
        _id("referral_id", "Referral that opened the pathway."),
        Column(
            "trust_id",
            "str",
            pattern=ORGNR_PATTERN,
            reference="trust",
            description="Organisation number of the trust registering the event.",
        ),
        Column(
            "pathway_type",
            "str",
            codes=PATHWAY_TYPES,
            description="D01 = TSB, D11 = adult mental health, D12 = child and adolescent.",
        ),
        Column("event", "str", codes=PATHWAY_EVENTS, description="Pathway event."),
        Column(
            "outcome",
            "str",
            required=False,
            description="Outcome of the event as registered (free text in some systems).",
        ),
        Column(
            "care_level",
            "str",
            required=False,
            codes=CARE_LEVELS,
            description="Level of care decided, on clinical decisions.",
        ),
        Column("event_date", "date", description="Date of the event."),
    ),
)

PRIMARY_CARE = Table(
    name="primary_care",
    description="Primary-care contacts linked from KPR (optional).",
    optional=True,
    foreign_keys=(ForeignKey("patient_id", "patients", "patient_id"),),
    not_before_birth=("contact_date",),
    columns=(
        _id("patient_id", "Patient."),
        Column("contact_date", "date", description="Date of the GP contact."),
        Column(
            "icpc2",
            "str",
            pattern=ICPC2_PATTERN,
            description="Diagnosis (ICPC-2), e.g. T90 diabetes, K86 hypertension.",
        ),
    ),
)

#: Every table of the extract, in load order (parents before children).
EXTRACT: dict[str, Table] = {
    t.name: t for t in (PATIENTS, REFERRALS, CONTACTS, PATHWAY_EVENTS_TABLE, PRIMARY_CARE)
}

#: Canonical order of pathway events, for the cross-table order rule.
PATHWAY_EVENT_ORDER: dict[str, int] = {
    "start": 0,
    "first_attendance": 1,
    "clinical_decision": 2,
    "evaluation": 3,
    "end": 9,
}
