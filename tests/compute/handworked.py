"""A 31-patient extract whose every indicator value is worked out by hand.

Two trusts: A = Oslo universitetssykehus (993467049, RHF 4; patients live in Oslo,
catchment OUS) and B = Helse Bergen (983974724, RHF 3; patients live in Bergen).
Year 2025, extract date 2025-12-31.  Patients born 1990 are 35 (band 30-39), born 1980
are 45 (band 40-49).

TSB referrals at A (received, assessed, right, deadline, care start):

====  ==========  ==========  =====  ==========  ==========  =================================
id    received    assessed    right  deadline    care start  notes
====  ==========  ==========  =====  ==========  ==========  =================================
H01   2025-04-11  2025-04-28  yes    2025-05-30  2025-05-10  10 working days over Easter end
                                                             2025-04-30 (17, 18, 21 April are
                                                             holidays): on time; wait 29
H02   2025-04-11  2025-05-02  yes    2025-06-01  2025-06-10  assessment late; deadline breach;
                                                             wait 60
H03   2025-12-22  -           -      -           -           unassessed, due 2026-01-08:
                                                             excluded from WAIT-02
H04   2025-11-03  2025-11-07  yes    2025-12-15  -           waiting past deadline: breach;
                                                             censored at 58 days
H05   2025-12-01  2025-12-03  yes    2026-01-20  -           waiting within deadline: out of
                                                             WAIT-03; censored at 30 days
H06   2025-02-03  2025-02-05  yes    2025-03-20  2025-02-20  wait 17
H07   2025-03-03  2025-03-05  no     -           -           no right to care
H08   2025-06-02  2025-06-04  yes    2025-07-15  2025-06-30  wait 28
====  ==========  ==========  =====  ==========  ==========  =================================

At B: H11 (received 2025-01-06, wait 14), H12 (received Monday 2025-01-13, due
2025-01-27, assessed 2025-01-31: late; wait 28), H13 (wait 21), and the PHV referral H14
(care before its deadline).

Expected values (A, B, national), year 2025:

- WAIT-02: A 1/7, B 1/3, national 2/10.
- WAIT-03: A 2/5 (H02, H04), B 0/4, national 2/9.
- WAIT-01: A times 17, 28, 29, 30+, 58+, 60 -> S(17)=5/6, S(28)=4/6, S(29)=3/6: median 29,
  mean of completed waits (17+28+29+60)/4 = 33.5; B times 14, 21, 28: median 21;
  national 14, 17, 21, 28, 28, 29, 30+, 58+, 60: S(28) = 6/9 * 4/6 = 4/9: median 28.
- LEVEL-01 (inpatient share, indirectly standardised): A crude 2/6, B crude 2/3.  Strata
  (M 30-39, F 40-49): national rates 2/6 and 2/3, national share 4/9.  A: E = 4/3 + 4/3 =
  8/3, O/E = 0.75, standardised share 1/3.  B: E = 2/3 + 2/3 = 4/3, O/E = 1.5, share 2/3.
- LEVEL-02 (homeless wish met): A 1/2 (H01 yes, H02 no), B 1/1, national 2/3.
- PATH-01: A 2/4 (F1 yes, F2 inpatient 35 days no, F3 no decision registered: late,
  F4 yes); B 3/5 (F6 yes; F7 inpatient 7 days yes, F8 inpatient 8 days no, F9
  outpatient 21 days yes, F10 outpatient 22 days no); national 5/9.
- PATH-02: A 2/3, B 5/5, national 7/8.
- USER-01: A 3/3, B 1/1.  USER-02, USER-03, USER-04: A 2/3, B 0/1, national 2/4.
- SOM-03 (D01 and D11): A 2/3, B 1/2 (D11 pathway F5 assessed), national 3/5.
- SOM-01/02 population: adults with a TSB or PHV contact in 2025.  P31 (born 2010, 15)
  is left out although diabetes is recorded at A.  P03 (M 30-39, lives in Oslo) is
  treated at A and at B: one case at A, one at B, one nationally, one in catchment A.
  A: 18 M 30-39 + 2 F 40-49; B: P21, P23, P03 M 30-39 + 8 F 40-49; national: 20 M 30-39
  + 10 F 40-49 (P03 once).
- SOM-01 (diabetes O/E): A O = 2 (P01 in a contact, P09 in primary care 2025; P10's
  record is from 2024), E = 18 x 0.012 + 2 x 0.020 = 0.256; B O = 1 (P21, recorded at a
  somatic contact), E = 3 x 0.012 + 8 x 0.020 = 0.196; national O = 3,
  E = 20 x 0.012 + 10 x 0.020 = 0.44.
- SOM-02 (hypertension O/E): A O = 2 (P02; P03, recorded at B in the year),
  E = 18 x 0.050 + 2 x 0.080 = 1.06; B O = 1 (P03), E = 3 x 0.050 + 8 x 0.080 = 0.79;
  national O = 2 (P03 once), E = 20 x 0.050 + 10 x 0.080 = 1.8.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from indicators.extract.load import Manifest
from indicators.extract.model import EXTRACT

A = "993467049"
B = "983974724"


def d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _patients() -> pl.DataFrame:
    rows = []
    for i in range(1, 21):
        female = i in (4, 5)
        rows.append((f"P{i:02d}", 1980 if female else 1990, "F" if female else "M", "0301"))
    for i in range(21, 31):
        male = i in (21, 23)
        rows.append((f"P{i:02d}", 1990 if male else 1980, "M" if male else "F", "4601"))
    rows.append(("P31", 2010, "M", "0301"))  # 15 in 2025: a child, not in SOM-01/02
    return pl.DataFrame(
        rows, schema=["patient_id", "birth_year", "sex", "municipality"], orient="row"
    ).with_columns(pl.lit(None, pl.Date).alias("death_date"))


REFERRALS = [
    # id, patient, trust, service, received, assessed, right, deadline, requested, assigned,
    # housing, care start
    ("H01", "P01", A, "TSB", "2025-04-11", "2025-04-28", True, "2025-05-30", "inpatient",
     "inpatient", "homeless", "2025-05-10"),
    ("H02", "P02", A, "TSB", "2025-04-11", "2025-05-02", True, "2025-06-01", "inpatient",
     "outpatient", "homeless", "2025-06-10"),
    ("H03", "P03", A, "TSB", "2025-12-22", None, None, None, "unknown", None, "own", None),
    ("H04", "P04", A, "TSB", "2025-11-03", "2025-11-07", True, "2025-12-15", "unknown",
     "outpatient", "own", None),
    ("H05", "P05", A, "TSB", "2025-12-01", "2025-12-03", True, "2026-01-20", "unknown",
     "inpatient", "own", None),
    ("H06", "P06", A, "TSB", "2025-02-03", "2025-02-05", True, "2025-03-20", "outpatient",
     "outpatient", "own", "2025-02-20"),
    ("H07", "P07", A, "TSB", "2025-03-03", "2025-03-05", False, None, "unknown", "none",
     "supported", None),
    ("H08", "P08", A, "TSB", "2025-06-02", "2025-06-04", True, "2025-07-15", "unknown",
     "outpatient", "own", "2025-06-30"),
    ("H11", "P21", B, "TSB", "2025-01-06", "2025-01-08", True, "2025-02-20", "inpatient",
     "inpatient", "homeless", "2025-01-20"),
    ("H12", "P22", B, "TSB", "2025-01-13", "2025-01-31", True, "2025-03-01", "unknown",
     "inpatient", "own", "2025-02-10"),
    ("H13", "P23", B, "TSB", "2025-05-05", "2025-05-07", True, "2025-06-30", "unknown",
     "outpatient", "own", "2025-05-26"),
    ("H14", "P24", B, "PHV", "2025-02-03", "2025-02-10", True, "2025-04-01", "outpatient",
     "outpatient", "own", "2025-03-01"),
]  # fmt: skip


def _referrals() -> pl.DataFrame:
    columns = EXTRACT["referrals"].column_names
    rows = [
        tuple(d(v) if c.endswith("_date") else v for c, v in zip(columns, row, strict=True))
        for row in REFERRALS
    ]
    return pl.DataFrame(rows, schema=columns, orient="row")


def _contacts() -> pl.DataFrame:
    rows = []
    for i in range(1, 31):
        pid = f"P{i:02d}"
        secondary = {"P01": ["E11.9"], "P02": ["I10"]}.get(pid, [])
        rows.append(
            (f"K{i:02d}", pid, None, A if i <= 20 else B, "TSB", "outpatient",
             date(2025, 6, 1), date(2025, 6, 1), "F10.2", secondary)
        )  # fmt: skip
    rows.append(
        ("K99", "P21", None, B, "SOM", "outpatient", date(2025, 8, 1), date(2025, 8, 1),
         "E11.9", [])
    )  # fmt: skip
    # P03 (treated at A) is also treated at B, where hypertension is recorded.
    rows.append(
        ("K98", "P03", None, B, "PHV", "outpatient", date(2025, 9, 1), date(2025, 9, 1),
         "I10", [])
    )  # fmt: skip
    # P31, 15 years old, has diabetes recorded at A.
    rows.append(
        ("K97", "P31", None, A, "TSB", "outpatient", date(2025, 6, 1), date(2025, 6, 1),
         "F10.2", ["E10.9"])
    )  # fmt: skip
    return pl.DataFrame(rows, schema=EXTRACT["contacts"].column_names, orient="row")


PATHWAYS = {
    # pathway: (referral, patient, trust, type, {event: (date, care_level)})
    "F1": ("H01", "P01", A, "D01", {
        "start": "2025-04-11", "first_attendance": "2025-05-10",
        "clinical_decision": ("2025-05-20", "outpatient"), "evaluation": "2025-05-25",
        "treatment_plan_with_patient": "2025-05-21", "feedback_tool": "2025-05-22",
        "individual_plan_assessed": "2025-05-23", "somatic_assessment": "2025-05-24",
        "end": "2025-09-01"}),
    "F2": ("H02", "P02", A, "D01", {
        "start": "2025-04-11", "first_attendance": "2025-06-10",
        "clinical_decision": ("2025-07-15", "inpatient"), "evaluation": "2025-07-30",
        "treatment_plan_with_patient": "2025-07-16", "end": "2025-10-01"}),
    "F3": ("H06", "P06", A, "D01", {
        "start": "2025-02-03", "first_attendance": "2025-02-20",
        "treatment_plan_with_patient": "2025-03-01", "feedback_tool": "2025-03-02",
        "individual_plan_assessed": "2025-03-03", "somatic_assessment": "2025-03-04",
        "end": "2025-06-01"}),
    "F4": ("H08", "P08", A, "D01", {
        "start": "2025-06-02", "first_attendance": "2025-06-30",
        "clinical_decision": ("2025-07-10", "outpatient"), "evaluation": "2025-07-14"}),
    "F5": ("H14", "P24", B, "D11", {
        "start": "2025-02-03", "first_attendance": "2025-03-01",
        "somatic_assessment": "2025-03-10", "end": "2025-08-01"}),
    "F6": ("H11", "P21", B, "D01", {
        "start": "2025-01-06", "first_attendance": "2025-01-20",
        "clinical_decision": ("2025-01-25", "outpatient"), "evaluation": "2025-01-27",
        "treatment_plan_with_patient": "2025-01-26", "end": "2025-05-01"}),
    # The PATH-01 limits at their edges: inpatient decision 7 / 8 days and outpatient
    # 21 / 22 days after first attendance (evaluations all within 7 days; not ended).
    "F7": (None, "P25", B, "D01", {
        "start": "2025-08-25", "first_attendance": "2025-09-01",
        "clinical_decision": ("2025-09-08", "inpatient"), "evaluation": "2025-09-10"}),
    "F8": (None, "P26", B, "D01", {
        "start": "2025-08-25", "first_attendance": "2025-09-01",
        "clinical_decision": ("2025-09-09", "inpatient"), "evaluation": "2025-09-12"}),
    "F9": (None, "P27", B, "D01", {
        "start": "2025-08-25", "first_attendance": "2025-09-01",
        "clinical_decision": ("2025-09-22", "outpatient"), "evaluation": "2025-09-25"}),
    "F10": (None, "P28", B, "D01", {
        "start": "2025-08-25", "first_attendance": "2025-09-01",
        "clinical_decision": ("2025-09-23", "outpatient"), "evaluation": "2025-09-26"}),
}  # fmt: skip


def _pathway_events() -> pl.DataFrame:
    rows = []
    for pathway, (referral, patient, trust, kind, events) in PATHWAYS.items():
        for event, value in events.items():
            when, level = value if isinstance(value, tuple) else (value, None)
            outcome = "P" if event == "clinical_decision" else None
            rows.append((pathway, patient, referral, trust, kind, event, outcome, level, d(when)))
    return pl.DataFrame(rows, schema=EXTRACT["pathway_events"].column_names, orient="row")


def _primary_care() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "patient_id": ["P09", "P10", "P11"],
            "contact_date": [date(2025, 3, 1), date(2024, 5, 1), date(2025, 4, 1)],
            "icpc2": ["T90", "T90", "P76"],
        }
    )


def tables() -> dict[str, pl.DataFrame]:
    """The hand-worked extract's tables in canonical dtypes."""
    raw = {
        "patients": _patients(),
        "referrals": _referrals(),
        "contacts": _contacts(),
        "pathway_events": _pathway_events(),
        "primary_care": _primary_care(),
    }
    return {
        name: frame.select(pl.col(c.name).cast(c.polars_dtype) for c in EXTRACT[name].columns)
        for name, frame in raw.items()
    }


MANIFEST = Manifest(
    extract_date=date(2025, 12, 31),
    source="hand-worked test extract",
    period_start=date(2025, 1, 1),
    period_end=date(2025, 12, 31),
    synthetic=True,
)
