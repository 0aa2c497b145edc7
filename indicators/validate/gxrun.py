"""Run the tables' Great Expectations suites on their polars frames, with GX's public API.

The suites are read from the suite files (:func:`indicators.validate.suites.load_suites`);
every expectation stands for one rule (:func:`indicators.validate.suites.rule_of`).  One
ephemeral GX context holds a pandas data source with a dataframe asset and a
whole-dataframe batch definition; each batch is validated by a
``ValidationDefinition`` of a suite of the expectations it gets, with
``run(batch_parameters={"dataframe": df}, expectation_parameters=...)`` (GX's public API;
the batch is built once, where ``Batch.validate`` would build it twice).

GX on pandas checks every row with several passes per expectation, which costs minutes
on the ten million contacts of a national extract.  The expectations of a suite are
therefore run on four kinds of batch, each exact for the expectations it gets:

schema batch
    The file's column names with its stored types (one row, or none for an empty
    table): the expectations of level ``table`` (columns present, no extra column,
    types, not empty).
distinct batches
    For column-map expectations (GX's ``ColumnMapExpectation``: in a set, a regex,
    between, not null, the custom ones): each column's distinct values.  A map
    expectation's verdict on a row depends only on its value, so GX's verdict on each
    distinct value is its verdict on the rows holding it; the failing rows are found by
    joining the failing values back (in polars).  Columns with few distinct values share
    one batch (each padded to the longest by repeating its first value, which changes no
    verdict); a column with many (an id) gets its own.  The text columns outside the
    model are checked the same way with the suite's ``meta.extra_columns`` expectation.
pair batches
    For column-pair map expectations (date order): the distinct value pairs.
key batches
    For uniqueness, which depends on the other rows: the rule's columns, every row, each
    value replaced by its dense rank (equal values get equal integers, different values
    different ones, null stays null).  GX's verdict on the ranks is its verdict on the
    values.

Any other expectation (an aggregate such as ``expect_column_max_to_be_between``, a row
count) is run on the whole table.

A text column with a batch of its own (an id) is given to GX as a pandas ``Categorical``
whose categories are its distinct values, when every expectation it gets treats such a
column as text (:data:`CATEGORY_SAFE`: null checks, code lists, regexes, lengths, the
package's own identifier checks).  GX labels every pandas batch it builds with a
fingerprint (an md5 over pandas' hash of every value, for frames under 1 GB), and its
public API has no switch for it; pandas hashes a text column by first factorising it,
while a categorical column is hashed through its categories alone.  For the ten million
distinct ``contact_id`` values of a national extract, measured side by side: 15.4 s
inside GX as text, 4.8 s as categories, the same verdicts
(``tests/validate/test_gxrun.py`` checks them for every type in :data:`CATEGORY_SAFE`).

``tests/validate/test_gxrun.py`` checks that all this gives GX's own unexpected counts
and rows on the full tables.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from great_expectations.expectations import Expectation
from great_expectations.expectations.expectation import (
    ColumnMapExpectation,
    ColumnPairMapExpectation,
)

from indicators.validate import suites
from indicators.validate.results import EXAMPLE_VALUES, RuleResult, mask_value
from indicators.validate.rules import Rule

gx = suites.gx
#: Row-position column of the failing-row tables.
ROW = "__row"
#: Columns with at most this many distinct values share one distinct batch; a column
#: with more gets a batch of its own (padding others to its length would cost more).
SHARED_BATCH_VALUES = 50_000
#: Expectation types checked on ranks, every row (see the module docstring).
UNIQUE_TYPES = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")
#: Column-map expectation types that judge a pandas ``Categorical`` of text values as they
#: judge the text itself (checked for each in ``tests/validate/test_gxrun.py``).
CATEGORY_SAFE = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_values_to_match_regex_list",
        "expect_column_values_to_not_match_regex_list",
        "expect_column_value_lengths_to_equal",
        "expect_column_value_lengths_to_be_between",
        "expect_column_values_to_have_no_fodselsnummer",
        "expect_column_values_to_be_valid_orgnr",
    }
)
#: How much of GX's result is asked for.
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": EXAMPLE_VALUES,
    "return_unexpected_index_query": False,
}

#: Reason a rule that needs the extract date is not checked.
NO_EXTRACT_DATE = (
    "no extract date is known (none in manifest.json, none given with --extract-date, "
    "and no date in the extract to fall back on)"
)

#: An expectation of a suite with the rule it stands for.
Check = tuple[Rule, Expectation]


@dataclass
class TableOutcome:
    """Results of one table's suite, the failing row positions per rule and GX time."""

    results: list[RuleResult] = field(default_factory=list)
    failing_rows: dict[str, pl.Series] = field(default_factory=dict)
    gx_seconds: float = 0.0


