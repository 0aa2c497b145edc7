"""What disclosure control records in the results manifest, and the audit of a published table.

:func:`disclosure_manifest` states the rules, the protection rule's parameters, the
relations used (with the ones relaxed to fit the data), the cells withheld by each rule
per level and period type (the information lost) and the audit's result.
:func:`audit_published` re-runs the audit on a published ``indicators.parquet`` with the
relations and rule its manifest records, and checks the primary rules on what it shows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from indicators.catalogue.local import definitions_of_results
from indicators.disclosure.audit import AuditResult, ProtectionRule, run_audit
from indicators.disclosure.relations import COUNTS, build_relations
from indicators.disclosure.rules import MIN_COUNT, RULES, WITHHELD
from indicators.disclosure.suppress import Protection
from indicators.errors import IndicatorsError
from indicators.results import SUPPRESSED_SECONDARY

#: The rule that withheld a row, as the manifest counts them.
RULE_NAMES = ("small_count", "too_few", "secondary_subtraction", "secondary_audit")


class PublishedTableError(IndicatorsError):
    """A results table or its manifest cannot be audited (missing or malformed parts)."""


def _rule_of() -> pl.Expr:
    return (
        pl.when(pl.col("audit_rule") == "audit")
        .then(pl.lit("secondary_audit"))
        .when(pl.col("suppressed") == SUPPRESSED_SECONDARY)
        .then(pl.lit("secondary_subtraction"))
        .otherwise(pl.col("suppressed"))
    )


def withheld_cells(table: pl.DataFrame) -> pl.DataFrame:
    """Rows withheld by each rule, per level and period type, with the rows published.

    ``table`` has ``suppressed`` and ``audit_rule`` (see :func:`~indicators.disclosure.protect`).
    """
    counted = table.with_columns(_rule_of().alias("rule"))
    totals = counted.group_by("level", "period_type").agg(pl.len().alias("rows"))
    return (
        counted.drop_nulls("rule")
        .group_by("level", "period_type", "rule")
        .agg(pl.len().alias("withheld"))
        .join(totals, on=["level", "period_type"])
        .sort("level", "period_type", "rule")
    )


#: The columns of a published table that disclosure control decides: its digest covers them.
DIGEST_COLUMNS = (
    "indicator_id", "level", "unit_id", "period", "statistic", "numerator", "denominator",
    "suppressed",
)  # fmt: skip


def published_digest(table: pl.DataFrame) -> str:
    """SHA-256 of the cells of ``table`` that disclosure control decides, in row order.

    Recorded with the audit's verdict in the manifest, so a reader of the results can
    tell the table it holds from the one that was audited without re-running the audit.
    """
    missing = [c for c in DIGEST_COLUMNS if c not in table.columns]
    if missing:
        raise PublishedTableError(f"the results table has no column {', '.join(missing)}")
    canonical = table.select(
        pl.col(c).cast(pl.Float64) if c in ("numerator", "denominator") else pl.col(c)
        for c in DIGEST_COLUMNS
    )
    return hashlib.sha256(canonical.write_csv().encode("utf-8")).hexdigest()


def disclosure_manifest(
    protection: Protection,
    *,
    min_denominator: dict[str, int],
    seconds: float,
    published: pl.DataFrame | None = None,
) -> dict[str, Any]:
    """The ``disclosure`` part of the results manifest.

    With ``published`` (the table as written), the audit record carries its
    :func:`published_digest`.
    """
    cells = withheld_cells(protection.table)
    by_rule = dict.fromkeys(RULE_NAMES, 0)
    for rule, n in cells.group_by("rule").agg(pl.col("withheld").sum()).iter_rows():
        by_rule[rule] = int(n)
    kinds = protection.relations.relations.group_by("kind").len().sort("kind").iter_rows()
    audit = protection.audit
    return {
        "min_count": MIN_COUNT,
        "min_denominator": min_denominator,
        "rules": RULES,
        "protection_rule": protection.rule.as_dict(),
        "relations": {
            "count_by_kind": {kind: int(n) for kind, n in kinds},
            "relaxed": dict(sorted(protection.relations.relaxed.items())),
        },
        "withheld": {
            "by_rule": by_rule,
            "by_level_and_period": cells.to_dicts(),
        },
        "audit": {
            "passed": audit.passed,
            "counts_audited": audit.intervals.height,
            "counts_by_method": {
                method: int(n)
                for method, n in audit.intervals.group_by("method").len().sort("method").iter_rows()
            },
            "linear_programs": audit.linear_programs,
            "rounds": protection.rounds,
            "seconds": round(seconds, 2),
            "table_sha256": None if published is None else published_digest(published),
        },
    }


@dataclass
class PublishedAudit:
    """The audit of a published table: primary-rule breaches and the LP audit."""

    breaches: list[str] = field(default_factory=list)
    audit: AuditResult | None = None
    exposed: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """No breach, no exposed count and no broken relation."""
        return not self.breaches and self.audit is not None and self.audit.passed


def _cell_label(row: dict[str, Any]) -> str:
    return f"{row['indicator_id']} {row['level']} {row['unit_id']} {row['period']}"


def rule_breaches(table: pl.DataFrame) -> list[str]:
    """Published rows that show a count of 1..4, or a withheld row that shows a figure."""
    x, n = pl.col("numerator"), pl.col("denominator")
    shown = pl.col("suppressed").is_null()
    small = [
        ("numerator", x, list(_publishing("x"))),
        ("population", n, list(_publishing("n"))),
        ("population minus numerator", n - x, ["proportion"]),
    ]
    out = []
    for what, value, statistics in small:
        hits = table.filter(
            shown, pl.col("statistic").is_in(statistics), value.is_between(1, MIN_COUNT - 1)
        )
        out += [f"{_cell_label(r)}: {what} below {MIN_COUNT} is published" for r in
                hits.iter_rows(named=True)]  # fmt: skip
    figures = [c for c in WITHHELD if c in table.columns]
    leaky = table.filter(~shown, pl.any_horizontal(pl.col(c).is_not_null() for c in figures))
    out += [f"{_cell_label(r)}: withheld ({r['suppressed']}) but shows figures" for r in
            leaky.iter_rows(named=True)]  # fmt: skip
    return out


def _publishing(count: str) -> tuple[str, ...]:
    return tuple(s for s, counts in COUNTS.items() if count in counts)


def audit_published(table: pl.DataFrame, manifest: dict[str, Any]) -> PublishedAudit:
    """Audit a published indicator table with its manifest's relations and rule.

    The rule and the relaxed relations come from ``manifest["parameters"]["disclosure"]``;
    without them the defaults and exact relations are used.
    """
    disclosure = manifest.get("parameters", {}).get("disclosure", {})
    if not isinstance(disclosure, dict):
        raise PublishedTableError("manifest.json: parameters.disclosure is not an object")
    params = disclosure.get("protection_rule", {})
    relaxed = disclosure.get("relations", {}).get("relaxed", {})
    try:
        rule = ProtectionRule(
            min_values=int(params.get("min_values", ProtectionRule.min_values)),
            min_width_share=float(params.get("min_width_share", ProtectionRule.min_width_share)),
        )
    except (TypeError, ValueError) as error:
        raise PublishedTableError(
            f"manifest.json: protection_rule is malformed ({error})"
        ) from None
    if not isinstance(relaxed, dict):
        raise PublishedTableError("manifest.json: disclosure.relations.relaxed is not an object")
    result = PublishedAudit(breaches=rule_breaches(table))
    relations = build_relations(table, definitions_of_results(manifest), relaxed=relaxed)
    result.audit = run_audit(relations, table, rule=rule)
    labels = table.with_row_index("row")
    for row, target, low, high in result.audit.exposed.select(
        "row", "target", "low", "high"
    ).iter_rows():
        where = _cell_label(labels.row(int(row), named=True))
        result.exposed.append(f"{where}: {target} can be narrowed to {_span(low, high)}")
    result.exposed += [f"relation broken by the published counts: {k}" for k in
                       result.audit.inconsistent]  # fmt: skip
    return result


def disclosure_problems(table: pl.DataFrame, manifest: dict[str, Any]) -> list[str]:
    """Why ``table`` may not be published, or an empty list when it may.

    The primary rules are checked on every row.  When the manifest records an audit
    that passed on this very table (same :func:`published_digest`), that verdict
    stands; otherwise (an edited table, or results without a disclosure record) the
    audit is run again, which on small extracts can take a minute.
    """
    breaches = rule_breaches(table)
    if breaches:
        return breaches
    disclosure = manifest.get("parameters", {}).get("disclosure", {})
    audit = disclosure.get("audit", {}) if isinstance(disclosure, dict) else {}
    if (
        isinstance(audit, dict)
        and audit.get("passed") is True
        and audit.get("table_sha256") == published_digest(table)
    ):
        return []
    found = audit_published(table, manifest)
    return found.breaches + found.exposed


def _span(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "too few values"
    top = "∞" if high == float("inf") else f"{high:g}"
    return f"[{low:g}, {top}]"
