"""Show a chart interactively in JupyterLab and as static, offline SVG everywhere else.

A :class:`ChartView` offers the front end two representations of one chart:

- ``application/vnd.vegalite.v5+json``: the Vega-Lite spec (the version altair writes,
  :data:`VEGALITE_MIMETYPE`), which JupyterLab renders
  with its bundled Vega (no network), interactive with tooltips;
- ``image/svg+xml``: the same chart drawn by vl-convert in-process, which nbconvert
  embeds inline in the delivered HTML (its output priority prefers SVG and does not know
  the Vega mimetype).  No script, font or data is fetched: vl-convert is called with no
  allowed base URL, and every dataset is inline in the spec.

A chart's spec is built once per process for each distinct set of arguments
(:func:`spec_template`): the charts of a trust's report differ from those of the next
trust in their data and in a few texts (the trust's name), so altair builds each chart
once for each indicator and period (an SPC chart also for the lines and verdict colours
it draws), and every further report fills in its texts (:func:`fill`) and data.  The
report runner keeps one kernel for many reports, so the cache lasts for all the reports
of a worker.

Both go to the trust: the executed notebook keeps the spec with its datasets.  Their
decimal numbers are rounded to :data:`DATA_DECIMALS` places before they go into the
spec, far finer than any chart can show, so no unrounded float (which a scanner for
data-loss prevention takes for an identifier) is delivered; what a reader sees or hears
is formatted by each chart (:func:`~indicators.charts.theme.chart_config`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from functools import cached_property, lru_cache, wraps
from typing import Any, ParamSpec, TypeVar

import altair as alt
import polars as pl
import polars.selectors as cs
from altair.utils.schemapi import debug_mode

#: The Vega-Lite major version altair writes (its ``$schema``); the project locks an
#: altair whose version JupyterLab 4 draws (it renders Vega-Lite v3 to v5).
VEGALITE_MAJOR = int(alt.SCHEMA_VERSION.lstrip("v").split(".")[0])
#: The mimetype of the spec, naming the version the spec is written in.
VEGALITE_MIMETYPE = f"application/vnd.vegalite.v{VEGALITE_MAJOR}+json"
#: Decimal places of the numbers in a chart's datasets.
DATA_DECIMALS = 6


def named(name: str) -> alt.NamedData:
    """A reference to the dataset ``name`` given to :class:`ChartView`."""
    return alt.NamedData(name=name)


P = ParamSpec("P")
R = TypeVar("R")


def unvalidated(build: Callable[P, R]) -> Callable[P, R]:
    """Build a chart without altair validating every object as it is made.

    altair checks each schema object against the Vega-Lite JSON schema when it is
    created (its "debug mode"), which costs more than drawing the chart.  The chart
    builders here are fixed code covered by tests, so they turn that off while they run.
    """

    @wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with debug_mode(False):
            return build(*args, **kwargs)

    return wrapper


#: Distinct chart specs kept per process (a trust report has about 40 charts).
TEMPLATES = 1024
#: A slot of a spec template: ``⟦slot:name⟧`` stands for a text filled in per chart.
_SLOT = re.compile(r"⟦slot:(\w+)⟧")


def slot(name: str) -> str:
    """The placeholder of the text ``name`` in a spec template (see :func:`fill`).

    >>> slot("title")
    '⟦slot:title⟧'
    """
    return f"⟦slot:{name}⟧"


def spec_template(build: Callable[..., alt.TopLevelMixin]) -> Any:
    """Build a chart's Vega-Lite spec once per distinct arguments, without its data.

    Returns the cached function (``functools.lru_cache``): called as ``build``, it
    returns the spec.  ``build`` makes the altair chart from hashable arguments only
    (strings, numbers, booleans, tuples), so its arguments are the whole key of the
    cache: a chart that differs only in its datasets and in the texts given as
    :func:`slot` placeholders is built once per process.  Charts are built unvalidated
    (see :func:`unvalidated`).  The spec returned is shared: it is read by :func:`fill`,
    never changed.

    Raises ``ValueError`` when the chart holds data of its own (data go to
    :class:`ChartView` as named datasets).
    """

    @lru_cache(maxsize=TEMPLATES)
    @wraps(build)
    def template(*args: Any, **kwargs: Any) -> Mapping[str, Any]:
        with debug_mode(False):
            spec = build(*args, **kwargs).to_dict(validate=False)
        if "datasets" in spec or _inline_data(spec):
            raise ValueError(f"{build.__name__}: a spec template holds no data")
        return spec

    _CACHES.append(template)
    return template


def _inline_data(node: Any) -> bool:
    """Whether a spec holds rows of data inline (``"data": {"values": ...}``)."""
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and "values" in data:
            return True
        return any(_inline_data(value) for value in node.values())
    if isinstance(node, list):
        return any(_inline_data(value) for value in node)
    return False


#: The caches of every :func:`spec_template`.
_CACHES: list[Any] = []


def clear_spec_templates() -> None:
    """Forget every spec template built in this process (they are built again on use)."""
    for cache in _CACHES:
        cache.cache_clear()


def fill(template: Mapping[str, Any], **texts: str) -> dict[str, Any]:
    """A new copy of ``template`` with each :func:`slot` replaced by its text.

    Nothing of the copy is shared with the template or another copy.  A slot without
    a text raises ``KeyError``.

    >>> fill({"title": {"text": slot("t")}, "x": [1, f"a {slot('t')}"]}, t="Bergen")
    {'title': {'text': 'Bergen'}, 'x': [1, 'a Bergen']}
    """
    return _filled(template, texts)


def _filled(node: Any, texts: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: _filled(value, texts) for key, value in node.items()}
    if isinstance(node, list):
        return [_filled(value, texts) for value in node]
    if isinstance(node, str) and "⟦slot:" in node:
        return _SLOT.sub(lambda m: texts[m.group(1)], node)
    return node


class ChartView:
    """An altair chart that displays as Vega-Lite (interactive) and SVG (static).

    Parameters
    ----------
    chart
        The altair chart (with its config already set), or its Vega-Lite spec without
        data (as :func:`fill` makes it).
    description
        A plain-text description for non-graphical front ends and screen readers.
    datasets
        The data of the chart's layers by name (see :func:`named`); they are put
        inline in the spec as Vega-Lite ``datasets``.  Passing data this way rather than
        to ``alt.Chart`` keeps altair from copying every row at every step.
    lang
        The language of the chart's text (``nb``, ``en``): the ``lang`` of the SVG, so a
        screen reader reads its description in the right language.
    """

    def __init__(
        self,
        chart: alt.TopLevelMixin | Mapping[str, Any],
        *,
        description: str,
        datasets: dict[str, pl.DataFrame] | None = None,
        lang: str | None = None,
    ) -> None:
        self.chart = chart
        self.description = description
        self.datasets = datasets or {}
        self.lang = lang

    @cached_property
    def spec(self) -> dict[str, Any]:
        """The Vega-Lite spec as a dict, with all data inline."""
        chart = self.chart
        spec = dict(chart) if isinstance(chart, Mapping) else chart.to_dict(validate=False)
        if self.datasets:
            spec["datasets"] = {
                **spec.get("datasets", {}),
                **{name: rounded(frame).to_dicts() for name, frame in self.datasets.items()},
            }
        return spec

    @cached_property
    def svg(self) -> str:
        """The chart as an SVG document drawn offline by vl-convert."""
        import vl_convert

        svg = vl_convert.vegalite_to_svg(self.spec, allowed_base_urls=[])
        label = html.escape(self.description)
        lang = f' lang="{self.lang}"' if self.lang else ""
        return svg.replace(">", f' role="img" aria-label="{label}"{lang}>', 1)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            VEGALITE_MIMETYPE: self.spec,
            "image/svg+xml": self.svg,
            "text/plain": self.description,
        }

    def __repr__(self) -> str:
        return f"ChartView({self.description!r})"


def rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its decimal numbers rounded to :data:`DATA_DECIMALS` places.

    >>> rounded(pl.DataFrame({"v": [0.21497584541062803]})).item()
    0.214976
    """
    return frame.with_columns(cs.float().round(DATA_DECIMALS))