def _key(configuration: Any) -> tuple[str, str | None]:
    """What identifies an expectation within a batch: its rule id and column."""
    return configuration.meta["rule_id"], configuration.kwargs.get("column")


def _parameters_needed(expectation: Expectation) -> bool:
    """True if the expectation refers to a suite parameter (``{"$PARAMETER": ...}``)."""
    return any(
        isinstance(v, dict) and "$PARAMETER" in v for v in expectation.configuration.kwargs.values()
    )


def suite_checks(table: str, suite: gx.ExpectationSuite) -> list[Check]:
    """Every expectation of ``table``'s suite with its rule; ``meta.rule_id`` is set."""
    out = []
    for expectation in suite.expectations:
        rule = suites.rule_of(table, expectation)
        expectation.meta = {**(expectation.meta or {}), "rule_id": rule.id}
        out.append((rule, expectation))
    return out


class GXRunner:
    """One ephemeral GX context (no files, no network) that validates the suites' tables.

    ``suites`` are the suites by table (default: :func:`suites.load_suites` of the
    default directory).
    """

    def __init__(self, table_suites: dict[str, gx.ExpectationSuite] | None = None) -> None:
        self.context = gx.get_context(mode="ephemeral")
        # GX reads this setting as a mapping; its config class is not in the public API.
        self.context.variables.progress_bars = {"globally": False}  # type: ignore[assignment]
        asset = self.context.data_sources.add_pandas("extract").add_dataframe_asset("table")
        self._batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        self.suites = table_suites if table_suites is not None else suites.load_suites()
        self.checks = {t: suite_checks(t, s) for t, s in self.suites.items()}
        self.gx_seconds = 0.0
        #: Columns with at most this many distinct values share one distinct batch.
        self.shared_batch_values = SHARED_BATCH_VALUES
        self._runs = 0

    def rules(self, table: str) -> list[Rule]:
        """The rules of ``table``'s suite, in the suite's order, then ``extra_columns``'s."""
        rules = [rule for rule, _ in self.checks.get(table, [])]
        suite = self.suites.get(table)
        extra = suites.extra_columns_expectation(suite, "_") if suite is not None else None
        return rules + ([extra[0]] if extra else [])

    def _validate(
        self,
        name: str,
        frame: pd.DataFrame,
        expectations: list[Expectation],
        parameters: dict[str, Any] | None = None,
    ) -> list[Any]:
        """Validate ``frame`` against ``expectations``; one GX result per expectation."""
        start = time.perf_counter()
        self._runs += 1
        suite = self.context.suites.add(
            gx.ExpectationSuite(name=f"{name}#{self._runs}", expectations=expectations)
        )
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=self._batch_definition, suite=suite)
        )
        result = definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters or {},
            result_format=RESULT_FORMAT,
        )
        self.context.validation_definitions.delete(suite.name)
        self.context.suites.delete(suite.name)
        self.gx_seconds += time.perf_counter() - start
        by_key = {_key(r.expectation_config): r for r in result.results}
        return [by_key[_key(e.configuration)] for e in expectations]

    def check_schema(
        self, table: str, raw_schema: dict[str, pl.DataType], height: int
    ) -> list[RuleResult]:
        """Check the table-level expectations of the suite on the file's columns and types."""
        checks = [(r, e) for r, e in self.checks.get(table, []) if r.level == "table"]
        absent = [(r, e) for r, e in checks if any(c not in raw_schema for c in r.columns)]
        checked = [c for c in checks if c not in absent]
        gx_results = self._validate(
            f"{table}.schema", schema_frame(raw_schema, height), [e for _, e in checked]
        )
        results = {
            r.id: _table_result(r, e, res, height)
            for (r, e), res in zip(checked, gx_results, strict=True)
        }
        for r, _ in absent:
            results[r.id] = RuleResult.skipped(r, "the column is missing", rows=height)
        return [results[r.id] for r, _ in checks]

    def check_rows(
        self,
        table: str,
        frame: pl.DataFrame,
        parameters: dict[str, Any],
        extra: pl.DataFrame | None = None,
    ) -> TableOutcome:
        """Check the row-level expectations of the table's suite on ``frame``.

        ``extra`` holds the file's text columns outside the model (same rows), which the
        suite's ``meta.extra_columns`` expectation searches.  Expectations that need a
        suite parameter that is missing (no extract date), or name a column the table
        does not have, are not checked.
        """
        outcome = TableOutcome()
        start = self.gx_seconds
        checks = [(r, e) for r, e in self.checks.get(table, []) if r.level != "table"]
        values: list[tuple[Check, str]] = []
        pairs: dict[tuple[str, ...], list[Check]] = {}
        whole: list[Check] = []
        keys_free_of_repeats: set[str] = set()
        for rule, expectation in checks:
            missing = [c for c in rule.columns if c not in frame.columns]
            if _parameters_needed(expectation) and not parameters:
                outcome.results.append(RuleResult.skipped(rule, NO_EXTRACT_DATE, rows=frame.height))
            elif missing:
                reason = f"the table has no column {', '.join(missing)}"
                outcome.results.append(RuleResult.skipped(rule, reason, rows=frame.height))
            elif expectation.expectation_type in UNIQUE_TYPES:
                if self._check_unique(rule, expectation, frame, outcome) and rule.column:
                    keys_free_of_repeats.add(rule.column)
            elif isinstance(expectation, ColumnMapExpectation):
                values.append(((rule, expectation), rule.columns[0]))
            elif isinstance(expectation, ColumnPairMapExpectation):
                pairs.setdefault(rule.columns, []).append((rule, expectation))
            else:
                whole.append((rule, expectation))
        self._check_extra_columns(table, frame.height, extra, parameters, outcome)
        columns = {c: frame.get_column(c) for _, c in values}
        verdicts = self._check_values(table, columns, values, parameters, keys_free_of_repeats)
        for (rule, _), column in values:
            res, failing = verdicts[rule.id, column]
            rows = _rows_with(frame, failing.to_frame()) if failing is not None else _no_rows()
            _add(outcome, rule, res, frame.height, rows)
        for columns_, group in pairs.items():
            self._check_on_rows(
                table,
                frame.select(columns_).unique(maintain_order=True),
                frame,
                group,
                parameters,
                outcome,
            )
        if whole:
            self._check_on_rows(table, frame, frame, whole, parameters, outcome)
        outcome.gx_seconds = self.gx_seconds - start
        order = {r.id: i for i, r in enumerate(self.rules(table))}
        outcome.results.sort(key=lambda r: order.get(r.rule_id, len(order)))
        return outcome

    def _check_on_rows(
        self,
        table: str,
        batch: pl.DataFrame,
        frame: pl.DataFrame,
        checks: list[Check],
        parameters: dict[str, Any],
        outcome: TableOutcome,
    ) -> None:
        """Validate ``batch``: ``frame``'s distinct value pairs, or ``frame`` itself.

        Failing value pairs are joined back to ``frame``'s rows; on ``frame`` itself GX's
        row positions are the rows.
        """
        distinct = batch.height != frame.height or batch.columns != frame.columns
        label = f"{table}.{'+'.join(batch.columns) or 'rows'}"
        data = to_pandas(batch) if batch.width else pd.DataFrame(index=pd.RangeIndex(batch.height))
        gx_results = self._validate(label, data, [e for _, e in checks], parameters)
        for (rule, _), res in zip(checks, gx_results, strict=True):
            index = (res.result or {}).get("unexpected_index_list") or []
            index = [int(i) for i in index if isinstance(i, (int, np.integer))]
            if not index:
                rows = _no_rows()
            elif distinct and batch.width:
                rows = _rows_with(frame, batch[index])
            else:
                rows = pl.Series(ROW, index, dtype=pl.UInt32).sort()
            _add(outcome, rule, res, frame.height, rows)

    def _check_values(
        self,
        table: str,
        columns: dict[str, pl.Series],
        checks: list[tuple[Check, str]],
        parameters: dict[str, Any],
        already_distinct: Collection[str] = (),
    ) -> dict[tuple[str, str], tuple[Any, pl.Series | None]]:
        """GX's verdict on every (expectation, column) check, on the columns' distinct values.

        Columns in ``already_distinct`` hold no value twice (nulls aside, which change no
        verdict) and are taken as they are.  Returns, per ``(rule id, column)``, the GX
        result and the failing distinct values (None if none fail).
        """
        distinct = {c: s for c, s in columns.items() if c in already_distinct}
        distinct |= _distinct({c: s for c, s in columns.items() if c not in already_distinct})
        distinct = {c: distinct[c] for c in columns}
        shared = [c for c, v in distinct.items() if v.len() <= self.shared_batch_values]
        batches = ([shared] if shared else []) + [[c] for c in distinct if c not in shared]
        out: dict[tuple[str, str], tuple[Any, pl.Series | None]] = {}
        for names in batches:
            longest = max(distinct[c].len() for c in names)
            padded = pl.DataFrame([_pad(distinct[c], longest) for c in names])
            batch_checks = [(chk, c) for chk, c in checks if c in names]
            expectations = [e for (_, e), _ in batch_checks]
            label = f"{table}.{'+'.join(names) if len(names) == 1 else 'values'}"
            as_categories = names if len(names) == 1 and _category_safe(expectations) else []
            data = to_pandas(padded, categories=as_categories)
            gx_results = self._validate(label, data, expectations, parameters)
            for ((rule, _), column), res in zip(batch_checks, gx_results, strict=True):
                index = (res.result or {}).get("unexpected_index_list") or []
                failing = padded.get_column(column)[index].unique() if index else None
                out[rule.id, column] = (res, failing)
        return out

    def _check_unique(
        self, rule: Rule, expectation: Expectation, frame: pl.DataFrame, outcome: TableOutcome
    ) -> bool:
        """Uniqueness on every row, with each value replaced by its dense rank.

        Returns True if GX found no value twice.
        """
        ranks = frame.select(pl.col(c).rank("dense") for c in rule.columns)
        (res,) = self._validate(
            f"{rule.table}.{'+'.join(rule.columns)}", to_pandas(ranks), [expectation]
        )
        index = (res.result or {}).get("unexpected_index_list") or []
        rows = pl.Series(ROW, index, dtype=pl.UInt32).sort()
        examples = [
            " / ".join(str(_plain(v)) for v in row)
            for row in frame[rows]
            .select(rule.columns)
            .unique(maintain_order=True)
            .head(EXAMPLE_VALUES)
            .rows()
        ]
        _add(outcome, rule, res, frame.height, rows, examples=examples)
        return bool(res.success) and not _exception(res)

    def _check_extra_columns(
        self,
        table: str,
        height: int,
        extra: pl.DataFrame | None,
        parameters: dict[str, Any],
        outcome: TableOutcome,
    ) -> None:
        """The suite's ``meta.extra_columns`` expectation on each text column outside the model.

        A suite without ``meta.extra_columns`` has no such rule.
        """
        suite = self.suites.get(table)
        template = suites.extra_columns_expectation(suite, "_") if suite is not None else None
        if suite is None or template is None:
            return
        rule = template[0]
        if extra is None or extra.width == 0:
            outcome.results.append(
                RuleResult.of(rule, True, height, 0, detail="no text column outside the model")
            )
            return
        checks = []
        for column in extra.columns:
            found = suites.extra_columns_expectation(suite, column)
            if found is None:  # the suite has the template, so every column gets one
                continue
            expectation = found[1]
            expectation.meta = {**(expectation.meta or {}), "rule_id": rule.id}
            checks.append(((rule, expectation), column))
        columns = {c: extra.get_column(c) for c in extra.columns}
        verdicts = self._check_values(table, columns, checks, parameters)
        rows = _no_rows()
        examples: list[str] = []
        problems: list[str] = []
        for column in extra.columns:
            res, failing = verdicts[rule.id, column]
            if problem := _exception(res):
                problems.append(f"{column}: {problem}")
            if failing is None:
                continue
            rows = pl.concat([rows, _rows_with(extra, failing.to_frame())]).unique().sort()
            examples += [f"{column}: {e}" for e in _examples(res)]
        outcome.results.append(
            RuleResult.of(
                rule,
                rows.len() == 0 and not problems,
                height,
                rows.len(),
                examples=examples[:EXAMPLE_VALUES],
                detail="; ".join(problems) or f"searched: {', '.join(extra.columns)}",
            )
        )
        if rows.len():
            outcome.failing_rows[rule.id] = rows


