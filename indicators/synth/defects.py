"""Defects that real registry extracts have, injected into a synthetic extract on request.

``indicators synth --defects`` applies every defect below to a handful of rows and lists
each in ``manifest.json`` under ``defects`` with the 1-based data rows it touched (row 1
is the first row under the header), so the validation suites can be tested against
known answers.  Rows of different defects in the same table never overlap, so each
defect's rows are exactly the rows its rule must flag.

====  ======================  ===============================================================
id    kind                    what is done
====  ======================  ===============================================================
D01   unknown_code            ``referrals.service`` set to ``TBS`` (a typing error)
D02   unknown_code            ``contacts.activity`` set to ``ambulant`` (a local code)
D03   date_order              ``referrals.assessed_date`` three days before ``received_date``
D04   future_date             ``contacts.start_date`` and ``end_date`` after the extract date
D05   duplicate_id            ``contacts.contact_id`` of one row copied onto another
                              (rows lists both copies)
D06   broken_foreign_key      ``contacts.patient_id`` set to an id not in ``patients``
                              (``referral_id`` emptied on those rows)
D07   fodselsnummer_leak      a valid fødselsnummer inside free text in
                              ``pathway_events.outcome``
D08   null_required           ``patients.sex`` empty
D09   cp1252_csv              ``pathway_events`` written as Windows-1252 CSV with Norwegian
                              letters in ``outcome`` (must load correctly: no failure)
D10   unknown_trust           ``referrals.trust_id`` with a wrong check digit
D11   unknown_municipality    ``patients.municipality`` = 9999 (unknown), not a catchment
D12   icd10_shape             ``contacts.main_diagnosis`` written as ``F10,2``
====  ======================  ===============================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl

from indicators.extract.load import Manifest
from indicators.reference.identifiers import is_valid_fodselsnummer

#: Rows touched by each defect (fewer if a table is smaller).
ROWS_PER_DEFECT = 5


def synthetic_fodselsnummer(rng: np.random.Generator) -> str:
    """A fødselsnummer-shaped number with valid check digits (not a real person's)."""
    while True:
        day, month, year = rng.integers(1, 29), rng.integers(1, 13), rng.integers(0, 100)
        individual = rng.integers(500, 1000)
        base = f"{day:02d}{month:02d}{year:02d}{individual:03d}"
        for k1 in range(10):
            for k2 in range(10):
                candidate = f"{base}{k1}{k2}"
                if is_valid_fodselsnummer(candidate):
                    return candidate


class _Rows:
    """Disjoint random row picks per table."""

    def __init__(self, rng: np.random.Generator, tables: dict[str, pl.DataFrame]):
        self._rng = rng
        self._tables = tables
        self._used: dict[str, set[int]] = {name: set() for name in tables}

    def pick(self, table: str, k: int, where: pl.Expr | None = None) -> np.ndarray:
        frame = self._tables[table].with_row_index("_row")
        if where is not None:
            frame = frame.filter(where)
        free = np.setdiff1d(frame["_row"].to_numpy(), np.fromiter(self._used[table], int))
        chosen = np.sort(self._rng.choice(free, size=min(k, free.size), replace=False))
        self._used[table].update(int(i) for i in chosen)
        return chosen


def _set(frame: pl.DataFrame, rows: np.ndarray, **values: Any) -> pl.DataFrame:
    hit = pl.int_range(pl.len()).is_in(pl.Series(rows.astype(np.int64)).implode())
    return frame.with_columns(
        pl.when(hit).then(value).otherwise(pl.col(column)).alias(column)
        for column, value in values.items()
    )


def _set_values(
    frame: pl.DataFrame, rows: np.ndarray, column: str, values: pl.Series
) -> pl.DataFrame:
    """Set ``column`` at row positions ``rows`` to ``values`` (one value per row)."""
    patch = pl.DataFrame({"_r": rows.astype(np.uint32), "_v": values.cast(frame.schema[column])})
    return (
        frame.with_row_index("_r")
        .join(patch, on="_r", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("_r").is_in(patch["_r"].implode()))
            .then(pl.col("_v"))
            .otherwise(pl.col(column))
            .alias(column)
        )
        .drop("_r", "_v")
    )


