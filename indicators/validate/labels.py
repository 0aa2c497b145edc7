"""Every fixed text of the validation report, in bokmål (``nb``) and English (``en``).

What a rule checked is worded from its kind and columns (:func:`checked_text`), so a
passing rule reads as what was found to hold ("hver rad i contacts har main_diagnosis")
rather than as the failure its message describes.  A kind without a wording here (a
rule from a newer suite file) reads as its message.

>>> text("passed", "nb"), text("passed", "en")
('Bestått', 'Passed')
>>> checked_text("table_present", "patients", ("",), "the extract has no patients table", "en")
'the extract has a patients table'
>>> checked_text("shape", "contacts", ("main_diagnosis",), "", "nb")
'main_diagnosis i contacts har riktig format'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from indicators.language import format_count, lookup

TEXT: dict[str, dict[str, str]] = {
    "title": {"nb": "Validering av uttrekket", "en": "Extract validation"},
    "synthetic": {
        "nb": "Syntetisk uttrekk: ingen virkelige pasienter.",
        "en": "Synthetic extract: not real patients.",
    },
    "verdict_passed": {
        "nb": "Uttrekket besto valideringen: «indicators compute» kan brukes.",
        "en": "The extract passed validation: indicators compute may go on.",
    },
    "verdict_failed": {
        "nb": "Uttrekket besto ikke valideringen. Rett feilene under og valider på nytt.",
        "en": "The extract did not pass validation. Correct the failures below and validate again.",
    },
    "extract": {"nb": "Uttrekk", "en": "Extract"},
    "fingerprint": {"nb": "Fingeravtrykk", "en": "Fingerprint"},
    "extract_date": {"nb": "Uttrekksdato", "en": "Extract date"},
    "date_from": {"nb": "fra", "en": "from"},
    "unknown": {"nb": "ukjent", "en": "unknown"},
    "validated": {"nb": "Validert", "en": "Validated"},
    "with_version": {"nb": "med indicators", "en": "with indicators"},
    "warning": {"nb": "Advarsel", "en": "Warning"},
    "tables": {"nb": "Tabellene", "en": "The tables"},
    "table": {"nb": "Tabell", "en": "Table"},
    "file": {"nb": "Fil", "en": "File"},
    "missing": {"nb": "mangler", "en": "missing"},
    "rows": {"nb": "Rader", "en": "Rows"},
    "rules": {"nb": "Regler", "en": "Rules"},
    "errors": {"nb": "Feil", "en": "Errors"},
    "warnings": {"nb": "Advarsler", "en": "Warnings"},
    "not_checked": {"nb": "Ikke kontrollert", "en": "Not checked"},
    "failures": {"nb": "Det som må rettes", "en": "What must be corrected"},
    "only_warnings": {"nb": "Advarsler", "en": "Warnings"},
    "error_badge": {"nb": "Feil", "en": "Error"},
    "warning_badge": {"nb": "Advarsel", "en": "Warning"},
    "not_met": {"nb": "Ikke oppfylt", "en": "Not met"},
    "rule_says": {"nb": "Regelen sier", "en": "The rule says"},
    "columns": {"nb": "Kolonner", "en": "Columns"},
    "broken_rows": {"nb": "Rader som bryter regelen", "en": "Rows that break the rule"},
    "of_checked": {"nb": "av", "en": "of"},
    "first_places": {"nb": "Første steder i filen", "en": "First places in the file"},
    "examples": {"nb": "Eksempelverdier", "en": "Example values"},
    "examples_withheld": {
        "nb": "vises ikke for id-kolonner; se stedene i filen",
        "en": "not shown for id columns; see the places in the file",
    },
    "rule_id": {"nb": "Regel-id", "en": "Rule id"},
    "passed": {"nb": "Bestått", "en": "Passed"},
    "passed_rules": {"nb": "Regler som holdt", "en": "Rules that held"},
    "not_checked_rules": {"nb": "Regler som ikke ble kontrollert", "en": "Rules not checked"},
    "because": {"nb": "fordi", "en": "because"},
    "no_failures": {"nb": "Ingen regel feilet.", "en": "No rule failed."},
    "messages_in_english": {
        "nb": "Regeltekstene kommer fra kontrollene og er på engelsk. ∅ er en tom verdi.",
        "en": "∅ is an empty value.",
    },
    "line": {"nb": "linje", "en": "line"},
    "row": {"nb": "rad", "en": "row"},
    "unreadable": {
        "nb": "Uttrekket kan ikke leses; ingen regel ble kontrollert.",
        "en": "The extract cannot be read; no rule was checked.",
    },
}

#: What a rule of each kind checks, worded as what holds when it passes.  ``{table}``,
#: ``{col}`` and ``{col2}`` are the rule's table and first two columns.
CHECKED: dict[str, dict[str, str]] = {
    "table_present": {
        "nb": "uttrekket har tabellen {table}",
        "en": "the extract has a {table} table",
    },
    "columns_present": {
        "nb": "{table} har alle kolonnene i uttrekksmodellen",
        "en": "{table} has every column of the extract model",
    },
    "columns_no_extra": {
        "nb": "{table} har ingen kolonner utenfor uttrekksmodellen",
        "en": "{table} has no column outside the extract model",
    },
    "not_empty": {"nb": "{table} har rader", "en": "{table} has rows"},
    "type": {
        "nb": "{col} i {table} er lagret med riktig type",
        "en": "{col} of {table} is stored as the right type",
    },
    "not_null": {"nb": "hver rad i {table} har {col}", "en": "every row of {table} has {col}"},
    "code": {
        "nb": "{col} i {table} er en kode fra kodeverket",
        "en": "every {col} of {table} is a code of its code list",
    },
    "shape": {
        "nb": "{col} i {table} har riktig format",
        "en": "every {col} of {table} has its format",
    },
    "orgnr": {
        "nb": "{col} i {table} er et gyldig organisasjonsnummer",
        "en": "every {col} of {table} is a valid organisation number",
    },
    "known": {
        "nb": "{col} i {table} finnes i referansetabellen",
        "en": "every {col} of {table} is in the reference table",
    },
    "range": {
        "nb": "{col} i {table} ligger innenfor tillatte verdier",
        "en": "every {col} of {table} lies in its allowed range",
    },
    "age": {
        "nb": "pasientens alder på uttrekksdatoen er 0–120 år",
        "en": "every patient is 0-120 years old at the extract date",
    },
    "unique": {"nb": "{col} i {table} er unik", "en": "{col} is unique in {table}"},
    "date_order": {
        "nb": "{col} i {table} er ikke før {col2}",
        "en": "{col} of {table} is not before {col2}",
    },
    "not_after_extract_date": {
        "nb": "{col} i {table} er ikke etter uttrekksdatoen",
        "en": "no {col} of {table} is after the extract date",
    },
    "not_before_earliest_date": {
        "nb": "{col} i {table} er ikke før 1900",
        "en": "no {col} of {table} is before 1900",
    },
    "not_before_birth": {
        "nb": "{col} i {table} er ikke i et år før pasientens fødselsår",
        "en": "no {col} of {table} is in a year before the patient's birth year",
    },
    "no_fodselsnummer": {
        "nb": "{col} i {table} inneholder ikke fødselsnummer",
        "en": "{col} of {table} holds no fødselsnummer",
    },
    "extra_no_fodselsnummer": {
        "nb": "tekstkolonner utenfor modellen i {table} inneholder ikke fødselsnummer",
        "en": "text columns of {table} outside the model hold no fødselsnummer",
    },
    "foreign_key": {
        "nb": "hver {col} i {table} finnes i tabellen den viser til",
        "en": "every {col} of {table} is found in the table it refers to",
    },
    "pathway_order": {
        "nb": "hendelsene i hvert forløp kommer i riktig rekkefølge",
        "en": "every pathway's events are in order",
    },
    "within_referral": {
        "nb": "hver kontakt ligger innenfor sin henvisning",
        "en": "every contact lies within its referral",
    },
    "same_patient": {
        "nb": "{col} i {table} er den samme som i henvisningen",
        "en": "every {col} of {table} is the referral's patient",
    },
}

_PLACE = re.compile(r"(line|row) ([0-9]+)")


def text(key: str, lang: str = "nb") -> str:
    """The fixed text ``key`` in ``lang``; raises KeyError naming a missing key."""
    return lookup(TEXT, key, lang)


def checked_text(
    kind: str,
    table: str,
    columns: Sequence[str],
    message: str,
    lang: str,
    name: Callable[[str], str] = str,
) -> str:
    """What a rule checks, worded as what holds when it passes (see the module docstring).

    ``name`` formats the table and column names put into the wording (the HTML page
    escapes them and sets them as code); the rest of the wording is fixed text.
    """
    if kind not in CHECKED:
        return message
    cols = [*columns, "", ""]
    return lookup(CHECKED, kind, lang).format(
        table=name(table), col=name(cols[0]), col2=name(cols[1])
    )


def place_text(place: str, lang: str) -> str:
    """A place in the file (``line 17``, ``row 3``) in ``lang``, its number formatted.

    >>> place_text("line 1234", "nb"), place_text("row 3", "en")
    ('linje 1 234', 'row 3')
    """
    match = _PLACE.fullmatch(place)
    if match is None:
        return place
    return f"{text(match.group(1), lang)} {format_count(int(match.group(2)), lang=lang)}"
