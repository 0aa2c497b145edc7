"""A small, realistic results directory, built without the compute engine.

It follows the schemas in ``indicators/results.py``: every reference trust (but one,
left out so a report for it has no data), the RHFs and the nation, five indicators
(WAIT-01 with Kaplan–Meier curves, WAIT-02, LEVEL-01 by catchment, SOM-01 as O/E,
USER-04), years 2024–2025 and their tertials, ``small_count`` and ``secondary`` rows
(a year and a tertial), a ``too_few`` row, variation statistics and a manifest.  WAIT-01
and WAIT-02 also have months (2024-01 to 2025-12) for the trusts and the nation, with a
step change in WAIT-01 at ``STEP_TRUST`` from ``STEP_MONTH``, and ``spc.parquet`` is
computed from them as compute does.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from indicators.catalogue import BY_ID
from indicators.compute.spc import spc_table
from indicators.disclosure import MIN_COUNT, published_digest
from indicators.reference import trusts
from indicators.results import (
    CURVE_SCHEMA,
    INDICATOR_SCHEMA,
    NATIONAL_UNIT_ID,
    VARIATION_SCHEMA,
    conform,
)

#: Trust left out of the results: a report for it must fail.
MISSING_TRUST = "983975240"  # Sørlandet sykehus HF
#: Trust whose WAIT-02 value in 2025 and 2025-T2 is suppressed as a small count.
SMALL_COUNT_TRUST = "983974880"  # Finnmarkssykehuset HF
#: Trust of the same RHF whose WAIT-02 value is withheld beside it (secondary).
SECONDARY_TRUST = "983974910"  # Nordlandssykehuset HF
#: Trust whose SOM-01 value in 2025 is suppressed as too few.
TOO_FEW_TRUST = "983974929"  # Helgelandssykehuset HF
#: A trust that lies above the 99.8 % limits on WAIT-02.
OUTLIER_TRUST = "983971709"  # Sykehuset Innlandet HF
#: A trust whose monthly WAIT-01 falls by 8 days from STEP_MONTH on.
STEP_TRUST = "983974678"  # Helse Stavanger HF
STEP_MONTH = "2025-03"
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
PERIODS = [("2024", "year"), ("2025", "year")] + [
    (f"{y}-T{t}", "tertial") for y in ("2024", "2025") for t in (1, 2, 3)
]
#: indicator -> (statistic, level, national value, method)
INDICATORS = {
    "WAIT-01": ("median_days", "trust", 28.0, "kaplan_meier"),
    "WAIT-02": ("proportion", "trust", 0.08, "wilson"),
    "LEVEL-01": ("proportion", "catchment", 0.22, "wilson"),
    "SOM-01": ("ratio", "trust", 0.75, "byar"),
    "USER-04": ("proportion", "trust", 0.55, "wilson"),
}
#: The rest of the catalogue, for a full-size report (``build_results(full=True)``).
MORE_INDICATORS = {
    "WAIT-03": ("proportion", "trust", 0.04, "wilson"),
    "PATH-01": ("proportion", "trust", 0.72, "wilson"),
    "PATH-02": ("proportion", "trust", 0.65, "wilson"),
    "LEVEL-02": ("proportion", "trust", 0.45, "wilson"),
    "SOM-02": ("ratio", "trust", 0.7, "byar"),
    "SOM-03": ("proportion", "trust", 0.6, "wilson"),
    "USER-01": ("proportion", "trust", 0.7, "wilson"),
    "USER-02": ("proportion", "trust", 0.5, "wilson"),
    "USER-03": ("proportion", "trust", 0.66, "wilson"),
}
TARGETS = {  # (high, moderate, higher_is_better)
    "WAIT-01": (30, 45, False),
    "WAIT-02": (0.05, 0.10, False),
    "SOM-01": (0.9, 0.7, True),
    "USER-04": (0.8, 0.6, True),
}
Z95, Z998 = 1.959964, 3.090232


def _goal(indicator_id: str, value: float) -> str | None:
    if indicator_id not in TARGETS:
        return None
    high, moderate, higher = TARGETS[indicator_id]
    if higher:
        return "high" if value >= high else "moderate" if value >= moderate else "low"
    return "high" if value <= high else "moderate" if value <= moderate else "low"


def _flag(value: float, low: float, high: float) -> str:
    return "high" if value > high else "low" if value < low else "within"


def _variation(values: list[float]) -> dict[str, float | None]:
    """CV and FT1-FT3 of the units' values (None where there are too few units)."""
    if len(values) < 6:
        return {"cv": None, "ft1": None, "ft2": None, "ft3": None}
    v = np.array(values)
    srt = np.sort(v)
    return {
        "cv": float(100 * v.std(ddof=1) / v.mean()),
        "ft1": float(srt[-1] / srt[0]),
        "ft2": float(srt[-2] / srt[1]),
        "ft3": float(srt[-3] / srt[2]),
    }


