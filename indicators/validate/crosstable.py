"""Rules across tables, which a one-table GX suite cannot express, checked in polars.

Foreign keys (every id resolves in its parent table), the order of a pathway's events
(start <= first_attendance <= clinical_decision <= evaluation, and no event after end)
and contacts inside their referral (a linked contact starts on or after the referral
was received).  Results use :class:`~indicators.validate.results.RuleResult`, like the
GX suites, and appear in the same report; failing rows are quarantined the same way.

Examples
--------
>>> from datetime import date
>>> events = pl.DataFrame(
...     {
...         "pathway_id": ["A", "A", "A"],
...         "event": ["start", "clinical_decision", "first_attendance"],
...         "event_date": [date(2025, 1, 1), date(2025, 1, 5), date(2025, 1, 9)],
...     }
... )
>>> events.filter(pathway_order_broken(events))["event"].to_list()
['clinical_decision', 'first_attendance']

The decision (rank 2) lies before the first attendance (rank 1): both rows are flagged.
"""

from __future__ import annotations

import polars as pl

from indicators.extract.model import PATHWAY_EVENT_ORDER
from indicators.validate.results import EXAMPLE_VALUES, RuleResult, mask_value
from indicators.validate.rules import Rule, rules_for

ROW = "__row"


def pathway_order_broken(events: pl.DataFrame) -> pl.Series:
    """Boolean per event row: True where the row takes part in an order violation.

    A ranked event (:data:`~indicators.extract.model.PATHWAY_EVENT_ORDER`) is flagged if
    it is dated before an event of lower rank or after one of higher rank in the same
    pathway; any other event is flagged if it is dated after the pathway's ``end``.
    """
    rank = pl.col("event").replace_strict(PATHWAY_EVENT_ORDER, default=None, return_dtype=pl.Int32)
    frame = events.select("pathway_id", "event_date", rank.alias("rank")).with_row_index(ROW)
    by_rank = (
        frame.filter(pl.col("rank").is_not_null())
        .group_by("pathway_id", "rank")
        .agg(pl.col("event_date").min().alias("lo"), pl.col("event_date").max().alias("hi"))
        .sort("pathway_id", "rank")
        .with_columns(
            pl.col("hi").cum_max().shift(1).over("pathway_id").alias("before_max"),
            pl.col("lo").cum_min(reverse=True).shift(-1).over("pathway_id").alias("after_min"),
        )
    )
    ends = (
        frame.filter(pl.col("rank") == PATHWAY_EVENT_ORDER["end"])
        .group_by("pathway_id")
        .agg(pl.col("event_date").min().alias("end_date"))
    )
    flagged = (
        frame.join(by_rank, on=["pathway_id", "rank"], how="left", maintain_order="left")
        .join(ends, on="pathway_id", how="left", maintain_order="left")
        .select(
            pl.when(pl.col("rank").is_not_null())
            .then(
                (pl.col("event_date") < pl.col("before_max"))
                | (pl.col("event_date") > pl.col("after_min"))
            )
            .otherwise(pl.col("event_date") > pl.col("end_date"))
            .fill_null(False)
            .alias("broken")
        )
    )
    return flagged.get_column("broken")


def _result(rule: Rule, frame: pl.DataFrame, broken: pl.Series, shown: pl.Expr) -> RuleResult:
    bad = frame.filter(broken)
    examples = [mask_value(v) for v in bad.select(shown).to_series().head(EXAMPLE_VALUES)]
    return RuleResult(
        rule.id,
        rule.table,
        bad.height == 0,
        frame.height,
        bad.height,
        examples=examples,
        engine="polars",
    )


def check_cross_table(
    tables: dict[str, pl.DataFrame],
) -> tuple[list[RuleResult], dict[str, pl.Series]]:
    """Check every cross-table rule on the tables given.

    A rule whose table or parent table is absent (optional, or stopped by a table-level
    failure) is not checked and not reported.

    Returns
    -------
    results, failing_rows
        One result per rule checked, and per failing rule the row positions it flags.
    """
    results: list[RuleResult] = []
    failing: dict[str, pl.Series] = {}
    for table, frame in tables.items():
        for rule in (r for r in rules_for(table) if r.cross_table):
            broken = _broken(rule, frame, tables)
            if broken is None:
                continue
            shown = _shown(rule)
            result = _result(rule, frame, broken, shown)
            results.append(result)
            if result.unexpected:
                failing[rule.id] = (
                    broken.to_frame("b").with_row_index(ROW).filter("b").get_column(ROW)
                )
    return results, failing


def _shown(rule: Rule) -> pl.Expr:
    if rule.kind == "pathway_order":
        return pl.format("{} {} {}", "pathway_id", "event", "event_date")
    if rule.kind == "within_referral":
        return pl.format("{} {}", "referral_id", "start_date")
    return pl.col(rule.columns[0]).cast(pl.String)


def _broken(rule: Rule, frame: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series | None:
    if rule.kind == "foreign_key":
        parent = tables.get(str(rule.param("table")))
        if parent is None:
            return None
        column = rule.columns[0]
        keys = parent.get_column(str(rule.param("ref_column"))).unique().implode()
        return frame.select(
            (pl.col(column).is_not_null() & ~pl.col(column).is_in(keys)).alias("b")
        ).get_column("b")
    if rule.kind == "pathway_order":
        return pathway_order_broken(frame)
    if rule.kind == "within_referral":
        referrals = tables.get("referrals")
        if referrals is None:
            return None
        received = referrals.group_by("referral_id").agg(pl.col("received_date").min())
        return (
            frame.select("referral_id", "start_date")
            .join(received, on="referral_id", how="left", maintain_order="left")
            .select((pl.col("start_date") < pl.col("received_date")).fill_null(False).alias("b"))
            .get_column("b")
        )
    raise AssertionError(f"not a cross-table rule: {rule.id}")  # pragma: no cover
