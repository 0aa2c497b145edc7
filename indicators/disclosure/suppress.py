"""Suppression until the audit passes: withhold more where a small count is exposed.

After the primary and subtraction rules (:mod:`indicators.disclosure.rules`), the audit
(:mod:`indicators.disclosure.audit`) attacks the table.  Each exposed count names the
published rows whose relations bound it; the cheapest of those (smallest population,
then treating trust and catchment area before RHF before nation, then unit id and
period) is withheld as ``secondary``, one per exposed count and round, and the
exposed rows are audited again, until no count is exposed.  Withholding only widens an
attacker's intervals, so this reaches a fixed point; the same table always gives the
same cells.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from indicators.catalogue import BY_ID, Indicator
from indicators.disclosure.audit import AuditResult, ProtectionRule, run_audit
from indicators.disclosure.relations import Relations, fit_relations
from indicators.errors import IndicatorsError
from indicators.results import SUPPRESSED_SECONDARY

#: Order in which levels give up a cell: the nation last.
LEVEL_COST = {"trust": 0, "catchment": 0, "rhf": 1, "national": 2}


class DisclosureError(IndicatorsError):
    """The table cannot be protected (an exposed count that no published cell bounds)."""


@dataclass
class Protection:
    """The protected table, the relations used, the final audit and what it cost.

    ``table`` has ``suppressed`` updated and ``audit_rule`` ("audit" for the rows the
    audit withheld, else null).  ``rounds``: audit rounds until the fixed point.
    """

    table: pl.DataFrame
    relations: Relations
    audit: AuditResult
    rounds: int
    added: int
    rule: ProtectionRule


def protect(
    table: pl.DataFrame,
    catalogue: Mapping[str, Indicator] = BY_ID,
    *,
    rule: ProtectionRule | None = None,
    max_rounds: int = 500,
) -> Protection:
    """Withhold more of ``table`` until the audit passes.

    ``table`` holds the true counts and ``suppressed`` from the primary and subtraction
    rules; it needs ``n_cases`` (persons or cases in the population) to rank the cost
    of a cell.
    """
    rule = rule or ProtectionRule()
    relations = fit_relations(table, catalogue)
    cost = table.with_row_index("row").select(
        "row",
        pl.col("n_cases").fill_null(0).alias("_n"),
        pl.col("level").replace_strict(LEVEL_COST, default=3).alias("_level"),
        "unit_id",
        "period",
    )
    suppressed = table["suppressed"].to_list()
    by_audit: set[int] = set()
    verdicts: dict[tuple[int, str], tuple] = {}
    blocks: set[str] | None = None
    pending: set[int] | None = None
    programs = 0
    cache: dict = {}
    rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - the count is reported
        current = table.with_columns(pl.Series("suppressed", suppressed, dtype=pl.String))
        result = run_audit(relations, current, rule=rule, blocks=blocks, rows=pending, cache=cache)
        programs += result.linear_programs
        if result.inconsistent:
            raise DisclosureError(
                "the counts break relations that must hold: " + ", ".join(result.inconsistent[:5])
            )
        verdicts.update({(v[0], v[1]): v for v in result.intervals.iter_rows()})
        if result.exposed.height == 0:
            break
        picks = _cheapest_per_block(result, cost, suppressed)
        if not picks:
            raise DisclosureError(
                f"{result.exposed.height} withheld counts are exposed and no published cell "
                "bounds them"
            )
        for row in picks.values():
            suppressed[row] = SUPPRESSED_SECONDARY
            by_audit.add(row)
        # Withholding more only widens what an attacker can prove: a row found
        # protected stays protected, so only the exposed rows are audited again.
        blocks = set(result.exposed["block"].unique().to_list())
        pending = set(result.exposed["row"].to_list())
    else:
        raise DisclosureError(f"suppression did not settle in {max_rounds} rounds")
    final = AuditResult(
        intervals=pl.DataFrame(
            [verdicts[k] for k in sorted(verdicts)], schema=result.intervals.schema, orient="row"
        ),
        linear_programs=programs,
    )
    marked = current.with_columns(
        pl.when(pl.int_range(pl.len()).is_in(sorted(by_audit)))
        .then(pl.lit("audit"))
        .otherwise(pl.lit(None, pl.String))
        .alias("audit_rule")
    )
    return Protection(marked, relations, final, rounds, len(by_audit), rule)


def _cheapest_per_block(
    result: AuditResult, cost: pl.DataFrame, suppressed: list[str | None]
) -> dict[tuple[int, str], int]:
    """For every exposed count, the cheapest published row that bounds it.

    A count already bounded by a row picked this round for another count is left for
    the next round (one pick may free both); so is every count that no published row
    bounds on its own (none of its relations has a published cell left).
    """
    rank = {row: i for i, row in enumerate(
        cost.sort("_n", "_level", "unit_id", "period", "row")["row"].to_list()
    )}  # fmt: skip
    picks: dict[tuple[int, str], int] = {}
    chosen: set[int] = set()
    exposed = result.exposed.sort("block", "component", "row", "target")
    for row, target in exposed.select("row", "target").iter_rows():
        candidates = [r for r in result.fixes.get((row, target), []) if suppressed[r] is None]
        if not candidates or chosen.intersection(candidates):
            continue
        best = min(candidates, key=rank.__getitem__)
        picks[(row, target)] = best
        chosen.add(best)
    return picks
