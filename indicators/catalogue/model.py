"""What an indicator definition declares.

An :class:`Indicator` is data: ids, titles, population, numerator, unit, direction,
goal-achievement targets, minimum denominator, statistical method, levels, periods and
sources, plus one function that selects the cases from the extract.  The compute
engine, ``indicators list`` and every report's methods appendix are derived from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import polars as pl

Unit = Literal["fraction", "days", "ratio"]
Direction = Literal["higher_is_better", "lower_is_better"]
Level = Literal["national", "rhf", "trust", "catchment"]
#: The levels a report can show an indicator at (:attr:`Indicator.report_level`).
ReportLevel = Literal["trust", "catchment"]
PeriodType = Literal["year", "tertial", "month"]
Kind = Literal[
    "proportion", "standardised_proportion", "observed_expected", "case_mix", "waiting_time"
]
Counting = Literal["cases", "patients"]

ALL_LEVELS: tuple[Level, ...] = ("national", "rhf", "trust", "catchment")

#: Tables a reporting level needs besides the indicator's own: the catchment trust is
#: the one whose area holds the patient's municipality (``patients.municipality``).
LEVEL_TABLES: dict[Level, tuple[str, ...]] = {
    "national": (),
    "rhf": (),
    "trust": (),
    "catchment": ("patients",),
}
ALL_PERIODS: tuple[PeriodType, ...] = ("year", "tertial")
#: Periods of an indicator followed month by month (statistical process control).
MONTHLY_PERIODS: tuple[PeriodType, ...] = ("year", "tertial", "month")
#: The levels months are computed at: the treating trust, where an improvement team
#: changes its pathway, and the totals above it.  A catchment area's months would mostly
#: be too small to publish, and each would be one more sum to protect.
MONTH_LEVELS: tuple[Level, ...] = ("national", "rhf", "trust")


@dataclass(frozen=True)
class Targets:
    """Goal-achievement thresholds (Norwegian reporting: high / moderate / low).

    For a higher-is-better indicator a value ``>= high`` is high achievement and
    ``>= moderate`` moderate; for a lower-is-better one ``<= high`` and ``<= moderate``.
    ``illustrative`` marks thresholds that are not a national goal.  ``statistic`` is the
    result column judged: ``value`` (the indicator's value) unless the goal is stated on
    another statistic, e.g. ``mean_days`` for a goal on the mean waiting time where the
    value is the Kaplan–Meier median.
    """

    high: float
    moderate: float
    illustrative: bool = False
    source: str = ""
    statistic: Literal["value", "mean_days"] = "value"


@dataclass(frozen=True)
class CaseContext:
    """What a case selector may use besides the tables: the extract date and reference data."""

    extract_date: date
    prevalence: pl.LazyFrame | None = None


#: A case selector: tables (LazyFrames by name) and context -> one row per case.
CaseSelector = Callable[[dict[str, pl.LazyFrame], CaseContext], pl.LazyFrame]


@dataclass(frozen=True)
class Indicator:
    """One quality indicator, fully declared.

    The case selector returns a LazyFrame with one row per case and these columns:

    - ``trust_id`` (treating trust) and ``patient_id`` (for the catchment trust),
    - ``period_date``: the date that places the case in a period,
    - for ``proportion``: ``numerator`` (bool);
    - for ``standardised_proportion``: ``numerator`` (bool), ``age_band``, ``sex``;
    - for ``observed_expected``: ``numerator`` (bool) and ``expected`` (probability);
    - for ``case_mix``: ``numerator`` (bool) and every column named in ``covariates``;
    - for ``waiting_time``: ``days`` (float) and ``event`` (bool; False = censored).

    ``counting`` says what one case is when the rows are summed to a unit: ``"cases"``
    counts every row (a referral, a pathway); ``"patients"`` counts a patient once per
    unit and period at every level, however many rows they have there (a patient
    treated by two trusts counts once in each trust, once in the RHF if both trusts
    belong to it, and once nationally).  The numerator and ``expected`` of a patient's
    rows must then be the same in one period (properties of the patient, not the row).

    ``variation``: whether variation across units is the question the indicator asks
    (unwarranted geographic variation): such indicators get a variation section (CV,
    FT1–FT3, SCV where expected counts come from standardisation, φ, τ²) in a trust's
    report.  ``variation.parquet`` and the national overview cover every indicator.

    ``covariates`` (``case_mix`` only): the columns of the case selector, each
    categorical, that a logistic regression fitted on all the extract's cases
    nationally adjusts for; each case's fitted probability is its ``expected``, and the
    indicator is then an O/E ratio like ``observed_expected``
    (:mod:`indicators.compute.casemix`).

    ``targets`` None means there is no national target: no goal achievement is given.

    ``report_level``: the level a trust's report and the national overview show the
    indicator at, one of its ``levels``: ``"trust"`` (the treating trust, the default)
    or ``"catchment"`` (the trust whose catchment area the patients live in), for an
    indicator about the population of an area rather than the work of a trust (LEVEL-01:
    how much inpatient care an area's referrals are assigned).  Every level in
    ``levels`` is computed and published whatever it is.

    ``optional_tables`` names tables the indicator uses when the extract has them, each
    with what is lost without it (stated in the results manifest).

    Relations between indicators that an outsider can read off the definitions, used by
    the disclosure audit (:mod:`indicators.disclosure.relations`); each holds within one
    level, unit and period, so the indicators involved must share ``period_date`` and
    ``counting``:

    - ``population_same_as``: the id of an indicator with exactly the same population
      (the two denominators are equal);
    - ``population_within``: ids of indicators whose population contains this one's
      (this denominator is at most theirs);
    - ``numerator_all_of``: ids of indicators (sharing this population) whose numerators
      this one's requires all at once (this numerator is at most each of theirs, and at
      least their sum minus ``k - 1`` times the population, for ``k`` of them).

    ``population``, ``exclusions`` and ``numerator`` are the definition in English;
    their ``_nb`` variants are the bokmål text of the reports' methods appendix.

    Whole periods.  A period holds every case of its population only if each case could
    be observed whole inside the extract:

    - ``run_in_days``: a case is dated by its end and can have begun up to this many
      days earlier (a pathway dated by its end), so a period that starts fewer days
      than this after the extract's first day holds only the shorter cases;
    - ``follow_up_days``: a case needs up to this many days after its period date to be
      decided (a deadline, a time limit), so a period that ends fewer days than this
      before the extract date holds only the cases decided early.

    Such periods are computed and marked incomplete in the results
    (``period_incomplete``), and every chart and table says so.
    """

    id: str
    title_nb: str
    title_en: str
    description_nb: str
    description_en: str
    population: str
    exclusions: str
    numerator: str
    unit: Unit
    direction: Direction
    period_date: str
    kind: Kind
    method: str
    min_denominator: int
    cases: CaseSelector
    tables: tuple[str, ...]
    targets: Targets | None = None
    levels: tuple[Level, ...] = ALL_LEVELS
    report_level: ReportLevel = "trust"
    periods: tuple[PeriodType, ...] = ALL_PERIODS
    sources: tuple[str, ...] = ()
    funnel: bool = True
    variation: bool = False
    counting: Counting = "cases"
    optional_tables: tuple[tuple[str, str], ...] = ()
    population_same_as: str | None = None
    population_within: tuple[str, ...] = ()
    numerator_all_of: tuple[str, ...] = ()
    population_nb: str = ""
    exclusions_nb: str = ""
    numerator_nb: str = ""
    run_in_days: int = 0
    follow_up_days: int = 0
    covariates: tuple[str, ...] = ()

    @property
    def needs(self) -> tuple[str, ...]:
        """Every table the indicator reads at all its levels: its own and its levels'.

        >>> from indicators.catalogue import BY_ID
        >>> BY_ID["WAIT-02"].tables, BY_ID["WAIT-02"].needs
        (('referrals',), ('referrals', 'patients'))
        """
        level_tables = (t for level in self.levels for t in LEVEL_TABLES[level])
        return tuple(dict.fromkeys((*self.tables, *level_tables)))

    def title(self, lang: str = "nb") -> str:
        """The title in ``lang`` (``nb`` or ``en``)."""
        return self.title_nb if lang == "nb" else self.title_en

    def description(self, lang: str = "nb") -> str:
        """The description in ``lang`` (``nb`` or ``en``)."""
        return self.description_nb if lang == "nb" else self.description_en
