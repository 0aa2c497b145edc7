"""Numbers, shares, intervals and suppressed values as a report prints them.

Numbers and languages come from :mod:`indicators.language` (shared with the
validation report).

Norwegian bokmål (``nb``, the default) uses a decimal comma, a space between thousands
and a space before the per cent sign; English (``en``) uses a decimal point, a comma
between thousands and no space before the per cent sign; a negative number has the
minus sign "−" in bokmål (as the charts' axes do).  A suppressed value is never printed
as a number: ``small_count`` reads ``"<5"``, ``too_few`` reads ``"for få"`` /
``"too few"`` and ``secondary`` (withheld so that a small count elsewhere cannot be
recovered by subtraction) reads ``"skjult"`` / ``"withheld"``.

Examples
--------
>>> format_number(1234.5, lang="nb"), format_number(1234.5, lang="en")
('1 234,5', '1,234.5')
>>> format_percent(0.724, lang="nb"), format_percent(0.724, lang="en")
('72,4 %', '72.4%')
>>> format_value(None, unit="fraction", suppressed="small_count", lang="nb")
'<5'
>>> format_value(None, unit="fraction", suppressed="too_few", lang="nb")
'for få'
>>> format_value(None, unit="fraction", suppressed="secondary", lang="en")
'withheld'
"""

from __future__ import annotations

import math

import polars as pl

from indicators.language import (  # noqa: F401 - the reports' names for them
    LANGS,
    MINUS,
    MISSING_TEXT,
    Lang,
    check_lang,
    format_count,
    format_number,
)
from indicators.results import SUPPRESSED_SECONDARY, SUPPRESSED_SMALL_COUNT, SUPPRESSED_TOO_FEW

#: What a report prints for a value withheld for a reason it has no text of its own for.
WITHHELD_TEXT: dict[str, str] = {"nb": "skjult", "en": "withheld"}
#: What a report prints instead of a suppressed value, by reason and language.  Every
#: reason of :data:`indicators.results.SUPPRESSION_REASONS` has its own entry.
SUPPRESSED_TEXT: dict[str, dict[str, str]] = {
    SUPPRESSED_SMALL_COUNT: {"nb": "<5", "en": "<5"},
    SUPPRESSED_TOO_FEW: {"nb": "for få", "en": "too few"},
    # Withheld so that a small count elsewhere cannot be recovered by subtraction.
    SUPPRESSED_SECONDARY: WITHHELD_TEXT,
}
#: What a count column (``Antall (n)``) prints for a withheld row, by reason and language.
#: A row is withheld as a small count when the number with the event, the number without
#: it or the number in all is 1–4: its n may be far above five, so the count column says
#: why the row is withheld and never ``"<5"``, which would read as a false n.
SUPPRESSED_COUNT_TEXT: dict[str, dict[str, str]] = {
    SUPPRESSED_SMALL_COUNT: {"nb": "skjult: lite antall", "en": "withheld: small count"},
    SUPPRESSED_TOO_FEW: {"nb": "for få", "en": "too few"},
    SUPPRESSED_SECONDARY: WITHHELD_TEXT,
}
#: Every text a withheld value may be shown as (what the leak check accepts).
SUPPRESSED_TEXTS: frozenset[str] = frozenset(
    t
    for texts in (*SUPPRESSED_TEXT.values(), *SUPPRESSED_COUNT_TEXT.values(), WITHHELD_TEXT)
    for t in texts.values()
)
#: Why a row is withheld, in words, by reason and language (notes beside charts).
SUPPRESSION_REASON: dict[str, dict[str, str]] = {
    SUPPRESSED_SMALL_COUNT: {
        "nb": "et antall under fem",
        "en": "a count below five",
    },
    SUPPRESSED_TOO_FEW: {
        "nb": "for få personer til en pålitelig verdi",
        "en": "too few persons for a reliable value",
    },
    SUPPRESSED_SECONDARY: {
        "nb": "holdt tilbake for å skjerme et lite antall et annet sted",
        "en": "held back to protect a small count elsewhere",
    },
}

#: Decimals shown by unit: shares in per cent with one decimal, days one, ratios two,
#: counts none.
DECIMALS = {"fraction": 1, "days": 1, "ratio": 2, "count": 0}


def format_significant(value: float | None, *, digits: int = 2, lang: str = "nb") -> str:
    """Format a statistic with ``digits`` significant digits (at least two decimals).

    For quantities whose scale varies, such as φ and τ².

    >>> format_significant(0.0081183, lang="nb"), format_significant(8.8236, lang="en")
    ('0,0081', '8.82')
    >>> format_significant(0.0, lang="nb")
    '0,00'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_TEXT
    magnitude = math.floor(math.log10(abs(value))) if value else 0
    return format_number(value, decimals=max(2, digits - 1 - magnitude), lang=lang)


def format_percent(value: float | None, *, decimals: int = 1, lang: str = "nb") -> str:
    """Format a fraction (0–1) as per cent: ``72,4 %`` (nb) or ``72.4%`` (en).

    >>> format_percent(1.0, decimals=0, lang="nb")
    '100 %'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_TEXT
    number = format_number(value * 100, decimals=decimals, lang=lang)
    return f"{number} %" if lang == "nb" else f"{number}%"