def _distinct(columns: dict[str, pl.Series]) -> dict[str, pl.Series]:
    """Each column's distinct values, sorted (nulls first), so examples come in a stable order.

    One hash pass per column (the sort is of the distinct values only), the columns
    computed side by side in one ``collect_all``.  Through the lazy engine: 1.9 s for
    the nine columns of ten million contacts, where ``Series.unique(maintain_order=True)``
    took 6.9 s side by side.
    """
    queries = [s.to_frame(c).lazy().select(pl.col(c).unique().sort()) for c, s in columns.items()]
    return {c: f.to_series() for c, f in zip(columns, pl.collect_all(queries), strict=True)}


def _category_safe(expectations: list[Expectation]) -> bool:
    return all(e.expectation_type in CATEGORY_SAFE for e in expectations)


def _pad(values: pl.Series, length: int) -> pl.Series:
    """``values`` extended to ``length`` by repeating its first value (no verdict changes)."""
    if values.len() >= length:
        return values
    return values.extend(
        pl.Series(values.name, [values[0]] * (length - values.len()), dtype=values.dtype)
    )


def _no_rows() -> pl.Series:
    return pl.Series(ROW, [], dtype=pl.UInt32)


def _add(
    outcome: TableOutcome,
    rule: Rule,
    res: Any,
    height: int,
    rows: pl.Series,
    *,
    examples: list[str] | None = None,
) -> None:
    """Record a verdict on ``rows`` (the failing row positions) in ``outcome``."""
    outcome.results.append(_row_result(rule, res, height, rows.len(), examples))
    if rows.len():
        outcome.failing_rows[rule.id] = rows


