"""The reference pages in docs/ made from the code are current."""

from __future__ import annotations

from indicators.docs import PAGES, main, stale


def test_the_generated_reference_pages_match_the_code():
    assert stale() == [], "run: python -m indicators.docs --write"


def test_a_stale_page_is_named_and_check_fails(tmp_path, monkeypatch, capsys):
    import indicators.docs

    monkeypatch.setattr(indicators.docs, "DOCS", tmp_path)
    assert sorted(indicators.docs.stale(tmp_path)) == sorted(PAGES)
    (tmp_path / "catalogue.md").write_text("old", "utf-8")
    assert main(["--check"]) == 1
    assert "docs/catalogue.md is out of date" in capsys.readouterr().err
