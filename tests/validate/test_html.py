"""The validation page as a person reads it: failures first, passes folded away."""

from __future__ import annotations

from html.parser import HTMLParser

from typer.testing import CliRunner

from indicators.cli import app
from indicators.validate.html import render_html
from indicators.validate.results import RuleResult, TableResult, ValidationReport
from tests.validate.conftest import copy_extract

VOID = {"meta", "br", "hr", "img", "input", "link"}


class _Balance(HTMLParser):
    """Every element opened is closed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def well_formed(html: str) -> bool:
    parser = _Balance()
    parser.feed(html)
    return not parser.errors and not parser.stack


def _report(results: list[RuleResult], rows: int = 12345) -> ValidationReport:
    tables = {r.table for r in results}
    return ValidationReport(
        extract="x",
        fingerprint="f",
        extract_date="2025-12-31",
        synthetic=False,
        tables={
            t: TableResult(t, f"{t}.csv", rows, [r for r in results if r.table == t])
            for t in sorted(tables)
        },
    )


def _failed_diagnosis() -> RuleResult:
    result = RuleResult(
        "contacts.main_diagnosis.shape", "contacts", False, 12345, 1234, ["F99X", "J45,9"]
    )
    result.locate([15, 1299], csv=True)
    return result


def test_failures_come_first_grouped_by_table_with_message_count_and_places():
    passed = RuleResult("patients.table.present", "patients", True, 1, 0)
    report = _report([passed, _failed_diagnosis()])
    html = render_html(report)
    failures = html.index("Det som må rettes")
    assert failures < html.index("Tabellene") < html.index("<details>")
    card = html[html.index('<h3 id="t-contacts">contacts</h3>') :]
    assert "Ikke oppfylt: <code>main_diagnosis</code> i <code>contacts</code>" in card
    assert "main_diagnosis is not an ICD-10 code" in card
    assert "1 234 av 12 345" in card
    assert "<span>linje 17</span><span>linje 1 301</span>" in card
    assert "<span>F99X</span><span>J45,9</span>" in card
    assert html.index("Det som må rettes") < html.index("uttrekket har tabellen")
    assert well_formed(html)


def test_passing_rules_are_folded_away_and_worded_as_what_was_checked():
    passed = [
        RuleResult("patients.table.present", "patients", True, 1, 0),
        RuleResult("contacts.main_diagnosis.shape", "contacts", True, 12345, 0),
    ]
    html = render_html(_report(passed), lang="en")
    assert "No rule failed." in html
    folded = html[html.index("<details><summary>Rules that held: 2</summary>") :]
    assert "the extract has a <code>patients</code> table" in folded
    assert "every <code>main_diagnosis</code> of <code>contacts</code> has its format" in folded
    assert "The extract passed validation" in html


def test_the_page_stays_well_formed_whatever_the_data_holds():
    hostile = RuleResult(
        "contacts.main_diagnosis.shape",
        "contacts",
        False,
        3,
        3,
        ["</dd></dl><script>alert(1)</script>", "a\x00b", "01010012356"],
        detail="<b>&",
    )
    html = render_html(_report([hostile]))
    assert "<script>" not in html
    assert "&lt;/dd&gt;&lt;/dl&gt;&lt;script&gt;" in html
    assert "\x00" not in html
    assert "01010012356" not in html
    assert well_formed(html)


def test_validate_writes_the_page_in_bokmal_by_default_and_english_with_lang(
    defect_extract, tmp_path
):
    extract = copy_extract(defect_extract, tmp_path / "x")
    runner = CliRunner()
    nb = runner.invoke(app, ["validate", str(extract), "--report", str(tmp_path / "nb")])
    assert nb.exit_code == 1, nb.output
    page = (tmp_path / "nb" / "validation.html").read_text("utf-8")
    assert '<html lang="nb">' in page
    assert "Uttrekket besto ikke valideringen" in page
    assert "rad " in page
    en = runner.invoke(
        app, ["validate", str(extract), "--report", str(tmp_path / "en"), "--lang", "en"]
    )
    assert en.exit_code == 1, en.output
    assert "What must be corrected" in (tmp_path / "en" / "validation.html").read_text("utf-8")
    refused = runner.invoke(app, ["validate", str(extract), "--lang", "de"])
    assert refused.exit_code == 2
    assert "use nb or en" in refused.output
