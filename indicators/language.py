"""The languages of what the program writes for people, and numbers as they read them.

Shared by the validation report and the trust reports: bokmål (``nb``, the default)
uses a space between thousands, a decimal comma and the minus sign "−"; English
(``en``) a comma between thousands and a decimal point.  Fixed texts are kept in tables
of ``{key: {"nb": ..., "en": ...}}`` and looked up with :func:`lookup`.

>>> format_count(1234567), format_count(1234567, lang="en")
('1 234 567', '1,234,567')
>>> lookup({"hello": {"nb": "hei", "en": "hello"}}, "hello", "nb")
'hei'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

Lang = Literal["nb", "en"]
LANGS: tuple[Lang, ...] = ("nb", "en")

#: The minus sign of bokmål numbers (U+2212), as in the charts' number locale.
MINUS = "\u2212"
#: What is printed for a missing value (no data).
MISSING_TEXT = "–"


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is a report language (``nb`` or ``en``), else raise ValueError.

    >>> check_lang("en")
    'en'
    """
    if lang not in LANGS:
        raise ValueError(f"report language {lang!r} is not supported; use 'nb' or 'en'")
    return lang


def lookup(texts: Mapping[str, Mapping[str, str]], key: str, lang: str = "nb") -> str:
    """The text ``key`` of ``texts`` in ``lang``; KeyError naming a missing key."""
    check_lang(lang)
    try:
        return texts[key][lang]
    except KeyError:
        raise KeyError(f"no text {key!r} in language {lang!r}") from None


def format_number(value: float | None, *, decimals: int = 1, lang: str = "nb") -> str:
    """Format a number with the language's decimal and thousands separators.

    Parameters
    ----------
    value
        The number; ``None`` or NaN prints as ``"–"``.
    decimals
        Digits after the decimal separator.
    lang
        ``nb``: ``1 234,5``; ``en``: ``1,234.5``.

    Examples
    --------
    >>> format_number(1234567, decimals=0, lang="nb")
    '1 234 567'
    >>> format_number(-0.5, decimals=2, lang="en"), format_number(-0.5, decimals=2, lang="nb")
    ('-0.50', '−0,50')
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_TEXT
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # a value that rounds to zero has no sign
    if lang == "nb":
        text = text.replace(",", " ").replace(".", ",").replace("-", MINUS)
    return text


def format_count(value: float | None, *, lang: str = "nb") -> str:
    """Format a count of persons, cases or rows (no decimals).

    >>> format_count(12345.0, lang="nb")
    '12 345'
    """
    return format_number(value, decimals=0, lang=lang)
