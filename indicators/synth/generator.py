"""A realistic synthetic national extract, generated vectorised from one seed.

The extract follows the model in :mod:`indicators.extract.model` and is meant to behave
like the real NPR extract for TSB (substance-use) and adult PHV (mental-health)
services over three calendar years: patients spread over municipalities by catchment,
the age and sex mix of the two services, F10–F19 and F20–F48 main diagnoses, somatic
diabetes and hypertension recorded less often than the general-population prevalence,
waiting and assessment times, deadline breaches, treatment levels, pathway events with
gaps as in real registration, and referrals still waiting at the extract date.

Trust differences
-----------------
Every trust gets small random effects (drawn from the seed) on each process, so the
indicators vary between trusts as real ones do (overdispersion included).  On top of
that, three trusts are planted as clear outliers; tests and the compute engine's
checks assert that these are found outside the 99.8 % funnel limits:

=============  ===========================  =============================================
trust_id       trust                        planted effect
=============  ===========================  =============================================
983971709      Sykehuset Innlandet HF       slow: long waits (WAIT-01), assessment
                                            breaches (WAIT-02), deadline breaches
                                            (WAIT-03), late clinical decisions (PATH-01)
983974724      Helse Bergen HF              few inpatient assignments (LEVEL-01, by
                                            catchment) and homeless patients' wish for
                                            inpatient care rarely met (LEVEL-02)
983974899      Universitetssykehuset        somatic under-recording (SOM-01, SOM-02),
               Nord-Norge HF                few somatic assessments (SOM-03), feedback
                                            tool rarely used (USER-02, USER-04)
=============  ===========================  =============================================

Two catchment areas are planted for case-mix adjustment (LEVEL-01 against LEVEL-01A,
``PLANTED_CASE_MIX``).  Both effects follow the patient's home (catchment) trust, as
LEVEL-01 is reported by catchment area: they hold for the TSB referrals of the patients
living there, wherever they are treated.

=============  ===========================  =============================================
trust_id       trust                        planted effect
=============  ===========================  =============================================
894166762      Vestre Viken HF              patients in greater need: more homeless
                                            (24 % against 8 %) and more requests for
                                            inpatient care (50 % against 25 %), assigned
                                            like the typical trust given need (no trust
                                            effect): crude LEVEL-01 high, case-mix
                                            adjusted LEVEL-01A near 1
983971768      Sykehuset Østfold HF         assigns more inpatient care than need
                                            explains (log-odds + 0.9 over the typical
                                            trust; homeless patients' wish met at 85 %),
                                            with the usual mix of need: high on both
=============  ===========================  =============================================

Only the probabilities of these patients' draws change, never the number of draws, so
every other trust's data are the same, bit for bit, as without the planted areas.

One change in time is planted too, for statistical process control: from
``STEP_CHANGE_MONTH`` (March 2025) Helse Stavanger HF (``STEP_CHANGE_TRUST``) starts
care earlier in the window between assessment and deadline (its typical fraction drops
to ``STEP_CHANGE_WAIT_FRACTION``), for referrals received from that month on, so its
monthly waiting time (WAIT-01) falls by about a week from that month
(``PLANTED_CHANGES``).  No other process of any trust changes over time.

Registration gaps in the pathway events differ between trusts too: each trust misses
its own share of the events that happened (every event but ``start``), drawn from the
seed around 3 % (``REGISTRATION_GAP``; logit-normal, mostly between 1 % and 8 %).  No
indicator measures registration itself, so no trust is planted here and none is listed
in ``PLANTED_OUTLIERS``; the gaps lower PATH and USER rates slightly and unevenly, as
real ones do.

Life course
-----------
Nothing is dated after a patient's death: referrals are received before it, contacts
and pathway events end at it (a pathway ends at death, started or not), and primary
care stops.  Care that would have started after death never starts, and a referral not
yet assessed at death stays unassessed: the waiting ends at ``patients.death_date``
(the model has no end date for a referral).  Declined referrals (about 3 %) are
assessed without a right to care, so have no deadline and no care.  Referrals still
waiting at the extract date are therefore recent ones, within their deadline or just
past it.

Large extracts: chunks
----------------------
An extract of up to ``CHUNK_PATIENTS`` patients (100 000: ``scale`` 1 or less) is one
chunk, drawn from ``np.random.default_rng(seed)`` and written table by table, the same
files as ever.  A larger one is generated a chunk of patients at a time, with
everything that hangs off them (referrals, contacts, pathway events, primary care), so
memory holds one chunk whatever the scale (about 1.5 GB at peak, against some 1.3 GB
per unit of scale held at once).  What is national is drawn once, by the first chunk,
where a one-chunk extract draws it: the trust effects (planted ones included) and the
municipalities' population weights, used by every chunk.  Chunk ``i`` draws the rest
from its own stream, ``SeedSequence(seed, spawn_key=(i,))`` (chunk 0 from the seed
itself), so the same seed and scale give byte-identical files.  Ids go on from chunk to
chunk (patient, referral and pathway numbers), and each chunk's tables are written as
parts on disk and joined into one file per table in the tables' usual order
(:mod:`indicators.synth.spill`; contacts are sorted by start date over all chunks and
numbered then).  Chunks are balanced: 150 000 patients are two chunks of 75 000.

The defects that ``defects=True`` injects are listed in :mod:`indicators.synth.defects`;
they are injected only into an extract of one chunk (their rows are chosen in, and
counted over, the whole of each table in memory), and a larger extract with defects
is refused (:class:`SynthError`; ``indicators synth`` exits 2).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from indicators import __version__
from indicators.errors import IndicatorsError
from indicators.extract.load import Manifest
from indicators.extract.model import EXTRACT
from indicators.extract.write import write_manifest, write_table
from indicators.reference import municipalities, prevalence, trusts
from indicators.synth.spill import CONTACT_ORDER, Spill, numbered_contacts

#: Patients at ``scale=1``: roughly the national TSB + adult PHV volume over three years.
PATIENTS_AT_SCALE_1 = 100_000
#: Calendar years covered; the extract date is the last day of the last year.
FIRST_YEAR = 2023
LAST_YEAR = 2025

#: Typical share of pathway events that happen but are never registered; each trust's
#: own rate varies around it (see the module docstring).
REGISTRATION_GAP = 0.03

SLOW_TRUST = "983971709"  # Sykehuset Innlandet HF
LOW_INPATIENT_TRUST = "983974724"  # Helse Bergen HF
SOMATIC_TRUST = "983974899"  # Universitetssykehuset Nord-Norge HF

#: Planted outliers: trust -> indicators on which it is a clear outlier, and the direction.
PLANTED_OUTLIERS: dict[str, dict[str, str]] = {
    SLOW_TRUST: {"WAIT-01": "high", "WAIT-02": "high", "WAIT-03": "high", "PATH-01": "low"},
    LOW_INPATIENT_TRUST: {"LEVEL-01": "low", "LEVEL-02": "low"},
    SOMATIC_TRUST: {
        "SOM-01": "low",
        "SOM-02": "low",
        "SOM-03": "low",
        "USER-02": "low",
        "USER-04": "low",
    },
}

NEED_TRUST = "894166762"  # Vestre Viken HF
OVER_ASSIGNING_TRUST = "983971768"  # Sykehuset Østfold HF
#: Requested level (inpatient, outpatient, unknown) and housing (own, supported,
#: homeless, unknown) of TSB referrals: usual, and of the need area's residents.
TSB_REQUESTED = (0.25, 0.55, 0.20)
NEED_TSB_REQUESTED = (0.50, 0.35, 0.15)
TSB_HOUSING = (0.70, 0.12, 0.08, 0.10)
NEED_TSB_HOUSING = (0.50, 0.14, 0.24, 0.12)
#: Log-odds of inpatient care added for the over-assigning area's residents, over the
#: typical trust, and the share of its homeless residents' wishes for inpatient care met.
OVER_ASSIGNING_LOG_ODDS = 0.9
OVER_ASSIGNING_WISH_MET = 0.85
#: Typical log-odds of inpatient care and share of homeless wishes met (no trust effect).
TYPICAL_INPATIENT = 0.24
TYPICAL_WISH_MET = 0.62

#: Planted case mix: catchment trust -> indicator -> the expected result at the catchment
#: level ("high": a clear high outlier; "as expected": within the funnel, near 1).
PLANTED_CASE_MIX: dict[str, dict[str, str]] = {
    NEED_TRUST: {"LEVEL-01": "high", "LEVEL-01A": "as expected"},
    OVER_ASSIGNING_TRUST: {"LEVEL-01": "high", "LEVEL-01A": "high"},
}

STEP_CHANGE_TRUST = "983974678"  # Helse Stavanger HF
#: First day of the month from which the step change holds (by the referral's receipt).
STEP_CHANGE_MONTH = date(2025, 3, 1)
#: The trust's typical position of care start in its window from that month on.
STEP_CHANGE_WAIT_FRACTION = 0.22

#: Planted changes in time: trust -> indicator -> (first month, direction of the change).
PLANTED_CHANGES: dict[str, dict[str, tuple[str, str]]] = {
    STEP_CHANGE_TRUST: {"WAIT-01": (STEP_CHANGE_MONTH.strftime("%Y-%m"), "decrease")},
}

#: Approximate catchment population in thousands (illustrative weights for spreading
#: patients over trusts; order of magnitude of the real catchments).
CATCHMENT_WEIGHT = {
    "983974880": 75,
    "983974929": 78,
    "983974910": 137,
    "983974899": 193,
    "997005562": 268,
    "983974791": 135,
    "883974832": 340,
    "983974724": 460,
    "983974694": 180,
    "983974732": 108,
    "983974678": 380,
    "983971636": 600,
    "974116804": 140,
    "974207532": 190,
    "993467049": 330,
    "983971709": 372,
    "983975267": 175,
    "983975259": 250,
    "983971768": 320,
    "983975240": 320,
    "894166762": 500,
}

TSB_DIAGNOSES = {
    "F10.2": 0.38,
    "F10.1": 0.05,
    "F11.2": 0.08,
    "F12.2": 0.15,
    "F13.2": 0.05,
    "F15.2": 0.12,
    "F19.2": 0.15,
    "F14.2": 0.02,
}
PHV_DIAGNOSES = {
    "F32.1": 0.16,
    "F33.1": 0.12,
    "F41.1": 0.12,
    "F43.1": 0.10,
    "F43.2": 0.09,
    "F41.2": 0.09,
    "F20.0": 0.06,
    "F31.1": 0.05,
    "F40.1": 0.06,
    "F42.2": 0.04,
    "F60.3": 0.07,
    "F45.0": 0.04,
}
#: Main diagnoses of TSB and PHV referrals, as indexed by ``_main_diagnoses``.
MAIN_DIAGNOSES = (*TSB_DIAGNOSES, *PHV_DIAGNOSES)
COMORBID = ("F32.1", "F41.1", "F43.1", "F60.3", "F90.0", "F10.2", "F12.2")
SOMATIC_MAIN = ("J45.9", "M54.5", "K21.0", "S06.0", "R07.4", "Z03.9", "L03.1", "K70.3")
DIABETES_CODES = ("E11.9", "E11.6", "E10.9")
HYPERTENSION_CODES = ("I10", "I11.9")
OTHER_ICPC = ("P15", "P76", "P74", "R74", "L03", "A97", "S18", "D01")


@dataclass(frozen=True)
class SynthResult:
    """What :func:`generate_extract` wrote."""

    path: Path
    row_counts: dict[str, int]
    seconds: float
    manifest: Manifest
    files: dict[str, Path] = field(default_factory=dict)


#: The generation steps shown in the progress display, in order.
GENERATION_STEPS = ("patients", "referrals", "contacts", "pathway events", "primary care")


class _Steps:
    """Progress over the steps of a run (rich progress bar, or silent).

    ``step(description)`` starts a step and counts the previous one as done; ``close()``
    counts the last one, so the bar is full exactly when all ``total`` steps are done.
    """

    def __init__(self, enabled: bool, total: int):
        self._progress = None
        self._total = total
        self._started = False
        if enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]synth[/bold] {task.description:<24}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("starting", total=total)

    def step(self, description: str) -> None:
        if self._progress is not None:
            advance = 1 if self._started else 0
            self._progress.update(self._task, description=description, advance=advance)
        self._started = True

    def close(self, *, finished: bool = True) -> None:
        if self._progress is not None:
            if finished and self._started:
                self._progress.update(self._task, description="done", advance=1)
            self._progress.stop()


def _days(d: date) -> int:
    return (d - date(1970, 1, 1)).days


#: First and last day of the period, as days since 1970-01-01; the extract is taken on the
#: last day.
_FIRST_DAY = _days(date(FIRST_YEAR, 1, 1))
_LAST_DAY = _days(date(LAST_YEAR, 12, 31))
_EXTRACT_DAY = _LAST_DAY


def _to_date(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype(np.int32)).cast(pl.Date)


def _expit(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x)))


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _choice(rng: np.random.Generator, options: dict[str, float], size: int) -> np.ndarray:
    """Indices into ``options`` drawn with its (normalised) weights."""
    weights = np.array(list(options.values()), dtype=float)
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def _pick(codes: tuple[str, ...] | list[str], index: np.ndarray) -> pl.Series:
    return pl.Series(list(codes), dtype=pl.String).gather(pl.Series(index.astype(np.int64)))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """Ids like ``P00012345``: the prefix and the number zero-padded to ``width`` digits."""
    digits = pl.Series(numbers.astype(np.int64)).cast(pl.String).str.zfill(width)
    return pl.select(pl.lit(prefix) + digits).to_series()


@dataclass(frozen=True)
class _TrustEffects:
    """Per-trust process parameters (one array entry per trust in ``order``)."""

    order: list[str]
    assessed_on_time: np.ndarray  # P(assessed within ~10 working days)
    wait_fraction: np.ndarray  # mean position of care start between assessment and deadline
    deadline_breach: np.ndarray  # P(care starts after the deadline)
    inpatient_logit: np.ndarray  # base log-odds of being assigned inpatient care (TSB)
    homeless_wish_met: np.ndarray  # P(homeless patient asking for inpatient care gets it)
    decision_on_time: np.ndarray  # PATH-01
    evaluation_on_time: np.ndarray  # PATH-02
    plan_with_patient: np.ndarray  # USER-01
    feedback_tool: np.ndarray  # USER-02
    individual_plan: np.ndarray  # USER-03
    somatic_assessment: np.ndarray  # SOM-03
    somatic_recording: np.ndarray  # P(a true diabetes/hypertension is recorded in specialist care)
    gp_recording: np.ndarray  # P(recorded in primary care)
    registration_gap: np.ndarray  # P(a pathway event that happened is not registered)


def _trust_effects(rng: np.random.Generator, order: list[str]) -> _TrustEffects:
    """Each trust's process rates, with the planted outliers' rates set.

    Every rate is drawn logit-normal around its national typical value; the planted
    outliers are listed in the module docstring.
    """
    k = len(order)

    def vary(p: float, sd: float = 0.25) -> np.ndarray:
        return _expit(_logit(p) + rng.normal(0.0, sd, size=k))

    idx = {t: i for i, t in enumerate(order)}
    eff = _TrustEffects(
        order=order,
        assessed_on_time=vary(0.93, 0.35),
        wait_fraction=vary(0.42, 0.20),
        deadline_breach=vary(0.06, 0.35),
        inpatient_logit=_logit(TYPICAL_INPATIENT) + rng.normal(0.0, 0.30, size=k),
        homeless_wish_met=vary(TYPICAL_WISH_MET, 0.30),
        decision_on_time=vary(0.80, 0.30),
        evaluation_on_time=vary(0.72, 0.30),
        plan_with_patient=vary(0.78, 0.30),
        feedback_tool=vary(0.52, 0.30),
        individual_plan=vary(0.60, 0.30),
        somatic_assessment=vary(0.58, 0.30),
        somatic_recording=vary(0.40, 0.20),
        gp_recording=vary(0.45, 0.15),
        registration_gap=vary(REGISTRATION_GAP, 0.50),
    )
    slow, low, som = idx[SLOW_TRUST], idx[LOW_INPATIENT_TRUST], idx[SOMATIC_TRUST]
    eff.assessed_on_time[slow] = 0.70
    eff.wait_fraction[slow] = 0.80
    eff.deadline_breach[slow] = 0.22
    eff.decision_on_time[slow] = 0.50
    eff.inpatient_logit[low] = _logit(0.08)
    eff.homeless_wish_met[low] = 0.10
    eff.somatic_recording[som] = 0.04
    eff.gp_recording[som] = 0.06
    eff.somatic_assessment[som] = 0.22
    eff.feedback_tool[som] = 0.12
    return eff


@dataclass(frozen=True)
class _Patients:
    """The patients drawn, with the per-patient arrays the later parts draw on.

    Arrays have one entry per patient in generation order (``table`` is in the same
    order; it is sorted by ``patient_id`` only when the tables are returned).
    """

    table: pl.DataFrame
    patient_id: pl.Series
    home: np.ndarray  # catchment trust, as an index into the trust order
    is_tsb: np.ndarray  # the patient's usual service is TSB (else adult PHV)
    male: np.ndarray
    age: np.ndarray  # years, at the middle of the period
    death_day: np.ndarray  # days since 1970-01-01; -1 for patients alive at the extract date
    true_status: dict[str, np.ndarray]  # has diabetes / hypertension, recorded or not
    muni_weight: np.ndarray  # population weight per municipality (see _home_municipalities)

    @property
    def count(self) -> int:
        return self.home.size


def _home_trusts(rng: np.random.Generator, order: list[str], n: int) -> np.ndarray:
    """Each patient's catchment trust (an index into ``order``), weighted by catchment size."""
    weights = np.array([CATCHMENT_WEIGHT[t] for t in order], dtype=float)
    return rng.choice(len(order), size=n, p=weights / weights.sum())


