"""The SPC chart as a reader sees it: steps at a rebase, coloured signals, gaps, icons."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import polars as pl
import pytest

from indicators.charts import assurance_icon, spc_chart, spc_icons, variation_icon
from indicators.charts.spc import COMMON_COLOUR, CONCERN_COLOUR, IMPROVEMENT_COLOUR
from indicators.results import SPC_SCHEMA, conform
from indicators.stats.spc import (
    ASSURANCE_FAILS,
    ASSURANCE_HIT_AND_MISS,
    ASSURANCE_MEETS,
    COMMON,
    CONCERN,
    IMPROVEMENT,
    NEITHER,
)

MONTHS = 18


def _series(
    *,
    rebase: int | None = None,
    target: float | None = None,
    points: dict[int, dict[str, Any]] | None = None,
    **columns: Any,
) -> pl.DataFrame:
    """SPC rows of one trust over :data:`MONTHS` months from January 2024.

    A share around 62 % (centre 0.62, limits 0.52 and 0.72), rebased to a centre of 0.80
    from month ``rebase`` on; ``points`` overrides columns of single months (by index).
    """
    months = [date(2024 + i // 12, i % 12 + 1, 1) for i in range(MONTHS)]
    segment = [int(rebase is not None and i >= rebase) for i in range(MONTHS)]
    centre = [0.80 if s else 0.62 for s in segment]
    rows: dict[str, Any] = {
        "indicator_id": "AKU-01",
        "level": "trust",
        "unit_id": "974633574",
        "unit_name": "Helse Bergen",
        "period": [m.strftime("%Y-%m") for m in months],
        "month": months,
        "chart": "p",
        "statistic": "proportion",
        "value": [c + (0.03 if i % 3 else -0.02) for i, c in enumerate(centre)],
        "included": True,
        "segment": segment,
        "centre": centre,
        "lower": [c - 0.1 for c in centre],
        "upper": [c + 0.1 for c in centre],
        "variation": COMMON,
        "improvement": "increase",
        "target": target,
        "series_variation": COMMON,
        "assurance": ASSURANCE_HIT_AND_MISS if target is not None else None,
        **columns,
    }
    frame = pl.DataFrame({k: v if isinstance(v, list) else [v] * MONTHS for k, v in rows.items()})
    frame = conform(frame, SPC_SCHEMA)
    for index, changes in (points or {}).items():
        frame = frame.with_columns(
            pl.when(pl.int_range(pl.len()) == index).then(pl.lit(v)).otherwise(pl.col(k)).alias(k)
            for k, v in changes.items()
        )
    return frame


def _layer_names(chart) -> list[str]:
    """The dataset of each layer of the chart (the chart itself, without its icons)."""
    spec = chart.spec.get("hconcat", [chart.spec])[0]
    return [layer["data"]["name"] for layer in spec["layer"]]


def test_centre_and_limits_are_drawn_per_segment_so_a_rebase_is_a_step():
    chart = spc_chart(_series(rebase=10), unit="fraction", title="AKU-01", icons=False)
    lines = pl.DataFrame(chart.spec["datasets"]["spc_lines"])
    assert sorted(lines["line"].unique()) == [
        "centre-0", "centre-1", "lower-0", "lower-1", "upper-0", "upper-1"
    ]  # fmt: skip
    centres = (
        lines.filter(pl.col("line").str.starts_with("centre"))
        .group_by("line")
        .agg(pl.col("value").unique(), pl.col("month").min().alias("first"), pl.len())
        .sort("line")
    )
    assert centres["value"].to_list() == [[0.62], [0.8]]
    assert centres["len"].to_list() == [10, 8]
    assert centres["first"].to_list() == ["2024-01-01", "2024-11-01"]
    line_layer = chart.spec["layer"][0]
    assert line_layer["encoding"]["detail"]["field"] == "line"


def test_points_are_coloured_by_their_verdict():
    rows = _series(
        points={3: {"variation": IMPROVEMENT}, 5: {"variation": CONCERN}, 7: {"variation": NEITHER}}
    )
    chart = spc_chart(rows, unit="fraction", icons=False)
    points = pl.DataFrame(chart.spec["datasets"]["spc_points"])
    assert points["signal"].to_list()[3] == "Spesiell variasjon – forbedring"
    assert points["signal"].to_list()[5] == "Spesiell variasjon – bekymring"
    fill = chart.spec["layer"][2]["encoding"]["fill"]["scale"]
    colours = dict(zip(fill["domain"], fill["range"], strict=True))
    assert colours == {
        "Spesiell variasjon – forbedring": IMPROVEMENT_COLOUR,
        "Spesiell variasjon – bekymring": CONCERN_COLOUR,
        "Spesiell variasjon – verken forbedring eller bekymring": COMMON_COLOUR,
        "Vanlig variasjon": COMMON_COLOUR,
    }
    english = spc_chart(rows, unit="fraction", lang="en", icons=False)
    assert english.spec["datasets"]["spc_points"][3]["verdict_text"] == "Special cause improvement"


def test_a_withheld_month_is_a_gap_in_the_line():
    rows = _series(points={6: {"value": None, "suppressed": "small_count", "included": False}})
    chart = spc_chart(rows, unit="fraction", icons=False)
    points = pl.DataFrame(chart.spec["datasets"]["spc_points"])
    assert "2024-07-01" not in points["month"].to_list()
    assert points.height == MONTHS - 1
    assert points.group_by("run").len().sort("run")["len"].to_list() == [6, 11]
    value_line = chart.spec["layer"][1]
    assert value_line["mark"]["type"] == "line"
    assert value_line["encoding"]["detail"]["field"] == "run"


def test_an_incomplete_month_is_hollow_and_never_a_signal():
    rows = _series(
        points={
            MONTHS - 1: {"period_incomplete": "follow_up", "included": False, "variation": CONCERN}
        }
    )
    chart = spc_chart(rows, unit="fraction", icons=False)
    last = chart.spec["datasets"]["spc_points"][-1]
    assert last["incomplete"] is True
    assert last["signal"] is None
    assert last["verdict_text"] == "ufullstendig periode"
    hollow = chart.spec["layer"][3]
    assert hollow["transform"] == [{"filter": "datum.incomplete"}]
    assert hollow["mark"]["filled"] is False
    assert "fill" not in hollow["encoding"]


def test_the_target_line_is_drawn_only_with_a_target():
    without = spc_chart(_series(), unit="fraction", icons=False)
    assert "target" not in {row["line"] for row in without.spec["datasets"]["spc_lines"]}
    assert "Mål" not in without.spec["layer"][0]["encoding"]["stroke"]["scale"]["domain"]
    with_target = spc_chart(_series(target=0.7), unit="fraction", icons=False)
    target = [r for r in with_target.spec["datasets"]["spc_lines"] if r["line"] == "target"]
    assert len(target) == MONTHS
    assert {r["value"] for r in target} == {0.7}
    assert "Mål" in with_target.spec["layer"][0]["encoding"]["stroke"]["scale"]["domain"]


def test_the_svg_is_offline_in_norwegian_with_months_on_the_axis():
    rows = _series(rebase=10, target=0.7, series_variation=IMPROVEMENT)
    chart = spc_chart(rows, unit="fraction", title="Akuttinnleggelser")
    svg = chart.svg
    assert not re.search(r"https?://(?!www\.w3\.org/)", svg)
    assert ">Andel (%)</text>" in svg
    assert ">Måned</text>" in svg
    assert ">mars 2024</text>" in svg or ">mai 2024</text>" in svg
    assert (
        'aria-label="Helse Bergen; Måned: april 2024; Andel (%): 60,0 %; '
        'Variasjon: Vanlig variasjon"'
    ) in svg
    assert "Spesiell variasjon – forbedring (høyere)" in chart.description
    assert "Måloppnåelse: Tilfeldig om målet nås" in chart.description


def test_markup_in_names_and_titles_is_escaped():
    rows = _series(unit_name="<script>alert(1)</script>")
    svg = spc_chart(rows, unit="fraction", title="<b>AKU</b>").svg
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;" in svg


@pytest.mark.parametrize(
    ("verdict", "improvement", "letter", "colour", "nb", "en"),
    [
        (IMPROVEMENT, "increase", "H", IMPROVEMENT_COLOUR,
         "Spesiell variasjon – forbedring (høyere)", "Special cause improvement (higher)"),
        (IMPROVEMENT, "decrease", "L", IMPROVEMENT_COLOUR,
         "Spesiell variasjon – forbedring (lavere)", "Special cause improvement (lower)"),
        (CONCERN, "increase", "L", CONCERN_COLOUR,
         "Spesiell variasjon – bekymring (lavere)", "Special cause concern (lower)"),
        (CONCERN, "decrease", "H", CONCERN_COLOUR,
         "Spesiell variasjon – bekymring (høyere)", "Special cause concern (higher)"),
        (COMMON, "increase", None, COMMON_COLOUR, "Vanlig variasjon", "Common cause variation"),
    ],
)  # fmt: skip
def test_the_variation_icon_shows_the_side_and_colour_of_the_verdict(
    verdict, improvement, letter, colour, nb, en
):
    icon = variation_icon(verdict, improvement)
    marks = pl.DataFrame(icon.spec["datasets"]["spc_icon_variation"])
    assert marks.filter(pl.col("part") == "letter")["label"].to_list() == (
        [letter] if letter else []
    )
    ring = icon.spec["layer"][0]
    assert ring["mark"]["color"] == colour
    assert icon.description == nb
    assert variation_icon(verdict, improvement, lang="en").description == en


@pytest.mark.parametrize(
    ("verdict", "letter", "colour", "nb", "en"),
    [
        (ASSURANCE_MEETS, "P", IMPROVEMENT_COLOUR, "Når målet hver gang",
         "Consistently meets target"),
        (ASSURANCE_FAILS, "F", CONCERN_COLOUR, "Når ikke målet", "Consistently fails target"),
        (ASSURANCE_HIT_AND_MISS, "?", COMMON_COLOUR, "Tilfeldig om målet nås", "Hit and miss"),
        (None, "Ingen\nmål", COMMON_COLOUR, "Ingen mål", "No target"),
    ],
)  # fmt: skip
def test_the_assurance_icon_shows_its_letter_and_colour(verdict, letter, colour, nb, en):
    icon = assurance_icon(verdict)
    marks = pl.DataFrame(icon.spec["datasets"]["spc_icon_assurance"])
    assert marks.filter(pl.col("part") == "letter")["label"].to_list() == [letter]
    assert icon.spec["layer"][0]["mark"]["color"] == colour
    assert icon.description == f"Måloppnåelse: {nb}"
    assert assurance_icon(verdict, lang="en").description == f"Target assurance: {en}"


def test_the_icons_side_by_side_render_their_letters():
    icons = spc_icons(CONCERN, "decrease", ASSURANCE_FAILS, lang="en")
    assert len(icons.spec["hconcat"]) == 2
    svg = icons.svg
    assert ">H</text>" in svg
    assert ">F</text>" in svg
    assert 'aria-label="Special cause concern (higher). Target assurance: Consistently fails' in svg
