"""Number and date axes drawn without a label limit: the same charts, faster; names still cut."""

from __future__ import annotations

import copy
import re

import polars as pl
import vl_convert

from indicators.charts import caterpillar_chart, funnel_chart, spc_chart
from indicators.charts.theme import UNCUT_AXES

from .test_spc import _series

LONG_NAME = "Universitetssykehuset i Nord-Norge, Klinikk psykisk helse og rus, Tromsø"


def _rows(names: list[str] | None = None) -> pl.DataFrame:
    """Three trusts of one share, with values from 0.1 % to 99.9 % (long axis labels)."""
    return pl.DataFrame(
        {
            "unit_id": ["A", "B", "C"],
            "unit_name": names or ["Bergen", "Fonna", "Førde"],
            "label": names or ["Bergen", "Fonna", "Førde"],
            "numerator": [1.0, 35_000.0, 49_950.0],
            "denominator": [1_000.0, 70_000.0, 50_000.0],
            "value": [0.001, 0.5, 0.999],
            "ci_low": [0.0001, 0.49, 0.998],
            "ci_high": [0.005, 0.51, 0.9995],
            "target_level": ["high", "low", None],
            "suppressed": [None, None, None],
            "funnel_target": [0.5, 0.5, 0.5],
            "funnel_low_998_od": [0.2, 0.48, 0.49],
            "funnel_high_998_od": [0.8, 0.52, 0.51],
            "funnel_flag_998_od": ["low", "within", "high"],
        },
        schema_overrides={"target_level": pl.String, "suppressed": pl.String},
    )


def _svg_with_and_without_limits(spec: dict) -> tuple[str, str]:
    limited = copy.deepcopy(spec)
    for key in UNCUT_AXES:
        del limited["config"][key]
    return (
        vl_convert.vegalite_to_svg(spec, allowed_base_urls=[]),
        vl_convert.vegalite_to_svg(limited, allowed_base_urls=[]),
    )


def test_every_chart_sets_the_uncut_axes():
    spec = funnel_chart(_rows(), unit="fraction", highlight="B", title="T").spec
    assert {key: spec["config"][key] for key in UNCUT_AXES} == UNCUT_AXES


def test_number_and_date_axes_without_a_limit_draw_the_same_charts():
    for lang in ("nb", "en"):
        charts = [
            funnel_chart(_rows(), unit="fraction", highlight="B", title="T", lang=lang),
            caterpillar_chart(_rows(), unit="fraction", highlight="C", title="T", lang=lang),
            spc_chart(_series(), unit="fraction", title="T", lang=lang),
        ]
        for chart in charts:
            uncut, limited = _svg_with_and_without_limits(chart.spec)
            assert uncut == limited


def test_a_long_name_is_still_cut_on_the_axis_of_names():
    names = ["Bergen", LONG_NAME, "Førde"]
    chart = caterpillar_chart(_rows(names), unit="fraction", highlight="C", title="T")
    svg = vl_convert.vegalite_to_svg(chart.spec, allowed_base_urls=[])
    shown = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert any(text.endswith("…") and LONG_NAME.startswith(text[:-1]) for text in shown)
    assert LONG_NAME not in shown