def _home_municipalities(
    rng: np.random.Generator,
    order: list[str],
    home: np.ndarray,
    muni_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each patient's municipality code, among the municipalities of the home trust.

    Municipalities get random (lognormal) population weights, drawn here unless
    ``muni_weight`` gives them (the national weights, drawn by the first chunk); a
    patient is placed by a uniform draw within the home trust's share of the cumulated
    weights.  Trusts serving only part of a split municipality (Lovisenberg and
    Diakonhjemmet in Oslo) draw their patients from that municipality.  Returns the
    codes and the weights used.
    """
    n = home.size
    t_index = {t: i for i, t in enumerate(order)}
    muni_ref = municipalities()
    without = [t for t in order if t not in set(muni_ref["catchment_trust_id"])]
    split = muni_ref.filter("split_between_catchments")
    munis = (
        pl.concat([muni_ref, *(split.with_columns(catchment_trust_id=pl.lit(t)) for t in without)])
        .with_columns(
            pl.col("catchment_trust_id").replace_strict(t_index, return_dtype=pl.Int64).alias("t")
        )
        .sort("t", "municipality")
    )
    muni_codes = munis["municipality"].to_numpy()
    muni_trust = munis["t"].to_numpy()
    if muni_weight is None:
        muni_weight = rng.lognormal(0.0, 1.0, size=len(muni_codes))
    cum = np.cumsum(muni_weight)
    first_of_trust = np.searchsorted(muni_trust, np.arange(len(order)), side="left")
    last_of_trust = np.searchsorted(muni_trust, np.arange(len(order)), side="right") - 1
    trust_lo = cum[first_of_trust] - muni_weight[first_of_trust]
    trust_hi = cum[last_of_trust]
    target = trust_lo[home] + rng.random(n) * (trust_hi[home] - trust_lo[home])
    muni = np.minimum(np.searchsorted(cum, target), len(cum) - 1)
    return muni_codes[muni], muni_weight


def _true_somatic_status(
    rng: np.random.Generator, age: np.ndarray, male: np.ndarray
) -> dict[str, np.ndarray]:
    """Whether each patient truly has diabetes and hypertension, recorded or not.

    The population prevalence by age band and sex, raised by 35 % and 25 %: ROP patients
    have more somatic disease than the population (capped at 90 %).
    """
    n = age.size
    prev = prevalence()
    band_age = np.clip(age, 18, 120)
    true_status = {}
    for condition, multiplier in (("diabetes", 1.35), ("hypertension", 1.25)):
        table = prev.filter(condition=condition)
        p = np.zeros(n)
        for row in table.iter_rows(named=True):  # 14 bands x sexes: a table lookup, not rows
            mask = (
                (band_age >= row["age_from"])
                & (band_age <= row["age_to"])
                & (male == (row["sex"] == "M"))
            )
            p[mask] = row["prevalence"]
        true_status[condition] = rng.random(n) < np.minimum(p * multiplier, 0.9)
    return true_status


def _generate_patients(
    rng: np.random.Generator,
    order: list[str],
    n: int,
    *,
    first: int = 0,
    muni_weight: np.ndarray | None = None,
) -> _Patients:
    """``n`` patients: home trust and municipality, service, sex, birth year, death, somatic status.

    About 42 % are TSB patients (68 % men, mean age 38), the rest adult PHV patients (40 %
    men, mean age 36); a few die during the period (more in TSB, more with age).  Their
    ids are a shuffle of the numbers ``first`` to ``first + n - 1`` (plus 10 000 000);
    ``muni_weight`` as in :func:`_home_municipalities`.
    """
    home = _home_trusts(rng, order, n)
    municipality, muni_weight = _home_municipalities(rng, order, home, muni_weight)
    is_tsb = rng.random(n) < 0.42
    male = np.where(is_tsb, rng.random(n) < 0.68, rng.random(n) < 0.40)
    age = np.where(is_tsb, rng.normal(38, 13, n), rng.normal(36, 15, n))
    age = np.clip(np.round(age), 18, 92).astype(np.int32)
    mid_year = (FIRST_YEAR + LAST_YEAR) // 2
    birth_year = mid_year - age
    dies = rng.random(n) < np.where(is_tsb, 0.02, 0.006) * (1 + age / 40)
    death_day = np.where(dies, rng.integers(_FIRST_DAY, _LAST_DAY + 1, n), -1)
    pid_numbers = rng.permutation(n) + 10_000_000 + first
    patient_id = _ids("P", pid_numbers, 8)
    table = pl.DataFrame(
        {
            "patient_id": patient_id,
            "birth_year": birth_year,
            "sex": np.where(male, "M", "F"),
            "municipality": municipality,
            "death_date": _to_date(death_day),
        }
    ).with_columns(pl.when(pl.col("death_date") >= date(1971, 1, 1)).then("death_date"))
    true_status = _true_somatic_status(rng, age, male)
    return _Patients(
        table=table,
        patient_id=patient_id,
        home=home,
        is_tsb=is_tsb,
        male=male,
        age=age,
        death_day=death_day,
        true_status=true_status,
        muni_weight=muni_weight,
    )


@dataclass(frozen=True)
class _Referrals:
    """The referrals drawn: one array entry per referral, in referral-id order.

    Days are days since 1970-01-01.  Arrays are defined for every referral; which of
    them reach the table depends on ``assessed_known``, ``right`` and ``started``.
    """

    referral_id: pl.Series
    owner: np.ndarray  # the referral's patient, as an index into the patients
    is_tsb: np.ndarray  # a TSB referral (else adult PHV)
    trust: np.ndarray  # treating trust, as an index into the trust order
    received: np.ndarray
    alive_until: np.ndarray  # the patient's last day alive within the period
    assessed: np.ndarray
    assessed_known: np.ndarray  # assessed before the patient's death
    right: np.ndarray  # right to care (assessed, not declined)
    deadline: np.ndarray
    requested: np.ndarray  # 0 inpatient, 1 outpatient, 2 unknown
    housing: np.ndarray  # 0 own, 1 supported, 2 homeless, 3 unknown
    assigned: np.ndarray  # 0 inpatient, 1 outpatient, 2 none
    care_start: np.ndarray  # the day care starts, or would have started
    started: np.ndarray  # care started (with a right to care, before death)

    @property
    def count(self) -> int:
        return self.owner.size


def _treating_trusts(
    rng: np.random.Generator, home_trust: np.ndarray, rhf_of_trust: np.ndarray
) -> np.ndarray:
    """The trust treating each referral: the catchment trust, or (10 %) a trust of the same RHF."""
    m = home_trust.size
    same_rhf_other = rng.random(m) < 0.10
    rhf = rhf_of_trust[home_trust]
    candidates = [np.flatnonzero(rhf_of_trust == r) for r in range(1, 5)]
    sizes = np.array([len(c) for c in candidates])[rhf - 1]
    flat = np.concatenate(candidates)
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in candidates])[:-1]])[rhf - 1]
    other = flat[offsets + rng.integers(0, 1 << 30, m) % sizes]
    return np.where(same_rhf_other, other, home_trust)


def _received_days(rng: np.random.Generator, alive_until: np.ndarray) -> np.ndarray:
    """The day each referral is received: a weekday in the period, not after the patient's death."""
    m = alive_until.size
    received = _FIRST_DAY + (rng.random(m) * (alive_until - _FIRST_DAY + 1)).astype(np.int64)
    weekday = (received + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    monday = received + np.where(weekday >= 5, 7 - weekday, 0)
    friday = received - np.where(weekday >= 5, weekday - 4, 0)
    return np.where(monday <= alive_until, monday, np.where(friday >= _FIRST_DAY, friday, received))


def _assessments(
    rng: np.random.Generator,
    eff: _TrustEffects,
    trust: np.ndarray,
    is_tsb: np.ndarray,
    received: np.ndarray,
    alive_until: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Assessment day, whether it is known, right to care, and deadline day of each referral.

    Assessed within 12 days at the trust's on-time rate, otherwise from day 15 on.  A
    referral whose patient dies before it is assessed is closed unassessed.  Declined
    referrals (about 3 %) have no right to care; of the others 90 % (TSB) or 72 % (PHV)
    get one, with a deadline 42, 56, 65 or 90 days after receipt.
    """
    m = received.size
    on_time = rng.random(m) < eff.assessed_on_time[trust]
    assess_delay = np.where(
        on_time, rng.integers(1, 13, m), 15 + rng.exponential(10, m).astype(np.int64)
    )
    assessed = received + assess_delay
    assessed_known = assessed <= alive_until
    declined = rng.random(m) < 0.03
    right = assessed_known & ~declined & (rng.random(m) < np.where(is_tsb, 0.90, 0.72))
    frist_options = np.array([42, 56, 65, 90])
    frist = np.where(
        is_tsb,
        frist_options[rng.choice(4, m, p=[0.35, 0.30, 0.25, 0.10])],
        frist_options[rng.choice(4, m, p=[0.15, 0.30, 0.30, 0.25])],
    )
    return assessed, assessed_known, right, received + frist


def _choice_where(
    rng: np.random.Generator,
    usual: tuple[float, ...],
    planted: tuple[float, ...],
    is_planted: np.ndarray,
) -> np.ndarray:
    """A category per row drawn on ``usual`` probabilities, or ``planted`` where flagged.

    Draws exactly what ``rng.choice(len(usual), m, p=usual)`` draws (one uniform per row,
    compared with the cumulated probabilities), so rows not flagged get the same values
    bit for bit as that call, and the generator's later draws are unchanged.
    """
    u = rng.random(is_planted.size)
    cdfs = np.stack([np.cumsum(usual), np.cumsum(planted)])
    cdfs /= cdfs[:, -1:]
    return (cdfs[is_planted.astype(np.int64)] <= u[:, None]).sum(axis=1)


def _care_levels(
    rng: np.random.Generator,
    eff: _TrustEffects,
    trust: np.ndarray,
    home: np.ndarray,
    is_tsb: np.ndarray,
    male: np.ndarray,
    age: np.ndarray,
    right: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Requested care level, housing and assigned care level of each referral.

    Inpatient care is assigned on the trust's log-odds, raised when asked for, for men
    and with age, and lower in PHV; a homeless patient asking for inpatient care gets it
    at the trust's own rate.  Referrals without a right to care get no level.  The
    planted case-mix areas (module docstring) go by the patient's home trust ``home``:
    the need area's TSB referrals ask for inpatient care and are homeless more often and
    are assigned on the typical log-odds; the over-assigning area's on the typical
    log-odds plus ``OVER_ASSIGNING_LOG_ODDS``.
    """
    m = trust.size
    need = is_tsb & (home == eff.order.index(NEED_TRUST))
    over = is_tsb & (home == eff.order.index(OVER_ASSIGNING_TRUST))
    requested = np.where(
        is_tsb,
        _choice_where(rng, TSB_REQUESTED, NEED_TSB_REQUESTED, need),
        rng.choice(3, m, p=[0.07, 0.81, 0.12]),
    )
    housing = np.where(
        is_tsb,
        _choice_where(rng, TSB_HOUSING, NEED_TSB_HOUSING, need),
        rng.choice(4, m, p=[0.85, 0.07, 0.02, 0.06]),
    )
    homeless_wants_inpatient = (housing == 2) & (requested == 0)
    typical = _logit(TYPICAL_INPATIENT)
    base = np.where(
        need, typical, np.where(over, typical + OVER_ASSIGNING_LOG_ODDS, eff.inpatient_logit[trust])
    )
    wish_met = np.where(
        need,
        TYPICAL_WISH_MET,
        np.where(over, OVER_ASSIGNING_WISH_MET, eff.homeless_wish_met[trust]),
    )
    p_inpatient = _expit(
        base
        + np.where(requested == 0, 0.9, np.where(requested == 1, -0.6, 0.0))
        + np.where(male, 0.15, 0.0)
        + (np.clip(age, 18, 80) - 38) * 0.01
        - np.where(is_tsb, 0.0, 1.2)
    )
    p_inpatient = np.where(homeless_wants_inpatient, wish_met, p_inpatient)
    inpatient = rng.random(m) < p_inpatient
    assigned = np.where(right, np.where(inpatient, 0, 1), 2)  # inpatient / outpatient / none
    return requested, housing, assigned


def _care_starts(
    rng: np.random.Generator,
    eff: _TrustEffects,
    trust: np.ndarray,
    received: np.ndarray,
    assessed: np.ndarray,
    deadline: np.ndarray,
) -> np.ndarray:
    """The day care starts: at a trust-typical point between assessment and deadline, or after it.

    The deadline is breached at the trust's rate (then care starts on average 18 days
    late); otherwise the start is a beta-distributed fraction of the window around the
    trust's typical fraction (for the step-change trust, from its month on, around
    ``STEP_CHANGE_WAIT_FRACTION``).
    """
    m = trust.size
    breach = rng.random(m) < eff.deadline_breach[trust]
    stepped = (trust == eff.order.index(STEP_CHANGE_TRUST)) & (received >= _days(STEP_CHANGE_MONTH))
    typical = np.where(stepped, STEP_CHANGE_WAIT_FRACTION, eff.wait_fraction[trust])
    frac = rng.beta(np.maximum(typical * 4, 0.2), np.maximum((1 - typical) * 4, 0.2))
    window = np.maximum(deadline - assessed, 1)
    care_start = np.where(
        breach,
        deadline + 1 + rng.exponential(18, m).astype(np.int64),
        assessed + (frac * window).astype(np.int64),
    )
    return np.maximum(care_start, assessed)


def _generate_referrals(
    rng: np.random.Generator,
    patients: _Patients,
    rhf_of_trust: np.ndarray,
    eff: _TrustEffects,
    *,
    first: int = 0,
) -> _Referrals:
    """Referrals: one or more per patient, with treating trust, dates, right to care and levels.

    Most referrals are to the patient's usual service (95 %).  Care that would start
    after the patient's death never starts: the waiting ends at death
    (``patients.death_date``), and so does the referral's pathway.  Referral ids are
    numbered on from ``first + 1``.
    """
    n = patients.count
    per_patient = 1 + rng.poisson(0.5, n)
    owner = np.repeat(np.arange(n), per_patient)
    m = owner.size
    is_tsb = np.where(rng.random(m) < 0.95, patients.is_tsb[owner], ~patients.is_tsb[owner])
    trust = _treating_trusts(rng, patients.home[owner], rhf_of_trust)
    patient_death = patients.death_day[owner]
    alive_until = np.where(patient_death >= 0, np.minimum(patient_death, _LAST_DAY), _LAST_DAY)
    received = _received_days(rng, alive_until)
    assessed, assessed_known, right, deadline = _assessments(
        rng, eff, trust, is_tsb, received, alive_until
    )
    requested, housing, assigned = _care_levels(
        rng,
        eff,
        trust,
        patients.home[owner],
        is_tsb,
        patients.male[owner],
        patients.age[owner],
        right,
    )
    care_start = _care_starts(rng, eff, trust, received, assessed, deadline)
    return _Referrals(
        referral_id=_ids("H", np.arange(m) + first + 1, 9),
        owner=owner,
        is_tsb=is_tsb,
        trust=trust,
        received=received,
        alive_until=alive_until,
        assessed=assessed,
        assessed_known=assessed_known,
        right=right,
        deadline=deadline,
        requested=requested,
        housing=housing,
        assigned=assigned,
        care_start=care_start,
        started=right & (care_start <= alive_until),
    )


def _referrals_table(refs: _Referrals, patient_id: pl.Series, order: list[str]) -> pl.DataFrame:
    """The ``referrals`` table: dates left empty where the referral has not got that far."""
    return (
        pl.DataFrame(
            {
                "referral_id": refs.referral_id,
                "patient_id": patient_id.gather(pl.Series(refs.owner)),
                "trust_id": _pick(order, refs.trust),
                "service": np.where(refs.is_tsb, "TSB", "PHV"),
                "received_date": _to_date(refs.received),
                "assessed_date": _to_date(np.where(refs.assessed_known, refs.assessed, 0)),
                "right_to_care": refs.right,
                "deadline_date": _to_date(np.where(refs.right, refs.deadline, 0)),
                "requested_level": _pick(("inpatient", "outpatient", "unknown"), refs.requested),
                "assigned_level": _pick(("inpatient", "outpatient", "none"), refs.assigned),
                "housing": _pick(("own", "supported", "homeless", "unknown"), refs.housing),
                "care_start_date": _to_date(np.where(refs.started, refs.care_start, 0)),
            }
        )
        .with_columns(
            pl.when(pl.lit(refs.assessed_known)).then(pl.col(c)).alias(c)
            for c in ("assessed_date", "right_to_care", "assigned_level")
        )
        .with_columns(
            pl.when(pl.lit(refs.right)).then("deadline_date").alias("deadline_date"),
            pl.when(pl.lit(refs.started)).then("care_start_date").alias("care_start_date"),
        )
    )


@dataclass(frozen=True)
class _ContactSpells:
    """Psychiatric contacts drawn for started referrals: one array entry per contact."""

    referral: np.ndarray  # the contact's referral, as an index into the referrals
    patient: np.ndarray  # the contact's patient, as an index into the patients
    start: np.ndarray  # days since 1970-01-01
    end: np.ndarray
    activity: np.ndarray  # 0 inpatient, 1 day, 2 outpatient


def _main_diagnoses(rng: np.random.Generator, is_tsb: np.ndarray) -> np.ndarray:
    """Each referral's main diagnosis, as an index into ``MAIN_DIAGNOSES`` (F10–F19 for TSB)."""
    m = is_tsb.size
    return np.where(
        is_tsb,
        _choice(rng, TSB_DIAGNOSES, m),
        len(TSB_DIAGNOSES) + _choice(rng, PHV_DIAGNOSES, m),
    )


def _psychiatric_spells(rng: np.random.Generator, refs: _Referrals) -> _ContactSpells:
    """Contacts of each started referral: how many, when, how long, and of which activity.

    The first contact is at care start, and is an inpatient stay (7 days and more) when
    inpatient care was assigned; later contacts fall within a year of care start, 4 % of
    them as day care.  Contacts end at the patient's death, and none starts after it.
    """
    m = refs.count
    n_contacts = np.where(refs.started, rng.negative_binomial(2, 2 / (2 + 17.0), m), 0)
    c_ref = np.repeat(np.arange(m), n_contacts)
    first = np.concatenate([[0], np.cumsum(n_contacts)[:-1]])
    rank = np.arange(c_ref.size) - np.repeat(first, n_contacts)
    c_start_care = refs.care_start[c_ref]
    span = np.maximum(np.minimum(365, _EXTRACT_DAY - c_start_care), 0)
    c_start = np.where(
        rank == 0,
        c_start_care,
        c_start_care + (rng.random(c_ref.size) * (span + 1)).astype(np.int64),
    )
    c_inpatient_stay = (rank == 0) & (refs.assigned[c_ref] == 0)
    c_day = ~c_inpatient_stay & (rng.random(c_ref.size) < 0.04)
    los = np.where(c_inpatient_stay, 7 + rng.gamma(2.0, 14.0, c_ref.size).astype(np.int64), 0)
    c_alive_until = refs.alive_until[c_ref]
    c_end = np.minimum(c_start + los, c_alive_until)
    c_patient = refs.owner[c_ref]
    keep = c_start <= c_alive_until
    return _ContactSpells(
        referral=c_ref[keep],
        patient=c_patient[keep],
        start=c_start[keep],
        end=c_end[keep],
        activity=np.where(c_inpatient_stay[keep], 0, np.where(c_day[keep], 1, 2)),
    )


def _recorded_somatic_status(
    rng: np.random.Generator, patients: _Patients, eff: _TrustEffects
) -> dict[str, np.ndarray]:
    """Whether specialist care records each patient's true diabetes and hypertension.

    A true condition is recorded at the home trust's recording rate, so SOM-01 and
    SOM-02 stay below the population prevalence.
    """
    n = patients.count
    return {
        c: patients.true_status[c] & (rng.random(n) < eff.somatic_recording[patients.home])
        for c in ("diabetes", "hypertension")
    }


def _psychiatric_contacts(
    rng: np.random.Generator,
    spells: _ContactSpells,
    refs: _Referrals,
    main_index: np.ndarray,
    recorded: dict[str, np.ndarray],
    patient_id: pl.Series,
    order: list[str],
) -> pl.DataFrame:
    """TSB and PHV contacts with their diagnoses, in the working columns of ``_contacts_by_start``.

    Secondary diagnoses: a comorbid mental disorder on 18 % of contacts; diabetes and
    hypertension only when the patient has it, the trust records it, and then on 35 % of
    contacts.  The main diagnosis is missing on 1.5 % of contacts.
    """
    c_ref, c_patient = spells.referral, spells.patient
    k = c_ref.size
    comorbid = np.where(rng.random(k) < 0.18, rng.integers(0, len(COMORBID), k), -1)
    diab = np.where(
        recorded["diabetes"][c_patient] & (rng.random(k) < 0.35),
        rng.integers(0, len(DIABETES_CODES), k),
        -1,
    )
    hyp = np.where(
        recorded["hypertension"][c_patient] & (rng.random(k) < 0.35),
        rng.integers(0, len(HYPERTENSION_CODES), k),
        -1,
    )
    main_missing = rng.random(k) < 0.015
    return pl.DataFrame(
        {
            "patient_id": patient_id.gather(pl.Series(c_patient)),
            "referral_id": refs.referral_id.gather(pl.Series(c_ref)),
            "trust_id": _pick(order, refs.trust[c_ref]),
            "service": np.where(refs.is_tsb[c_ref], "TSB", "PHV"),
            "activity": _pick(("inpatient", "day", "outpatient"), spells.activity),
            "start_date": _to_date(spells.start),
            "end_date": _to_date(spells.end),
            "main_diagnosis": _pick(MAIN_DIAGNOSES, main_index[c_ref]),
            "_comorbid": _pick(COMORBID, np.maximum(comorbid, 0)),
            "_diab": _pick(DIABETES_CODES, np.maximum(diab, 0)),
            "_hyp": _pick(HYPERTENSION_CODES, np.maximum(hyp, 0)),
            "_has": np.stack([comorbid >= 0, diab >= 0, hyp >= 0], axis=1),
            "_missing": main_missing,
        }
    )


def _somatic_contacts(
    rng: np.random.Generator,
    patients: _Patients,
    recorded: dict[str, np.ndarray],
    order: list[str],
) -> pl.DataFrame:
    """Somatic contacts at the home trust, in the working columns of ``_contacts_by_start``.

    About a third of patients have some (4 on average), none after death; 8 % are short
    inpatient stays.  A recorded diabetes or hypertension is the main diagnosis of a
    quarter of the patient's somatic contacts.
    """
    n, death_day = patients.count, patients.death_day
    s_count = np.where(rng.random(n) < 0.35, rng.poisson(4.0, n), 0)
    s_patient = np.repeat(np.arange(n), s_count)
    ks = s_patient.size
    s_start = rng.integers(_FIRST_DAY, _EXTRACT_DAY + 1, ks)
    s_alive_until = np.where(death_day[s_patient] >= 0, death_day[s_patient], _EXTRACT_DAY)
    s_alive = s_start <= s_alive_until
    s_patient, s_start, s_alive_until = s_patient[s_alive], s_start[s_alive], s_alive_until[s_alive]
    ks = s_patient.size
    s_inpatient = rng.random(ks) < 0.08
    s_end = np.minimum(s_start + np.where(s_inpatient, rng.integers(1, 8, ks), 0), s_alive_until)
    s_main_diab = recorded["diabetes"][s_patient] & (rng.random(ks) < 0.25)
    s_main_hyp = ~s_main_diab & recorded["hypertension"][s_patient] & (rng.random(ks) < 0.25)
    s_main = np.where(
        s_main_diab,
        len(SOMATIC_MAIN),
        np.where(s_main_hyp, len(SOMATIC_MAIN) + 1, rng.integers(0, len(SOMATIC_MAIN), ks)),
    )
    return pl.DataFrame(
        {
            "patient_id": patients.patient_id.gather(pl.Series(s_patient)),
            "referral_id": pl.Series([None] * ks, dtype=pl.String),
            "trust_id": _pick(order, patients.home[s_patient]),
            "service": pl.Series(["SOM"] * ks, dtype=pl.String)
            if ks
            else pl.Series([], dtype=pl.String),
            "activity": _pick(("inpatient", "outpatient"), np.where(s_inpatient, 0, 1)),
            "start_date": _to_date(s_start),
            "end_date": _to_date(s_end),
            "main_diagnosis": _pick((*SOMATIC_MAIN, "E11.9", "I10"), s_main),
            "_comorbid": pl.Series([None] * ks, dtype=pl.String),
            "_diab": pl.Series([None] * ks, dtype=pl.String),
            "_hyp": pl.Series([None] * ks, dtype=pl.String),
            "_has": np.zeros((ks, 3), dtype=bool),
            "_missing": np.zeros(ks, dtype=bool),
        }
    )


def _contacts_by_start(psychiatric: pl.DataFrame, somatic: pl.DataFrame) -> pl.DataFrame:
    """All contacts in ``CONTACT_ORDER``, diagnoses assembled, not yet numbered.

    The working columns become the table's: ``_missing`` empties the main diagnosis, and
    ``_has`` says which of ``_comorbid``, ``_diab`` and ``_hyp`` are secondary diagnoses.
    """
    return (
        pl.concat([psychiatric, somatic])
        .sort(CONTACT_ORDER, maintain_order=True)
        .select(
            "patient_id",
            "referral_id",
            "trust_id",
            "service",
            "activity",
            "start_date",
            "end_date",
            pl.when(~pl.col("_missing")).then("main_diagnosis").alias("main_diagnosis"),
            pl.concat_list(
                pl.when(pl.col("_has").arr.get(0)).then("_comorbid"),
                pl.when(pl.col("_has").arr.get(1)).then("_diab"),
                pl.when(pl.col("_has").arr.get(2)).then("_hyp"),
            )
            .list.drop_nulls()
            .alias("secondary_diagnoses"),
        )
    )


def _generate_contacts(
    rng: np.random.Generator,
    patients: _Patients,
    refs: _Referrals,
    eff: _TrustEffects,
    order: list[str],
) -> pl.DataFrame:
    """Contacts: TSB and PHV contacts of started referrals, and somatic contacts at home trusts.

    In ``CONTACT_ORDER`` and not yet numbered (see :func:`numbered_contacts`).
    """
    main_index = _main_diagnoses(rng, refs.is_tsb)
    spells = _psychiatric_spells(rng, refs)
    recorded = _recorded_somatic_status(rng, patients, eff)
    psychiatric = _psychiatric_contacts(
        rng, spells, refs, main_index, recorded, patients.patient_id, order
    )
    somatic = _somatic_contacts(rng, patients, recorded, order)
    return _contacts_by_start(psychiatric, somatic)


@dataclass(frozen=True)
class _Pathways:
    """The pathways opened: one array entry per pathway, in pathway-id order.

    Days are days since 1970-01-01; ``first`` is -1 when care never started.
    """

    referral: np.ndarray  # the pathway's referral, as an index into the referrals
    trust: np.ndarray  # as an index into the trust order
    first: np.ndarray  # first attendance (the care start)
    inpatient: np.ndarray  # inpatient care assigned
    decision: np.ndarray  # clinical decision
    evaluation: np.ndarray
    end: np.ndarray
    ended: np.ndarray  # ended by the extract date (or at the patient's death)

    @property
    def count(self) -> int:
        return self.referral.size


def _open_pathways(
    rng: np.random.Generator, refs: _Referrals, death_day: np.ndarray, eff: _TrustEffects
) -> _Pathways:
    """Pathways for 88 % of referrals with a right to care: decision, evaluation and end days.

    The clinical decision is on time (within 7 days of first attendance for inpatient
    care, 21 for outpatient care) at the trust's rate (PATH-01); the evaluation within a
    week of it at the trust's rate (PATH-02).  A pathway ends after both, unless the
    patient dies first: every pathway of a patient who dies ends at the latest at death,
    started or not (referrals are received before death, so the pathway's start is too).
    """
    opens = refs.right & (rng.random(refs.count) < 0.88)
    p_ref = np.flatnonzero(opens)
    q = p_ref.size
    p_trust = refs.trust[p_ref]
    p_first = np.where(refs.started[p_ref], refs.care_start[p_ref], -1)
    p_inpatient = refs.assigned[p_ref] == 0
    limit = np.where(p_inpatient, 7, 21)
    decided_on_time = rng.random(q) < eff.decision_on_time[p_trust]
    decision = p_first + np.where(
        decided_on_time,
        rng.integers(0, limit + 1, q),
        limit + 1 + rng.exponential(14, q).astype(np.int64),
    )
    evaluated_on_time = rng.random(q) < eff.evaluation_on_time[p_trust]
    evaluation = decision + np.where(
        evaluated_on_time, rng.integers(1, 8, q), 8 + rng.exponential(20, q).astype(np.int64)
    )
    ends = (p_first >= 0) & (rng.random(q) < 0.85)
    end = p_first + 45 + rng.gamma(2.0, 60.0, q).astype(np.int64)
    end = np.maximum(end, np.maximum(decision, evaluation) + 1)
    pdeath = death_day[refs.owner[p_ref]]
    died = pdeath >= 0
    end = np.where(died & (~ends | (p_first < 0) | (pdeath < end)), pdeath, end)
    return _Pathways(
        referral=p_ref,
        trust=p_trust,
        first=p_first,
        inpatient=p_inpatient,
        decision=decision,
        evaluation=evaluation,
        end=end,
        ended=(ends & (end <= _EXTRACT_DAY)) | died,
    )


def _day_between(rng: np.random.Generator, lo: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """A uniform day from ``lo`` up to ``upper`` (``lo`` itself when ``upper`` is earlier)."""
    return lo + (rng.random(lo.size) * np.maximum(upper - lo, 0)).astype(np.int64)


#: A pathway event as drawn: whether it happened, its day, and whether it carries the
#: pathway's outcome and care level (only the clinical decision does).
_EventDraw = tuple[np.ndarray, np.ndarray, bool]


def _pathway_event_days(
    rng: np.random.Generator, pathways: _Pathways, refs: _Referrals, eff: _TrustEffects
) -> dict[str, _EventDraw]:
    """Which events happen on each pathway, and when.

    Every pathway starts at receipt of its referral; a started one has its first
    attendance, clinical decision and (92 %) evaluation.  The plan with the patient
    (USER-01), the individual plan assessment (USER-03), the feedback tool (USER-02,
    USER-04) and the somatic assessment (SOM-03) happen at the trust's rates, on a day
    between the decision (or first attendance) and the pathway's end.
    """
    q, trust, first = pathways.count, pathways.trust, pathways.first
    upper = np.where(pathways.ended, pathways.end, _EXTRACT_DAY)
    has_first = first >= 0
    return {
        "start": (np.ones(q, bool), refs.received[pathways.referral], False),
        "first_attendance": (has_first, first, False),
        "clinical_decision": (has_first, pathways.decision, True),
        "evaluation": (has_first & (rng.random(q) < 0.92), pathways.evaluation, False),
        "treatment_plan_with_patient": (
            has_first & (rng.random(q) < eff.plan_with_patient[trust]),
            _day_between(rng, pathways.decision, upper),
            False,
        ),
        "individual_plan_assessed": (
            has_first & (rng.random(q) < eff.individual_plan[trust]),
            _day_between(rng, pathways.decision, upper),
            False,
        ),
        "feedback_tool": (
            has_first & (rng.random(q) < eff.feedback_tool[trust]),
            _day_between(rng, first, upper),
            False,
        ),
        "somatic_assessment": (
            has_first & (rng.random(q) < eff.somatic_assessment[trust]),
            _day_between(rng, first, upper),
            False,
        ),
        "end": (pathways.ended, pathways.end, False),
    }


def _pathway_columns(
    pathways: _Pathways, refs: _Referrals, patient_id: pl.Series, order: list[str], first: int
) -> pl.DataFrame:
    """One row per pathway with the columns its events repeat; ids from ``first + 1`` on."""
    return pl.DataFrame(
        {
            "pathway_id": _ids("F", np.arange(pathways.count) + first + 1, 8),
            "patient_id": patient_id.gather(pl.Series(refs.owner[pathways.referral])),
            "referral_id": refs.referral_id.gather(pl.Series(pathways.referral)),
            "trust_id": _pick(order, pathways.trust),
            "pathway_type": np.where(refs.is_tsb[pathways.referral], "D01", "D11"),
        }
    )


def _registered_events(
    rng: np.random.Generator,
    pathways: _Pathways,
    events: dict[str, _EventDraw],
    columns: pl.DataFrame,
    eff: _TrustEffects,
) -> pl.DataFrame:
    """The ``pathway_events`` table: the events registered by the extract date.

    Registration gaps: an event that happened (all but ``start``) is missed at the
    trust's rate.  Nothing is registered after a pathway has ended (at death, say).  The
    clinical decision carries the outcome (82 % ``P``) and the care level.
    """
    q = pathways.count
    outcome = _pick(("P", "U", "T", "S", "K"), rng.choice(5, q, p=[0.82, 0.06, 0.05, 0.05, 0.02]))
    level = _pick(("inpatient", "outpatient"), np.where(pathways.inpatient, 0, 1))
    none = pl.Series([None] * q, dtype=pl.String)
    parts = []
    for event, (present, day, decided) in events.items():
        missed = rng.random(q) < eff.registration_gap[pathways.trust]
        registered = present & (day <= _EXTRACT_DAY) & ((event == "start") | ~missed)
        registered &= ~pathways.ended | (day <= pathways.end)
        rows = np.flatnonzero(registered)
        parts.append(
            columns[rows].with_columns(
                pl.lit(event).alias("event"),
                (outcome if decided else none).gather(rows).alias("outcome"),
                (level if decided else none).gather(rows).alias("care_level"),
                _to_date(day[rows]).alias("event_date"),
            )
        )
    return pl.concat(parts).sort("pathway_id", "event_date", maintain_order=True)


def _generate_pathway_events(
    rng: np.random.Generator,
    patients: _Patients,
    refs: _Referrals,
    eff: _TrustEffects,
    order: list[str],
    *,
    first: int = 0,
) -> tuple[pl.DataFrame, int]:
    """Pathway events and the number of pathways opened (ids from ``first + 1`` on).

    The events are the course of each pathway, as far as it was registered.
    """
    pathways = _open_pathways(rng, refs, patients.death_day, eff)
    events = _pathway_event_days(rng, pathways, refs, eff)
    columns = _pathway_columns(pathways, refs, patients.patient_id, order, first)
    return _registered_events(rng, pathways, events, columns, eff), pathways.count


def _generate_primary_care(
    rng: np.random.Generator, patients: _Patients, eff: _TrustEffects
) -> pl.DataFrame:
    """Primary care: GP contacts with ICPC-2 codes, none after the patient's death.

    A patient's true diabetes (T90, 10 % T89) and hypertension (K86, 10 % K87) is
    recorded by the GP at the home trust area's rate, on one visit or more; 60 % of
    patients have other contacts too.
    """
    n, home, death_day = patients.count, patients.home, patients.death_day
    gp_parts = []
    for condition, codes in (("diabetes", ("T90", "T89")), ("hypertension", ("K86", "K87"))):
        has = patients.true_status[condition] & (rng.random(n) < eff.gp_recording[home])
        visits = np.where(has, 1 + rng.poisson(2.0, n), 0)
        who = np.repeat(np.arange(n), visits)
        gp_parts.append(
            (
                who,
                rng.integers(_FIRST_DAY, _EXTRACT_DAY + 1, who.size),
                _pick(codes, (rng.random(who.size) < 0.1).astype(np.int64)),
            )
        )
    other = np.where(rng.random(n) < 0.6, rng.poisson(2.5, n), 0)
    who = np.repeat(np.arange(n), other)
    gp_parts.append(
        (
            who,
            rng.integers(_FIRST_DAY, _EXTRACT_DAY + 1, who.size),
            _pick(OTHER_ICPC, rng.integers(0, len(OTHER_ICPC), who.size)),
        )
    )
    return (
        pl.concat(
            pl.DataFrame(
                {
                    "patient_id": patients.patient_id.gather(pl.Series(who)),
                    "contact_date": _to_date(day),
                    "icpc2": code,
                    "_death": _to_date(death_day[who]),
                }
            )
            for who, day, code in gp_parts
        )
        .filter(
            (pl.col("_death") < date(1971, 1, 1)) | (pl.col("contact_date") <= pl.col("_death"))
        )
        .drop("_death")
        .sort("patient_id", "contact_date", "icpc2")
    )


#: Patients generated together as one chunk (the national volume at ``scale=1``).  An
#: extract of at most this many patients is one chunk, drawn from
#: ``np.random.default_rng(seed)``; a larger one is drawn and written chunk by chunk, so
#: memory holds one chunk at a time whatever the scale (see the module docstring).
CHUNK_PATIENTS = PATIENTS_AT_SCALE_1


#: Name prefix of the hidden directory of parts in the output directory (see ``Spill``).
_PARTS_PREFIX = ".synth-parts-"


class SynthError(IndicatorsError):
    """A synthetic extract cannot be made with the options given."""


def _patient_count(scale: float) -> int:
    """Patients in an extract of ``scale`` (at least 20)."""
    return max(20, round(PATIENTS_AT_SCALE_1 * scale))


def _chunk_sizes(patients: int, chunk_patients: int) -> list[int]:
    """Patients per chunk: the fewest chunks of at most ``chunk_patients``, sizes within one."""
    if chunk_patients < 1:
        raise ValueError(f"chunk_patients must be 1 or more, not {chunk_patients}")
    count = -(-patients // chunk_patients)
    size, larger = divmod(patients, count)
    return [size + 1] * larger + [size] * (count - larger)


def _chunk_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of chunk ``index``.

    Chunk 0 draws from ``np.random.default_rng(seed)``, so a one-chunk extract is the one
    the seed has always given; chunk ``i`` from the seed's ``i``-th child sequence
    (``SeedSequence(seed, spawn_key=(i,))``), independent of every other chunk's.
    """
    if index == 0:
        return np.random.default_rng(seed)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


@dataclass(frozen=True)
class _National:
    """What every chunk shares, drawn once, by the first chunk.

    The trusts (order and RHF codes), their effects and the municipalities' population
    weights: so trust differences and planted effects hold over the whole extract.
    """

    order: list[str]
    rhf_of_trust: np.ndarray
    eff: _TrustEffects
    muni_weight: np.ndarray


@dataclass(frozen=True)
class _Offsets:
    """Patients, referrals and pathways of the chunks before: a chunk's ids go on from these."""

    patients: int = 0
    referrals: int = 0
    pathways: int = 0


@dataclass(frozen=True)
class _Chunk:
    """A chunk's tables, the national draws, and the offsets for the next chunk."""

    tables: dict[str, pl.DataFrame]  # canonical, ``contacts`` not yet numbered
    national: _National
    offsets: _Offsets


def _national_trusts() -> tuple[list[str], np.ndarray]:
    """The trust order (organisation numbers) and each trust's RHF code (1-4)."""
    trust_table = trusts()
    return trust_table["trust_id"].to_list(), trust_table["rhf_code"].cast(pl.Int32).to_numpy()


def _generate_chunk(
    rng: np.random.Generator,
    size: int,
    national: _National | None,
    offsets: _Offsets,
    step: Callable[[str], None],
) -> _Chunk:
    """``size`` patients and all that hangs off them, drawn from ``rng`` part by part.

    The parts draw in a fixed order (trust effects, patients, referrals, contacts,
    pathway events, primary care), reporting each to ``step``, so the same stream gives
    the same tables.  The first chunk (``national`` None) draws the trust effects and the
    municipality weights too, where a one-chunk extract always drew them; later chunks
    take them from ``national``.
    """
    order, rhf_of_trust = (
        (national.order, national.rhf_of_trust) if national else _national_trusts()
    )
    eff = national.eff if national else _trust_effects(rng, order)
    step("patients")
    weight = national.muni_weight if national else None
    patients = _generate_patients(rng, order, size, first=offsets.patients, muni_weight=weight)
    step("referrals")
    refs = _generate_referrals(rng, patients, rhf_of_trust, eff, first=offsets.referrals)
    referrals = _referrals_table(refs, patients.patient_id, order)
    step("contacts")
    contacts = _generate_contacts(rng, patients, refs, eff, order)
    step("pathway events")
    pathway_events, pathways = _generate_pathway_events(
        rng, patients, refs, eff, order, first=offsets.pathways
    )
    step("primary care")
    tables = {
        "patients": patients.table.sort("patient_id"),
        "referrals": referrals,
        "contacts": contacts,
        "pathway_events": pathway_events,
        "primary_care": _generate_primary_care(rng, patients, eff),
    }
    return _Chunk(
        tables=_canonical(tables),
        national=national or _National(order, rhf_of_trust, eff, patients.muni_weight),
        offsets=_Offsets(
            offsets.patients + size, offsets.referrals + refs.count, offsets.pathways + pathways
        ),
    )


def _canonical(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The tables with the model's columns, in its order and dtypes.

    ``contacts`` may come without ``contact_id`` (numbered once the chunks are joined).
    """
    return {
        name: frame.select(
            pl.col(c.name).cast(c.polars_dtype)
            for c in EXTRACT[name].columns
            if c.name in frame.columns or c.name != "contact_id"
        )
        for name, frame in tables.items()
    }


def _quiet(_: str) -> None:
    """A progress step nobody is shown."""


def _each_chunk(
    seed: int,
    sizes: list[int],
    step: Callable[[str], None],
    use: Callable[[int, dict[str, pl.DataFrame]], None],
) -> None:
    """Generate the chunks of ``sizes`` patients in order, handing each one's tables to ``use``.

    A chunk is dropped before the next is drawn.  ``step`` hears of each chunk, or, for
    an extract of one chunk, of each of its parts (``GENERATION_STEPS``).
    """
    national, offsets = None, _Offsets()
    for index, size in enumerate(sizes):
        if len(sizes) > 1:
            step(f"chunk {index + 1} of {len(sizes)}")
        chunk = _generate_chunk(
            _chunk_rng(seed, index), size, national, offsets, step if len(sizes) == 1 else _quiet
        )
        national, offsets = chunk.national, chunk.offsets
        use(index, chunk.tables)
        del chunk


def _generation_steps(chunks: int) -> int:
    """Progress steps of generating ``chunks`` chunks (see :func:`_each_chunk`)."""
    return len(GENERATION_STEPS) if chunks == 1 else chunks


def _tables_in_memory(
    seed: int, sizes: list[int], step: Callable[[str], None]
) -> dict[str, pl.DataFrame]:
    """The five tables in memory (canonical): the chunks' rows one after the other.

    Only ``contacts`` is sorted again over all chunks (by start date) before it is
    numbered, as :class:`indicators.synth.spill.Spill` does on disk.
    """
    parts: dict[str, list[pl.DataFrame]] = {}

    def keep(_: int, tables: dict[str, pl.DataFrame]) -> None:
        for name, frame in tables.items():
            parts.setdefault(name, []).append(frame)

    _each_chunk(seed, sizes, step, keep)
    tables = {name: pl.concat(frames) for name, frames in parts.items()}
    if len(sizes) > 1:
        tables["contacts"] = tables["contacts"].sort(CONTACT_ORDER, maintain_order=True)
    tables["contacts"] = numbered_contacts(tables["contacts"])
    return tables


def generate_tables(
    *,
    scale: float = 1.0,
    seed: int = 2025,
    progress: bool = False,
    chunk_patients: int = CHUNK_PATIENTS,
) -> dict[str, pl.DataFrame]:
    """Generate the extract's tables in memory (canonical columns and dtypes).

    Parameters
    ----------
    scale
        1 gives about 100 000 patients, 150 000 referrals and 2 million contacts.
    seed
        Seed of the random generator; the same seed gives the same tables.
    progress
        Show a progress bar on the terminal.
    chunk_patients
        Patients per chunk: the tables are those :func:`generate_extract` writes with
        the same value (all of them are held in memory here, though).
    """
    sizes = _chunk_sizes(_patient_count(scale), chunk_patients)
    steps = _Steps(progress, total=_generation_steps(len(sizes)))
    finished = False
    try:
        tables = _tables_in_memory(seed, sizes, steps.step)
        finished = True
    finally:
        steps.close(finished=finished)
    return tables


def synthetic_manifest(seed: int, scale: float) -> Manifest:
    """The manifest of a synthetic extract: dates, ``synthetic: true``, seed and planted effects."""
    return Manifest(
        extract_date=date(LAST_YEAR, 12, 31),
        source=f"indicators {__version__} synthetic generator",
        period_start=date(FIRST_YEAR, 1, 1),
        period_end=date(LAST_YEAR, 12, 31),
        synthetic=True,
        extra={
            "generator": {"seed": seed, "scale": scale},
            "planted_outliers": PLANTED_OUTLIERS,
        },
    )


def _remove_stale_tables(target: Path) -> None:
    """Delete the table files of an earlier extract in ``target``; other files stay.

    Parts left by a chunked generation that was killed (``.synth-parts-*``) go too.
    """
    for stale in [*target.glob("*.parquet"), *target.glob("*.csv")]:
        if stale.stem in EXTRACT:
            stale.unlink()
    for parts in target.glob(f"{_PARTS_PREFIX}*"):
        shutil.rmtree(parts)


def _with_defects(
    tables: dict[str, pl.DataFrame], seed: int, manifest: Manifest
) -> tuple[dict[str, pl.DataFrame], Manifest, dict[str, tuple[str, str]]]:
    """The tables with the documented defects, the manifest listing them, and file encodings.

    See :func:`indicators.synth.defects.inject_defects`; the encodings map a table to the
    ``(format, encoding)`` it must be written in.
    """
    from indicators.synth.defects import inject_defects

    tables, defect_list, encodings = inject_defects(tables, seed=seed, manifest=manifest)
    manifest = Manifest(
        extract_date=manifest.extract_date,
        source=manifest.source,
        period_start=manifest.period_start,
        period_end=manifest.period_end,
        synthetic=True,
        extra={**manifest.extra, "defects": defect_list},
    )
    return tables, manifest, encodings


def _write_tables(
    tables: dict[str, pl.DataFrame],
    target: Path,
    format: Literal["parquet", "csv"],
    encodings: dict[str, tuple[str, str]],
    step: Callable[[str], None],
) -> dict[str, Path]:
    """Write each table to ``target``, in its format and encoding from ``encodings`` if listed."""
    files = {}
    for name, frame in tables.items():
        step(f"writing {name}")
        fmt, encoding = encodings.get(name, (format, "utf-8"))
        files[name] = write_table(frame, target, name, format=fmt, encoding=encoding)  # type: ignore[arg-type]
    return files


def _write_one_chunk(
    target: Path,
    seed: int,
    scale: float,
    format: Literal["parquet", "csv"],
    defects: bool,
    step: Callable[[str], None],
) -> tuple[dict[str, Path], dict[str, int], Manifest]:
    """Generate a one-chunk extract in memory, inject the defects if asked, write each table.

    Returns the files written, each table's rows and the manifest (not yet written).
    """
    tables = _tables_in_memory(seed, [_patient_count(scale)], step)
    manifest = synthetic_manifest(seed, scale)
    encodings: dict[str, tuple[str, str]] = {}
    if defects:
        step("defects")
        tables, manifest, encodings = _with_defects(tables, seed, manifest)
    files = _write_tables(tables, target, format, encodings, step)
    return files, {name: frame.height for name, frame in tables.items()}, manifest


def _write_chunked(
    target: Path,
    seed: int,
    sizes: list[int],
    format: Literal["parquet", "csv"],
    step: Callable[[str], None],
) -> tuple[dict[str, Path], dict[str, int]]:
    """Generate chunk by chunk into parts, then join each table's parts into its file.

    The parts go to a hidden temporary directory in ``target`` (removed afterwards);
    contacts are bucketed by start date into two buckets per chunk.  Returns the files
    written and each table's rows.
    """
    with tempfile.TemporaryDirectory(prefix=_PARTS_PREFIX, dir=target) as parts:
        spill = Spill(Path(parts), 2 * len(sizes), first_day=_FIRST_DAY, last_day=_EXTRACT_DAY)
        _each_chunk(seed, sizes, step, spill.add)
        files = {}
        for name in spill.rows:
            step(f"writing {name}")
            files[name] = spill.write(name, target, format)
    return files, dict(spill.rows)


def generate_extract(
    out: str | Path,
    *,
    scale: float = 1.0,
    seed: int = 2025,
    format: Literal["parquet", "csv"] = "parquet",
    defects: bool = False,
    progress: bool = False,
    chunk_patients: int = CHUNK_PATIENTS,
) -> SynthResult:
    """Write a synthetic national extract to ``out`` and return what was written.

    Parameters
    ----------
    out
        Directory to write (created if needed; existing table files are replaced).
    scale
        Size relative to the national TSB + adult PHV volume over three years.
    seed
        Random seed: the same seed, scale and options give byte-identical files.
    format
        ``"parquet"`` or ``"csv"`` (Norwegian conventions: ``;``, UTF-8).
    defects
        Inject the documented defects of :mod:`indicators.synth.defects` and list them,
        with the rows affected, under ``defects`` in ``manifest.json``.  Only for an
        extract of one chunk (``scale`` 1 or less by default): else :class:`SynthError`.
    progress
        Show a progress bar.
    chunk_patients
        Patients generated at a time (see ``CHUNK_PATIENTS``); an extract of more
        patients is generated and written chunk by chunk.

    Examples
    --------
    >>> import tempfile
    >>> result = generate_extract(tempfile.mkdtemp(), scale=0.001, seed=1)
    >>> result.manifest.synthetic, sorted(result.row_counts)[:2]
    (True, ['contacts', 'pathway_events'])
    """
    started = time.perf_counter()
    sizes = _chunk_sizes(_patient_count(scale), chunk_patients)
    if defects and len(sizes) > 1:
        raise SynthError(
            f"defects are injected only into an extract of one chunk (at most "
            f"{chunk_patients:,} patients, scale {chunk_patients / PATIENTS_AT_SCALE_1:g}); "
            f"scale {scale:g} is {len(sizes)} chunks"
        )
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    _remove_stale_tables(target)
    # Generation (each part, or each chunk), the defects if asked for, writing each table.
    steps = _Steps(progress, total=_generation_steps(len(sizes)) + int(defects) + len(EXTRACT))
    finished = False
    try:
        if len(sizes) == 1:
            files, rows, manifest = _write_one_chunk(
                target, seed, scale, format, defects, steps.step
            )
        else:
            files, rows = _write_chunked(target, seed, sizes, format, steps.step)
            manifest = synthetic_manifest(seed, scale)
        files["manifest"] = write_manifest(target, manifest)
        finished = True
    finally:
        steps.close(finished=finished)
    return SynthResult(
        path=target,
        row_counts=rows,
        seconds=time.perf_counter() - started,
        manifest=manifest,
        files=files,
    )
