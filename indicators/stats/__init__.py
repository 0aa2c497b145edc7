"""Statistical core: intervals, standardisation, funnels, variation, waiting times, calendar.

Everything is vectorised over units: each function computes for all units (trusts, periods,
strata) at once on polars columns, with group-bys where units form groups.  Nothing here
knows about trusts, extracts or reports.

API conventions
---------------
- **Expression functions** return a ``polars.Expr`` where one output per row is natural,
  and take column names or expressions: ``wilson_lower(x, n, confidence)``,
  ``poisson_upper(observed, confidence)``, ``wilson_funnel_bound(n, target, confidence,
  side)``, ``working_days_between(start, end)``, ``tertial_label(date)``.  Use them inside
  ``select``/``with_columns``/``agg``.
- **Frame functions** take a ``DataFrame`` or ``LazyFrame`` and return the same kind, adding
  columns (``wilson_interval``, ``poisson_interval``, ``ratio_interval``, funnels) or
  aggregating with ``group_by=`` (standardisation, variation, waiting times).  Column names
  are keyword arguments with sensible defaults.
- **Several confidence levels in one call**: ``confidence=(0.95, 0.998)`` gives
  ``lower_95``/``upper_95`` and ``lower_99_8``/``upper_99_8`` (funnels also ``flag_95`` and
  ``flag_99_8``).
- **Outputs describe themselves**: result rows carry ``confidence`` (e.g. ``"95%, 99.8%"``),
  ``statistic`` and ``method`` (per row where it varies, e.g. ``"Byar"``/``"exact"``).
- **Data edge cases give nulls, not errors**: n = 0, E = 0, too few units, null inputs.
  Variation statistics add a ``reason`` column.  Exceptions
  (:class:`~indicators.stats.errors.StatisticsError` and subclasses) are raised only for
  misuse, such as a confidence level outside (0, 1) or an unknown adjustment.
- **Thresholds are named constants**: :data:`BYAR_MIN_COUNT`, :data:`DSR_MIN_COUNT`,
  :data:`WINSORISATION_FRACTION`, :data:`OVERDISPERSION_MIN_UNITS`,
  :data:`VARIATION_MIN_UNITS`, :data:`ASSESSMENT_WORKING_DAYS`, ...

Modules: :mod:`~indicators.stats.proportions` (Wilson), :mod:`~indicators.stats.poisson`
(Byar's and exact counts, O/E ratios), :mod:`~indicators.stats.standardise` (ISR, DSR),
:mod:`~indicators.stats.funnels`, :mod:`~indicators.stats.variation`,
:mod:`~indicators.stats.survival` (Kaplan–Meier), :mod:`~indicators.stats.spc` (statistical
process control: XmR, p, p′ and u charts, special causes) and :mod:`~indicators.stats.calendar`.
"""

from indicators.stats.calendar import (
    ASSESSMENT_WORKING_DAYS,
    HOLIDAY_YEARS,
    add_working_days,
    norwegian_holidays,
    tertial_label,
    working_day_deadline_breached,
    working_days_between,
    year_label,
)
from indicators.stats.errors import ArgumentError, ConfidenceLevelError, StatisticsError
from indicators.stats.funnels import (
    FUNNEL_CONFIDENCE,
    OVERDISPERSION_MIN_UNITS,
    WINSORISATION_FRACTION,
    Adjustment,
    mean_funnel_limits,
    poisson_funnel_bound,
    proportion_funnel_limits,
    ratio_funnel_limits,
    wilson_funnel_bound,
)
from indicators.stats.poisson import (
    BYAR_MIN_COUNT,
    byar_lower,
    byar_upper,
    exact_poisson_lower,
    exact_poisson_upper,
    poisson_interval,
    poisson_lower,
    poisson_method,
    poisson_upper,
    ratio_interval,
)
from indicators.stats.proportions import proportion, wilson_interval, wilson_lower, wilson_upper
from indicators.stats.spc import (
    MR_SCREEN_FACTOR,
    SPC_RUN_LENGTH,
    XMR_LIMIT_FACTOR,
    Improvement,
    assurance,
    chance_signal_share,
    p_chart_limits,
    special_causes,
    u_chart_limits,
    xmr_limits,
)
from indicators.stats.standardise import (
    DSR_MIN_COUNT,
    directly_standardised_rate,
    expected_count,
    indirectly_standardised_ratio,
)
from indicators.stats.survival import MEDIAN_SURVIVAL, waiting_time_curve, waiting_time_summary
from indicators.stats.variation import (
    EXTREMAL_RATIO_MIN_UNITS,
    VARIATION_MIN_UNITS,
    variation_statistics,
)

__all__ = [
    "ASSESSMENT_WORKING_DAYS",
    "BYAR_MIN_COUNT",
    "DSR_MIN_COUNT",
    "EXTREMAL_RATIO_MIN_UNITS",
    "FUNNEL_CONFIDENCE",
    "HOLIDAY_YEARS",
    "MEDIAN_SURVIVAL",
    "MR_SCREEN_FACTOR",
    "OVERDISPERSION_MIN_UNITS",
    "SPC_RUN_LENGTH",
    "VARIATION_MIN_UNITS",
    "WINSORISATION_FRACTION",
    "XMR_LIMIT_FACTOR",
    "Adjustment",
    "ArgumentError",
    "ConfidenceLevelError",
    "Improvement",
    "StatisticsError",
    "add_working_days",
    "assurance",
    "byar_lower",
    "byar_upper",
    "chance_signal_share",
    "directly_standardised_rate",
    "exact_poisson_lower",
    "exact_poisson_upper",
    "expected_count",
    "indirectly_standardised_ratio",
    "mean_funnel_limits",
    "norwegian_holidays",
    "p_chart_limits",
    "poisson_funnel_bound",
    "poisson_interval",
    "poisson_lower",
    "poisson_method",
    "poisson_upper",
    "proportion",
    "proportion_funnel_limits",
    "ratio_funnel_limits",
    "ratio_interval",
    "special_causes",
    "tertial_label",
    "u_chart_limits",
    "variation_statistics",
    "waiting_time_curve",
    "waiting_time_summary",
    "wilson_funnel_bound",
    "wilson_interval",
    "wilson_lower",
    "wilson_upper",
    "working_day_deadline_breached",
    "working_days_between",
    "xmr_limits",
    "year_label",
]
