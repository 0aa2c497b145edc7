"""Run a table's Great Expectations suite on its polars frame and read the verdicts back.

GX on pandas checks every row with several passes per expectation, which costs minutes
on the ten million contacts of a national extract.  The suite is therefore run on four
kinds of batch, each exact for the expectations it gets:

schema batch
    The file's column names with its stored types (one all-null row, or none for an
    empty table): the table-level rules (columns present, no extra column, types,
    not empty).
distinct batches
    For the one-column map rules: each column's distinct values.  A map expectation's
    verdict on a row depends only on its value, so GX's verdict on each distinct value is
    its verdict on the rows holding it; the failing rows are found by joining the failing
    values back (in polars).  Columns with few distinct values share one batch (each
    padded to the longest by repeating its first value, which changes no verdict);
    a column with many (an id) gets its own, so ten other columns are not padded to its
    length.  The text columns outside the model are checked for fødselsnummer the same
    way, one expectation per column.
pair batches
    For the column-pair rules (date order): the distinct value pairs.
key batches
    For uniqueness, which depends on the other rows: the rule's columns, every row, each
    value replaced by its dense rank (equal values get equal integers, different values
    different ones, null stays null).  GX's verdict on the ranks is its verdict on the
    values; comparing integers instead of ten million Python strings is what makes it
    affordable.

Each batch is built once, by the validator that checks it.  GX labels every pandas
batch it builds with a fingerprint, an md5 over pandas' hash of every value; nothing
reads that label, and for ten million strings it costs more than the checks, so it is
switched off while a batch is built (:func:`_without_batch_fingerprint`).  A key column
that the uniqueness rule found free of repeats is its own set of distinct values.

``tests/validate/test_gxrun.py`` checks that all this gives GX's own unexpected counts
and rows on the full tables.  Nothing here imports outside :mod:`indicators.validate`
but GX, pandas and polars.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from great_expectations.execution_engine import pandas_execution_engine
from great_expectations.validator.v1_validator import Validator

from indicators.extract.model import EXTRACT
from indicators.validate import suites
from indicators.validate.results import EXAMPLE_VALUES, RuleResult, mask_value
from indicators.validate.rules import Rule, rules_for

gx = suites.gx
#: Row-position column of the failing-row tables.
ROW = "__row"
#: Columns with at most this many distinct values share one distinct batch; a column
#: with more gets a batch of its own (padding others to its length would cost more).
SHARED_BATCH_VALUES = 50_000

#: Reason a rule that needs the extract date is not checked.
NO_EXTRACT_DATE = (
    "no extract date is known (none in manifest.json, none given with --extract-date, "
    "and no date in the extract to fall back on)"
)


@dataclass
class TableOutcome:
    """Results of one table's suite, the failing row positions per rule and GX time."""

    results: list[RuleResult] = field(default_factory=list)
    failing_rows: dict[str, pl.Series] = field(default_factory=dict)
    gx_seconds: float = 0.0


@contextmanager
def _without_batch_fingerprint() -> Iterator[None]:
    """Build pandas batches without GX's data fingerprint (a label only; see above).

    GX computes it only for frames below ``HASH_THRESHOLD`` bytes; the threshold is set
    to zero while the block runs and restored after.
    """
    previous = getattr(pandas_execution_engine, "HASH_THRESHOLD", None)
    if previous is None:  # a GX release without the setting: nothing to switch off
        yield
        return
    pandas_execution_engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        pandas_execution_engine.HASH_THRESHOLD = previous