def format_value(
    value: float | None,
    *,
    unit: str,
    suppressed: str | None = None,
    lang: str = "nb",
    with_unit: bool = True,
) -> str:
    """Format an indicator value in its unit, or the suppression text if it is withheld.

    Parameters
    ----------
    value
        The value (fraction 0–1, days, or an O/E ratio).
    unit
        ``fraction``, ``days`` or ``ratio``.
    suppressed
        ``None`` or a reason of :data:`indicators.results.SUPPRESSION_REASONS`; when
        set, ``value`` is ignored.
    lang
        ``nb`` or ``en``.
    with_unit
        Append the unit (``%``, ``dager`` / ``days``); ratios have none.

    Examples
    --------
    >>> format_value(23.44, unit="days", lang="nb")
    '23,4 dager'
    >>> format_value(0.8421, unit="ratio", lang="en")
    '0.84'
    >>> format_value(0.5, unit="fraction", suppressed="too_few", lang="en")
    'too few'
    """
    if suppressed is not None:
        return suppression_text(suppressed, lang=lang)
    if unit == "fraction":
        if with_unit:
            return format_percent(value, decimals=DECIMALS[unit], lang=lang)
        return format_number(
            None if value is None else value * 100, decimals=DECIMALS[unit], lang=lang
        )
    text = format_number(value, decimals=DECIMALS.get(unit, 2), lang=lang)
    if unit == "days" and with_unit and text != MISSING_TEXT:
        text += " dager" if lang == "nb" else " days"
    return text


def format_interval(
    low: float | None,
    high: float | None,
    *,
    unit: str,
    suppressed: str | None = None,
    lang: str = "nb",
) -> str:
    """Format a confidence interval as ``low–high`` with the unit once at the end.

    A suppressed row prints the suppression text; a missing bound prints ``–``.

    >>> format_interval(0.681, 0.763, unit="fraction", lang="nb")
    '68,1–76,3 %'
    >>> format_interval(0.681, 0.763, unit="fraction", lang="en")
    '68.1–76.3%'
    >>> format_interval(None, None, unit="ratio", suppressed="small_count")
    '<5'
    """
    if suppressed is not None:
        return suppression_text(suppressed, lang=lang)
    if low is None or high is None:
        return MISSING_TEXT
    lo = format_value(low, unit=unit, lang=lang, with_unit=False)
    hi = format_value(high, unit=unit, lang=lang, with_unit=True)
    return f"{lo}–{hi}"


def suppression_text(reason: str, *, lang: str = "nb") -> str:
    """What a report prints for a value withheld for ``reason``.

    A reason without a text of its own (a newer results table than this package knows)
    reads as withheld, never as a number.

    >>> suppression_text("small_count"), suppression_text("too_few", lang="en")
    ('<5', 'too few')
    >>> suppression_text("secondary"), suppression_text("some_new_reason", lang="en")
    ('skjult', 'withheld')
    """
    lang = check_lang(lang)
    return SUPPRESSED_TEXT.get(reason, WITHHELD_TEXT)[lang]


def suppression_count_text(reason: str, *, lang: str = "nb") -> str:
    """What a count column prints for a row withheld for ``reason`` (never a false n).

    >>> suppression_count_text("small_count"), suppression_count_text("secondary", lang="en")
    ('skjult: lite antall', 'withheld')
    """
    lang = check_lang(lang)
    return SUPPRESSED_COUNT_TEXT.get(reason, WITHHELD_TEXT)[lang]


def suppression_reason(reason: str, *, lang: str = "nb") -> str:
    """Why a row is withheld, in words (for a sentence, not a table cell).

    >>> suppression_reason("small_count")
    'et antall under fem'
    >>> suppression_reason("some_new_reason", lang="en")
    'withheld'
    """
    lang = check_lang(lang)
    return SUPPRESSION_REASON.get(reason, {}).get(lang) or WITHHELD_TEXT[lang]


def incomplete_reason(reason: str, *, lang: str = "nb") -> str:
    """Why a period is incomplete (``period_incomplete``), in words.

    >>> incomplete_reason("follow_up")
    'ikke alle tilfeller var avgjort ved uttrekksdatoen'
    >>> incomplete_reason("something_new", lang="en")
    'the period does not hold every case'
    """
    from indicators.present.labels import TEXT

    key = f"incomplete_{reason}"
    return TEXT.get(key, TEXT["incomplete_other"])[check_lang(lang)]


def format_values(
    values: pl.Series,
    *,
    unit: str,
    suppressed: pl.Series | None = None,
    lang: str = "nb",
    with_unit: bool = True,
) -> pl.Series:
    """:func:`format_value` for a column (and its ``suppressed`` reasons), as strings.

    >>> s = format_values(pl.Series([0.5, None]), unit="fraction",
    ...                   suppressed=pl.Series(["", "small_count"]), lang="nb")
    >>> s.to_list()
    ['50,0 %', '<5']
    """
    reasons = suppressed.to_list() if suppressed is not None else [None] * values.len()
    return pl.Series(
        values.name,
        [
            format_value(v, unit=unit, suppressed=r or None, lang=lang, with_unit=with_unit)
            for v, r in zip(values.to_list(), reasons, strict=True)
        ],
        dtype=pl.String,
    )