def build_results(
    out: Path,
    *,
    synthetic: bool = True,
    extract: Path | None = None,
    full: bool = False,
    only: Sequence[str] | None = None,
) -> Path:
    """Write indicators.parquet, variation.parquet, waiting_curves.parquet, manifest.json.

    ``full=True`` adds the rest of the catalogue (a full-size report, for timing);
    ``only`` keeps the given trusts (results of an extract that holds only them).
    """
    rng = np.random.default_rng(20250101)
    ref = trusts().filter(pl.col("trust_id") != MISSING_TRUST)
    if only is not None:
        ref = ref.filter(pl.col("trust_id").is_in(list(only)))
    rows: list[dict] = []
    curves: list[dict] = []
    variation: list[dict] = []
    phi = 1.8
    chosen = INDICATORS | (MORE_INDICATORS if full else {})
    for ind, (statistic, level, theta, method) in chosen.items():
        for period, ptype in PERIODS:
            scale = 1.0 if ptype == "year" else 1 / 3
            unit_values = []
            for trust in ref.iter_rows(named=True):
                tid = trust["trust_id"]
                n = float(max(3, round(rng.uniform(60, 900) * scale)))
                if ind == "SOM-01":
                    n = round(n / 8, 1)  # expected count E
                effect = 0.0
                if ind == "WAIT-02" and tid == OUTLIER_TRUST:
                    effect = 0.12
                if statistic == "proportion":
                    p = min(0.95, max(0.01, theta + effect + rng.normal(0, 0.025)))
                    x = min(max(round(p * n), MIN_COUNT), n - MIN_COUNT)  # as disclosed
                    value = x / n
                    se = math.sqrt(theta * (1 - theta) / n)
                    ci = (max(0, value - Z95 * se), min(1, value + Z95 * se))
                elif statistic == "ratio":
                    value = max(0.2, theta + rng.normal(0, 0.12))
                    x = max(round(value * n), MIN_COUNT)
                    value = x / n
                    se = math.sqrt(theta / n)
                    ci = (max(0, value - Z95 * se), value + Z95 * se)
                else:
                    value = max(5.0, theta + rng.normal(0, 6))
                    x = round(n * 0.8)
                    se = value / math.sqrt(n) * 1.3
                    ci = (value - Z95 * se, value + Z95 * se)
                row = {
                    "indicator_id": ind,
                    "level": level,
                    "unit_id": tid,
                    "unit_name": trust["name"],
                    "rhf_code": trust["rhf_code"],
                    "period": period,
                    "period_type": ptype,
                    "statistic": statistic,
                    "numerator": float(x),
                    "denominator": n,
                    "value": value,
                    "ci_low": ci[0],
                    "ci_high": ci[1],
                    "confidence": 0.95,
                    "method": method,
                    "mean_days": value * 1.2 if ind == "WAIT-01" else None,
                    "national_value": theta,
                    "target_level": _goal(ind, value),
                }
                if statistic != "median_days":
                    row["funnel_target"] = theta
                    for band, z in (("95", Z95), ("998", Z998)):
                        lo, hi = theta - z * se, theta + z * se
                        lo_od = theta - z * se * math.sqrt(phi)
                        hi_od = theta + z * se * math.sqrt(phi)
                        row |= {
                            f"funnel_low_{band}": lo,
                            f"funnel_high_{band}": hi,
                            f"funnel_flag_{band}": _flag(value, lo, hi),
                            f"funnel_low_{band}_od": lo_od,
                            f"funnel_high_{band}_od": hi_od,
                            f"funnel_flag_{band}_od": _flag(value, lo_od, hi_od),
                        }
                reason = None
                if ind == "WAIT-02" and period in ("2025", "2025-T2"):
                    reason = {SMALL_COUNT_TRUST: "small_count", SECONDARY_TRUST: "secondary"}.get(
                        tid
                    )
                elif ind == "SOM-01" and tid == TOO_FEW_TRUST and period == "2025":
                    reason = "too_few"
                if reason:
                    keep = {k: row[k] for k in ("indicator_id", "level", "unit_id", "unit_name")}
                    keep |= {k: row[k] for k in ("rhf_code", "period", "period_type")}
                    keep |= {"statistic": statistic, "confidence": 0.95, "method": method}
                    row = keep | {"national_value": theta, "suppressed": reason}
                else:
                    unit_values.append(value)
                rows.append(row)
                if ind == "WAIT-01" and ptype == "year":
                    times = np.arange(0, 181, 3, dtype=float)
                    surv = np.exp(-times * math.log(2) / value)
                    for t, s in zip(times, surv, strict=True):
                        at_risk = int(n * s)
                        if at_risk < 5:
                            break
                        curves.append(
                            {
                                "indicator_id": ind,
                                "level": level,
                                "unit_id": tid,
                                "period": period,
                                "time": t,
                                "n_at_risk": at_risk,
                                "survival": float(s),
                                "ci_low": float(max(0, s - 0.05)),
                                "ci_high": float(min(1, s + 0.05)),
                            }
                        )
            rows.append(
                {
                    "indicator_id": ind,
                    "level": "national",
                    "unit_id": NATIONAL_UNIT_ID,
                    "unit_name": "Norge",
                    "period": period,
                    "period_type": ptype,
                    "statistic": statistic,
                    "numerator": 5000.0,
                    "denominator": 9000.0,
                    "value": theta,
                    "ci_low": theta * 0.97,
                    "ci_high": theta * 1.03,
                    "confidence": 0.95,
                    "method": method,
                    "national_value": theta,
                    "target_level": _goal(ind, theta),
                }
            )
            if ind == "WAIT-01" and ptype == "year":
                for t in np.arange(0, 181, 3, dtype=float):
                    s = math.exp(-t * math.log(2) / theta)
                    curves.append(
                        {
                            "indicator_id": ind,
                            "level": "national",
                            "unit_id": NATIONAL_UNIT_ID,
                            "period": period,
                            "time": float(t),
                            "n_at_risk": int(9000 * s),
                            "survival": s,
                            "ci_low": s * 0.98,
                            "ci_high": min(1.0, s * 1.02),
                        }
                    )
            variation.append(
                {
                    "indicator_id": ind,
                    "level": level,
                    "period": period,
                    "period_type": ptype,
                    "k": len(unit_values),
                    **_variation(unit_values),
                    "scv": 4.2 if ind == "LEVEL-01" else None,
                    "phi": phi,
                    "tau2": 0.0004,
                    "reason": None if ind == "LEVEL-01" else "not standardised",
                }
            )
    rows += _monthly_rows(ref)
    out.mkdir(parents=True, exist_ok=True)
    table = conform(pl.DataFrame(rows, infer_schema_length=None), INDICATOR_SCHEMA)
    table.write_parquet(out / "indicators.parquet")
    spc_table(table, BY_ID).write_parquet(out / "spc.parquet")
    conform(pl.DataFrame(variation, infer_schema_length=None), VARIATION_SCHEMA).write_parquet(
        out / "variation.parquet"
    )
    conform(pl.DataFrame(curves, infer_schema_length=None), CURVE_SCHEMA).write_parquet(
        out / "waiting_curves.parquet"
    )
    manifest = {
        "extract_fingerprint": "sha256:3f1c0d9a7b2e4f60"
        "81a5c3d7e9b1f20486a7c5e3d1b9f0a2c4e6d8b0a1c3e5f7",
        "package_version": "0.1.0",
        "extract_date": "2025-12-31",
        "synthetic": synthetic,
        "period_start": "2024-01-01",
        "period_end": "2025-12-31",
        "parameters": {
            "extract": str(extract) if extract else None,
            # As compute records it: the audit passed on exactly this table.
            "disclosure": {"audit": {"passed": True, "table_sha256": published_digest(table)}},
            "spc": {"chance_signal_share": {"months": 24, "last_months": 12, "share": 0.096}},
        },
        "row_counts": {"patients": 1200, "referrals": 1800},
        "seconds": 1.5,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    return out


def _monthly_rows(ref: pl.DataFrame) -> list[dict]:
    """Months of WAIT-01 (median days) and WAIT-02 (a share) for every trust and the nation.

    Values vary at random around a level of their own per trust; WAIT-01 of STEP_TRUST
    drops by 8 days from STEP_MONTH.
    """
    rng = np.random.default_rng(20250301)
    units = [(t["trust_id"], t["name"], t["rhf_code"], "trust") for t in ref.iter_rows(named=True)]
    units.append((NATIONAL_UNIT_ID, "Norge", None, "national"))
    rows = []
    for unit_id, name, rhf, level in units:
        wait, share = 24.0 + rng.normal(0, 3), 0.08 + rng.normal(0, 0.01)
        for month in MONTHS:
            n = float(rng.integers(80, 160))
            days = round(wait + rng.normal(0, 1.5)) - (
                8 if unit_id == STEP_TRUST and month >= STEP_MONTH else 0
            )
            x = float(max(MIN_COUNT, min(n - MIN_COUNT, rng.binomial(int(n), share))))
            base = {"indicator_id": "WAIT-01", "level": level, "unit_id": unit_id,
                    "unit_name": name, "rhf_code": rhf, "period": month, "period_type": "month",
                    "confidence": 0.95}  # fmt: skip
            rows.append(base | {"statistic": "median_days", "denominator": n, "value": days,
                                "method": "kaplan_meier"})  # fmt: skip
            rows.append(base | {"indicator_id": "WAIT-02", "statistic": "proportion",
                                "numerator": x, "denominator": n, "value": x / n,
                                "method": "wilson"})  # fmt: skip
    return rows


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results directory made by :func:`build_results` (synthetic, no extract)."""
    return build_results(tmp_path_factory.mktemp("results"))
