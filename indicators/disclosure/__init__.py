"""Disclosure control, applied once to the results before they are published.

- :mod:`~indicators.disclosure.rules`: small counts, too few, and complementary
  suppression within published totals;
- :mod:`~indicators.disclosure.relations`: every linear relation an outsider knows
  between published counts;
- :mod:`~indicators.disclosure.audit`: the attack, by linear programming, and the
  protection rule;
- :mod:`~indicators.disclosure.suppress`: more suppression until the audit passes;
- :mod:`~indicators.disclosure.record`: what the results manifest records, and the
  audit of a published table (``indicators audit``).
"""

from indicators.disclosure.audit import AuditResult, ProtectionRule, is_protected, run_audit
from indicators.disclosure.record import (
    PublishedAudit,
    PublishedTableError,
    audit_published,
    disclosure_manifest,
    disclosure_problems,
    published_digest,
    rule_breaches,
    withheld_cells,
)
from indicators.disclosure.relations import Relations, build_relations, fit_relations
from indicators.disclosure.rules import (
    MIN_COUNT,
    POPULATION_MEASURES,
    RULES,
    WITHHELD,
    disclose_curves,
    disclose_indicators,
    mark_suppressed,
    withhold,
)
from indicators.disclosure.suppress import DisclosureError, Protection, protect

__all__ = [
    "MIN_COUNT",
    "POPULATION_MEASURES",
    "RULES",
    "WITHHELD",
    "AuditResult",
    "DisclosureError",
    "Protection",
    "ProtectionRule",
    "PublishedAudit",
    "PublishedTableError",
    "Relations",
    "audit_published",
    "build_relations",
    "disclose_curves",
    "disclose_indicators",
    "disclosure_manifest",
    "disclosure_problems",
    "fit_relations",
    "is_protected",
    "mark_suppressed",
    "protect",
    "published_digest",
    "rule_breaches",
    "run_audit",
    "withheld_cells",
    "withhold",
]