@dataclass(frozen=True)
class _Target:
    """What a defect works on: the tables so far, disjoint row picks, the generator, the date."""

    tables: dict[str, pl.DataFrame]
    rows: _Rows
    rng: np.random.Generator
    extract_date: date


#: A defect applied: the changed table, and its entry in the manifest (naming the table).
_Applied = tuple[pl.DataFrame, dict[str, Any]]


def _entry(
    id_: str, kind: str, table: str, column: str, picked: np.ndarray, text: str
) -> dict[str, Any]:
    """The manifest entry of a defect, with the 1-based data rows it touched."""
    positions = [int(i) + 1 for i in picked]
    return {
        "id": id_,
        "kind": kind,
        "table": table,
        "column": column,
        "rows": positions,
        "count": len(positions),
        "description": text,
    }


def _d01_unknown_service(on: _Target) -> _Applied:
    """D01: ``referrals.service`` set to ``TBS`` (a typing error)."""
    r = on.rows.pick("referrals", ROWS_PER_DEFECT)
    frame = _set(on.tables["referrals"], r, service=pl.lit("TBS"))
    return frame, _entry(
        "D01", "unknown_code", "referrals", "service", r, "service 'TBS' is not a code"
    )


def _d02_unknown_activity(on: _Target) -> _Applied:
    """D02: ``contacts.activity`` set to ``ambulant`` (a local code)."""
    r = on.rows.pick("contacts", ROWS_PER_DEFECT)
    frame = _set(on.tables["contacts"], r, activity=pl.lit("ambulant"))
    return frame, _entry(
        "D02", "unknown_code", "contacts", "activity", r, "activity 'ambulant' is not a code"
    )


def _d03_assessed_before_received(on: _Target) -> _Applied:
    """D03: ``referrals.assessed_date`` three days before ``received_date``."""
    r = on.rows.pick("referrals", ROWS_PER_DEFECT, pl.col("assessed_date").is_not_null())
    frame = _set(
        on.tables["referrals"], r, assessed_date=pl.col("received_date") - timedelta(days=3)
    )
    return frame, _entry(
        "D03", "date_order", "referrals", "assessed_date", r, "assessed before received"
    )


def _d04_contact_after_extract(on: _Target) -> _Applied:
    """D04: ``contacts.start_date`` and ``end_date`` 30 days after the extract date."""
    r = on.rows.pick("contacts", ROWS_PER_DEFECT)
    future = on.extract_date + timedelta(days=30)
    frame = _set(on.tables["contacts"], r, start_date=pl.lit(future), end_date=pl.lit(future))
    return frame, _entry(
        "D04", "future_date", "contacts", "start_date,end_date", r, "dated after the extract"
    )


def _d05_duplicate_contact_id(on: _Target) -> _Applied:
    """D05: the ``contacts.contact_id`` of three rows copied onto three others."""
    originals = on.rows.pick("contacts", 3)
    copies = on.rows.pick("contacts", 3)
    ids = on.tables["contacts"]["contact_id"].gather(pl.Series(originals.astype(np.int64)))
    frame = _set_values(on.tables["contacts"], copies, "contact_id", ids)
    return frame, _entry(
        "D05",
        "duplicate_id",
        "contacts",
        "contact_id",
        np.sort(np.r_[originals, copies]),
        "the same contact_id on two rows",
    )


def _d06_unknown_patient(on: _Target) -> _Applied:
    """D06: ``contacts.patient_id`` set to an id not in ``patients`` (``referral_id`` emptied)."""
    r = on.rows.pick("contacts", ROWS_PER_DEFECT)
    frame = _set(
        on.tables["contacts"],
        r,
        patient_id=pl.lit("P99999999"),
        referral_id=pl.lit(None, pl.String),
    )
    return frame, _entry(
        "D06", "broken_foreign_key", "contacts", "patient_id", r, "patient not in patients"
    )


def _d07_fodselsnummer_in_text(on: _Target) -> _Applied:
    """D07: a valid fødselsnummer inside free text in ``pathway_events.outcome``."""
    r = on.rows.pick("pathway_events", 3)
    leaks = pl.Series(
        [f"Samtale med pasient {synthetic_fodselsnummer(on.rng)} avsluttet" for _ in r]
    )
    frame = _set_values(on.tables["pathway_events"], r, "outcome", leaks)
    return frame, _entry(
        "D07", "fodselsnummer_leak", "pathway_events", "outcome", r, "a fødselsnummer in text"
    )