def _key(configuration: Any) -> tuple[str, str | None]:
    """What identifies an expectation within a batch: its rule id and column."""
    return configuration.meta["rule_id"], configuration.kwargs.get("column")


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
        self,
        name: str,
        frame: pd.DataFrame,
        expectations: list[Any],
        parameters: dict[str, Any] | None = None,
    ) -> list[Any]:
        """Validate ``frame`` against ``expectations``; one GX result per expectation.

        The batch is built once, by the validator (``Batch.validate`` would build it a
        second time, hashing every value again).
        """
        start = time.perf_counter()
        suite = gx.ExpectationSuite(name=name, expectations=expectations)
        validator = Validator(
            batch_definition=self._batch_definition,
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "COMPLETE",
                "partial_unexpected_count": EXAMPLE_VALUES,
                "return_unexpected_index_query": False,
            },
        )
        with warnings.catch_warnings(), _without_batch_fingerprint():
            warnings.simplefilter("ignore")
            result = validator.validate_expectation_suite(
                suite, expectation_parameters=parameters or {}
            )
        self.gx_seconds += time.perf_counter() - start
        by_key = {_key(r.expectation_config): r for r in result.results}
        return [by_key[_key(e.configuration)] for e in expectations]

    def check_schema(
        self, table: str, raw_schema: dict[str, pl.DataType], height: int
    ) -> list[RuleResult]:
        """Check the table-level rules of the suite on the file's columns, types and rows."""
        rules = [r for r in rules_for(table) if r.level == "table" and r.in_suite]
        absent = [r for r in rules if r.column is not None and r.column not in raw_schema]
        checked = [r for r in rules if r not in absent]
        frame = schema_frame(raw_schema, height)
        gx_results = self._validate(
            f"{table}.schema", frame, [suites.expectation_for(r) for r in checked]
        )
        results = {
            r.id: _table_result(r, res, height) for r, res in zip(checked, gx_results, strict=True)
        }
        for r in absent:
            results[r.id] = RuleResult.skipped(r, "the column is missing", rows=height)
        return [results[r.id] for r in rules]

    def check_rows(
        self,
        table: str,
        frame: pl.DataFrame,
        parameters: dict[str, Any],
        extra: pl.DataFrame | None = None,
    ) -> TableOutcome:
        """Check the row-level rules of the table's suite on ``frame`` (the loaded table).

        ``extra`` holds the file's text columns outside the model (same rows), which the
        ``<table>.extra_columns.no_fodselsnummer`` rule searches.  Rules that need a
        suite parameter that is missing (no extract date) are not checked.
        """
        outcome = TableOutcome()
        start = self.gx_seconds
        row_rules = [r for r in rules_for(table) if r.level == "row" and not r.cross_table]
        values: list[tuple[Rule, str]] = []
        pairs: dict[tuple[str, ...], list[Rule]] = {}
        keys_free_of_repeats: set[str] = set()
        for rule in row_rules:
            if _needs_parameter(rule) and not parameters:
                outcome.results.append(RuleResult.skipped(rule, NO_EXTRACT_DATE, rows=frame.height))
            elif rule.kind == "unique":
                if self._check_unique(rule, frame, outcome) and rule.column is not None:
                    keys_free_of_repeats.add(rule.column)
            elif rule.kind == "extra_no_fodselsnummer":
                self._check_extra_columns(rule, frame.height, extra, outcome)
            elif rule.column is not None:
                values.append((rule, rule.column))
            else:
                pairs.setdefault(rule.columns, []).append(rule)
        verdicts = self._check_values(
            table,
            {c: frame.get_column(c) for _, c in values},
            values,
            parameters,
            keys_free_of_repeats,
        )
        for rule, column in values:
            res, failing = verdicts[rule.id, column]
            rows = _rows_with(frame, failing.to_frame()) if failing is not None else _no_rows()
            _add(outcome, rule, res, frame.height, rows)
        for columns, group in pairs.items():
            value_pairs = frame.select(columns).unique(maintain_order=True)
            gx_results = self._validate(
                f"{table}.{'+'.join(columns)}",
                to_pandas(value_pairs),
                [suites.expectation_for(r) for r in group],
                parameters,
            )
            for rule, res in zip(group, gx_results, strict=True):
                index = res.result.get("unexpected_index_list") or []
                rows = _rows_with(frame, value_pairs[index]) if index else _no_rows()
                _add(outcome, rule, res, frame.height, rows)
        outcome.gx_seconds = self.gx_seconds - start
        order = {r.id: i for i, r in enumerate(row_rules)}
        outcome.results.sort(key=lambda r: order[r.rule_id])
        return outcome

    def _check_values(
        self,
        table: str,
        columns: dict[str, pl.Series],
        checks: list[tuple[Rule, str]],
        parameters: dict[str, Any],
        already_distinct: Collection[str] = (),
    ) -> dict[tuple[str, str], tuple[Any, pl.Series | None]]:
        """GX's verdict on every (rule, column) check, run on the columns' distinct values.

        Columns in ``already_distinct`` hold no value twice (nulls aside, which change no
        verdict) and are taken as they are.  Returns, per ``(rule id, column)``, the GX
        result and the failing distinct values (None if none fail).
        """
        distinct = {
            c: s if c in already_distinct else s.unique(maintain_order=True)
            for c, s in columns.items()
        }
        shared = [c for c, v in distinct.items() if v.len() <= SHARED_BATCH_VALUES]
        batches = ([shared] if shared else []) + [[c] for c in distinct if c not in shared]
        out: dict[tuple[str, str], tuple[Any, pl.Series | None]] = {}
        for names in batches:
            longest = max(distinct[c].len() for c in names)
            padded = pl.DataFrame([_pad(distinct[c], longest) for c in names])
            batch_checks = [(r, c) for r, c in checks if c in names]
            expectations = [suites.expectation_for(r, column=c) for r, c in batch_checks]
            label = f"{table}.{'+'.join(names) if len(names) == 1 else 'values'}"
            gx_results = self._validate(label, to_pandas(padded), expectations, parameters)
            for (rule, column), res in zip(batch_checks, gx_results, strict=True):
                index = res.result.get("unexpected_index_list") or []
                failing = padded.get_column(column)[index].unique() if index else None
                out[rule.id, column] = (res, failing)
        return out

    def _check_unique(self, rule: Rule, frame: pl.DataFrame, outcome: TableOutcome) -> bool:
        """Uniqueness on every row, with each value replaced by its dense rank.

        Returns True if GX found no value twice.
        """
        ranks = frame.select(pl.col(c).rank("dense") for c in rule.columns)
        (res,) = self._validate(
            f"{rule.table}.{'+'.join(rule.columns)}",
            to_pandas(ranks),
            [suites.expectation_for(rule)],
        )
        index = res.result.get("unexpected_index_list") or []
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
        rule: Rule,
        height: int,
        extra: pl.DataFrame | None,
        outcome: TableOutcome,
    ) -> None:
        """The fødselsnummer search in every text column outside the model."""
        if extra is None or extra.width == 0:
            outcome.results.append(
                RuleResult(
                    rule.id, rule.table, True, height, 0, detail="no text column outside the model"
                )
            )
            return
        checks = [(rule, c) for c in extra.columns]
        verdicts = self._check_values(
            rule.table, {c: extra.get_column(c) for c in extra.columns}, checks, {}
        )
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
            RuleResult(
                rule.id,
                rule.table,
                rows.len() == 0 and not problems,
                height,
                rows.len(),
                examples=examples[:EXAMPLE_VALUES],
                detail="; ".join(problems) or f"searched: {', '.join(extra.columns)}",
            )
        )
        if rows.len():
            outcome.failing_rows[rule.id] = rows


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
    return RuleResult(
        rule.id,
        rule.table,
        success,
        height,
        unexpected,
        examples=[] if success else (examples if examples is not None else _examples(res)),
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
