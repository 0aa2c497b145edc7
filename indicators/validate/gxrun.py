"""Run a table's Great Expectations suite on its polars frame and read the verdicts back.

GX on pandas checks every row with several passes per expectation, which costs minutes
on the ten million contacts of a national extract.  The suite is therefore run on three
kinds of batch, each exact for the expectations it gets:

schema batch
    The file's column names with its stored types (one all-null row, or none for an
    empty table): the table-level rules (columns present, no extra column, types,
    not empty).
distinct batch
    For the column-map and column-pair rules: the distinct values (or value pairs) of the
    columns the expectation reads, with their frequency.  A map expectation's verdict on a
    row depends only on those values, so GX's verdict on each distinct value, weighted by
    its frequency, is its verdict on the rows; the failing rows are found by joining the
    failing values back (in polars).
row batch
    For uniqueness, which depends on the other rows: the rule's columns, every row.

``tests/validate/test_gxrun.py`` checks that this gives GX's own unexpected counts on
the full rows.  Nothing here imports outside :mod:`indicators.validate` but GX, pandas
and polars.
"""

from __future__ import annotations

import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from indicators.extract.model import EXTRACT
from indicators.validate import suites
from indicators.validate.results import EXAMPLE_VALUES, RuleResult, mask_value
from indicators.validate.rules import Rule, rules_for

gx = suites.gx
#: Frequency column added to distinct batches.
COUNT = "__rows"
#: Row-position column of row batches and of the failing-row tables.
ROW = "__row"


@dataclass
class TableOutcome:
    """Results of one table's suite, the failing row positions per rule and GX time."""

    results: list[RuleResult] = field(default_factory=list)
    failing_rows: dict[str, pl.Series] = field(default_factory=dict)
    gx_seconds: float = 0.0


class GXRunner:
    """One ephemeral GX context (no files, no network) that validates tables."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(
            globally=False
        )
        asset = self.context.data_sources.add_pandas("extract").add_dataframe_asset("table")
        self._batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        self.gx_seconds = 0.0

    def _validate(
        self, name: str, frame: pd.DataFrame, rules: list[Rule], parameters: dict[str, Any]
    ) -> list[Any]:
        start = time.perf_counter()
        batch = self._batch_definition.get_batch(batch_parameters={"dataframe": frame})
        suite = gx.ExpectationSuite(
            name=name, expectations=[suites.expectation_for(r) for r in rules]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = batch.validate(
                suite,
                result_format={
                    "result_format": "COMPLETE",
                    "partial_unexpected_count": EXAMPLE_VALUES,
                    "return_unexpected_index_query": False,
                },
                expectation_parameters=parameters,
            )
        self.gx_seconds += time.perf_counter() - start
        by_id = {r.expectation_config.meta["rule_id"]: r for r in result.results}
        return [by_id[r.id] for r in rules]

    def check_schema(
        self, table: str, raw_schema: dict[str, pl.DataType], height: int
    ) -> list[RuleResult]:
        """Check the table-level rules on the file's columns, stored types and row count."""
        rules = [r for r in rules_for(table) if r.level == "table"]
        absent = [r for r in rules if r.column is not None and r.column not in raw_schema]
        checked = [r for r in rules if r not in absent]
        frame = schema_frame(raw_schema, height)
        gx_results = self._validate(f"{table}.schema", frame, checked, {})
        results = {
            r.id: _table_result(r, res, height) for r, res in zip(checked, gx_results, strict=True)
        }
        for r in absent:
            results[r.id] = RuleResult(
                r.id, table, True, height, 0, detail="not checked: the column is missing"
            )
        return [results[r.id] for r in rules]

    def check_rows(
        self, table: str, frame: pl.DataFrame, parameters: dict[str, Any]
    ) -> TableOutcome:
        """Check the row-level rules of the table's suite on ``frame`` (the loaded table).

        Rules that need a suite parameter that is missing (no extract date) fail with a
        detail saying so, without running.
        """
        outcome = TableOutcome()
        start = self.gx_seconds
        row_rules = [r for r in rules_for(table) if r.level == "row" and not r.cross_table]
        groups: dict[tuple[str, ...], list[Rule]] = defaultdict(list)
        for rule in row_rules:
            if _needs_parameter(rule) and not parameters:
                outcome.results.append(
                    RuleResult(
                        rule.id,
                        table,
                        False,
                        frame.height,
                        0,
                        detail="not checked: the manifest has no extract_date "
                        "(give one with --extract-date)",
                    )
                )
                continue
            groups[rule.columns].append(rule)
        single = {c: g for c, g in groups.items() if len(c) == 1 and not _by_row(g)}
        if single:
            self._check_distinct_columns(table, frame, single, parameters, outcome)
        for columns, group in groups.items():
            if columns in single:
                continue
            name = f"{table}.{'+'.join(columns)}"
            if _by_row(group):
                keys = frame.select(columns)
                gx_results = self._validate(name, to_pandas(keys), group, parameters)
                for rule, res in zip(group, gx_results, strict=True):
                    index = res.result.get("unexpected_index_list") or []
                    rows = pl.Series(ROW, index, dtype=pl.UInt32)
                    outcome.results.append(_row_result(rule, res, frame.height, rows.len()))
                    if rows.len():
                        outcome.failing_rows[rule.id] = rows
                continue
            distinct = frame.group_by(columns, maintain_order=True).agg(pl.len().alias(COUNT))
            gx_results = self._validate(
                name, to_pandas(distinct.select(columns)), group, parameters
            )
            for rule, res in zip(group, gx_results, strict=True):
                index = res.result.get("unexpected_index_list") or []
                failing = distinct[index].drop(COUNT) if index else None
                self._add_weighted(rule, res, frame, failing, outcome)
        outcome.gx_seconds = self.gx_seconds - start
        order = {r.id: i for i, r in enumerate(row_rules)}
        outcome.results.sort(key=lambda r: order[r.rule_id])
        return outcome

    def _check_distinct_columns(
        self,
        table: str,
        frame: pl.DataFrame,
        groups: dict[tuple[str, ...], list[Rule]],
        parameters: dict[str, Any],
        outcome: TableOutcome,
    ) -> None:
        """One GX run for every one-column map rule of a table, on distinct values.

        Each column holds its distinct values, padded to the longest by repeating its
        first value (a repeat changes no verdict: the failing values are the same set).
        """
        values = {c: frame.get_column(c).unique(maintain_order=True) for (c,) in groups}
        longest = max(v.len() for v in values.values())
        padded = pl.DataFrame(
            [
                v.extend(pl.Series(c, [v[0]] * (longest - v.len()), dtype=v.dtype))
                if v.len() < longest
                else v
                for c, v in values.items()
            ]
        )
        rules = [r for g in groups.values() for r in g]
        gx_results = self._validate(f"{table}.values", to_pandas(padded), rules, parameters)
        for rule, res in zip(rules, gx_results, strict=True):
            index = res.result.get("unexpected_index_list") or []
            failing = padded.select(rule.columns)[index].unique() if index else None
            self._add_weighted(rule, res, frame, failing, outcome)

    @staticmethod
    def _add_weighted(
        rule: Rule,
        res: Any,
        frame: pl.DataFrame,
        failing: pl.DataFrame | None,
        outcome: TableOutcome,
    ) -> None:
        """Record a distinct-value verdict as rows: the rows holding a failing value."""
        rows = _rows_with(frame, failing) if failing is not None else pl.Series(ROW, [])
        outcome.results.append(_row_result(rule, res, frame.height, rows.len()))
        if rows.len():
            outcome.failing_rows[rule.id] = rows


