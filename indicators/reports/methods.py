"""The methods appendix, generated from the indicator catalogue.

Nothing here restates a definition: every line is read from the
:class:`~indicators.catalogue.model.Indicator` declarations, so the appendix changes
when the catalogue does.

The catalogue's titles and descriptions exist in both languages; its other fields
(population, exclusions, numerator, method, period date, sources, goal source) are
English.  A field with a bokmål variant (``population_nb``, ...) is shown in bokmål; the
fixed vocabulary is translated by :data:`~indicators.present.labels.CATALOGUE_NB`; any
other English text in a bokmål report is marked "(engelsk)" and carries
``lang="en"``.  Sources are citations and are shown as they are written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from indicators.disclosure import MIN_COUNT
from indicators.present.format import format_count, format_number, format_percent, format_value
from indicators.present.labels import catalogue_text, text
from indicators.reports.html import escape

if TYPE_CHECKING:
    from indicators.catalogue.model import Indicator


def localised_html(value: str, lang: str = "nb") -> str:
    """Catalogue text as HTML in ``lang``: translated, or English marked as such.

    >>> localised_html("none")
    'ingen'
    >>> localised_html("ended D01 pathways")
    '<span lang="en">ended D01 pathways</span> <span class="ind-note">(engelsk)</span>'
    """
    shown, english = catalogue_text(value, lang)
    if not english:
        return escape(shown)
    return (
        f'<span lang="en">{escape(shown)}</span> '
        f'<span class="ind-note">({escape(text("in_english", lang))})</span>'
    )


#: A parenthesis naming fields of the extract (``(assigned_level = inpatient)``,
#: ``(care_start_date)``): words with an underscore, or ``field = value``.
FIELD_NAMES = re.compile(r"\s*\((?=[^()]*(?:\w_\w|\w+ = \w+))[^()]*\)")


def plain_text(value: str) -> str:
    """Catalogue text for a reader: parentheses naming fields of the extract left out.

    The bokmål definitions say in words what the fields hold; the field names are for
    the programmers and mean nothing to a reader of a report.

    >>> plain_text("tildelt døgnbehandling (assigned_level = inpatient)")
    'tildelt døgnbehandling'
    >>> plain_text("pasienten er bostedsløs (housing = homeless) og ønsket døgnbehandling")
    'pasienten er bostedsløs og ønsket døgnbehandling'
    >>> plain_text("registrert diabetes (ICD-10 E10–E14 eller ICPC-2 T89/T90)")
    'registrert diabetes (ICD-10 E10–E14 eller ICPC-2 T89/T90)'
    """
    return FIELD_NAMES.sub("", value)


def field_html(indicator: Indicator, name: str, lang: str = "nb") -> str:
    """A catalogue field in ``lang``: its ``<name>_<lang>`` variant if the catalogue has one.

    Bokmål text is shown without the extract's field names (:func:`plain_text`).
    """
    variant = getattr(indicator, f"{name}_{lang}", None)
    if isinstance(variant, str) and variant:
        return escape(plain_text(variant) if lang == "nb" else variant)
    return localised_html(str(getattr(indicator, name)), lang)


def targets_html(indicator: Indicator, lang: str = "nb") -> str:
    """The goal-achievement thresholds in words, e.g. ``høy ≥ 80,0 %, middels ≥ 60,0 %``."""
    targets = indicator.targets
    if targets is None:
        return escape(text("goal_none", lang))
    sign = "≥" if indicator.direction == "higher_is_better" else "≤"
    high = format_value(targets.high, unit=indicator.unit, lang=lang)
    moderate = format_value(targets.moderate, unit=indicator.unit, lang=lang)
    out = escape(
        f"{text('high_from', lang)} {sign} {high}, {text('moderate_from', lang)} {sign} {moderate}"
    )
    if targets.illustrative:
        out += f" ({escape(text('illustrative', lang))})"
    if targets.source:
        out += f"; {localised_html(targets.source, lang)}"
    return out


def indicator_definition_html(indicator: Indicator, lang: str = "nb") -> str:
    """One indicator's definition as a heading and a two-column table."""
    level_names = ", ".join(text(f"level_{lv}", lang) for lv in indicator.levels)
    period_names = ", ".join(text(f"period_{p}", lang) for p in indicator.periods)
    sources = [catalogue_text(s, lang)[0] for s in indicator.sources]
    rows = [
        ("description", escape(indicator.description(lang))),
        ("population", field_html(indicator, "population", lang)),
        ("exclusions", field_html(indicator, "exclusions", lang)),
        ("numerator", field_html(indicator, "numerator", lang)),
        ("unit", escape(text(f"unit_{indicator.unit}", lang))),
        ("direction", escape(text(indicator.direction, lang))),
        ("period_date", field_html(indicator, "period_date", lang)),
        ("targets", targets_html(indicator, lang)),
        ("min_denominator", escape(format_count(indicator.min_denominator, lang=lang))),
        ("method", field_html(indicator, "method", lang)),
        ("levels", escape(level_names)),
        ("periods", escape(period_names)),
        ("sources", escape("; ".join(sources) or "–")),
    ]
    body = "".join(
        f"<tr><th>{escape(text(key, lang))}</th><td>{value}</td></tr>" for key, value in rows
    )
    return (
        f'<h3 id="method-{escape(indicator.id)}">{escape(indicator.id)} '
        f"{escape(indicator.title(lang))}</h3>"
        f'<table class="ind-meta">{body}</table>'
    )


