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

from datetime import timedelta
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


def inject_defects(
    tables: dict[str, pl.DataFrame], *, seed: int, manifest: Manifest
) -> tuple[dict[str, pl.DataFrame], list[dict[str, Any]], dict[str, tuple[str, str]]]:
    """Apply every documented defect; return the tables, the defect list and file encodings.

    The third element maps a table to the ``(format, encoding)`` it must be written in
    (D09 writes ``pathway_events`` as Windows-1252 CSV).
    """
    rng = np.random.default_rng([seed, 1])
    t = dict(tables)
    rows = _Rows(rng, t)
    k = ROWS_PER_DEFECT
    assert manifest.extract_date is not None
    defects: list[dict[str, Any]] = []

    def record(id_: str, kind: str, table: str, column: str, picked: np.ndarray, text: str):
        positions = [int(i) + 1 for i in picked]
        defects.append(
            {
                "id": id_,
                "kind": kind,
                "table": table,
                "column": column,
                "rows": positions,
                "count": len(positions),
                "description": text,
            }
        )

    r = rows.pick("referrals", k)
    t["referrals"] = _set(t["referrals"], r, service=pl.lit("TBS"))
    record("D01", "unknown_code", "referrals", "service", r, "service 'TBS' is not a code")

    r = rows.pick("contacts", k)
    t["contacts"] = _set(t["contacts"], r, activity=pl.lit("ambulant"))
    record("D02", "unknown_code", "contacts", "activity", r, "activity 'ambulant' is not a code")

    r = rows.pick("referrals", k, pl.col("assessed_date").is_not_null())
    t["referrals"] = _set(
        t["referrals"], r, assessed_date=pl.col("received_date") - timedelta(days=3)
    )
    record("D03", "date_order", "referrals", "assessed_date", r, "assessed before received")

    r = rows.pick("contacts", k)
    future = manifest.extract_date + timedelta(days=30)
    t["contacts"] = _set(t["contacts"], r, start_date=pl.lit(future), end_date=pl.lit(future))
    record("D04", "future_date", "contacts", "start_date,end_date", r, "dated after the extract")

    originals = rows.pick("contacts", 3)
    copies = rows.pick("contacts", 3)
    ids = t["contacts"]["contact_id"].gather(pl.Series(originals.astype(np.int64)))
    t["contacts"] = _set_values(t["contacts"], copies, "contact_id", ids)
    record(
        "D05",
        "duplicate_id",
        "contacts",
        "contact_id",
        np.sort(np.r_[originals, copies]),
        "the same contact_id on two rows",
    )

    r = rows.pick("contacts", k)
    t["contacts"] = _set(
        t["contacts"], r, patient_id=pl.lit("P99999999"), referral_id=pl.lit(None, pl.String)
    )
    record("D06", "broken_foreign_key", "contacts", "patient_id", r, "patient not in patients")

    r = rows.pick("pathway_events", 3)
    leaks = pl.Series([f"Samtale med pasient {synthetic_fodselsnummer(rng)} avsluttet" for _ in r])
    t["pathway_events"] = _set_values(t["pathway_events"], r, "outcome", leaks)
    record("D07", "fodselsnummer_leak", "pathway_events", "outcome", r, "a fødselsnummer in text")

    r = rows.pick("patients", k)
    t["patients"] = _set(t["patients"], r, sex=pl.lit(None, pl.String))
    record("D08", "null_required", "patients", "sex", r, "sex is empty")

    r = rows.pick("pathway_events", 4, pl.col("event") == "end")
    notes = pl.Series(["Avsluttet etter ønske fra pasienten – flyttet til Tromsø"] * r.size)
    t["pathway_events"] = _set_values(t["pathway_events"], r, "outcome", notes)
    defects.append(
        {
            "id": "D09",
            "kind": "cp1252_csv",
            "table": "pathway_events",
            "column": "outcome",
            "rows": [int(i) + 1 for i in r],
            "count": 0,
            "expected_failures": 0,
            "description": "written as Windows-1252 CSV with Norwegian letters; must load",
        }
    )

    r = rows.pick("referrals", k)
    t["referrals"] = _set(t["referrals"], r, trust_id=pl.lit("983974881"))
    record("D10", "unknown_trust", "referrals", "trust_id", r, "orgnr check digit wrong")

    r = rows.pick("patients", 3)
    t["patients"] = _set(t["patients"], r, municipality=pl.lit("9999"))
    record("D11", "unknown_municipality", "patients", "municipality", r, "unknown municipality")

    r = rows.pick("contacts", k, pl.col("main_diagnosis").str.contains(".", literal=True))
    t["contacts"] = _set(
        t["contacts"],
        r,
        main_diagnosis=pl.col("main_diagnosis").str.replace(".", ",", literal=True),
    )
    record("D12", "icd10_shape", "contacts", "main_diagnosis", r, "ICD-10 written with a comma")

    return t, defects, {"pathway_events": ("csv", "cp1252")}