def _by_row(group: list[Rule]) -> bool:
    return any(r.kind == "unique" for r in group)


def _needs_parameter(rule: Rule) -> bool:
    return rule.kind in ("not_after_extract_date", "age")


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
    values = res.result.get("partial_unexpected_list") or []
    out = []
    for value in values[:EXAMPLE_VALUES]:
        if isinstance(value, (tuple, list)):
            value = " / ".join(_plain(v) for v in value)
        out.append(mask_value(_plain(value)))
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


def _row_result(rule: Rule, res: Any, height: int, unexpected: int) -> RuleResult:
    detail = _exception(res)
    success = bool(res.success) and not detail
    return RuleResult(
        rule.id,
        rule.table,
        success,
        height,
        unexpected,
        examples=[] if success else _examples(res),
        detail=detail,
    )


def _table_result(rule: Rule, res: Any, height: int) -> RuleResult:
    detail = _exception(res)
    success = bool(res.success) and not detail
    result = res.result or {}
    unexpected = 0 if success else 1
    examples: list[str] = []
    if rule.kind in ("columns_present", "columns_no_extra"):
        mismatched = (result.get("details") or {}).get("mismatched") or {}
        key = "missing" if rule.kind == "columns_present" else "unexpected"
        names = list(mismatched.get(key) or [])
        success = success or not names
        unexpected = len(names)
        examples = [mask_value(n) for n in names[:EXAMPLE_VALUES]]
        if names:
            detail = detail or f"{key} column(s): {', '.join(map(mask_value, names))}"
    elif rule.kind == "type" and not success:
        observed = ", ".join(map(str, result.get("partial_unexpected_list") or []))
        detail = detail or f"stored as {observed}; accepted: {', '.join(rule.param('types'))}"
        examples = [observed]
    elif rule.kind == "not_empty" and not success:
        detail = detail or "the table has no rows"
    return RuleResult(rule.id, rule.table, success, height, unexpected, examples, detail)


# ---------------------------------------------------------------------------
# polars -> pandas, without pyarrow
# ---------------------------------------------------------------------------
def stored_type(dtype: pl.DataType) -> str:
    """The family of a stored polars type, as the ``<table>.<column>.type`` rules name it.

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


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """Convert a table to pandas for GX without pyarrow.

    Text stays text (null as missing), dates become ``datetime64[ms]`` (NaT for null),
    integers become float64 where nulls occur, lists are joined with ``|``.
    """
    columns: dict[str, Any] = {}
    for name, dtype in frame.schema.items():
        series = frame.get_column(name)
        if isinstance(dtype, pl.List):
            series = series.list.join(suites.LIST_SEPARATOR)
            dtype = pl.String()
        if dtype == pl.String:
            columns[name] = pd.Series(series.to_numpy(), dtype="str")
        elif dtype == pl.Date:
            columns[name] = pd.Series(series.cast(pl.Datetime("ms")).to_numpy())
        elif dtype == pl.Boolean:
            columns[name] = pd.Series(series.to_numpy(), dtype="boolean")
        else:
            columns[name] = pd.Series(series.to_numpy())
    return pd.DataFrame(columns, index=pd.RangeIndex(frame.height))


def model_schema(table: str) -> dict[str, pl.DataType]:
    """The canonical schema of ``table`` (what a CSV file is read as)."""
    return dict(EXTRACT[table].schema)
