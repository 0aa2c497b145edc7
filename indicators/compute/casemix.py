"""Case-mix adjustment: each case's expected probability from a national logistic model.

An indicator of kind ``case_mix`` declares categorical ``covariates``, columns its case
selector returns beside ``numerator``.  Before anything is counted, one logistic
regression per indicator is fitted on every case of the indicator in the extract's
period (all years, tertials and units together: one national model, so that each unit
is compared with what the nation does for patients like its own):

    logit P(numerator = 1) = β₀ + Σ_k β_k · x_k

with one indicator column x_k per level of each covariate except its reference level
(the most frequent level; ties: the first in sorted order).  A missing value is a level
of its own, ``unknown``.  Each case's fitted probability p̂ becomes its ``expected``, and
from there the indicator is counted as an ``observed_expected`` one: E = Σ p̂ over a
unit's cases, O/E with the exact Poisson interval on O, funnels and variation.

All covariates are categorical, so cases with the same values (a *covariate pattern*)
share p̂: the model is fitted on the patterns (binomial counts of events among the
pattern's cases, which gives the same estimates and standard errors as one row per
case), and p̂ is joined back to the cases by their covariate values.

The fit is summarised for the results manifest (:meth:`CaseMixModel.summary`): the
coefficients with their standard errors, the c-statistic (discrimination) and observed
against expected events by decile of predicted risk (calibration).

References
----------
Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression, 3rd ed. Wiley, 2013
(model, c-statistic as the area under the ROC curve, calibration by deciles of risk).
Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating
characteristic (ROC) curve. Radiology 1982;143:29–36 (AUC as the Mann–Whitney statistic).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm

from indicators.catalogue.model import CaseContext, Indicator
from indicators.errors import IndicatorsError

#: The level a missing covariate value gets.
UNKNOWN_LEVEL = "unknown"
#: Name of the intercept among the coefficients.
INTERCEPT = "intercept"
#: Groups of predicted risk in the calibration table.
CALIBRATION_GROUPS = 10
#: Convergence tolerance of the IRLS fit (change in deviance).
FIT_TOLERANCE = 1e-10
#: What the manifest says the model is and what it is fitted on.
MODEL_TEXT = "logistic regression (binomial GLM, logit link; statsmodels), main effects"
FITTED_ON_TEXT = (
    "every case of the indicator in the extract's period: all years, tertials and units "
    "together (one national model)"
)


class CaseMixError(IndicatorsError):
    """A case-mix indicator cannot be fitted: a declared covariate is missing, or none is."""


@dataclass(frozen=True)
class CaseMixModel:
    """A fitted case-mix model.

    ``patterns`` has one row per covariate pattern: the covariates (as strings), ``n``
    (cases), ``events`` (cases in the numerator) and ``expected`` (p̂, the fitted
    probability).  ``terms`` names the coefficients (``intercept``, then
    ``covariate=level``), in the order of ``coefficients`` and ``standard_errors``.
    ``fit_warnings``: what statsmodels warned of while fitting (perfect separation in a
    small extract, no convergence), recorded in the manifest rather than lost.
    """

    indicator_id: str
    covariates: tuple[str, ...]
    reference: dict[str, str]
    terms: tuple[str, ...]
    coefficients: np.ndarray
    standard_errors: np.ndarray
    patterns: pl.DataFrame
    c_statistic: float
    calibration: pl.DataFrame
    seconds: float = 0.0
    fit_warnings: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """Cases the model is fitted on."""
        return int(self.patterns["n"].sum())

    @property
    def events(self) -> int:
        """Cases in the numerator."""
        return int(self.patterns["events"].sum())

    def summary(self) -> dict[str, Any]:
        """The fit as the results manifest records it (``parameters.case_mix[id]``)."""
        return {
            "model": MODEL_TEXT,
            "fitted_on": FITTED_ON_TEXT,
            "covariates": list(self.covariates),
            "reference_levels": dict(self.reference),
            "coefficients": [
                {"term": t, "estimate": _finite(b), "standard_error": _finite(s)}
                for t, b, s in zip(self.terms, self.coefficients, self.standard_errors, strict=True)
            ],
            "n": self.n,
            "events": self.events,
            "covariate_patterns": self.patterns.height,
            "c_statistic": _finite(self.c_statistic),
            "calibration": [
                {k: _finite(v) for k, v in row.items()} for row in self.calibration.to_dicts()
            ],
            "warnings": list(self.fit_warnings),
            "seconds": round(self.seconds, 3),
        }


#: Decimals the manifest keeps of the fit's numbers: fewer than 10, so that no number
#: shows a run of digits the outward writer would take for a personal number and mask.
MANIFEST_DECIMALS = 8


def _finite(value: Any) -> Any:
    """A number for JSON: rounded, and None where not finite (no event, or no non-event)."""
    if isinstance(value, (float, np.floating)):
        return round(float(value), MANIFEST_DECIMALS) if np.isfinite(value) else None
    return value


def covariate_levels(covariates: tuple[str, ...]) -> list[pl.Expr]:
    """Covariates as categorical levels: strings, a missing value as ``unknown``."""
    return [pl.col(c).cast(pl.String).fill_null(UNKNOWN_LEVEL).alias(c) for c in covariates]


def check_covariates(indicator: Indicator, cases: pl.LazyFrame) -> None:
    """Raise :class:`CaseMixError` unless the cases carry every declared covariate.

    >>> from indicators.catalogue import BY_ID
    >>> try:
    ...     check_covariates(BY_ID["LEVEL-01A"], pl.LazyFrame({"numerator": [True]}))
    ... except CaseMixError as error:
    ...     print(str(error)[:65])
    LEVEL-01A: the case selector returns no column 'age_band', a decl
    """
    if not indicator.covariates:
        raise CaseMixError(
            f"{indicator.id}: a case_mix indicator needs covariates; declare them in "
            "Indicator.covariates"
        )
    names = cases.collect_schema().names()
    for column in ("numerator", *indicator.covariates):
        if column not in names:
            raise CaseMixError(
                f"{indicator.id}: the case selector returns no column {column!r}, a declared "
                "covariate of this case-mix indicator; return it from the selector or remove "
                f"it from covariates (the selector returns {', '.join(names)})"
            )


def covariate_patterns(indicator: Indicator, cases: pl.LazyFrame) -> pl.LazyFrame:
    """Cases counted per covariate pattern: the covariates, ``n`` and ``events``.

    Sorted by the covariates, so the fit sees the same rows in the same order every run.
    """
    check_covariates(indicator, cases)
    return (
        cases.select(*covariate_levels(indicator.covariates), pl.col("numerator"))
        .group_by(indicator.covariates)
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            pl.col("numerator").cast(pl.Int64).sum().alias("events"),
        )
        .sort(indicator.covariates)
    )


def reference_levels(patterns: pl.DataFrame, covariates: tuple[str, ...]) -> dict[str, str]:
    """Each covariate's reference level: its most frequent level (ties: first sorted).

    >>> p = pl.DataFrame({"sex": ["F", "M", "M"], "n": [5, 3, 4], "events": [1, 1, 1]})
    >>> reference_levels(p, ("sex",))
    {'sex': 'M'}
    """
    out = {}
    for c in covariates:
        counts = (
            patterns.group_by(c).agg(pl.col("n").sum()).sort(["n", c], descending=[True, False])
        )
        out[c] = str(counts[c][0])
    return out


def design_matrix(
    patterns: pl.DataFrame, covariates: tuple[str, ...], reference: dict[str, str]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """The design matrix of the patterns: intercept, then one 0/1 column per non-reference level.

    Built with :meth:`polars.DataFrame.to_dummies` (columns named ``covariate=level``),
    the reference level's column dropped; columns in covariate order, levels sorted.

    >>> p = pl.DataFrame({"sex": ["F", "M"], "housing": ["own", "homeless"]})
    >>> x, terms = design_matrix(p, ("sex", "housing"), {"sex": "F", "housing": "own"})
    >>> terms
    ('intercept', 'sex=M', 'housing=homeless')
    >>> x.tolist()
    [[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
    """
    dummies = patterns.select(covariates).to_dummies(separator="=")
    names = [
        name
        for c in covariates
        for name in sorted(d for d in dummies.columns if d.startswith(f"{c}="))
        if name != f"{c}={reference[c]}"
    ]
    x = dummies.select(pl.lit(1.0).alias(INTERCEPT), *(pl.col(n).cast(pl.Float64) for n in names))
    return x.to_numpy(), (INTERCEPT, *names)


def c_statistic(patterns: pl.DataFrame) -> float:
    """Area under the ROC curve of the fitted probabilities, by the Mann–Whitney rank formula.

    With the N cases ranked by p̂ (ties get their mid-rank), n₁ cases with the event and
    n₀ without, and R₁ the sum of the ranks of the cases with the event:

        c = (R₁ − n₁(n₁ + 1)/2) / (n₁ · n₀)

    the probability that a random case with the event has a higher p̂ than a random case
    without (a tie counting one half).  ``patterns`` needs ``expected`` (p̂), ``n`` and
    ``events``; all cases of a pattern share its p̂.  NaN when n₁ or n₀ is 0.

    >>> p = pl.DataFrame({"expected": [0.2, 0.5, 0.8], "n": [2, 2, 2], "events": [0, 1, 2]})
    >>> round(c_statistic(p), 4)  # of 9 pairs, 8 concordant and 1 tied: 8.5 / 9
    0.9444
    """
    tied = patterns.group_by("expected").agg(pl.col("n").sum(), pl.col("events").sum())
    ranked = tied.sort("expected").with_columns(
        (pl.col("n").cum_sum() - pl.col("n") + (pl.col("n") + 1) / 2).alias("_midrank")
    )
    n1 = float(ranked["events"].sum())
    n0 = float(ranked["n"].sum()) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    r1 = float((ranked["events"] * ranked["_midrank"]).sum())
    return (r1 - n1 * (n1 + 1) / 2) / (n1 * n0)


def calibration_table(patterns: pl.DataFrame, groups: int = CALIBRATION_GROUPS) -> pl.DataFrame:
    """Observed against expected events by group (decile) of predicted risk.

    Cases are ranked by p̂; a case whose p̂ has r cases below it (of N) is in group
    ⌊groups · r / N⌋ + 1, so cases with equal p̂ share a group and groups may differ in
    size.  Per group: ``n`` cases, ``observed`` events, ``expected`` = Σ p̂, the rates
    ``observed_rate`` = observed / n and ``expected_rate`` = expected / n, and the range of
    p̂ (``risk_low``, ``risk_high``).  The columns ``n``, ``observed`` and ``expected`` sum
    to the model's totals.

    >>> p = pl.DataFrame({"expected": [0.1, 0.9], "n": [5, 5], "events": [1, 4]})
    >>> calibration_table(p, groups=2).select("decile", "n", "observed").rows()
    [(1, 5, 1), (2, 5, 4)]
    """
    total = patterns["n"].sum()
    ranked = (
        patterns.group_by("expected")
        .agg(pl.col("n").sum(), pl.col("events").sum())
        .sort("expected")
        .with_columns(
            ((pl.col("n").cum_sum() - pl.col("n")) * groups // total + 1)
            .cast(pl.Int64)
            .alias("decile")
        )
    )
    return (
        ranked.group_by("decile")
        .agg(
            pl.col("n").sum().cast(pl.Int64),
            pl.col("events").sum().cast(pl.Int64).alias("observed"),
            (pl.col("expected") * pl.col("n")).sum().alias("expected"),
            pl.col("expected").min().alias("risk_low"),
            pl.col("expected").max().alias("risk_high"),
        )
        .with_columns(
            (pl.col("observed") / pl.col("n")).alias("observed_rate"),
            (pl.col("expected") / pl.col("n")).alias("expected_rate"),
        )
        .sort("decile")
    )


def fit_case_mix(indicator: Indicator, patterns: pl.DataFrame) -> CaseMixModel:
    """Fit the indicator's logistic model on its covariate patterns.

    Binomial GLM with logit link (:class:`statsmodels.api.GLM`), the response being the
    pattern's events and non-events, IRLS to a change in deviance below
    :data:`FIT_TOLERANCE`.  Standard errors are the model-based ones (inverse Fisher
    information).  ``patterns`` as :func:`covariate_patterns` returns.  Warnings of the
    fit (perfect separation, typical of a small extract, where some p̂ go to 0 or 1) are
    kept in :attr:`CaseMixModel.fit_warnings`.
    """
    started = time.perf_counter()
    covariates = indicator.covariates
    reference = reference_levels(patterns, covariates)
    x, terms = design_matrix(patterns, covariates, reference)
    events = patterns["events"].to_numpy().astype(np.float64)
    n = patterns["n"].to_numpy().astype(np.float64)
    endog = np.column_stack([events, n - events])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sm.GLM(endog, x, family=sm.families.Binomial()).fit(tol=FIT_TOLERANCE)
    fitted = patterns.with_columns(pl.Series("expected", result.predict(x), pl.Float64))
    return CaseMixModel(
        indicator_id=indicator.id,
        covariates=covariates,
        reference=reference,
        terms=terms,
        coefficients=np.asarray(result.params),
        standard_errors=np.asarray(result.bse),
        patterns=fitted,
        c_statistic=c_statistic(fitted),
        calibration=calibration_table(fitted),
        seconds=time.perf_counter() - started,
        fit_warnings=tuple(dict.fromkeys(str(w.message) for w in caught)),
    )


def with_expected(
    indicator: Indicator, fitted: pl.DataFrame, cases: pl.DataFrame | None = None
) -> Indicator:
    """The indicator with a case selector that adds each case's ``expected`` (p̂).

    ``fitted`` has the covariates (as levels) and ``expected`` per covariate pattern
    (:attr:`CaseMixModel.patterns`); the cases' covariates become levels as in the fit
    and p̂ is joined on them.  With ``cases`` (the indicator's cases, already collected
    from one extract) the selector gives those rows instead of selecting them again, so
    it belongs to that extract only.
    """
    select = indicator.cases
    covariates = list(indicator.covariates)
    lookup = fitted.select(*covariates, "expected").lazy()

    def selected(tables: dict[str, pl.LazyFrame], ctx: CaseContext) -> pl.LazyFrame:
        return select(tables, ctx) if cases is None else cases.lazy()

    def with_p(tables: dict[str, pl.LazyFrame], ctx: CaseContext) -> pl.LazyFrame:
        rows = selected(tables, ctx).with_columns(covariate_levels(indicator.covariates))
        return rows.drop("expected", strict=False).join(lookup, on=covariates, how="left")

    return replace(indicator, cases=with_p)


def fit_case_mix_models(
    indicators: list[Indicator],
    tables: dict[str, pl.LazyFrame],
    ctx: CaseContext,
    *,
    period_start: date | None,
    period_end: date | None,
) -> tuple[list[Indicator], dict[str, CaseMixModel]]:
    """Fit every case-mix indicator's model; the others pass unchanged.

    Each model is fitted on the indicator's cases whose ``period_date`` lies in
    ``period_start``..``period_end`` (the extract's period: the cases the indicator
    counts), nationally and over all its periods.  Returns the indicators, the case-mix
    ones with selectors that give their cases (collected here, once, in one
    ``collect_all``) with ``expected`` added (:func:`with_expected`), and the fitted models
    by indicator id.
    """
    case_mix = [i for i in indicators if i.kind == "case_mix"]
    if not case_mix:
        return indicators, {}
    collected = pl.collect_all(indicator.cases(tables, ctx) for indicator in case_mix)
    cases = {i.id: frame for i, frame in zip(case_mix, collected, strict=True)}
    return fit_on_cases(indicators, cases, period_start=period_start, period_end=period_end)


def fit_on_cases(
    indicators: list[Indicator],
    cases: dict[str, pl.DataFrame],
    *,
    period_start: date | None,
    period_end: date | None,
) -> tuple[list[Indicator], dict[str, CaseMixModel]]:
    """:func:`fit_case_mix_models` on cases already collected (``cases`` by indicator id).

    The returned case-mix indicators' selectors give those rows with ``expected``
    added, so they belong to the extract the cases came from.
    """
    models, out = {}, {}
    for indicator in (i for i in indicators if i.kind == "case_mix"):
        rows = cases[indicator.id]
        patterns = covariate_patterns(
            indicator, _in_period(rows.lazy(), period_start, period_end)
        ).collect()
        if patterns.height:
            models[indicator.id] = fit_case_mix(indicator, patterns)
            fitted = models[indicator.id].patterns
        else:  # no case: nothing to fit, and nothing expected
            fitted = patterns.with_columns(pl.lit(None, pl.Float64).alias("expected"))
        out[indicator.id] = with_expected(indicator, fitted, rows)
    return [out.get(i.id, i) for i in indicators], models


def _in_period(cases: pl.LazyFrame, start: date | None, end: date | None) -> pl.LazyFrame:
    """The cases whose ``period_date`` lies in ``start``..``end`` (either may be open)."""
    if start is not None:
        cases = cases.filter(pl.col("period_date") >= start)
    if end is not None:
        cases = cases.filter(pl.col("period_date") <= end)
    return cases
