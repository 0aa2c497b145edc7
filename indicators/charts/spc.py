"""Statistical process control (SPC) charts and their icons, in the "Making Data Count" style.

An SPC chart shows one series of monthly values (one indicator, level and unit of
``spc.parquet``, :data:`~indicators.results.SPC_SCHEMA`):

- the values as a grey line with points; a withheld month leaves a gap in the line;
- the centre line (solid) and the process limits (dashed), drawn per ``segment``, so a
  rebase shows as a step, never as a diagonal joining two centres;
- the target, dotted, where there is one;
- each point coloured by its verdict: special cause improvement blue, special cause
  concern orange, anything else grey; an incomplete month is a hollow grey point (it
  takes no part in the limits or the rules, so it is never a signal).

Two icons sum the series up: the variation icon (a ring in the verdict's colour with a
letter ``H`` or ``L`` for the side of the special cause, higher or lower) and the
assurance icon (``P`` when the process consistently passes its target, ``F`` when it
consistently fails it, ``?`` when it is hit and miss).  They are drawn with Vega-Lite
marks only, so they need no image, font or address outside the report.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from indicators.charts.display import ChartView, fill, named, slot, spec_template, unvalidated
from indicators.charts.theme import (
    POINT_ROLE,
    WIDTH,
    aria_description,
    axis_title,
    chart_config,
    chart_title,
    value_axis_format,
    value_format,
)
from indicators.present.format import format_values
from indicators.present.labels import text
from indicators.stats.spc import (
    ASSURANCE_FAILS,
    ASSURANCE_HIT_AND_MISS,
    ASSURANCE_MEETS,
    COMMON,
    CONCERN,
    IMPROVEMENT,
    NEITHER,
)

#: "Making Data Count" colours: improvement, concern, and no signal.
IMPROVEMENT_COLOUR = "#289DE0"
CONCERN_COLOUR = "#FAB428"
COMMON_COLOUR = "#7B7D7D"
#: The centre line, the process limits and the target.
CENTRE_COLOUR = "#231F20"
LIMIT_COLOUR = "#7B7D7D"
TARGET_COLOUR = "#DE1B1B"
#: Width and height of an icon in pixels.
ICON_SIZE = 44
HEIGHT = 260

#: The label key of each point verdict, and the colour of its point.
VERDICT_KEYS = {
    IMPROVEMENT: "spc_improvement",
    CONCERN: "spc_concern",
    NEITHER: "spc_neither",
    COMMON: "spc_common",
}
VERDICT_COLOURS = {
    IMPROVEMENT: IMPROVEMENT_COLOUR,
    CONCERN: CONCERN_COLOUR,
    NEITHER: COMMON_COLOUR,
    COMMON: COMMON_COLOUR,
}
#: The label key, letter and colour of each assurance verdict.
ASSURANCE_ICONS = {
    ASSURANCE_MEETS: ("spc_meets", "P", IMPROVEMENT_COLOUR),
    ASSURANCE_FAILS: ("spc_fails", "F", CONCERN_COLOUR),
    ASSURANCE_HIT_AND_MISS: ("spc_hit_and_miss", "?", COMMON_COLOUR),
}

#: d3-time-format locales, so the month axis reads ``mars 2025`` in a bokmål report.
TIME_LOCALES: dict[str, dict[str, Any]] = {
    "nb": {
        "dateTime": "%A %e. %B %Y kl. %X",
        "date": "%d.%m.%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
        "shortDays": ["sø.", "ma.", "ti.", "on.", "to.", "fr.", "lø."],
        "months": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
                   "september", "oktober", "november", "desember"],
        "shortMonths": ["jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.",
                        "sep.", "okt.", "nov.", "des."],
    },
    "en": {
        "dateTime": "%x, %X",
        "date": "%-m/%-d/%Y",
        "time": "%-I:%M:%S %p",
        "periods": ["AM", "PM"],
        "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                 "Saturday"],
        "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        "months": ["January", "February", "March", "April", "May", "June", "July",
                   "August", "September", "October", "November", "December"],
        "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                        "Oct", "Nov", "Dec"],
    },
}  # fmt: skip


def spc_chart(
    rows: pl.DataFrame,
    *,
    unit: str,
    title: str = "",
    value_title: str | None = None,
    lang: str = "nb",
    icons: bool = True,
) -> ChartView:
    """The SPC chart of one series, with its two icons to the right.

    Parameters
    ----------
    rows
        Rows of ``spc.parquet`` (:data:`~indicators.results.SPC_SCHEMA`) of one
        indicator, level and unit.
    unit
        ``fraction`` (shown as per cent), ``days`` or ``ratio``.
    title
        Chart title (also the start of the chart's description).
    value_title
        Title of the value axis (default: what the unit is, ``Andel (%)``, ...).
    lang
        ``nb`` or ``en``.
    icons
        Put the variation and assurance icons to the right of the chart.
    """
    value_title = value_title or axis_title(unit, lang)
    rows = rows.sort("month")
    points = _points(rows, unit=unit, value_title=value_title, lang=lang)
    lines = _lines(rows, unit=unit, lang=lang)
    verdicts = _series_verdicts(rows)
    spec = _spc_spec(
        unit=unit,
        value_title=value_title,
        lang=lang,
        lines=_shown(_line_styles(lang), lines["label"]),
        signals=_shown(_signal_colours(lang), points["signal"]),
        icons=_icon_colours(*verdicts, lang=lang) if icons else None,
    )
    datasets = {"spc_points": points, "spc_lines": lines}
    if icons:
        datasets |= _icon_data(*verdicts, lang=lang)
    summary = (variation_text(verdicts[0], verdicts[1], lang), assurance_text(verdicts[2], lang))
    description = ". ".join(part for part in (title, *summary) if part)
    return ChartView(fill(spec, title=title), description=description, datasets=datasets, lang=lang)


def _shown(styles: dict[str, Any], labels: pl.Series) -> tuple[tuple[str, Any], ...]:
    """The (label, style) of ``styles`` whose label is among ``labels``, in their order."""
    present = set(labels.drop_nulls().unique().to_list())
    return tuple((label, style) for label, style in styles.items() if label in present)


@spec_template
def _spc_spec(
    *,
    unit: str,
    value_title: str,
    lang: str,
    lines: tuple[tuple[str, tuple[str, tuple[int, int]]], ...],
    signals: tuple[tuple[str, str], ...],
    icons: tuple[str, str] | None,
) -> alt.TopLevelMixin:
    """The SPC chart without its data, the same for every series with the same verdicts.

    ``lines``: the lines drawn (label, colour and dash, :func:`_line_styles`);
    ``signals``: the point verdicts drawn (label, colour); ``icons``: the colours of the
    variation and assurance icons (:func:`_icon_colours`), or None for no icons.  The
    title is the slot ``title``.
    """
    x = alt.X(
        "month:T",
        timeUnit="utcyearmonth",
        title=text("month", lang),
        axis=alt.Axis(format="%b %Y", tickCount="month", labelOverlap="greedy", labelAngle=0),
    )
    y = alt.Y(
        "value:Q",
        title=value_title,
        scale=alt.Scale(zero=False),
        axis=alt.Axis(format=value_axis_format(unit)),
    )
    layers = [
        _line_layer(x, y, lines, lang=lang),
        *_value_layers(x, y, signals, value_title=value_title, lang=lang),
    ]
    title = chart_title(slot("title"))
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=title)
    view: alt.LayerChart | alt.HConcatChart = chart
    if icons is not None:
        view = alt.hconcat(chart, _icon_charts(*icons), spacing=16)
    return view.configure(**_config(lang, number_format=value_format(unit)))


def _config(lang: str, *, number_format: str = ",.2f") -> dict[str, Any]:
    """The charts' config, with month names in ``lang`` for the time axis."""
    config = chart_config(lang, number_format=number_format)
    config["locale"] = {**config["locale"], "time": TIME_LOCALES[lang]}
    return config


def _series_verdicts(rows: pl.DataFrame) -> tuple[str | None, str | None, str | None]:
    """The series' variation verdict, its direction of improvement and its assurance."""
    columns = ("series_variation", "improvement", "assurance")
    latest = rows.select(pl.col(name).drop_nulls().last() for name in columns)
    if latest.height == 0:
        return None, None, None
    variation, improvement, assurance = latest.row(0)
    return variation, improvement, assurance


def _month_text(lang: str) -> pl.Expr:
    """The ``month`` column as words: ``mars 2025`` (``March 2025``)."""
    names = dict(enumerate(TIME_LOCALES[lang]["months"], start=1))
    return pl.concat_str(
        pl.col("month").dt.month().cast(pl.Int64).replace_strict(names, return_dtype=pl.String),
        pl.lit(" "),
        pl.col("month").dt.year().cast(pl.String),
    ).alias("month_text")


def _points(rows: pl.DataFrame, *, unit: str, value_title: str, lang: str) -> pl.DataFrame:
    """The months with a value: their verdict, texts and screen-reader description.

    ``run`` counts the withheld months before a month, so the value line breaks at each
    of them; ``signal`` is the verdict that colours the point (null for an incomplete
    month, which takes no part in the rules).
    """
    incomplete = pl.col("period_incomplete").is_not_null()
    labels = {verdict: text(key, lang) for verdict, key in VERDICT_KEYS.items()}
    judged = pl.col("included").fill_null(False) & ~incomplete
    signal = pl.when(judged).then(
        pl.col("variation").replace_strict(labels, default=None, return_dtype=pl.String)
    )
    data = rows.with_columns(
        format_values(rows["value"], unit=unit, suppressed=rows["suppressed"], lang=lang).alias(
            "value_text"
        ),
        _month_text(lang),
        pl.col("value").is_null().cum_sum().alias("run"),
        incomplete.alias("incomplete"),
        signal.alias("signal"),
    ).filter(pl.col("value").is_not_null())
    verdict_text = (
        pl.when(pl.col("incomplete"))
        .then(pl.lit(text("incomplete_short", lang)))
        .otherwise(pl.col("signal").fill_null(pl.lit(text("spc_common", lang))))
    )
    return data.select(
        pl.col("month").dt.strftime("%Y-%m-%d"),
        "month_text",
        "unit_name",
        "run",
        "value",
        "value_text",
        "incomplete",
        "signal",
        verdict_text.alias("verdict_text"),
    ).with_columns(
        aria_description(
            "unit_name",
            (text("month", lang), "month_text"),
            (value_title, "value_text"),
            (text("spc_variation", lang), "verdict_text"),
        )
    )


def _lines(rows: pl.DataFrame, *, unit: str, lang: str) -> pl.DataFrame:
    """The centre line, the limits and the target, one row per line and month.

    ``line`` names each line: ``centre-0``, ``lower-0``, ``upper-0``, ``centre-1`` ...
    (one per segment, so a rebase starts new lines) and ``target``.
    """
    limits = (
        rows.select("month", "segment", "centre", "lower", "upper")
        .unpivot(["centre", "lower", "upper"], index=["month", "segment"], variable_name="kind")
        .with_columns(pl.concat_str("kind", pl.lit("-"), pl.col("segment")).alias("line"))
    )
    target = rows.select(
        "month",
        "segment",
        pl.lit("target").alias("kind"),
        pl.col("target").alias("value"),
        pl.lit("target").alias("line"),
    )
    names = {
        "centre": text("spc_centre", lang),
        "lower": text("spc_limits", lang),
        "upper": text("spc_limits", lang),
        "target": text("spc_target", lang),
    }
    data = pl.concat([limits, target], how="vertical_relaxed").filter(pl.col("value").is_not_null())
    return data.select(
        pl.col("month").dt.strftime("%Y-%m-%d"),
        _month_text(lang),
        "segment",
        "line",
        pl.col("kind").replace_strict(names, return_dtype=pl.String).alias("label"),
        "value",
        format_values(data["value"], unit=unit, lang=lang).alias("value_text"),
    )


def _line_styles(lang: str) -> dict[str, tuple[str, tuple[int, int]]]:
    """The colour and dash of each kind of line, by its legend text."""
    return {
        text("spc_centre", lang): (CENTRE_COLOUR, (1, 0)),
        text("spc_limits", lang): (LIMIT_COLOUR, (6, 4)),
        text("spc_target", lang): (TARGET_COLOUR, (2, 3)),
    }


def _line_layer(
    x: alt.X, y: alt.Y, shown: tuple[tuple[str, tuple[str, tuple[int, int]]], ...], *, lang: str
) -> alt.Chart:
    """Centre line (solid), limits (dashed) and target (dotted), one legend for all three.

    ``shown``: the lines drawn, with their colour and dash (:func:`_line_styles`).
    """
    domain = [label for label, _ in shown]
    colours = [colour for _, (colour, _) in shown]
    dashes = [list(dash) for _, (_, dash) in shown]
    legend = alt.Legend(
        title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=2, symbolSize=400
    )
    return (
        alt.Chart(named("spc_lines"))
        .mark_line(strokeWidth=1.5, aria=False)
        .encode(
            x=x,
            y=y,
            detail=alt.Detail("line:N"),
            stroke=alt.Stroke(
                "label:N", scale=alt.Scale(domain=domain, range=colours), legend=legend, title=None
            ),
            strokeDash=alt.StrokeDash(
                "label:N", scale=alt.Scale(domain=domain, range=dashes), legend=legend, title=None
            ),
            tooltip=[
                alt.Tooltip("label:N", title=text("spc_line", lang)),
                alt.Tooltip("month_text:N", title=text("month", lang)),
                alt.Tooltip("value_text:N", title=text("value", lang)),
            ],
        )
    )


def _signal_colours(lang: str) -> dict[str, str]:
    """The colour of each point verdict, by its legend text."""
    return {text(key, lang): VERDICT_COLOURS[verdict] for verdict, key in VERDICT_KEYS.items()}


def _value_layers(
    x: alt.X, y: alt.Y, signals: tuple[tuple[str, str], ...], *, value_title: str, lang: str
) -> list[alt.Chart]:
    """The value line (broken at withheld months) and its points.

    A point is filled in its verdict's colour (``signals``: the verdicts drawn, with their
    colour); an incomplete month is a hollow grey point.  The points are what a screen
    reader reads, one per month.
    """
    base = alt.Chart(named("spc_points"))
    line = base.mark_line(color=COMMON_COLOUR, strokeWidth=1.5, aria=False).encode(
        x=x, y=y, detail=alt.Detail("run:N")
    )
    domain = [label for label, _ in signals]
    colours = [colour for _, colour in signals]
    point = {
        "x": x,
        "y": y,
        "tooltip": [
            alt.Tooltip("month_text:N", title=text("month", lang)),
            alt.Tooltip("value_text:N", title=value_title),
            alt.Tooltip("verdict_text:N", title=text("spc_variation", lang)),
        ],
        "description": alt.Description("aria:N"),
    }
    filled = (
        base.transform_filter("!datum.incomplete")
        .mark_point(filled=True, size=45, opacity=1, ariaRoleDescription=POINT_ROLE)
        .encode(
            fill=alt.Fill(
                "signal:N",
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(title=None, orient="bottom", symbolType="circle"),
            ),
            **point,
        )
    )
    hollow = (
        base.transform_filter("datum.incomplete")
        .mark_point(
            filled=False,
            fill="white",
            color=COMMON_COLOUR,
            size=55,
            strokeWidth=2,
            opacity=1,
            ariaRoleDescription=POINT_ROLE,
        )
        .encode(**point)
    )
    return [line, filled, hollow]


def verdict_side(verdict: str | None, improvement: str | None) -> str | None:
    """``H`` when the special cause lies above the centre, ``L`` below, else None.

    >>> side = verdict_side
    >>> side(IMPROVEMENT, "increase"), side(CONCERN, "increase"), side(COMMON, "decrease")
    ('H', 'L', None)
    """
    if verdict not in (IMPROVEMENT, CONCERN) or improvement not in ("increase", "decrease"):
        return None
    higher = (verdict == IMPROVEMENT) == (improvement == "increase")
    return "H" if higher else "L"


def variation_text(verdict: str | None, improvement: str | None, lang: str) -> str:
    """The variation verdict in words, with its side: ``... – forbedring (høyere)``."""
    label = text(VERDICT_KEYS.get(verdict or "", "spc_no_variation"), lang)
    side = verdict_side(verdict, improvement)
    if side is None:
        return label
    return f"{label} ({text('spc_higher' if side == 'H' else 'spc_lower', lang)})"


def assurance_text(verdict: str | None, lang: str) -> str:
    """The assurance verdict in words: ``Måloppnåelse: Når målet hver gang``."""
    key = (
        ASSURANCE_ICONS[verdict][0]
        if verdict is not None and verdict in ASSURANCE_ICONS
        else "spc_no_target"
    )
    return f"{text('spc_assurance', lang)}: {text(key, lang)}"


#: Where the icons' marks go, in a square of :data:`ICON_SIZE` with the origin bottom left.
_CENTRE = ICON_SIZE / 2
_DOT_X = [12.0, 16.0, 20.0, 24.0, 28.0, 32.0]
#: The motif of the variation icon: a run of values, rising at the end for ``H``.
_DOTS_Y = {
    "H": [14.0, 16.0, 13.0, 15.0, 19.0, 23.0],
    "L": [30.0, 28.0, 31.0, 29.0, 25.0, 21.0],
    None: [20.0, 24.0, 19.0, 23.0, 21.0, 22.0],
}
_LETTER_Y = {"H": 31.0, "L": 13.0}
#: The assurance icon's dashed target line.
_TARGET_X = [12.0, 32.0]
_TARGET_Y = 13.0


def _icon_marks(
    colour: str,
    dots: list[tuple[float, float, str]],
    letter: tuple[float, str, int] | None,
    *,
    target: bool = False,
) -> pl.DataFrame:
    """The marks of an icon: its ring, the dots of its motif, its letter and target line.

    ``dots`` are (x, y, colour); ``letter`` is (y, text, font size); ``target`` draws a
    dashed line below the letter (the assurance icon's motif).
    """
    marks: list[tuple[Any, ...]] = [("ring", _CENTRE, _CENTRE, colour, None, 0)]
    marks += [("dot", x, y, dot, None, 0) for x, y, dot in dots]
    if target:
        marks += [("target", x, _TARGET_Y, colour, None, 0) for x in _TARGET_X]
    if letter is not None:
        y, label, size = letter
        marks.append(("letter", _CENTRE, y, colour, label, size))
    return pl.DataFrame(marks, schema=_ICON_SCHEMA, orient="row")


_ICON_SCHEMA = {
    "part": pl.String,
    "x": pl.Float64,
    "y": pl.Float64,
    "colour": pl.String,
    "label": pl.String,
    "size": pl.Int64,
}


def _icon_chart(name: str, colour: str) -> alt.LayerChart:
    """An icon drawn from the marks of dataset ``name`` (:func:`_icon_marks`)."""
    scale = alt.Scale(domain=[0, ICON_SIZE], nice=False, zero=False)
    position = {
        "x": alt.X("x:Q", scale=scale, axis=None),
        "y": alt.Y("y:Q", scale=scale, axis=None),
    }
    colours = alt.Color("colour:N", scale=None)
    base = alt.Chart(named(name))
    dots = base.transform_filter("datum.part == 'dot'")
    layers = [
        base.transform_filter("datum.part == 'ring'")
        .mark_point(shape="circle", size=1150, filled=False, fill="white", fillOpacity=1,
                    color=colour, strokeWidth=3, opacity=1, aria=False)
        .encode(**position),
        base.transform_filter("datum.part == 'target'")
        .mark_line(strokeDash=[3, 2], strokeWidth=1.5, aria=False)
        .encode(color=colours, **position),
        dots.mark_line(color=COMMON_COLOUR, strokeWidth=1, aria=False).encode(**position),
        dots.mark_circle(size=14, opacity=1, aria=False).encode(color=colours, **position),
        base.transform_filter("datum.part == 'letter'")
        .mark_text(fontWeight="bold", lineBreak="\n", baseline="middle", aria=False)
        .encode(text="label:N", size=alt.Size("size:Q", scale=None), color=colours, **position),
    ]  # fmt: skip
    return alt.layer(*layers).properties(width=ICON_SIZE, height=ICON_SIZE)


def _variation_parts(verdict: str | None, improvement: str | None) -> tuple[str, pl.DataFrame]:
    """The variation icon's colour and marks: a run of dots, its last in the verdict's colour."""
    colour = VERDICT_COLOURS.get(verdict or "", COMMON_COLOUR)
    side = verdict_side(verdict, improvement)
    heights = _DOTS_Y[side]
    dot_colours = [COMMON_COLOUR] * 4 + [colour if side else COMMON_COLOUR] * 2
    dots = list(zip(_DOT_X, heights, dot_colours, strict=True))
    letter: tuple[float, str, int] | None
    if verdict not in VERDICT_COLOURS:
        dots, letter = [], (_CENTRE, "–", 16)
    else:
        letter = (_LETTER_Y[side], side, 12) if side else None
    return colour, _icon_marks(colour, dots, letter)


def _assurance_parts(verdict: str | None, lang: str) -> tuple[str, pl.DataFrame]:
    """The assurance icon's colour and marks: a letter above a dashed target line."""
    if verdict is None or verdict not in ASSURANCE_ICONS:
        no_target = text("spc_no_target", lang).replace(" ", "\n")
        return COMMON_COLOUR, _icon_marks(COMMON_COLOUR, [], (_CENTRE, no_target, 8))
    _, letter, colour = ASSURANCE_ICONS[verdict]
    return colour, _icon_marks(colour, [], (_CENTRE + 3, letter, 16), target=True)


def _icon_colours(
    variation: str | None, improvement: str | None, assurance: str | None, *, lang: str
) -> tuple[str, str]:
    """The colours of the variation and the assurance icon (their marks are data)."""
    return _variation_parts(variation, improvement)[0], _assurance_parts(assurance, lang)[0]


def _icon_charts(variation_colour: str, assurance_colour: str) -> alt.HConcatChart:
    """Both icons side by side, in their colours (their data: :func:`_icon_data`)."""
    return alt.hconcat(
        _icon_chart("spc_icon_variation", variation_colour),
        _icon_chart("spc_icon_assurance", assurance_colour),
        spacing=6,
    )


def _icon_data(
    variation: str | None, improvement: str | None, assurance: str | None, *, lang: str
) -> dict[str, pl.DataFrame]:
    """The marks of both icons, by the names of their datasets."""
    _, variation_marks = _variation_parts(variation, improvement)
    _, assurance_marks = _assurance_parts(assurance, lang)
    return {"spc_icon_variation": variation_marks, "spc_icon_assurance": assurance_marks}


@unvalidated
def variation_icon(verdict: str | None, improvement: str | None, *, lang: str = "nb") -> ChartView:
    """The variation icon of a series: its verdict's colour, ``H`` or ``L`` for its side.

    Parameters
    ----------
    verdict
        ``series_variation`` of ``spc.parquet``: special cause improvement (blue), concern
        (orange), neither or common cause (grey); None when not assessed (a dash).
    improvement
        ``increase`` or ``decrease``: which direction is better, which with the verdict
        gives the side of the special cause (improvement by an increase is higher).
    lang
        ``nb`` or ``en``: the language of the icon's description.
    """
    colour, marks = _variation_parts(verdict, improvement)
    return ChartView(
        _icon_chart("spc_icon_variation", colour).configure(**_config(lang)),
        description=variation_text(verdict, improvement, lang),
        datasets={"spc_icon_variation": marks},
        lang=lang,
    )


@unvalidated
def assurance_icon(verdict: str | None, *, lang: str = "nb") -> ChartView:
    """The assurance icon of a series: ``P`` (blue), ``F`` (orange) or ``?`` (grey).

    Parameters
    ----------
    verdict
        ``assurance`` of ``spc.parquet``: consistently meets target (``P``), consistently
        fails target (``F``) or hit and miss (``?``); None without a target, drawn as a
        grey ring saying so.
    lang
        ``nb`` or ``en``.
    """
    colour, marks = _assurance_parts(verdict, lang)
    return ChartView(
        _icon_chart("spc_icon_assurance", colour).configure(**_config(lang)),
        description=assurance_text(verdict, lang),
        datasets={"spc_icon_assurance": marks},
        lang=lang,
    )


@unvalidated
def spc_icons(
    verdict: str | None, improvement: str | None, assurance: str | None, *, lang: str = "nb"
) -> ChartView:
    """The variation and assurance icons side by side, to put next to a chart's title.

    The arguments are those of :func:`variation_icon` and :func:`assurance_icon`.
    """
    chart = _icon_charts(*_icon_colours(verdict, improvement, assurance, lang=lang))
    datasets = _icon_data(verdict, improvement, assurance, lang=lang)
    description = ". ".join(
        (variation_text(verdict, improvement, lang), assurance_text(assurance, lang))
    )
    return ChartView(
        chart.configure(**_config(lang)), description=description, datasets=datasets, lang=lang
    )
