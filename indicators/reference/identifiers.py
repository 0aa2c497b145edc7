"""Check digits of Norwegian identifiers: organisation numbers and fødselsnummer.

Both come as a scalar function and as a vectorised polars expression, so the same
rule checks one value typed by a user and a column of millions of rows.

References
----------
Brønnøysundregistrene, "Organisasjonsnummer" (modulus 11 with weights 3 2 7 6 5 4 3 2).
Skatteetaten, "Fødselsnummer" (two modulus-11 check digits, weights 3 7 6 1 8 9 4 5 2
and 5 4 3 2 7 6 5 4 3 2).

Examples
--------
>>> is_valid_orgnr("983974880")
True
>>> is_valid_orgnr("983974881")
False
"""

from __future__ import annotations

import polars as pl

ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
FNR_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
FNR_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _mod11_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def is_valid_orgnr(value: str) -> bool:
    """Return True if ``value`` is a nine-digit organisation number with a valid check digit.

    The ninth digit is ``11 - (Σ d_i·w_i mod 11)`` with weights 3 2 7 6 5 4 3 2 (11 counts
    as 0; a remainder that gives 10 makes the number invalid).

    >>> is_valid_orgnr("974207532")
    True
    """
    if len(value) != 9 or not value.isdigit():
        return False
    check = _mod11_digit(value[:8], ORGNR_WEIGHTS)
    return check is not None and check == int(value[8])


def is_valid_fodselsnummer(value: str) -> bool:
    """Return True if ``value`` is 11 digits whose two modulus-11 check digits are valid.

    Only the check digits are tested, not the date part, so D-numbers and H-numbers
    (which shift the day or month) count too: for leak detection, any 11-digit string
    that passes both checks is treated as a personal identifier.

    >>> is_valid_fodselsnummer("01010012356")
    True
    >>> is_valid_fodselsnummer("01010012357")
    False
    """
    if len(value) != 11 or not value.isdigit():
        return False
    k1 = _mod11_digit(value[:9], FNR_WEIGHTS_1)
    if k1 is None or k1 != int(value[9]):
        return False
    k2 = _mod11_digit(value[:10], FNR_WEIGHTS_2)
    return k2 is not None and k2 == int(value[10])


def _mod11_expr(digits: pl.Expr, weights: tuple[int, ...]) -> pl.Expr:
    total = pl.sum_horizontal(
        digits.str.slice(i, 1).cast(pl.Int32) * w for i, w in enumerate(weights)
    )
    return (11 - total % 11) % 11


def orgnr_is_valid(expr: pl.Expr | str) -> pl.Expr:
    """Polars expression: True where the string is a valid organisation number.

    Null stays null.

    >>> frame = pl.DataFrame({"o": ["983974880", "983974881", "12", None]})
    >>> frame.select(orgnr_is_valid("o"))["o"].to_list()
    [True, False, False, None]
    """
    e = pl.col(expr) if isinstance(expr, str) else expr
    shaped = e.str.contains(r"^[0-9]{9}$")
    digits = pl.when(shaped).then(e).otherwise(pl.lit("000000000"))
    check = _mod11_expr(digits, ORGNR_WEIGHTS)
    ok = (check != 10) & (check == digits.str.slice(8, 1).cast(pl.Int32))
    return shaped & ok


def _fodselsnummer_checks(digits: pl.Expr) -> pl.Expr:
    """True where ``digits`` (11 digits) passes both fødselsnummer check digits."""
    k1 = _mod11_expr(digits, FNR_WEIGHTS_1)
    k2 = _mod11_expr(digits, FNR_WEIGHTS_2)
    return (
        (k1 != 10)
        & (k2 != 10)
        & (k1 == digits.str.slice(9, 1).cast(pl.Int32))
        & (k2 == digits.str.slice(10, 1).cast(pl.Int32))
    )


def fodselsnummer_like(expr: pl.Expr | str) -> pl.Expr:
    """Polars expression: True where the string contains an 11-digit run passing both checks.

    Every run of exactly 11 digits in the value is tested (so a number pasted into free
    text is found even after another 11-digit number); a run inside a longer run of
    digits is not a fødselsnummer.  Null stays null.

    >>> s = pl.DataFrame(
    ...     {"t": ["pas 01010012356 ringt", "12345678901", "x", "ref 12345678901 pas 01010012356"]}
    ... )
    >>> s.select(fodselsnummer_like("t"))["t"].to_list()
    [True, False, False, True]
    """
    e = pl.col(expr) if isinstance(expr, str) else expr
    runs = e.str.extract_all(r"[0-9]+").list.eval(
        pl.element().filter(pl.element().str.len_bytes() == 11)
    )
    found = runs.list.eval(_fodselsnummer_checks(pl.element())).list.any()
    return pl.when(e.is_not_null()).then(found)
