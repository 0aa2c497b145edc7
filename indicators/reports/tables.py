"""The tables of the reports: summary per trust, variation, outliers.

Each takes rows of the published results and returns HTML (see
:mod:`indicators.reports.html` for the markers the leak check reads).  Values are
formatted by :mod:`indicators.present.format`; a withheld value is printed as its
suppression text only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from indicators.charts.theme import GOAL_COLOURS
from indicators.present.format import (
    MISSING_TEXT,
    format_count,
    format_interval,
    format_number,
    format_value,
    incomplete_reason,
    suppression_count_text,
)
from indicators.present.labels import TEXT, text
from indicators.reports.data import JUDGED_INTERVAL, judged_statistic
from indicators.reports.html import Cell, attrs, escape, table

if TYPE_CHECKING:
    from indicators.catalogue.model import Indicator

Row = Mapping[str, Any]


def value_cell(row: Row | None, *, unit: str, lang: str) -> Cell:
    """The value of a results row, with its markers; ``–`` when there is no row."""
    if row is None:
        return Cell(MISSING_TEXT, attributes=attrs(class_="num"))
    suppressed = row.get("suppressed")
    return Cell(
        format_value(row.get("value"), unit=unit, suppressed=suppressed, lang=lang),
        attributes=attrs(
            class_="num sup" if suppressed else "num",
            data_indicator=row.get("indicator_id"),
            data_unit=row.get("unit_id"),
            data_period=row.get("period"),
            data_suppressed=suppressed,
        ),
    )


def interval_cell(row: Row | None, *, unit: str, lang: str) -> Cell:
    """The confidence interval of a results row, with the same markers as its value."""
    if row is None:
        return Cell(MISSING_TEXT, attributes=attrs(class_="num"))
    suppressed = row.get("suppressed")
    return Cell(
        format_interval(
            row.get("ci_low"), row.get("ci_high"), unit=unit, suppressed=suppressed, lang=lang
        ),
        attributes=attrs(
            class_="num sup" if suppressed else "num",
            data_indicator=row.get("indicator_id"),
            data_unit=row.get("unit_id"),
            data_period=row.get("period"),
            data_suppressed=suppressed,
        ),
    )


def denominator_cell(row: Row | None, *, unit: str, lang: str) -> Cell:
    """The count behind a value: persons or cases (``data-count``), or observed and expected.

    A withheld row says why it is withheld (:func:`suppression_count_text`), never
    ``<5``: a row is withheld when the number with the event, without it or in all is
    1–4, so its n may be well above five.  An O/E row shows the observed count O and
    the expected count E, each labelled.

    >>> denominator_cell({"suppressed": "small_count"}, unit="fraction", lang="nb").text
    'skjult: lite antall'
    >>> denominator_cell({"numerator": 14.0, "denominator": 22.46}, unit="ratio", lang="nb").text
    'observert 14, forventet 22,5'
    """
    if row is None or row.get("suppressed") or row.get("denominator") is None:
        reason = row.get("suppressed") if row is not None else None
        body = suppression_count_text(reason, lang=lang) if reason else MISSING_TEXT
        return Cell(body, attributes=attrs(class_="num sup", data_suppressed=reason))
    n = row["denominator"]
    if unit == "ratio":
        expected = f"{text('expected_short', lang)} {format_number(n, decimals=1, lang=lang)}"
        observed = row.get("numerator")
        if observed is None:
            return Cell(expected, attributes=attrs(class_="num"))
        shown = f"{text('observed_short', lang)} {format_count(observed, lang=lang)}, {expected}"
        return Cell(shown, attributes=attrs(class_="num", data_count=int(observed)))
    return Cell(format_count(n, lang=lang), attributes=attrs(class_="num", data_count=int(n)))


def marked_incomplete(cell: Cell, row: Row | None, *, lang: str) -> Cell:
    """``cell`` with "ufullstendig periode" under its value when the row's period is.

    A withheld value is left as it is (it shows no number to qualify).

    >>> marked_incomplete(Cell("5,1 %"), {"period_incomplete": "follow_up"}, lang="nb").html
    '5,1 %<br><span class="ind-note">ufullstendig periode</span>'
    """
    if row is None or not row.get("period_incomplete") or row.get("suppressed"):
        return cell
    body = cell.html if cell.html is not None else escape(cell.text)
    mark = f'<br><span class="ind-note">{escape(text("incomplete_short", lang))}</span>'
    return Cell(html=body + mark, attributes=cell.attributes)


def incomplete_note(reasons: Mapping[str, str], *, lang: str) -> str:
    """A note naming the indicators whose period is incomplete, and why; "" if none.

    ``reasons`` maps indicator id to its ``period_incomplete`` reason.

    >>> incomplete_note({"WAIT-02": "follow_up", "PATH-01": "follow_up"}, lang="nb")
    '<p class="ind-note">Ufullstendig periode, ... PATH-01 og WAIT-02: ikke alle ...</p>'
    """
    if not reasons:
        return ""
    by_reason: dict[str, list[str]] = {}
    for indicator_id, reason in reasons.items():
        by_reason.setdefault(reason, []).append(indicator_id)
    items = "; ".join(
        f"{_joined(sorted(ids), lang)}: {incomplete_reason(reason, lang=lang)}"
        for reason, ids in by_reason.items()
    )
    note = text("incomplete_note", lang).format(items=items)
    return f'<p class="ind-note">{escape(note)}</p>'


def _joined(items: Sequence[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('and', lang)} {items[-1]}"


def judged_value_cell(row: Row | None, *, column: str, unit: str, lang: str) -> Cell:
    """The value a goal is judged on when it is not the value shown (WAIT-01: the mean).

    The cell shows the value shown (labelled by its statistic) and, beside it, the judged
    value, labelled, so a reader sees which number the goal colour belongs to.

    >>> row = {"indicator_id": "WAIT-01", "value": 27.0, "mean_days": 33.24}
    >>> judged_value_cell(row, column="mean_days", unit="days", lang="nb").html
    'median 27,0 dager<br>gjennomsnitt 33,2 dager'
    """
    if row is None or row.get("suppressed"):
        return value_cell(row, unit=unit, lang=lang)
    cell = value_cell(row, unit=unit, lang=lang)
    median = f"{text('median_short', lang)} {escape(cell.text)}"
    judged = row.get(column)
    if judged is None:
        return Cell(html=median, attributes=cell.attributes)
    mean = format_value(judged, unit=unit, lang=lang)
    return Cell(
        html=f"{median}<br>{escape(text(f'{column}_short', lang))} {escape(mean)}",
        attributes=cell.attributes,
    )


def judged_interval_cell(row: Row | None, *, column: str, unit: str, lang: str) -> Cell:
    """The interval of the value shown and, where published, of the judged statistic.

    Beside :func:`judged_value_cell`: the median's interval, and under it the mean's
    (``mean_ci_low``, ``mean_ci_high``) when the results carry them.

    >>> row = {"ci_low": 24.0, "ci_high": 30.0, "mean_ci_low": 31.0, "mean_ci_high": 36.0}
    >>> judged_interval_cell(row, column="mean_days", unit="days", lang="nb").html
    '24,0–30,0 dager<br>31,0–36,0 dager'
    >>> judged_interval_cell({"ci_low": 24.0, "ci_high": 30.0}, column="mean_days",
    ...                      unit="days", lang="nb").text
    '24,0–30,0 dager'
    """
    cell = interval_cell(row, unit=unit, lang=lang)
    if row is None or row.get("suppressed"):
        return cell
    low, high = JUDGED_INTERVAL.get(column, ("", ""))
    if row.get(low) is None or row.get(high) is None:
        return cell
    judged = format_interval(row[low], row[high], unit=unit, lang=lang)
    return Cell(html=f"{escape(cell.text)}<br>{escape(judged)}", attributes=cell.attributes)


def goal_cell(
    level: str | None,
    *,
    illustrative: bool,
    has_targets: bool,
    lang: str,
    judged_on: str | None = None,
) -> Cell:
    """Goal achievement as a coloured dot and a word; ``judged_on`` names what it judges.

    >>> goal_cell("moderate", illustrative=False, has_targets=True, lang="nb",
    ...           judged_on="mean_days").html  # doctest: +ELLIPSIS
    '<span class="ind-goal" ...></span>Middels (vurdert på gjennomsnittet)'
    """
    if not has_targets:
        return Cell(text("goal_none", lang))
    if level not in GOAL_COLOURS:
        return Cell(MISSING_TEXT)
    colour = GOAL_COLOURS[level]
    mark = "*" if illustrative else ""
    on = f" ({escape(text(f'judged_on_{judged_on}', lang))})" if judged_on else ""
    return Cell(
        html=(
            f'<span class="ind-goal" style="background:{colour}"></span>'
            f"{escape(text(f'goal_{level}', lang))}{mark}{on}"
        ),
        attributes=attrs(data_goal=level),
    )


def level_text(level: str, lang: str = "nb") -> str:
    """A level's name in ``lang``; an unknown level prints as it is.

    >>> level_text("catchment", "en")
    'catchment area'
    """
    key = f"level_{level}"
    return text(key, lang) if key in TEXT else level


def funnel_position(row: Row | None) -> str:
    """Text key of a row's funnel position, from its overdispersion-adjusted flags.

    >>> funnel_position({"funnel_flag_998_od": "high", "funnel_flag_95_od": "high"})
    'above_998'
    >>> funnel_position({"funnel_flag_998_od": "within", "funnel_flag_95_od": "low"})
    'below_95'
    >>> funnel_position({"funnel_flag_998_od": None, "funnel_flag_95_od": None})
    'no_funnel'
    """
    if row is None:
        return "no_funnel"
    f998, f95 = row.get("funnel_flag_998_od"), row.get("funnel_flag_95_od")
    if f998 == "high":
        return "above_998"
    if f998 == "low":
        return "below_998"
    if f95 == "high":
        return "above_95"
    if f95 == "low":
        return "below_95"
    if f95 == "within" or f998 == "within":
        return "within"
    return "no_funnel"


def summary_table_html(
    indicators: Sequence[Indicator],
    trust_rows: Mapping[str, Row],
    national_rows: Mapping[str, Row],
    *,
    lang: str = "nb",
    missing: Mapping[str, str] | None = None,
) -> str:
    """Every indicator's value for one unit beside the national value.

    Parameters
    ----------
    indicators
        The indicators in report order.
    trust_rows, national_rows
        Results rows by indicator id for the unit and for the nation (missing = no data).
    lang
        ``nb`` or ``en``.
    missing
        Why an indicator has no row for the unit, by indicator id (shown in its value
        cell instead of ``–``).
    """
    header = [
        text("indicator", lang),
        text("value", lang),
        text("interval", lang),
        text("denominator", lang),
        text("national", lang),
        text("goal", lang),
        text("funnel_position", lang),
    ]
    rows = []
    for ind in indicators:
        row = trust_rows.get(ind.id)
        national = national_rows.get(ind.id)
        national_value = None
        if row is not None and row.get("national_value") is not None:
            national_value = row.get("national_value")
        elif national is not None:
            national_value = national.get("value")
        judged = judged_statistic(ind)
        name = Cell(
            html=f'<a href="#ind-{escape(ind.id)}">{escape(ind.id)}</a> {escape(ind.title(lang))}'
        )
        if row is None and (missing or {}).get(ind.id):
            value = Cell((missing or {})[ind.id], attributes=attrs(class_="sup"))
        elif judged:
            value = judged_value_cell(row, column=judged, unit=ind.unit, lang=lang)
        else:
            value = value_cell(row, unit=ind.unit, lang=lang)
        national_cell = Cell(
            format_value(national_value, unit=ind.unit, lang=lang), attributes=attrs(class_="num")
        )
        if judged and national is not None and national.get(judged) is not None:
            national_cell = judged_value_cell(
                {**national, "value": national_value}, column=judged, unit=ind.unit, lang=lang
            )
            national_cell = Cell(html=national_cell.html, attributes=attrs(class_="num"))
        value = marked_incomplete(value, row, lang=lang)
        rows.append(
            [
                name,
                value,
                judged_interval_cell(row, column=judged, unit=ind.unit, lang=lang)
                if judged
                else interval_cell(row, unit=ind.unit, lang=lang),
                denominator_cell(row, unit=ind.unit, lang=lang),
                national_cell,
                goal_cell(
                    row.get("target_level") if row else None,
                    illustrative=bool(ind.targets and ind.targets.illustrative),
                    has_targets=ind.targets is not None,
                    lang=lang,
                    judged_on=judged,
                ),
                Cell(
                    text("position_withheld", lang)
                    if row is not None and row.get("suppressed")
                    else text(funnel_position(row), lang)
                ),
            ]
        )
    notes = (
        f'<p class="ind-note">{escape(text("illustrative_note", lang))} '
        f"{escape(text('funnel_note', lang))}</p>"
        f'<p class="ind-note">{escape(text("suppression_note", lang))}</p>'
    )
    notes += incomplete_note(
        {
            ind.id: trust_rows[ind.id]["period_incomplete"]
            for ind in indicators
            if (trust_rows.get(ind.id) or {}).get("period_incomplete")
        },
        lang=lang,
    )
    judged = ", ".join(ind.id for ind in indicators if judged_statistic(ind))
    if judged:
        note = text("judged_note", lang).format(indicators=judged)
        notes += f'<p class="ind-note">{escape(note)}</p>'
    if any(ind.unit == "ratio" for ind in indicators):
        notes += f'<p class="ind-note">{escape(text("ratio_count_note", lang))}</p>'
    return table(header, rows, data_table="summary") + notes


def variation_table_html(
    variation: pl.DataFrame, *, titles: Mapping[str, str] | None = None, lang: str = "nb"
) -> str:
    """Variation statistics (one row per indicator x level) as a table.

    ``variation`` has the columns of :data:`indicators.results.VARIATION_SCHEMA`;
    ``titles`` maps indicator ids to titles for the first column.
    """
    header = [
        text("indicator", lang),
        text("level", lang),
        "k",
        "CV (%)",
        "FT1",
        "FT2",
        "FT3",
        "SCV (%)",
        "φ",
        "τ²",
    ]
    rows: list[list[Cell | str]] = []
    for r in variation.iter_rows(named=True):
        title = (titles or {}).get(r["indicator_id"], "")
        rows.append(
            [
                f"{r['indicator_id']} {title}".strip(),
                level_text(r["level"], lang),
                Cell(str(r["k"] if r["k"] is not None else "–"), attributes=attrs(class_="num")),
                *(
                    Cell(format_number(r[c], decimals=d, lang=lang), attributes=attrs(class_="num"))
                    for c, d in (
                        ("cv", 1),
                        ("ft1", 2),
                        ("ft2", 2),
                        ("ft3", 2),
                        ("scv", 1),
                        ("phi", 2),
                        ("tau2", 4),
                    )
                ),
            ]
        )
    note = f'<p class="ind-note">{escape(text("variation_note", lang))}</p>'
    return table(header, rows, data_table="variation") + note


def outlier_table_html(
    rows: pl.DataFrame,
    *,
    units: Mapping[str, str],
    titles: Mapping[str, str],
    lang: str = "nb",
    note: bool = True,
    indicator_column: bool = True,
) -> str:
    """Units outside the 99.8 % adjusted limits: indicator, unit, value, both positions.

    ``rows`` are results rows already filtered to outliers; ``units`` maps indicator id
    to unit (fraction/days/ratio); ``note`` adds the note that explains the columns;
    ``indicator_column`` False leaves out the indicator (a table under its heading).
    """
    if rows.is_empty():
        return f"<p>{escape(text('no_outliers', lang))}</p>"
    header = [
        *([text("indicator", lang)] if indicator_column else []),
        text("trust", lang),
        text("value", lang),
        text("interval", lang),
        text("national", lang),
        f"{text('funnel_position', lang)} ({text('adjusted', lang).lower()})",
        f"{text('funnel_position', lang)} ({text('unadjusted', lang).lower()})",
    ]
    out = []
    for r in rows.iter_rows(named=True):
        unit = units.get(r["indicator_id"], "fraction")
        plain = {
            "funnel_flag_998_od": r.get("funnel_flag_998"),
            "funnel_flag_95_od": r.get("funnel_flag_95"),
        }
        name = f"{r['indicator_id']} {titles.get(r['indicator_id'], '')}".strip()
        out.append(
            [
                *([name] if indicator_column else []),
                r.get("unit_name") or r["unit_id"],
                value_cell(r, unit=unit, lang=lang),
                interval_cell(r, unit=unit, lang=lang),
                Cell(
                    format_value(r.get("national_value"), unit=unit, lang=lang),
                    attributes=attrs(class_="num"),
                ),
                text(funnel_position(r), lang),
                text(funnel_position(plain), lang),
            ]
        )
    explained = f'<p class="ind-note">{escape(text("outliers_note", lang))}</p>' if note else ""
    return table(header, out, data_table="outliers") + explained