def methods_html(
    indicators: Iterable[Indicator] | None = None,
    *,
    lang: str = "nb",
    manifest: dict[str, Any] | None = None,
) -> str:
    """The whole appendix: general methods, then every indicator's definition.

    A case-mix indicator's definition is followed by its model (:func:`case_mix_html`),
    with the fit recorded in ``manifest`` (the results manifest) when it is given.
    """
    if indicators is None:
        from indicators.catalogue import CATALOGUE

        indicators = CATALOGUE
    fits = ((manifest or {}).get("parameters") or {}).get("case_mix") or {}
    definitions = [
        indicator_definition_html(i, lang)
        + (case_mix_html(i, fits.get(i.id), lang) if i.kind == "case_mix" else "")
        for i in indicators
    ]
    # The note on text marked "(engelsk)" only where some text is still English.
    english = any('<span lang="en">' in d for d in definitions)
    notes = (text("methods_intro", lang), text("in_english_note", lang) if english else "")
    intro = " ".join(t for t in notes if t)
    parts = [
        f'<h2 id="methods">{escape(text("methods", lang))}</h2>',
        f'<p class="ind-note">{escape(intro)}</p>',
        f"<p>{escape(text('methods_general', lang))}</p>",
        f"<p>{escape(text('methods_spc', lang))}</p>",
        *definitions,
    ]
    return "".join(parts)


def covariate_name(covariate: str, lang: str = "nb") -> str:
    """A covariate in words (``housing`` -> ``bosituasjon``); an unknown one as it is.

    >>> covariate_name("previous_inpatient"), covariate_name("income")
    ('tidligere tildelt døgnbehandling', 'income')
    """
    try:
        return text(f"covariate_{covariate}", lang)
    except KeyError:
        return covariate


def case_mix_html(indicator: Indicator, fit: dict[str, Any] | None, lang: str = "nb") -> str:
    """A case-mix indicator's model: covariates, size, discrimination and calibration.

    ``fit`` is the indicator's entry of the results manifest (``parameters.case_mix``);
    without it only the model and its covariates are stated.  The calibration table
    shows national shares by tenth of predicted probability (observed = events / cases,
    expected = Σ p̂ / cases); a tenth whose events or non-events number 1 to
    ``MIN_COUNT - 1`` shows no shares, as small counts are shown nowhere else.
    """
    covariates = ", ".join(covariate_name(c, lang) for c in indicator.covariates)
    parts = [
        f"<h4>{escape(text('case_mix_title', lang))}</h4>",
        f"<p>{escape(text('case_mix_model', lang).format(covariates=covariates))}</p>",
    ]
    if not fit:
        parts.append(f'<p class="ind-note">{escape(text("case_mix_missing", lang))}</p>')
        return "".join(parts)
    size = text("case_mix_fit", lang).format(
        n=format_count(fit["n"], lang=lang), events=format_count(fit["events"], lang=lang)
    )
    c = fit.get("c_statistic")
    discrimination = text("case_mix_discrimination", lang).format(
        c=format_number(c, decimals=3, lang=lang)
    )
    parts += [
        f"<p>{escape(size)} {escape(discrimination)}</p>",
        f"<p>{escape(text('case_mix_calibration', lang))}</p>",
        calibration_html(fit.get("calibration") or [], lang),
    ]
    return "".join(parts)