def _rows_with(frame: pl.DataFrame, failing: pl.DataFrame) -> pl.Series:
    """Row positions of ``frame`` whose values in ``failing``'s columns are a failing row."""
    columns = failing.columns
    return (
        frame.select(columns)
        .with_row_index(ROW)
        .join(failing, on=columns, how="semi", nulls_equal=True)
        .get_column(ROW)
        .sort()
    )


def _examples(res: Any) -> list[str]:
    """Up to :data:`EXAMPLE_VALUES` distinct failing values, masked, in GX's order."""
    values = res.result.get("unexpected_list")
    if values is None:
        values = res.result.get("partial_unexpected_list") or []
    out: list[str] = []
    for value in values:
        if isinstance(value, (tuple, list)):
            value = " / ".join(str(_plain(v)) for v in value)
        text = mask_value(_plain(value))
        if text not in out:
            out.append(text)
            if len(out) == EXAMPLE_VALUES:
                break
    return out


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else stamp.date().isoformat()
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    return value


def _exception(res: Any) -> str:
    info = res.exception_info or {}
    if info.get("raised_exception"):
        return f"GX could not check this rule: {info.get('exception_message')}"
    return ""


def _row_result(
    rule: Rule, res: Any, height: int, unexpected: int, examples: list[str] | None = None
) -> RuleResult:
    detail = _exception(res)
    success = bool(res.success) and not detail
    return RuleResult.of(
        rule,
        success,
        height,
        unexpected,
        examples=[] if success else (examples if examples is not None else _examples(res)),
        detail=detail,
    )


