"""The methods appendix, generated from the indicator catalogue.

Nothing here restates a definition: every line is read from the
:class:`~indicators.catalogue.model.Indicator` declarations, so the appendix changes
when the catalogue does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from indicators.reports.format import format_value
from indicators.reports.html import escape
from indicators.reports.labels import text

if TYPE_CHECKING:
    from indicators.catalogue.model import Indicator


def targets_text(indicator: Indicator, lang: str = "nb") -> str:
    """The goal-achievement thresholds in words, e.g. ``høy ≥ 80,0 %, middels ≥ 60,0 %``."""
    targets = indicator.targets
    if targets is None:
        return text("goal_none", lang)
    sign = "≥" if indicator.direction == "higher_is_better" else "≤"
    high = format_value(targets.high, unit=indicator.unit, lang=lang)
    moderate = format_value(targets.moderate, unit=indicator.unit, lang=lang)
    out = (
        f"{text('high_from', lang)} {sign} {high}, {text('moderate_from', lang)} {sign} {moderate}"
    )
    if targets.illustrative:
        out += f" ({text('illustrative', lang)})"
    if targets.source:
        out += f"; {targets.source}"
    return out


def indicator_definition_html(indicator: Indicator, lang: str = "nb") -> str:
    """One indicator's definition as a heading and a two-column table."""
    level_names = ", ".join(text(f"level_{lv}", lang) for lv in indicator.levels)
    period_names = ", ".join(indicator.periods)
    rows = [
        ("description", indicator.description(lang)),
        ("population", indicator.population),
        ("exclusions", indicator.exclusions),
        ("numerator", indicator.numerator),
        ("unit", text(f"unit_{indicator.unit}", lang)),
        ("direction", text(indicator.direction, lang)),
        ("period_date", indicator.period_date),
        ("targets", targets_text(indicator, lang)),
        ("min_denominator", str(indicator.min_denominator)),
        ("method", indicator.method),
        ("levels", level_names),
        ("periods", period_names),
        ("sources", "; ".join(indicator.sources) or "–"),
    ]
    body = "".join(
        f"<tr><th>{escape(text(key, lang))}</th><td>{escape(value)}</td></tr>"
        for key, value in rows
    )
    return (
        f'<h3 id="method-{escape(indicator.id)}">{escape(indicator.id)} '
        f"{escape(indicator.title(lang))}</h3>"
        f'<table class="ind-meta">{body}</table>'
    )


def methods_html(indicators: Iterable[Indicator] | None = None, *, lang: str = "nb") -> str:
    """The whole appendix: general methods, then every indicator's definition."""
    if indicators is None:
        from indicators.catalogue import CATALOGUE

        indicators = CATALOGUE
    parts = [
        f"<h2>{escape(text('methods', lang))}</h2>",
        f'<p class="ind-note">{escape(text("methods_intro", lang))}</p>',
        f"<p>{escape(text('methods_general', lang))}</p>",
    ]
    parts += [indicator_definition_html(i, lang) for i in indicators]
    return "".join(parts)
