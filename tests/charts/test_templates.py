"""Spec templates: built once per shape, filled per chart, never shared or changed."""

from __future__ import annotations

import copy
import re

import altair as alt
import polars as pl
import pytest

from indicators.charts import caterpillar_chart, funnel_chart
from indicators.charts.display import (
    ChartView,
    clear_spec_templates,
    fill,
    named,
    slot,
    spec_template,
)
from indicators.charts.funnel import _funnel_spec


def _rows() -> pl.DataFrame:
    """Three trusts of one indicator and period, with funnel limits around 0.3."""
    return pl.DataFrame(
        {
            "unit_id": ["A", "B", "C"],
            "unit_name": ["Bergen", "Fonna", "Førde"],
            "label": ["Bergen", "Fonna", "Førde"],
            "denominator": [90.0, 70.0, 50.0],
            "value": [0.55, 0.25, 0.30],
            "ci_low": [0.45, 0.15, 0.2],
            "ci_high": [0.65, 0.35, 0.4],
            "target_level": ["high", "low", None],
            "suppressed": [None, None, None],
            "funnel_target": [0.3, 0.3, 0.3],
            "funnel_low_998_od": [0.15, 0.14, 0.12],
            "funnel_high_998_od": [0.45, 0.46, 0.48],
            "funnel_flag_998_od": ["high", "within", "within"],
        },
        schema_overrides={"target_level": pl.String, "suppressed": pl.String},
    )


def test_a_slot_is_filled_in_every_string_of_a_new_copy():
    template = {"title": {"text": slot("t")}, "layer": [{"filter": f"a {slot('t')} b"}, 1]}
    filled = fill(template, t="Fonna")
    assert filled == {"title": {"text": "Fonna"}, "layer": [{"filter": "a Fonna b"}, 1]}
    filled["layer"][0]["filter"] = "changed"
    assert template["layer"][0]["filter"] == f"a {slot('t')} b"


def test_a_slot_without_a_text_is_an_error():
    with pytest.raises(KeyError):
        fill({"title": slot("t")})


def test_a_template_is_built_once_and_holds_no_data():
    calls = []

    @spec_template
    def chart(title: str) -> alt.Chart:
        calls.append(title)
        return alt.Chart(named("rows")).mark_point().properties(title=title)

    assert chart(title="x") is chart(title="x")
    assert calls == ["x"]
    assert "datasets" not in chart(title="x")

    @spec_template
    def with_data() -> alt.Chart:
        return alt.Chart(alt.Data(values=[{"a": 1}])).mark_point()

    with pytest.raises(ValueError, match="no data"):
        with_data()


def test_funnels_of_two_trusts_share_a_template_and_each_highlights_its_own():
    clear_spec_templates()
    first = funnel_chart(_rows(), unit="fraction", highlight="B", title="T 2025").spec
    second = funnel_chart(_rows(), unit="fraction", highlight="C", title="T 2025").spec
    assert _funnel_spec.cache_info().hits >= 1
    assert [r["unit_name"] for r in first["datasets"]["mine"]] == ["Fonna"]
    assert [r["unit_name"] for r in second["datasets"]["mine"]] == ["Førde"]
    assert "Førde" not in {r["unit_name"] for r in second["datasets"]["others"]}
    assert "Fonna" in {r["unit_name"] for r in second["datasets"]["others"]}
    assert "Fonna" not in str({k: v for k, v in second.items() if k != "datasets"})


def test_a_cached_chart_equals_one_built_afresh():
    funnel_chart(_rows(), unit="fraction", highlight="B", title="T")
    cached = funnel_chart(_rows(), unit="fraction", highlight="C", title="T")
    clear_spec_templates()
    fresh = funnel_chart(_rows(), unit="fraction", highlight="C", title="T")
    assert _without_names(cached.spec) == _without_names(fresh.spec)
    assert cached.svg == fresh.svg or _without_names(cached.svg) == _without_names(fresh.svg)


def test_a_caterpillar_marks_the_name_of_its_own_trust_only():
    rows = _rows()
    specs = {
        unit: caterpillar_chart(rows, unit="fraction", highlight=unit, title="T").spec
        for unit in ("A", "B", "C")
    }
    names = {"A": "Bergen", "B": "Fonna", "C": "Førde"}
    for unit, spec in specs.items():
        axis = spec["layer"][0]["encoding"]["y"]["axis"]
        assert axis["labelFontWeight"]["expr"].startswith(f'datum.value === "{names[unit]}" ?')
        assert axis["labelColor"]["expr"].startswith(f'datum.value === "{names[unit]}" ?')
        marked = [r["axis_label"] for r in spec["datasets"]["units"] if r["is_highlight"]]
        assert marked == [names[unit]]
    unmarked = caterpillar_chart(rows, unit="fraction", title="T").spec
    assert "labelFontWeight" not in unmarked["layer"][0]["encoding"]["y"]["axis"]


def test_changing_a_chart_changes_neither_its_template_nor_the_next_chart():
    @spec_template
    def chart(title: str) -> alt.Chart:
        return alt.Chart(named("rows")).mark_point().properties(title=slot("title"))

    template = chart(title="x")
    before = copy.deepcopy(template)
    view = ChartView(fill(template, title="Fonna"), description="d")
    view.spec["title"] = "changed"
    assert template == before
    first = funnel_chart(_rows(), unit="fraction", highlight="B", title="T")
    first.spec["layer"][0]["mark"] = "changed"
    first.spec["config"]["font"] = "changed"
    second = funnel_chart(_rows(), unit="fraction", highlight="B", title="T")
    clear_spec_templates()
    fresh = funnel_chart(_rows(), unit="fraction", highlight="B", title="T")
    assert _without_names(second.spec) == _without_names(fresh.spec)


def _without_names(value: object) -> str:
    """``value`` as text without altair's running numbers of views and parameters."""
    return re.sub(r"(view|param)_\d+", r"\1_N", str(value))
