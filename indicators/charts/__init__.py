"""Charts of published results, made with altair.

Each function takes rows of the results tables (never the extract) and returns a
:class:`ChartView`: interactive Vega-Lite in JupyterLab, static SVG (drawn offline by
vl-convert) in the delivered HTML.
"""

from indicators.charts.caterpillar import caterpillar_chart
from indicators.charts.display import ChartView
from indicators.charts.funnel import funnel_chart, funnel_limits_long
from indicators.charts.spc import assurance_icon, spc_chart, spc_icons, variation_icon
from indicators.charts.theme import GOAL_COLOURS
from indicators.charts.trend import trend_chart
from indicators.charts.waiting import waiting_curve_chart

__all__ = [
    "GOAL_COLOURS",
    "ChartView",
    "assurance_icon",
    "caterpillar_chart",
    "funnel_chart",
    "funnel_limits_long",
    "spc_chart",
    "spc_icons",
    "trend_chart",
    "variation_icon",
    "waiting_curve_chart",
]