def calibration_html(calibration: list[dict[str, Any]], lang: str = "nb") -> str:
    """The calibration table: tenth, cases, observed share and expected share."""
    heads = (
        "case_mix_decile",
        "case_mix_cases",
        "case_mix_observed_rate",
        "case_mix_expected_rate",
    )
    head = "".join(f"<th>{escape(text(h, lang))}</th>" for h in heads)

    def shown(row: dict[str, Any], share: str) -> str:
        events, n = int(row["observed"]), int(row["n"])
        small = any(0 < count < MIN_COUNT for count in (events, n - events))
        return "–" if small else format_percent(row[share], lang=lang)

    def cases(n: int) -> str:
        return f"<{MIN_COUNT}" if 0 < n < MIN_COUNT else format_count(n, lang=lang)

    body = "".join(
        f"<tr><td>{int(row['decile'])}</td><td>{escape(cases(int(row['n'])))}</td>"
        f"<td>{escape(shown(row, 'observed_rate'))}</td>"
        f"<td>{escape(shown(row, 'expected_rate'))}</td></tr>"
        for row in calibration
    )
    return f'<table class="ind-meta"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


#: The rules that withhold a row, in the order the disclosure table shows them.
DISCLOSURE_RULES = ("small_count", "too_few", "secondary_subtraction", "secondary_audit")


def disclosure_html(manifest: dict, *, lang: str = "nb") -> str:
    """What disclosure control withheld, by rule, level and period type (from the manifest).

    Empty when the manifest records no disclosure summary (results from an older run).
    """
    disclosure = manifest.get("parameters", {}).get("disclosure", {})
    withheld = disclosure.get("withheld", {}).get("by_level_and_period")
    if not isinstance(withheld, list):
        return ""
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for item in withheld:
        key = (str(item.get("level")), str(item.get("period_type")))
        cells.setdefault(key, {"rows": int(item.get("rows", 0))})[str(item.get("rule"))] = int(
            item.get("withheld", 0)
        )
    head = "".join(
        f"<th>{escape(text(h, lang))}</th>"
        for h in ("level_period", *(f"rule_{r}" for r in DISCLOSURE_RULES), "rows_published")
    )
    body = "".join(
        f"<tr><td>{escape(_level_name(level, lang))}, {escape(_period_name(period, lang))}</td>"
        + "".join(f"<td>{counts.get(r, 0)}</td>" for r in DISCLOSURE_RULES)
        + f"<td>{counts['rows']}</td></tr>"
        for (level, period), counts in sorted(cells.items())
    )
    audit = disclosure.get("audit", {})
    verdict = text("yes" if audit.get("passed") else "no", lang)
    audit_line = text("disclosure_audit", lang).format(
        audited=int(audit.get("counts_audited", 0)), passed=verdict
    )
    return (
        f"<h3>{escape(text('disclosure_title', lang))}</h3>"
        f"<p>{escape(text('disclosure_why', lang))}</p>"
        f'<table class="ind-meta"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        f'<p class="ind-note">{escape(audit_line)}</p>'
    )


def _level_name(level: str, lang: str) -> str:
    known = ("national", "rhf", "trust", "catchment")
    return text(f"level_{level}", lang) if level in known else level


def _period_name(period_type: str, lang: str) -> str:
    return (
        text(f"period_{period_type}", lang)
        if period_type in ("year", "tertial", "month")
        else period_type
    )
