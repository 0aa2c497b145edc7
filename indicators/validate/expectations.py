"""Great Expectations expectations for Norwegian identifiers, which GX does not ship.

Two column-map expectations, each backed by a pandas metric that calls the package's own
vectorised check-digit expressions (:mod:`indicators.reference.identifiers`), so the GX
suites and the rest of the package agree on what a valid orgnr or a fødselsnummer is:

``expect_column_values_to_be_valid_orgnr``
    Nine digits whose modulus-11 check digit is right (Brønnøysundregistrene).
``expect_column_values_to_have_no_fodselsnummer``
    No 11-digit run that passes both fødselsnummer check digits (Skatteetaten).

Importing this module registers both with GX; :mod:`indicators.validate.suites` does so
before it reads or builds a suite, so a suite file uses them like any built-in
expectation (``{"type": "expect_column_values_to_be_valid_orgnr", "kwargs": {"column":
"trust_id"}}``).  They are built on the classes GX documents for custom expectations
(``great_expectations.expectations.expectation.ColumnMapExpectation``, a
``ColumnMapMetricProvider`` with ``column_condition_partial`` for
``PandasExecutionEngine``).  The other rule kinds need no custom class: a code list or a
shape is GX's in-set or regex expectation, a date not after the extract date is
``expect_column_values_to_be_between`` with the suite parameter ``extract_date``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
import polars as pl
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from indicators.reference.identifiers import fodselsnummer_like, orgnr_is_valid


def _as_polars(column: pd.Series) -> pl.Series:
    values = column.to_numpy(dtype=object, na_value=None)
    return pl.Series("value", values, dtype=pl.String, strict=False)


def _to_pandas(values: pl.Series, index: pd.Index) -> pd.Series:
    return pd.Series(values.fill_null(True).to_numpy(), index=index, dtype=bool)


class ColumnValuesValidOrgnr(ColumnMapMetricProvider):
    """Metric: True where a value is a nine-digit orgnr with a valid check digit."""

    condition_metric_name = "column_values.indicators_valid_orgnr"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        series = _as_polars(column)
        ok = pl.select(orgnr_is_valid(pl.lit(series))).to_series()
        return _to_pandas(ok, column.index)


class ColumnValuesNoFodselsnummer(ColumnMapMetricProvider):
    """Metric: True where a value contains no fødselsnummer-like 11-digit run."""

    condition_metric_name = "column_values.indicators_no_fodselsnummer"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        series = _as_polars(column)
        # Only values with 11 digits in a row can hold one: test those alone.
        candidate = series.str.contains(r"[0-9]{11}").fill_null(False)
        ok = np.ones(len(series), dtype=bool)
        if candidate.any():
            found = pl.select(fodselsnummer_like(pl.lit(series.filter(candidate)))).to_series()
            ok[candidate.to_numpy()] = ~found.fill_null(False).to_numpy()
        return pd.Series(ok, index=column.index, dtype=bool)


class ExpectColumnValuesToBeValidOrgnr(ColumnMapExpectation):
    """Expect column values to be nine-digit organisation numbers with a valid check digit.

    Weights 3 2 7 6 5 4 3 2, check digit ``11 - (sum mod 11)``; null values are skipped
    (``expect_column_values_to_not_be_null`` covers them).
    """

    map_metric = "column_values.indicators_valid_orgnr"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToHaveNoFodselsnummer(ColumnMapExpectation):
    """Expect no column value to contain a fødselsnummer (11 digits passing both checks).

    The run may sit inside free text; D- and H-numbers count too.  Null values are skipped.
    """

    map_metric = "column_values.indicators_no_fodselsnummer"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)