def _d08_missing_sex(on: _Target) -> _Applied:
    """D08: ``patients.sex`` empty."""
    r = on.rows.pick("patients", ROWS_PER_DEFECT)
    frame = _set(on.tables["patients"], r, sex=pl.lit(None, pl.String))
    return frame, _entry("D08", "null_required", "patients", "sex", r, "sex is empty")


def _d09_norwegian_letters(on: _Target) -> _Applied:
    """D09: Norwegian letters in ``pathway_events.outcome``, which is written as Windows-1252.

    Not an error: the file must load correctly, so the entry expects no failures.
    """
    r = on.rows.pick("pathway_events", 4, pl.col("event") == "end")
    notes = pl.Series(["Avsluttet etter ønske fra pasienten – flyttet til Tromsø"] * r.size)
    frame = _set_values(on.tables["pathway_events"], r, "outcome", notes)
    return frame, {
        "id": "D09",
        "kind": "cp1252_csv",
        "table": "pathway_events",
        "column": "outcome",
        "rows": [int(i) + 1 for i in r],
        "count": 0,
        "expected_failures": 0,
        "description": "written as Windows-1252 CSV with Norwegian letters; must load",
    }


def _d10_unknown_trust(on: _Target) -> _Applied:
    """D10: ``referrals.trust_id`` with a wrong check digit."""
    r = on.rows.pick("referrals", ROWS_PER_DEFECT)
    frame = _set(on.tables["referrals"], r, trust_id=pl.lit("983974881"))
    return frame, _entry(
        "D10", "unknown_trust", "referrals", "trust_id", r, "orgnr check digit wrong"
    )


def _d11_unknown_municipality(on: _Target) -> _Applied:
    """D11: ``patients.municipality`` = 9999 (unknown), not a catchment."""
    r = on.rows.pick("patients", 3)
    frame = _set(on.tables["patients"], r, municipality=pl.lit("9999"))
    return frame, _entry(
        "D11", "unknown_municipality", "patients", "municipality", r, "unknown municipality"
    )


def _d12_icd10_with_comma(on: _Target) -> _Applied:
    """D12: ``contacts.main_diagnosis`` written as ``F10,2``."""
    r = on.rows.pick(
        "contacts", ROWS_PER_DEFECT, pl.col("main_diagnosis").str.contains(".", literal=True)
    )
    frame = _set(
        on.tables["contacts"],
        r,
        main_diagnosis=pl.col("main_diagnosis").str.replace(".", ",", literal=True),
    )
    return frame, _entry(
        "D12", "icd10_shape", "contacts", "main_diagnosis", r, "ICD-10 written with a comma"
    )


#: The defects in the order they are applied (the order of the random row picks).
_DEFECTS: tuple[Callable[[_Target], _Applied], ...] = (
    _d01_unknown_service,
    _d02_unknown_activity,
    _d03_assessed_before_received,
    _d04_contact_after_extract,
    _d05_duplicate_contact_id,
    _d06_unknown_patient,
    _d07_fodselsnummer_in_text,
    _d08_missing_sex,
    _d09_norwegian_letters,
    _d10_unknown_trust,
    _d11_unknown_municipality,
    _d12_icd10_with_comma,
)


def inject_defects(
    tables: dict[str, pl.DataFrame], *, seed: int, manifest: Manifest
) -> tuple[dict[str, pl.DataFrame], list[dict[str, Any]], dict[str, tuple[str, str]]]:
    """Apply every documented defect; return the tables, the defect list and file encodings.

    The third element maps a table to the ``(format, encoding)`` it must be written in
    (D09 writes ``pathway_events`` as Windows-1252 CSV).
    """
    rng = np.random.default_rng([seed, 1])
    t = dict(tables)
    assert manifest.extract_date is not None
    on = _Target(tables=t, rows=_Rows(rng, t), rng=rng, extract_date=manifest.extract_date)
    defects: list[dict[str, Any]] = []
    for defect in _DEFECTS:
        frame, entry = defect(on)
        t[entry["table"]] = frame
        defects.append(entry)
    return t, defects, {"pathway_events": ("csv", "cp1252")}