def _table_result(rule: Rule, expectation: Expectation, res: Any, height: int) -> RuleResult:
    """A table-level verdict: missing or extra columns, stored types, an empty table."""
    detail = _exception(res)
    success = bool(res.success) and not detail
    result = res.result or {}
    kwargs = expectation.configuration.kwargs
    unexpected = 0 if success else 1
    examples: list[str] = []
    kind = expectation.expectation_type
    if kind == "expect_table_columns_to_match_set":
        mismatched = (result.get("details") or {}).get("mismatched") or {}
        key = "unexpected" if kwargs.get("exact_match", True) else "missing"
        names = list(mismatched.get(key) or [])
        success = success or not names
        unexpected = len(names)
        examples = [mask_value(n) for n in names[:EXAMPLE_VALUES]]
        if names:
            detail = detail or f"{key} column(s): {', '.join(map(mask_value, names))}"
    elif kind == "expect_column_values_to_be_in_set" and not success:
        observed = ", ".join(map(str, result.get("partial_unexpected_list") or []))
        accepted = ", ".join(map(str, kwargs.get("value_set") or []))
        detail = detail or f"stored as {observed}; accepted: {accepted}"
        examples = [observed]
    elif kind == "expect_table_row_count_to_be_between" and not success:
        detail = detail or "the table has no rows"
    return RuleResult.of(rule, success, height, unexpected, examples=examples, detail=detail)


