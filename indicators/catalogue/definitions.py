"""The indicator catalogue: fourteen definitions and their case selectors.

Each selector is a small lazy polars query over the extract's tables that returns one
row per case (see :class:`~indicators.catalogue.model.Indicator` for the columns).  The
engine in :mod:`indicators.compute` does everything else: periods, levels, statistics,
funnels, variation and disclosure control.

Adding an indicator means adding one definition here (and its test).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from indicators.catalogue.model import MONTHLY_PERIODS, CaseContext, Indicator, Targets
from indicators.errors import IndicatorsError
from indicators.stats.calendar import add_working_days

Tables = dict[str, pl.LazyFrame]

#: Working days within which a TSB referral must be assessed (prioriteringsforskriften).
ASSESSMENT_WORKING_DAYS = 10
#: Days from first attendance to clinical decision in the TSB pathway, by care level.
DECISION_DAYS_OUTPATIENT = 21
DECISION_DAYS_INPATIENT = 7
#: Days from clinical decision to first evaluation.
EVALUATION_DAYS = 7
#: Days an ended pathway may have lasted: pathways are dated by their end, so periods in
#: the extract's first year hold only the shorter ones (about 95 % of D01 and D11
#: pathways end within a year of their start).
PATHWAY_RUN_IN_DAYS = 365
#: Days from receipt to the longest deadline for care (deadlines set at assessment are
#: at most about three months).
DEADLINE_FOLLOW_UP_DAYS = 92

NPR = "Norsk pasientregister (NPR): henvisninger og episoder"
PATHWAYS = "NPR: registrering av pakkeforløp for psykisk helse og rus (D01/D11)"
KPR = "Kommunalt pasient- og brukerregister (KPR): ICPC-2-diagnoser"
GUIDE_TSB = "Helsedirektoratet: Pakkeforløp for rusbehandling (TSB), forløpstider"
PRIORITY = "Prioriteringsforskriften § 2 a (vurdering innen 10 virkedager)"


def _days_between(start: str, end: str | pl.Expr) -> pl.Expr:
    later = pl.col(end) if isinstance(end, str) else end
    return (later - pl.col(start)).dt.total_days()


# ---------------------------------------------------------------- waiting times
_WITHOUT_DEATHS = (
    "death dates unknown: waiting of patients who died is counted until the extract date"
)


def _referrals_with_observation_end(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
    """Referrals with ``_end``: the last day waiting could be observed.

    ``_end`` is the patient's ``death_date`` when they died before the extract date,
    otherwise the extract date.  Without the ``patients`` table it is the extract date.
    """
    referrals = t["referrals"]
    if "patients" not in t:
        return referrals.with_columns(pl.lit(ctx.extract_date).alias("_end"))
    deaths = t["patients"].select("patient_id", "death_date")
    return referrals.join(deaths, on="patient_id", how="left", maintain_order="left").with_columns(
        pl.min_horizontal(pl.col("death_date"), pl.lit(ctx.extract_date)).alias("_end")
    )


def waiting_time_cases(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
    """TSB referrals with a right to care: days to start of care, censored if still waiting.

    ``days = care_start_date - received_date`` when care started (``event = True``);
    otherwise ``end - received_date`` with ``event = False`` (right-censored), where
    ``end`` is the extract date, or the patient's death if they died still waiting.
    """
    return (
        _referrals_with_observation_end(t, ctx)
        .filter((pl.col("service") == "TSB") & pl.col("right_to_care").fill_null(False))
        .select(
            "trust_id",
            "patient_id",
            pl.col("received_date").alias("period_date"),
            pl.col("care_start_date").is_not_null().alias("event"),
            _days_between("received_date", pl.coalesce("care_start_date", pl.col("_end")))
            .clip(lower_bound=0)
            .cast(pl.Float64)
            .alias("days"),
        )
    )


def assessment_breach_cases(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
    """TSB referrals whose 10-working-day assessment deadline has passed by the extract date.

    Breach when ``assessed_date`` is after ``received_date + 10 working days``, or the
    referral is still unassessed past that day.  Referrals whose deadline lies after the
    extract date, or after the patient's death, are excluded whether assessed or not:
    keeping the ones assessed early would favour the last weeks before the extract date.
    """
    referrals = _referrals_with_observation_end(t, ctx).filter(pl.col("service") == "TSB")
    # Working days are counted once per day of receipt, not once per referral.
    due = (
        referrals.select(pl.col("received_date").unique())
        .drop_nulls()
        .with_columns(
            add_working_days(pl.col("received_date"), ASSESSMENT_WORKING_DAYS).alias("_due")
        )
    )
    return (
        referrals.join(due, on="received_date", how="left")
        .filter(pl.col("_due") < pl.col("_end"))
        .select(
            "trust_id",
            "patient_id",
            pl.col("received_date").alias("period_date"),
            (pl.col("assessed_date").is_null() | (pl.col("assessed_date") > pl.col("_due"))).alias(
                "numerator"
            ),
        )
    )


def deadline_breach_cases(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
    """Referrals with a right to care whose deadline has passed: every one is decided.

    Breach (fristbrudd) when care started after ``deadline_date``, or has not started by
    it.  Only referrals whose deadline lies before the extract date (and before the
    patient's death) are counted, whether care has started or not: counting those that
    started early but not those still waiting within their deadline would favour the
    referrals received just before the extract date.
    """
    started = pl.col("care_start_date").is_not_null()
    return (
        _referrals_with_observation_end(t, ctx)
        .filter(pl.col("right_to_care").fill_null(False) & pl.col("deadline_date").is_not_null())
        .filter(pl.col("deadline_date") < pl.col("_end"))
        .select(
            "trust_id",
            "patient_id",
            pl.col("received_date").alias("period_date"),
            pl.when(started)
            .then(pl.col("care_start_date") > pl.col("deadline_date"))
            .otherwise(True)
            .alias("numerator"),
        )
    )


# ---------------------------------------------------------------- pathway times
#: Events whose first date each pathway summary carries, and the column it goes in.
FIRST_EVENTS = {
    "first_attendance": "first",
    "clinical_decision": "decision",
    "evaluation": "evaluation",
    "end": "end",
}
#: Events whose presence the user-involvement indicators count (``has_<event>``).
COUNTED_EVENTS = (
    "somatic_assessment",
    "treatment_plan_with_patient",
    "feedback_tool",
    "individual_plan_assessed",
)


def pathway_summary(t: Tables, types: tuple[str, ...]) -> pl.LazyFrame:
    """One row per pathway of the given types, from one pass over its events.

    Columns: ``pathway_id``, ``trust_id`` and ``patient_id`` (of its first event row),
    the date of the first event of each kind in :data:`FIRST_EVENTS` (null when it has
    none), ``decision_level`` (the care level of the earliest clinical decision) and
    ``has_<event>`` for each event in :data:`COUNTED_EVENTS`.  Every pathway indicator
    selects from this summary, so in one computation the events are grouped once per
    set of types (the plans are identical and the optimiser computes them once).
    """
    event = pl.col("event")
    decided = event == "clinical_decision"
    return (
        t["pathway_events"]
        .filter(pl.col("pathway_type").is_in(types))
        .group_by("pathway_id")
        .agg(
            pl.col("trust_id").first(),
            pl.col("patient_id").first(),
            *(
                pl.col("event_date").filter(event == e).min().alias(name)
                for e, name in FIRST_EVENTS.items()
            ),
            pl.col("care_level")
            .filter(decided)
            .sort_by(pl.col("event_date").filter(decided))
            .first()
            .alias("decision_level"),
            *((event == e).any().alias(f"has_{e}") for e in COUNTED_EVENTS),
        )
    )


def decision_on_time_cases(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
    """D01 pathways with a first attendance: clinical decision within 21 days (7 inpatient).

    Pathways without a registered decision count as late.  Only pathways whose first
    attendance lies more than 21 days (the longer limit) before the extract date are
    counted, decided or not, so every one counted is decided and none is kept for
    deciding early.
    """
    limit = (
        pl.when(pl.col("decision_level") == "inpatient")
        .then(DECISION_DAYS_INPATIENT)
        .otherwise(DECISION_DAYS_OUTPATIENT)
    )
    days = _days_between("first", "decision")
    return (
        pathway_summary(t, ("D01",))
        .filter(pl.col("first").is_not_null())
        .with_columns(limit.alias("_limit"))
        .filter(_days_between("first", pl.lit(ctx.extract_date)) > DECISION_DAYS_OUTPATIENT)
        .select(
            "trust_id",
            "patient_id",
            pl.col("first").alias("period_date"),
            (days <= pl.col("_limit")).fill_null(False).alias("numerator"),
        )
    )


def evaluation_on_time_cases(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
    """D01 pathways with a clinical decision: first evaluation within 7 days of it.

    Only pathways whose decision lies more than 7 days before the extract date are
    counted, evaluated or not.
    """
    return (
        pathway_summary(t, ("D01",))
        .filter(pl.col("decision").is_not_null())
        .filter(_days_between("decision", pl.lit(ctx.extract_date)) > EVALUATION_DAYS)
        .select(
            "trust_id",
            "patient_id",
            pl.col("decision").alias("period_date"),
            (_days_between("decision", "evaluation") <= EVALUATION_DAYS)
            .fill_null(False)
            .alias("numerator"),
        )
    )


def _ended_pathways_with(types: tuple[str, ...], required: tuple[str, ...]):
    if unknown := sorted(set(required) - set(COUNTED_EVENTS)):
        raise ValueError(f"{unknown}: not in COUNTED_EVENTS, so no pathway summary has them")

    def select(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
        return (
            pathway_summary(t, types)
            .filter(pl.col("end").is_not_null())
            .select(
                "trust_id",
                "patient_id",
                pl.col("end").alias("period_date"),
                pl.all_horizontal(pl.col(f"has_{e}") for e in required).alias("numerator"),
            )
        )

    select.__doc__ = (
        f"Ended {'/'.join(types)} pathways: numerator when the pathway has "
        f"{' and '.join(required)}."
    )
    return select


# ---------------------------------------------------------------- treatment level
AGE_BANDS = ((18, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79), (80, 120))


def age_band(age: pl.Expr) -> pl.Expr:
    """Ten-year age band label (``18-29``, ``30-39`` ... ``80+``) for an age in years."""
    expr: Any = pl.when(age < 18).then(pl.lit("0-17"))
    for lo, hi in AGE_BANDS:
        label = f"{lo}+" if hi >= 120 else f"{lo}-{hi}"
        expr = expr.when(age.is_between(lo, hi)).then(pl.lit(label))
    return expr.otherwise(None)


def _with_age_sex(referrals: pl.LazyFrame, t: Tables) -> pl.LazyFrame:
    return referrals.join(
        t["patients"].select("patient_id", "birth_year", "sex"), on="patient_id", how="left"
    ).with_columns(
        age_band(pl.col("received_date").dt.year() - pl.col("birth_year")).alias("age_band")
    )


def _tsb_referrals_with_right(t: Tables) -> pl.LazyFrame:
    """TSB referrals given a right to care and assigned a level: LEVEL-01's population."""
    return t["referrals"].filter(
        (pl.col("service") == "TSB")
        & pl.col("right_to_care").fill_null(False)
        & pl.col("assigned_level").is_not_null()
    )


def inpatient_share_cases(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
    """TSB referrals given a right to care: assigned inpatient care, with age band and sex."""
    return _with_age_sex(_tsb_referrals_with_right(t), t).select(
        "trust_id",
        "patient_id",
        pl.col("received_date").alias("period_date"),
        (pl.col("assigned_level") == "inpatient").alias("numerator"),
        "age_band",
        "sex",
    )


#: Main diagnosis group of a TSB referral by the ICD-10 category of F10–F19 (mental and
#: behavioural disorders due to psychoactive substance use), by substance.
SUBSTANCE_GROUPS = {
    "F10": "alcohol",
    "F11": "opioids",
    "F12": "cannabinoids",
    "F13": "sedatives",
    "F14": "cocaine",
    "F15": "stimulants",
    "F16": "hallucinogens",
    "F17": "tobacco",
    "F18": "solvents",
    "F19": "multiple",
}


def diagnosis_groups(t: Tables) -> pl.LazyFrame:
    """Each referral's main diagnosis group: ``referral_id``, ``diagnosis_group``.

    The main diagnosis of the referral's first psychiatric contact with one (earliest
    ``start_date``, then lowest ``contact_id``), grouped by substance
    (:data:`SUBSTANCE_GROUPS`); any other diagnosis is ``other``.  A referral without
    such a contact (care not started, or no ``contacts`` table) has none (``unknown`` in
    the case-mix model).
    """
    if "contacts" not in t:
        return pl.LazyFrame(schema={"referral_id": pl.String, "diagnosis_group": pl.String})
    first = (
        t["contacts"]
        .filter(pl.col("referral_id").is_not_null() & pl.col("main_diagnosis").is_not_null())
        .group_by("referral_id")
        .agg(pl.col("main_diagnosis").sort_by("start_date", "contact_id").first())
    )
    return first.select(
        "referral_id",
        pl.col("main_diagnosis")
        .str.slice(0, 3)
        .replace_strict(SUBSTANCE_GROUPS, default="other", return_dtype=pl.String)
        .alias("diagnosis_group"),
    )


def previous_inpatient(t: Tables) -> pl.LazyFrame:
    """Whether the patient was assigned inpatient care before: ``previous_inpatient``.

    Returns ``referral_id`` and ``previous_inpatient`` (bool).

    True when another referral of the same patient (any service or trust), received on
    an earlier day, was assigned inpatient care; an as-of join of each referral on the
    patient's inpatient referrals, backward in ``received_date``, same day excluded.
    Only the extract's referrals are seen: early in its period the history is short.
    """
    inpatient = (
        t["referrals"]
        .filter(pl.col("assigned_level") == "inpatient")
        .select("patient_id", pl.col("received_date").alias("_earlier"))
        .sort("_earlier")
    )
    return (
        t["referrals"]
        .select("referral_id", "patient_id", "received_date")
        .sort("received_date")
        .join_asof(
            inpatient,
            left_on="received_date",
            right_on="_earlier",
            by="patient_id",
            strategy="backward",
            allow_exact_matches=False,
            check_sortedness=False,  # both sides sorted just above
        )
        .select("referral_id", pl.col("_earlier").is_not_null().alias("previous_inpatient"))
    )


#: LEVEL-01A's case-mix covariates, columns of :func:`inpatient_need_cases`.
NEED_COVARIATES = (
    "age_band",
    "sex",
    "housing",
    "diagnosis_group",
    "previous_inpatient",
    "requested_level",
)


def inpatient_need_cases(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
    """LEVEL-01's cases (assigned inpatient care) with the need covariates of LEVEL-01A.

    Without ``patients`` the age band and sex are unknown (the model does not adjust
    for them), as is the diagnosis group without ``contacts``.
    """
    tsb = _tsb_referrals_with_right(t)
    if "patients" in t:
        tsb = _with_age_sex(tsb, t)
    else:
        tsb = tsb.with_columns(pl.lit(None, pl.String).alias(c) for c in ("age_band", "sex"))
    referrals = tsb.join(diagnosis_groups(t), on="referral_id", how="left").join(
        previous_inpatient(t), on="referral_id", how="left"
    )
    return referrals.select(
        "trust_id",
        "patient_id",
        pl.col("received_date").alias("period_date"),
        (pl.col("assigned_level") == "inpatient").alias("numerator"),
        *NEED_COVARIATES,
    )


def homeless_wish_cases(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
    """Assessed TSB referrals of homeless patients who asked for inpatient care: given it."""
    return (
        t["referrals"]
        .filter(
            (pl.col("service") == "TSB")
            & (pl.col("housing") == "homeless")
            & (pl.col("requested_level") == "inpatient")
            & pl.col("assigned_level").is_not_null()
        )
        .select(
            "trust_id",
            "patient_id",
            pl.col("received_date").alias("period_date"),
            (pl.col("assigned_level") == "inpatient").alias("numerator"),
        )
    )


# ---------------------------------------------------------------- somatic health
#: Three-character ICD-10 categories and ICPC-2 codes that count as a recorded diagnosis.
ICD10_CATEGORIES = {
    "diabetes": ("E10", "E11", "E12", "E13", "E14"),
    "hypertension": ("I10", "I11", "I12", "I13", "I14", "I15"),
}
ICPC2 = {"diabetes": ("T89", "T90"), "hypertension": ("K86", "K87")}


def recorded_conditions(t: Tables) -> pl.LazyFrame:
    """Patient-years with diabetes or hypertension recorded anywhere in the extract.

    One pass over the contacts (main and secondary diagnoses, by three-character ICD-10
    category) and the primary-care contacts (ICPC-2); shared by SOM-01 and SOM-02.
    Columns: ``patient_id``, ``year``, ``condition``.
    """
    icd = {code: c for c, codes in ICD10_CATEGORIES.items() for code in codes}
    # A code counts when its first three characters are one of the categories; the
    # pattern tests that without cutting every code of the table to three characters.
    wanted = "^(?:" + "|".join(sorted(icd)) + ")"
    contacts = t["contacts"].select(
        "patient_id", pl.col("start_date").dt.year().alias("year"), "main_diagnosis",
        "secondary_diagnoses",
    )  # fmt: skip
    main = contacts.filter(pl.col("main_diagnosis").str.contains(wanted)).select(
        "patient_id", "year", pl.col("main_diagnosis").alias("_code")
    )
    secondary = (
        contacts.filter(pl.col("secondary_diagnoses").list.len() > 0)
        .select("patient_id", "year", pl.col("secondary_diagnoses").alias("_code"))
        .explode("_code")
        .filter(pl.col("_code").str.contains(wanted))
    )
    coded = pl.concat([main, secondary]).select(
        "patient_id",
        "year",
        pl.col("_code").str.slice(0, 3).replace_strict(icd).alias("condition"),
    )
    sources = [coded]
    if "primary_care" in t:
        icpc = {code: c for c, codes in ICPC2.items() for code in codes}
        sources.append(
            t["primary_care"]
            .filter(pl.col("icpc2").is_in(list(icpc)))
            .select(
                "patient_id",
                pl.col("contact_date").dt.year().alias("year"),
                pl.col("icpc2").replace_strict(icpc).alias("condition"),
            )
        )
    return pl.concat(sources).unique()


#: Youngest age (years, reached in the calendar year) in SOM-01/02: adults only.
ADULT_AGE = 18
#: Oldest age a prevalence table must cover; use ``age_to = 120`` for an open top band.
OLDEST_AGE = 120


class PrevalenceTableError(IndicatorsError):
    """The general-population prevalence table cannot standardise SOM-01/02."""


def _age_ranges(ages: list[int]) -> str:
    """``[18, 19, 20, 45]`` -> ``"18-20, 45"``."""
    runs: list[list[int]] = []
    for age in sorted(ages):
        if runs and age == runs[-1][1] + 1:
            runs[-1][1] = age
        else:
            runs.append([age, age])
    return ", ".join(f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in runs)


def prevalence_by_age(prevalence: pl.DataFrame, condition: str) -> pl.DataFrame:
    """The prevalence of ``condition`` for every adult age and sex, from the table's bands.

    Each band of the table (``age_from``..``age_to`` inclusive, by sex) is spread over
    its ages, so the bands are whatever the table says, not fixed in code.

    Returns
    -------
    pl.DataFrame
        ``age`` (Int32, from :data:`ADULT_AGE` to :data:`OLDEST_AGE`), ``sex``,
        ``prevalence``: one row per age and sex.

    Raises
    ------
    PrevalenceTableError
        When the table leaves an adult age of either sex uncovered, or covers one twice;
        the message names the condition, sex and ages.

    Examples
    --------
    >>> from indicators.reference import prevalence
    >>> by_age = prevalence_by_age(prevalence(), "diabetes")
    >>> by_age.filter(age=55, sex="M")["prevalence"].item()
    0.058
    >>> by_age.height == 2 * (OLDEST_AGE - ADULT_AGE + 1)
    True
    """
    ages = (
        prevalence.filter(pl.col("condition") == condition)
        .select(
            pl.int_ranges("age_from", pl.col("age_to") + 1, dtype=pl.Int32).alias("age"),
            "sex",
            "prevalence",
        )
        .explode("age")
        .filter(pl.col("age").is_between(ADULT_AGE, OLDEST_AGE))
    )
    grid = pl.DataFrame({"sex": ["F", "M"]}).join(
        pl.DataFrame({"age": pl.int_range(ADULT_AGE, OLDEST_AGE + 1, dtype=pl.Int32, eager=True)}),
        how="cross",
    )
    cover = grid.join(ages.group_by("age", "sex").len(), on=["age", "sex"], how="left")
    problems = []
    for what, rows in (
        ("not covered", cover.filter(pl.col("len").is_null())),
        ("covered by more than one band", cover.filter(pl.col("len") > 1)),
    ):
        for (sex,), part in rows.group_by("sex", maintain_order=True):
            problems.append(f"sex {sex}: ages {_age_ranges(part['age'].to_list())} {what}")
    if problems:
        raise PrevalenceTableError(
            f"prevalence table, condition {condition!r}: {'; '.join(sorted(problems))}. "
            f"SOM-01/02 need one band for every age from {ADULT_AGE} to {OLDEST_AGE} for "
            "both sexes (age_from/age_to inclusive; give the top band age_to "
            f"{OLDEST_AGE}); correct the table passed with --prevalence."
        )
    return ages.sort("sex", "age")


def _recorded_condition_cases(condition: str):
    def select(t: Tables, ctx: CaseContext) -> pl.LazyFrame:
        assert ctx.prevalence is not None
        rates = prevalence_by_age(ctx.prevalence.collect(), condition).lazy()
        treated = (
            t["contacts"]
            .filter(pl.col("service").is_in(["TSB", "PHV"]))
            .group_by("patient_id", "trust_id", pl.col("start_date").dt.year().alias("year"))
            .agg(pl.col("start_date").min().alias("period_date"))
        )
        recorded = (
            recorded_conditions(t)
            .filter(pl.col("condition") == condition)
            .select("patient_id", "year", pl.lit(True).alias("numerator"))
        )
        return (
            treated.join(t["patients"].select("patient_id", "birth_year", "sex"), on="patient_id")
            .with_columns((pl.col("year") - pl.col("birth_year")).cast(pl.Int32).alias("age"))
            .filter(pl.col("age") >= ADULT_AGE)
            # Inner join: a patient without a known age or sex has no expected count and
            # is left out of both O and E.
            .join(rates, on=["age", "sex"], how="inner")
            .join(recorded, on=["patient_id", "year"], how="left")
            .select(
                "trust_id",
                "patient_id",
                "period_date",
                pl.col("numerator").fill_null(False),
                pl.col("prevalence").alias("expected"),
            )
        )

    select.__doc__ = (
        f"Adults with a TSB or PHV contact in the year, one row per treating trust: "
        f"{condition} recorded that year (specialist care ICD-10 or primary care ICPC-2), "
        "and the expected probability from general-population prevalence for their age "
        "and sex (bands from the prevalence table).  The indicator counts each patient "
        "once per unit (``counting='patients'``)."
    )
    return select


# ---------------------------------------------------------------- the catalogue
_SOM_POPULATION = (
    "adults (18 or older in the year) with a TSB or PHV contact in the year; a patient "
    "counts once per unit: once nationally, once in each RHF and each treating trust "
    "they had contact with, once in their catchment trust"
)
_SOM_EXCLUSIONS = "patients under 18 in the year; patients without a known birth year or sex"
_WITHOUT_PRIMARY_CARE = (
    "the ICPC-2 part was not used: without the primary-care (KPR) table only diagnoses "
    "recorded in specialist care (ICD-10) count, so O/E is lower than with it"
)
_WITHOUT_AGE_SEX = (
    "age band and sex are unknown for every referral: the model does not adjust for them"
)
_WITHOUT_DIAGNOSIS = (
    "the main diagnosis group is unknown for every referral: the model does not adjust "
    "for diagnosis"
)
_SHARE_TARGETS = Targets(high=0.8, moderate=0.6, illustrative=True)

CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        id="WAIT-01",
        periods=MONTHLY_PERIODS,
        title_nb="Ventetid til start av behandling i TSB",
        title_en="Waiting time to start of care in TSB",
        description_nb="Median ventetid (dager) fra mottatt henvisning til behandlingsstart for "
        "henvisninger med rett til helsehjelp i TSB, estimert med Kaplan–Meier; henvisninger "
        "som fortsatt venter på uttrekksdatoen er sensurert.",
        description_en="Median days from referral received to start of care for TSB referrals "
        "with a right to care, estimated by Kaplan–Meier; referrals still waiting at the "
        "extract date are right-censored.",
        population="TSB referrals with a right to necessary care",
        exclusions="none; referrals still waiting are censored at the extract date, or at the "
        "patient's death if they died waiting",
        numerator="days from received_date to care_start_date",
        population_nb="TSB-henvisninger med rett til nødvendig helsehjelp",
        exclusions_nb="ingen; henvisninger som fortsatt venter, er sensurert på uttrekksdatoen, "
        "eller ved pasientens død om pasienten døde mens hen ventet",
        numerator_nb="dager fra mottatt henvisning (received_date) til start av behandling "
        "(care_start_date)",
        unit="days",
        direction="lower_is_better",
        period_date="referrals.received_date",
        kind="waiting_time",
        method="Kaplan–Meier median with Brookmeyer–Crowley interval; mean of completed waits",
        min_denominator=20,
        cases=waiting_time_cases,
        tables=("referrals",),
        optional_tables=(("patients", _WITHOUT_DEATHS),),
        targets=Targets(
            high=30,
            moderate=45,
            statistic="mean_days",
            source="National goal: mean waiting time < 30 days (judged on the mean of "
            "completed waits; the 45-day moderate threshold is illustrative)",
        ),
        sources=(NPR,),
        funnel=False,
        variation=True,
    ),
    Indicator(
        id="WAIT-02",
        periods=MONTHLY_PERIODS,
        title_nb="Vurdering ikke ferdig innen 10 virkedager (TSB)",
        title_en="Assessment not completed within 10 working days (TSB)",
        description_nb="Andel TSB-henvisninger som ikke er vurdert innen 10 virkedager etter "
        "mottak (helger og helligdager regnes ikke med).",
        description_en="Share of TSB referrals not assessed within 10 working days of receipt "
        "(weekends and Norwegian public holidays excluded).",
        population="TSB referrals whose 10-working-day deadline has passed",
        exclusions="referrals whose deadline lies after the extract date or the patient's death",
        numerator="assessed after the deadline, or still unassessed past it",
        population_nb="TSB-henvisninger der fristen på 10 virkedager er passert",
        exclusions_nb="henvisninger der fristen ligger etter uttrekksdatoen eller pasientens død",
        numerator_nb="vurdert etter fristen, eller fortsatt ikke vurdert etter den",
        unit="fraction",
        direction="lower_is_better",
        period_date="referrals.received_date",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=assessment_breach_cases,
        tables=("referrals",),
        optional_tables=(("patients", _WITHOUT_DEATHS),),
        targets=Targets(high=0.05, moderate=0.10, illustrative=True),
        sources=(NPR, PRIORITY),
    ),
    Indicator(
        id="WAIT-03",
        periods=MONTHLY_PERIODS,
        title_nb="Fristbrudd",
        title_en="Deadline breaches",
        description_nb="Andel henvisninger med rett til helsehjelp der behandlingen startet "
        "etter fristen, eller der fristen er passert uten at behandling har startet.",
        description_en="Share of referrals with a right to care whose care started after the "
        "deadline, or that are still waiting past it.",
        population="referrals with a right to care whose deadline has passed",
        exclusions="referrals whose deadline lies after the extract date or the patient's death",
        numerator="care started after deadline_date, or not started and deadline passed",
        population_nb="henvisninger med rett til helsehjelp der fristen er passert",
        exclusions_nb="henvisninger der fristen ligger etter uttrekksdatoen eller pasientens død",
        numerator_nb="behandlingen startet etter fristen (deadline_date), eller har ikke startet"
        " og fristen er passert",
        unit="fraction",
        direction="lower_is_better",
        period_date="referrals.received_date",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=deadline_breach_cases,
        tables=("referrals",),
        optional_tables=(("patients", _WITHOUT_DEATHS),),
        targets=Targets(high=0.02, moderate=0.05, illustrative=True),
        sources=(NPR,),
        follow_up_days=DEADLINE_FOLLOW_UP_DAYS,
    ),
    Indicator(
        id="PATH-01",
        periods=MONTHLY_PERIODS,
        title_nb="Klinisk beslutning innen forløpstid (TSB)",
        title_en="Clinical decision on time (TSB pathway)",
        description_nb="Andel TSB-forløp (D01) med første oppmøte der klinisk beslutning kom "
        "innen 21 dager (poliklinikk) eller 7 dager (døgn).",
        description_en="Share of D01 pathways with a first attendance whose clinical decision "
        "came within 21 days (outpatient) or 7 days (inpatient).",
        population="D01 pathways with a first attendance",
        exclusions="pathways whose first attendance is 21 days or less before the extract date",
        numerator="clinical decision within 21 / 7 days of first attendance",
        population_nb="D01-forløp med første oppmøte",
        exclusions_nb="forløp med første oppmøte 21 dager eller mindre før uttrekksdatoen",
        numerator_nb="klinisk beslutning innen 21 dager (poliklinisk) eller 7 dager (døgn) etter"
        " første oppmøte",
        unit="fraction",
        direction="higher_is_better",
        period_date="pathway_events.event_date of first_attendance",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=decision_on_time_cases,
        tables=("pathway_events",),
        targets=Targets(high=0.8, moderate=0.6, source="National goal: 80 %"),
        sources=(PATHWAYS, GUIDE_TSB),
    ),
    Indicator(
        id="PATH-02",
        periods=MONTHLY_PERIODS,
        title_nb="Første evaluering innen 7 dager (TSB)",
        title_en="First evaluation within 7 days (TSB pathway)",
        description_nb="Andel TSB-forløp (D01) med klinisk beslutning der første evaluering "
        "kom innen 7 dager.",
        description_en="Share of D01 pathways with a clinical decision whose first evaluation "
        "came within 7 days of it.",
        population="D01 pathways with a clinical decision",
        exclusions="pathways whose decision is 7 days or less before the extract date",
        numerator="evaluation within 7 days of the clinical decision",
        population_nb="D01-forløp med klinisk beslutning",
        exclusions_nb="forløp med klinisk beslutning 7 dager eller mindre før uttrekksdatoen",
        numerator_nb="første evaluering innen 7 dager etter klinisk beslutning",
        unit="fraction",
        direction="higher_is_better",
        period_date="pathway_events.event_date of clinical_decision",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=evaluation_on_time_cases,
        tables=("pathway_events",),
        targets=_SHARE_TARGETS,
        sources=(PATHWAYS, GUIDE_TSB),
    ),
    Indicator(
        id="LEVEL-01",
        title_nb="Andel tildelt døgnbehandling ved vurdering (TSB)",
        title_en="Share assigned inpatient care at assessment (TSB)",
        description_nb="Andel TSB-henvisninger med rett til helsehjelp som ble tildelt "
        "døgnbehandling, per opptaksområde, standardisert for alder og kjønn (indirekte).",
        description_en="Share of TSB referrals given a right to care that were assigned "
        "inpatient care, by catchment area, indirectly standardised for age and sex.",
        population="TSB referrals given a right to care",
        exclusions="unassessed referrals",
        numerator="assigned_level = inpatient",
        population_nb="TSB-henvisninger som fikk rett til helsehjelp",
        numerator_nb="tildelt døgnbehandling (assigned_level = inpatient)",
        unit="fraction",
        direction="higher_is_better",
        period_date="referrals.received_date",
        kind="standardised_proportion",
        method="Indirect age/sex standardisation (O/E x national share); exact Poisson "
        "interval on O",
        min_denominator=20,
        cases=inpatient_share_cases,
        tables=("referrals", "patients"),
        population_within=("WAIT-01",),
        # LEVEL-01A counts the same numerator in the same population: with its own
        # numerator_all_of this makes the two numerators equal for the disclosure audit.
        numerator_all_of=("LEVEL-01A",),
        # No national target: the point is the variation between catchment areas, and no
        # share is "right"; target_level stays null.
        targets=None,
        sources=(NPR, "Seed article: unwarranted variation in TSB treatment level"),
        variation=True,
        # About the catchment population: reports show it per catchment area.
        report_level="catchment",
    ),
    Indicator(
        id="LEVEL-01A",
        title_nb="Tildelt døgnbehandling ved vurdering, justert for behov (TSB)",
        title_en="Assigned inpatient care at assessment, adjusted for need (TSB)",
        description_nb="Observert mot forventet antall TSB-henvisninger med rett til "
        "helsehjelp som ble tildelt døgnbehandling, per opptaksområde. Forventet antall "
        "kommer fra en nasjonal modell for pasientenes behov: alder, kjønn, bosituasjon, "
        "hoveddiagnosegruppe, tidligere døgnbehandling og ønsket behandlingsnivå. Over 1 "
        "betyr mer døgnbehandling enn behovet tilsier.",
        description_en="Observed against expected TSB referrals given a right to care that "
        "were assigned inpatient care, by catchment area. The expected number comes from a "
        "national model of the patients' need: age, sex, housing, main diagnosis group, "
        "previous inpatient care and requested level. Above 1 means more inpatient care "
        "than need explains.",
        population="TSB referrals given a right to care",
        exclusions="unassessed referrals",
        numerator="assigned_level = inpatient",
        population_nb="TSB-henvisninger som fikk rett til helsehjelp",
        numerator_nb="tildelt døgnbehandling (assigned_level = inpatient)",
        unit="ratio",
        direction="higher_is_better",
        period_date="referrals.received_date",
        kind="case_mix",
        method="Case-mix adjustment: logistic regression on all the extract's cases "
        "nationally (age band, sex, housing, main diagnosis group F10–F19, previous "
        "inpatient care, requested level); O/E with the exact Poisson interval on O",
        min_denominator=5,
        cases=inpatient_need_cases,
        tables=("referrals",),
        optional_tables=(("patients", _WITHOUT_AGE_SEX), ("contacts", _WITHOUT_DIAGNOSIS)),
        covariates=NEED_COVARIATES,
        # Same population and numerator as LEVEL-01 (with LEVEL-01's numerator_all_of,
        # the audit knows the two published numerators are equal).
        population_same_as="LEVEL-01",
        numerator_all_of=("LEVEL-01",),
        targets=None,
        sources=(NPR, "Seed article: unwarranted variation in TSB treatment level"),
        variation=True,
        # About the catchment population: reports show it per catchment area.
        report_level="catchment",
    ),
    Indicator(
        id="LEVEL-02",
        title_nb="Bostedsløse som ønsket døgnbehandling og fikk det",
        title_en="Homeless patients' wish for inpatient care met",
        description_nb="Andel vurderte TSB-henvisninger for bostedsløse som ba om "
        "døgnbehandling, der døgnbehandling ble tildelt.",
        description_en="Share of assessed TSB referrals of homeless patients asking for "
        "inpatient care that were assigned inpatient care.",
        population="assessed TSB referrals with housing = homeless and requested inpatient care",
        exclusions="unassessed referrals",
        numerator="assigned_level = inpatient",
        population_nb="vurderte TSB-henvisninger der pasienten er bostedsløs (housing = "
        "homeless) og ønsket døgnbehandling",
        numerator_nb="tildelt døgnbehandling (assigned_level = inpatient)",
        unit="fraction",
        direction="higher_is_better",
        period_date="referrals.received_date",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=10,
        cases=homeless_wish_cases,
        tables=("referrals",),
        targets=Targets(high=0.7, moderate=0.5, illustrative=True),
        sources=(NPR, "Seed article: homeless patients given outpatient care"),
        periods=("year",),
        variation=True,
    ),
    Indicator(
        id="SOM-01",
        title_nb="Registrert diabetes, observert / forventet",
        title_en="Recorded diabetes, observed / expected",
        description_nb="Pasienter med kontakt i TSB eller PHV i året: registrert diabetes "
        "(ICD-10 E10–E14 eller ICPC-2 T89/T90) mot forventet ut fra befolkningens "
        "forekomst etter alder og kjønn. Under 1 tyder på underdiagnostikk.",
        description_en="Patients with a TSB or PHV contact in the year: recorded diabetes "
        "(ICD-10 E10–E14 or ICPC-2 T89/T90) against the number expected from "
        "general-population prevalence by age and sex. Below 1 signals under-diagnosis.",
        population=_SOM_POPULATION,
        exclusions=_SOM_EXCLUSIONS,
        numerator="diabetes recorded in specialist or primary care in the year",
        population_nb="voksne (18 år eller eldre i året) med TSB- eller PHV-kontakt i året; en "
        "pasient telles én gang per enhet: én gang nasjonalt, én gang i hvert RHF "
        "og hvert behandlende helseforetak pasienten hadde kontakt med, og én gang"
        " i sitt opptaksområde",
        numerator_nb="diabetes registrert i spesialisthelsetjenesten eller primærhelsetjenesten "
        "i året",
        unit="ratio",
        direction="higher_is_better",
        period_date="first TSB/PHV contact of the patient in the year",
        kind="observed_expected",
        method="Indirect standardisation O/E; exact Poisson interval",
        min_denominator=5,
        cases=_recorded_condition_cases("diabetes"),
        tables=("contacts", "patients"),
        optional_tables=(("primary_care", _WITHOUT_PRIMARY_CARE),),
        counting="patients",
        targets=Targets(high=0.9, moderate=0.7, illustrative=True),
        sources=(NPR, KPR, "Prevalence table: ILLUSTRATIVE, see reference/data/SOURCES.md"),
        periods=("year",),
        variation=True,
    ),
    Indicator(
        id="SOM-02",
        title_nb="Registrert høyt blodtrykk, observert / forventet",
        title_en="Recorded hypertension, observed / expected",
        description_nb="Som SOM-01 for høyt blodtrykk (ICD-10 I10–I15 eller ICPC-2 K86/K87).",
        description_en="As SOM-01 for hypertension (ICD-10 I10–I15 or ICPC-2 K86/K87).",
        population=_SOM_POPULATION,
        exclusions=_SOM_EXCLUSIONS,
        numerator="hypertension recorded in specialist or primary care in the year",
        population_nb="voksne (18 år eller eldre i året) med TSB- eller PHV-kontakt i året; en "
        "pasient telles én gang per enhet: én gang nasjonalt, én gang i hvert RHF "
        "og hvert behandlende helseforetak pasienten hadde kontakt med, og én gang"
        " i sitt opptaksområde",
        numerator_nb="høyt blodtrykk registrert i spesialisthelsetjenesten eller "
        "primærhelsetjenesten i året",
        unit="ratio",
        direction="higher_is_better",
        period_date="first TSB/PHV contact of the patient in the year",
        kind="observed_expected",
        method="Indirect standardisation O/E; exact Poisson interval",
        min_denominator=5,
        cases=_recorded_condition_cases("hypertension"),
        tables=("contacts", "patients"),
        optional_tables=(("primary_care", _WITHOUT_PRIMARY_CARE),),
        counting="patients",
        targets=Targets(high=0.9, moderate=0.7, illustrative=True),
        sources=(NPR, KPR, "Prevalence table: ILLUSTRATIVE, see reference/data/SOURCES.md"),
        periods=("year",),
        variation=True,
    ),
    Indicator(
        id="SOM-03",
        title_nb="Somatisk helse vurdert",
        title_en="Somatic health assessed",
        description_nb="Andel avsluttede forløp (D01/D11) med registrert somatisk vurdering.",
        description_en="Share of ended D01/D11 pathways with a somatic assessment registered.",
        population="ended D01 and D11 pathways",
        exclusions="none",
        numerator="pathway has a somatic_assessment event",
        population_nb="avsluttede D01- og D11-forløp",
        numerator_nb="forløpet har en somatisk vurdering (somatic_assessment)",
        unit="fraction",
        direction="higher_is_better",
        period_date="pathway_events.event_date of end",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=_ended_pathways_with(("D01", "D11"), ("somatic_assessment",)),
        tables=("pathway_events",),
        targets=_SHARE_TARGETS,
        sources=(PATHWAYS,),
        run_in_days=PATHWAY_RUN_IN_DAYS,
    ),
    Indicator(
        id="USER-01",
        periods=MONTHLY_PERIODS,
        title_nb="Behandlingsplan utarbeidet sammen med pasienten",
        title_en="Treatment plan made with the patient",
        description_nb="Andel avsluttede TSB-forløp (D01) med behandlingsplan utarbeidet "
        "sammen med pasienten.",
        description_en="Share of ended D01 pathways with a treatment plan made with the patient.",
        population="ended D01 pathways",
        exclusions="none",
        numerator="pathway has treatment_plan_with_patient",
        population_nb="avsluttede D01-forløp",
        numerator_nb="forløpet har behandlingsplan utarbeidet sammen med pasienten "
        "(treatment_plan_with_patient)",
        unit="fraction",
        direction="higher_is_better",
        period_date="pathway_events.event_date of end",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=_ended_pathways_with(("D01",), ("treatment_plan_with_patient",)),
        tables=("pathway_events",),
        targets=_SHARE_TARGETS,
        sources=(PATHWAYS,),
        population_within=("SOM-03",),
        run_in_days=PATHWAY_RUN_IN_DAYS,
    ),
    Indicator(
        id="USER-02",
        periods=MONTHLY_PERIODS,
        title_nb="Tilbakemeldingsverktøy brukt",
        title_en="Feedback tool used",
        description_nb="Andel avsluttede TSB-forløp (D01) der tilbakemeldingsverktøy er brukt.",
        description_en="Share of ended D01 pathways where a feedback tool was used.",
        population="ended D01 pathways",
        exclusions="none",
        numerator="pathway has feedback_tool",
        population_nb="avsluttede D01-forløp",
        numerator_nb="forløpet har bruk av tilbakemeldingsverktøy (feedback_tool)",
        unit="fraction",
        direction="higher_is_better",
        period_date="pathway_events.event_date of end",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=_ended_pathways_with(("D01",), ("feedback_tool",)),
        tables=("pathway_events",),
        targets=_SHARE_TARGETS,
        sources=(PATHWAYS,),
        population_same_as="USER-01",
        run_in_days=PATHWAY_RUN_IN_DAYS,
    ),
    Indicator(
        id="USER-03",
        periods=MONTHLY_PERIODS,
        title_nb="Individuell plan vurdert",
        title_en="Individual plan assessed",
        description_nb="Andel avsluttede TSB-forløp (D01) der behov for individuell plan er "
        "vurdert.",
        description_en="Share of ended D01 pathways where the need for an individual plan was "
        "assessed.",
        population="ended D01 pathways",
        exclusions="none",
        numerator="pathway has individual_plan_assessed",
        population_nb="avsluttede D01-forløp",
        numerator_nb="forløpet har vurdering av individuell plan (individual_plan_assessed)",
        unit="fraction",
        direction="higher_is_better",
        period_date="pathway_events.event_date of end",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=_ended_pathways_with(("D01",), ("individual_plan_assessed",)),
        tables=("pathway_events",),
        targets=_SHARE_TARGETS,
        sources=(PATHWAYS,),
        population_same_as="USER-01",
        run_in_days=PATHWAY_RUN_IN_DAYS,
    ),
    Indicator(
        id="USER-04",
        periods=MONTHLY_PERIODS,
        title_nb="Brukermedvirkning: alle tre tiltak",
        title_en="User-involvement coverage: all three measures",
        description_nb="Andel avsluttede TSB-forløp (D01) med både behandlingsplan sammen med "
        "pasienten, tilbakemeldingsverktøy og vurdert individuell plan.",
        description_en="Share of ended D01 pathways with all of USER-01, USER-02 and USER-03.",
        population="ended D01 pathways",
        exclusions="none",
        numerator="pathway has all three user-involvement events",
        population_nb="avsluttede D01-forløp",
        numerator_nb="forløpet har alle tre brukermedvirkningstiltakene (USER-01, USER-02 og "
        "USER-03)",
        unit="fraction",
        direction="higher_is_better",
        period_date="pathway_events.event_date of end",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=_ended_pathways_with(
            ("D01",), ("treatment_plan_with_patient", "feedback_tool", "individual_plan_assessed")
        ),
        tables=("pathway_events",),
        targets=_SHARE_TARGETS,
        sources=(PATHWAYS,),
        population_same_as="USER-01",
        numerator_all_of=("USER-01", "USER-02", "USER-03"),
        run_in_days=PATHWAY_RUN_IN_DAYS,
    ),
)

BY_ID: dict[str, Indicator] = {i.id: i for i in CATALOGUE}