# ---------------------------------------------------------------------------
# polars -> pandas, without pyarrow
# ---------------------------------------------------------------------------
def stored_type(dtype: Any) -> str:
    """The family of a stored polars type, as the ``<table>.<column>.type`` rules name it.

    ``dtype`` is a polars ``DataType`` or its class (``pl.Int64``).

    >>> stored_type(pl.Int64), stored_type(pl.Float64), stored_type(pl.List(pl.String))
    ('integer', 'decimal', 'list of text')
    """
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "decimal"
    if dtype == pl.String or dtype == pl.Categorical or isinstance(dtype, pl.Enum):
        return "text"
    if dtype == pl.Null:
        return "empty"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Boolean:
        return "boolean"
    if isinstance(dtype, pl.List) and stored_type(dtype.inner) in ("text", "empty"):
        return "list of text"
    return f"other ({dtype})"


def schema_frame(raw_schema: dict[str, pl.DataType], height: int) -> pd.DataFrame:
    """The schema batch: the file's columns, each holding its stored type's family.

    One row (none for an empty table), so GX's table-level rules see the column names,
    the stored types (``<t>.<c>.type`` is a value-set rule on this row) and whether the
    table is empty, and nothing of the data.
    """
    rows = min(height, 1)
    return pd.DataFrame(
        {name: pd.Series([stored_type(d)] * rows, dtype=object) for name, d in raw_schema.items()},
        index=pd.RangeIndex(rows),
    )


def to_pandas(frame: pl.DataFrame, categories: Collection[str] = ()) -> pd.DataFrame:
    """Convert a table to pandas for GX without pyarrow.

    Text stays text (null as missing), dates become ``datetime64[ms]`` (NaT for null),
    integers become float64 where nulls occur, lists are joined with ``|``.  Text columns
    named in ``categories``, which must hold no value twice, become a ``Categorical``
    whose categories are their values (see the module docstring).
    """
    columns: dict[str, Any] = {}
    for name, dtype in frame.schema.items():
        series = frame.get_column(name)
        if isinstance(dtype, pl.List):
            series = series.list.join(suites.LIST_SEPARATOR)
            dtype = pl.String()
        if dtype == pl.String and name in categories:
            columns[name] = _categorical(series)
        elif dtype == pl.String:
            columns[name] = pd.Series(series.to_numpy(), dtype="str")
        elif dtype == pl.Date:
            columns[name] = pd.Series(series.cast(pl.Datetime("ms")).to_numpy())
        elif dtype == pl.Boolean:
            columns[name] = pd.Series(series.to_numpy(), dtype="boolean")
        else:
            columns[name] = pd.Series(series.to_numpy())
    return pd.DataFrame(columns, index=pd.RangeIndex(frame.height))


def _categorical(values: pl.Series) -> pd.Categorical:
    """Distinct text values as a pandas ``Categorical``: one category per value, nulls missing."""
    present = values.is_not_null()
    codes = np.where(present.to_numpy(), present.cum_sum().to_numpy() - 1, -1)
    categories = pd.Index(values.drop_nulls().to_numpy(), dtype=object)
    return pd.Categorical.from_codes(codes, categories=categories, validate=False)
