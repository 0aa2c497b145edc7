"""The report for one health trust: every section the trust notebook shows.

:class:`TrustReport` reads the published results once and gives the notebook one call
per section: :meth:`~TrustReport.header`, :meth:`~TrustReport.summary`,
:meth:`~TrustReport.what_changed`, :meth:`~TrustReport.indicator_sections`,
:meth:`~TrustReport.data_quality` and :meth:`~TrustReport.methods`.  Each returns
something Jupyter displays (HTML, or charts that are interactive in JupyterLab and
static SVG in HTML).

Examples
--------
In a notebook, after the parameters cell::

    report = TrustReport.load(results_dir, trust_id=trust_id, period=period, lang=lang)
    report.header()
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from indicators.present.format import (
    format_count,
    format_interval,
    format_significant,
    format_value,
    incomplete_reason,
    suppression_reason,
)
from indicators.present.labels import text
from indicators.reports.base import ReportBase
from indicators.reports.data import (
    NoTrustDataError,
    ResultsData,
    judged_rows,
    judged_statistic,
    report_level,
    report_rows,
)
from indicators.reports.header import header_html
from indicators.reports.html import Html, Parts, escape
from indicators.reports.methods import methods_html
from indicators.reports.quality import quality_html, read_validation
from indicators.reports.tables import funnel_position, summary_table_html, variation_table_html
from indicators.results import NATIONAL_UNIT_ID

if TYPE_CHECKING:
    from indicators.catalogue.model import Indicator

#: The indicator whose waiting-time curve a report draws.
WAITING_INDICATOR = "WAIT-01"


def unit_labels() -> dict[str, str]:
    """Short display names of the trusts by ``trust_id`` (reference data)."""
    from indicators.reference import trusts

    return dict(trusts().select("trust_id", "short_name").iter_rows())


def spoken_list(items: list[str], lang: str = "nb") -> str:
    """Items as a sentence reads them: ``a, b og c``.

    >>> spoken_list(["2023-T1", "2023-T3"]), spoken_list(["a", "b", "c"], "en")
    ('2023-T1 og 2023-T3', 'a, b and c')
    """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('and', lang)} {items[-1]}"


def caterpillar_note(*, funnel: bool, intervals: bool = True, lang: str = "nb") -> str:
    """The caption of a caterpillar plot.

    ``funnel``: it marks funnel outliers; ``intervals``: it draws intervals (not for a
    statistic published without one).

    >>> caterpillar_note(funnel=False, lang="en")  # doctest: +ELLIPSIS
    '<p class="ind-note">Dot: the value, bar: ... Colour: goal achievement.</p>'
    >>> caterpillar_note(funnel=False, intervals=False, lang="en")  # doctest: +ELLIPSIS
    '<p class="ind-note">Dot: the value, dashed line: ...</p>'
    """
    parts = [text("caterpillar_note" if intervals else "caterpillar_note_no_interval", lang)]
    if funnel:
        parts.append(text("caterpillar_outlier_note", lang))
    return f'<p class="ind-note">{escape(" ".join(parts))}</p>'


class TrustReport(ReportBase):
    """Sections of one trust's report for one period, from the published results.

    Parameters
    ----------
    data
        The results (read once, see :class:`ResultsData`).
    trust_id
        The trust's organisation number.
    period
        ``2025`` or ``2025-T2``; None chooses the latest full year in the results.
    lang
        ``nb`` (default) or ``en``.
    validation
        Path to a validation record; default: found next to the results or extract.

    Raises
    ------
    NoTrustDataError
        When the results hold no row for the trust in the period.
    PeriodError
        When the period is not in the results.
    """

    def __init__(
        self,
        data: ResultsData,
        *,
        trust_id: str,
        period: str | None = None,
        lang: str = "nb",
        validation: str | Path | None = None,
    ) -> None:
        super().__init__(data, period=period, lang=lang, validation=validation)
        self.trust_id = str(trust_id)
        rows = self._unit_rows(self.period)
        if rows.is_empty():
            raise NoTrustDataError(
                f"the results in {data.directory} hold no rows for trust {self.trust_id} "
                f"in period {self.period}; check the trust id (organisation number) and period"
            )

    @classmethod
    def load(
        cls,
        results_dir: str | Path | None = None,
        *,
        trust_id: str,
        period: str | None = None,
        lang: str = "nb",
        validation: str | Path | None = None,
    ) -> TrustReport:
        """Read the results in ``results_dir`` and make the report of ``trust_id``.

        ``results_dir`` None reads :func:`~indicators.reports.data.default_results_dir`.
        """
        data = ResultsData.read(results_dir)
        return cls(data, trust_id=trust_id, period=period, lang=lang, validation=validation)

    # ------------------------------------------------------------------ lookups
    @cached_property
    def trust(self) -> dict[str, Any]:
        """The trust's reference row (name, short name, RHF); from the results if unknown."""
        from indicators.reference import trusts

        ref = trusts().filter(pl.col("trust_id") == self.trust_id)
        if ref.height:
            return ref.row(0, named=True)
        row = self._unit_rows(self.period).row(0, named=True)
        return {
            "trust_id": self.trust_id,
            "name": row["unit_name"] or self.trust_id,
            "short_name": row["unit_name"] or self.trust_id,
            "rhf_name": row.get("rhf_code") or "",
        }

    def _unit_rows(self, period: str | None = None) -> pl.DataFrame:
        frame = report_rows(
            self.data.indicators.filter(pl.col("unit_id") == self.trust_id), self.data.definitions
        )
        return frame if period is None else frame.filter(pl.col("period") == period)

    def _national_rows(self, period: str | None = None) -> pl.DataFrame:
        frame = self.data.indicators.filter(
            (pl.col("level") == "national") & (pl.col("unit_id") == NATIONAL_UNIT_ID)
        )
        return frame if period is None else frame.filter(pl.col("period") == period)

    @cached_property
    def _rows_by_indicator(self) -> dict[str, dict[str, Any]]:
        return {r["indicator_id"]: r for r in self._unit_rows(self.period).iter_rows(named=True)}

    @cached_property
    def _national_by_indicator(self) -> dict[str, dict[str, Any]]:
        return {
            r["indicator_id"]: r for r in self._national_rows(self.period).iter_rows(named=True)
        }

    # ------------------------------------------------------------------ sections
    def header(self) -> Html:
        """Trust name, RHF, period, extract date and fingerprint, versions, synthetic banner."""
        title = f"{text('trust_report', self.lang)}: {self.trust['name']}"
        subtitle = f"{self.trust.get('rhf_name', '')} · {text('subtitle', self.lang)}"
        return self._html(
            header_html(
                self.data, title=title, subtitle=subtitle, period=self.period, lang=self.lang
            ),
            with_css=True,
        )

    def summary(self) -> Html:
        """Every indicator: the trust's value, interval, n, national value, goal, funnel."""
        body = f"<h2>{escape(text('summary', self.lang))}</h2>" + summary_table_html(
            self.catalogue,
            self._rows_by_indicator,
            self._national_by_indicator,
            lang=self.lang,
            missing={
                ind.id: text(f"{key}_short", self.lang)
                for ind in self.catalogue
                if (key := self._missing_key(ind)) is not None
            },
        )
        return self._html(body)

    def what_changed(self) -> Html:
        """The monthly indicators with a special cause in the report's year (to its end)."""
        from indicators.reports.spc import changes, period_end, what_changed_html

        year = self.period.split("-")[0]
        found = changes(
            self.data.spc.filter(pl.col("level") == "trust"),
            unit_ids=[self.trust_id],
            year=year,
            until=period_end(self.period),
        )
        body = f'<h2 id="what-changed">{escape(text("what_changed", self.lang))}</h2>'
        body += what_changed_html(
            found,
            self.data.definitions,
            year=year,
            chance=self.chance_signal_share,
            lang=self.lang,
        )
        return self._html(body)

    def spc(self, ind: Indicator) -> Parts | None:
        """The trust's SPC chart of a monthly indicator, with its verdicts in words."""
        from indicators.reports.spc import period_end, series, spc_view

        rows = series(
            self.data.spc.filter(pl.col("level") == "trust"),
            ind.id,
            self.trust_id,
            until=period_end(self.period),
        )
        if rows.is_empty():
            return None
        chart, sentence = spc_view(rows, ind, unit_label=self.trust["short_name"], lang=self.lang)
        return Parts([chart, self._html(f'<p class="ind-note">{escape(sentence)}</p>')])

    def _missing_key(self, ind: Indicator) -> str | None:
        """Why the indicator has no row for the trust in the period (a text key), or None.

        ``no_catchment``: a catchment-area indicator and the results hold the trust at
        no period as a catchment area (Diakonhjemmet, Lovisenberg); ``yearly_only``: an
        indicator computed per year, in a tertial report; ``no_row``: otherwise.
        """
        if ind.id in self._rows_by_indicator:
            return None
        level = report_level(ind)
        if (
            level == "catchment"
            and self._unit_rows().filter(pl.col("indicator_id") == ind.id).is_empty()
        ):
            return "no_catchment"
        tertial = self.period.count("-T") == 1
        if tertial and "tertial" not in ind.periods:
            return "yearly_only"
        return "no_row"

    def missing_text(self, ind: Indicator) -> str:
        """What is the case when the indicator has no row for the trust in the period."""
        key = self._missing_key(ind) or "no_row"
        return text(key, self.lang).format(
            unit=self.trust["short_name"], period=self.period, year=self.period.split("-")[0]
        )

    def indicator_sections(self) -> Parts:
        """Per indicator: heading, value, funnel, trend, SPC chart, waiting curve, variation."""
        parts: list[Any] = [self._html(f"<h2>{escape(text('indicators', self.lang))}</h2>")]
        for indicator in self.catalogue:
            parts.extend(self.indicator_section(indicator.id))
        return Parts(parts)

    def indicator_section(self, indicator_id: str) -> Parts:
        """The parts of one indicator's section (see :meth:`indicator_sections`)."""
        ind = self.data.definitions[indicator_id]
        row = self._rows_by_indicator.get(ind.id)
        parts: list[Any] = [self._html(self._indicator_intro(ind, row))]
        if row is None:
            return Parts(parts)
        funnel = self.funnel(ind)
        if funnel is not None:
            parts += [funnel, self._html(self.funnel_note(ind))]
        else:
            plotted = judged_rows(self._level_rows(ind, self.period), ind)
            flagged = plotted["funnel_flag_998_od"].is_not_null().any()
            intervals = plotted["ci_low"].is_not_null().any()
            note = caterpillar_note(funnel=flagged, intervals=intervals, lang=self.lang)
            if judged_statistic(ind):
                note += f'<p class="ind-note">{escape(text("judged_chart_note", self.lang))}</p>'
            if flagged:
                # Flags without published limits (waiting times): the trusts outside are
                # named, and why no funnel is drawn is said.
                limits = (
                    f'<p class="ind-note">{escape(text("flags_without_limits", self.lang))}</p>'
                )
                note = self.funnel_flagged(ind) + note + limits
            parts += [self.caterpillar(ind), self._html(note)]
        trend = self.trend(ind)
        if trend is not None:
            parts.append(trend)
            hidden = self.trend_note(ind)
            if hidden:
                parts.append(self._html(hidden))
        spc = self.spc(ind)
        if spc is not None:
            parts.extend(spc)
        if ind.id == WAITING_INDICATOR:
            parts.append(self.waiting_curve(ind))
        if ind.variation:
            parts.append(self.variation(ind))
        return Parts(parts)

    def _indicator_intro(self, ind: Indicator, row: dict[str, Any] | None) -> str:
        lang = self.lang
        head = (
            f'<h3 id="ind-{escape(ind.id)}">{escape(ind.id)} {escape(ind.title(lang))}</h3>'
            f"<p>{escape(ind.description(lang))}</p>"
        )
        if row is None:
            return head + f'<p class="ind-note">{escape(self.missing_text(ind))}</p>'
        suppressed = row.get("suppressed")
        value = format_value(row.get("value"), unit=ind.unit, suppressed=suppressed, lang=lang)
        interval = format_interval(
            row.get("ci_low"), row.get("ci_high"), unit=ind.unit, suppressed=suppressed, lang=lang
        )
        national = format_value(row.get("national_value"), unit=ind.unit, lang=lang)
        marker = (
            f' data-indicator="{escape(ind.id)}" data-unit="{escape(self.trust_id)}"'
            f' data-period="{escape(self.period)}"'
            + (f' data-suppressed="{escape(suppressed)}"' if suppressed else "")
        )
        judged = judged_statistic(ind)
        statistic = f"{text('median_short', lang)} " if judged else ""
        line = (
            f"<p><strong>{escape(self.trust['short_name'])}</strong>: {escape(statistic)}"
            f"<span{marker}>{escape(value)}</span>"
        )
        if not suppressed:
            line += f" ({escape(interval)})"
        line += f"; {escape(text('national', lang).lower())}: {escape(national)}."
        if judged and not suppressed and row.get(judged) is not None:
            mean = format_value(row[judged], unit=ind.unit, lang=lang)
            line += " " + escape(text(f"judged_{judged}", lang).format(value=mean))
        line += "</p>"
        if row.get("period_incomplete") and not suppressed:
            reason = incomplete_reason(row["period_incomplete"], lang=lang)
            incomplete = text("incomplete_intro", lang).format(reason=reason)
            line += f'<p class="ind-note"><strong>{escape(incomplete)}</strong></p>'
        return head + line

    def _level_rows(self, ind: Indicator, period: str) -> pl.DataFrame:
        labels = unit_labels()
        return self.data.indicators.filter(
            (pl.col("indicator_id") == ind.id)
            & (pl.col("level") == report_level(ind))
            & (pl.col("period") == period)
        ).with_columns(
            pl.col("unit_id")
            .replace_strict(labels, default=None)
            .fill_null(pl.col("unit_name"))
            .alias("label")
        )

    def funnel(self, ind: Indicator):
        """Funnel plot of all trusts with this one highlighted (None without limits)."""
        from indicators.charts import funnel_chart

        rows = judged_rows(self._level_rows(ind, self.period), ind)
        if rows["funnel_high_95"].drop_nulls().is_empty():
            return None
        x_title = text("expected" if ind.unit == "ratio" else "denominator", self.lang)
        title = f"{ind.id} {ind.title(self.lang)}: {text('funnel_title', self.lang)} {self.period}"
        return funnel_chart(
            rows.with_columns(pl.col("label").alias("unit_name")),
            unit=ind.unit,
            highlight=self.trust_id,
            title=title,
            x_title=x_title,
            y_title=self._value_title(ind),
            lang=self.lang,
        )

    def _value_title(self, ind: Indicator) -> str | None:
        """The value axis title of a chart that shows the judged statistic, else None."""
        judged = judged_statistic(ind)
        return text(f"axis_{judged}", self.lang) if judged else None

    def funnel_note(self, ind: Indicator) -> str:
        """The funnel plot's caption: which limits are drawn, φ and τ², a withheld value.

        φ and τ² are read from the published variation statistics of the indicator,
        level and period (reported with the plot).
        """
        lang = self.lang
        parts = [text("funnel_lines", lang)]
        target = self._level_rows(ind, self.period)["funnel_target"].drop_nulls()
        if ind.unit == "ratio" and target.len() and abs(target[0] - 1.0) > 1e-9:
            parts.append(
                text("funnel_pooled", lang).format(
                    target=format_value(target[0], unit="ratio", lang=lang)
                )
            )
        stats = self.data.variation.filter(
            (pl.col("indicator_id") == ind.id)
            & (pl.col("level") == report_level(ind))
            & (pl.col("period") == self.period)
        )
        phi = stats["phi"][0] if stats.height else None
        tau2 = stats["tau2"][0] if stats.height else None
        if phi is None or tau2 is None:
            parts.append(text("funnel_no_dispersion", lang))
        else:
            parts.append(
                text("funnel_dispersion", lang).format(
                    phi=format_significant(phi, lang=lang),
                    tau2=format_significant(tau2, lang=lang),
                    k=format_count(stats["k"][0], lang=lang),
                )
            )
            if tau2 == 0:
                parts.append(text("funnel_tau_zero", lang))
        note = f'<p class="ind-note">{escape(" ".join(parts))}</p>'
        note = self.funnel_flagged(ind) + note
        reason = (self._rows_by_indicator.get(ind.id) or {}).get("suppressed")
        if reason:
            hidden = text("hidden_in_funnel", lang).format(
                unit=self.trust["short_name"], reason=suppression_reason(reason, lang=lang)
            )
            note = f'<p class="ind-note"><strong>{escape(hidden)}</strong></p>' + note
        return note

    def funnel_flagged(self, ind: Indicator) -> str:
        """The trusts outside the adjusted funnel limits, named by position, as a paragraph.

        Listed from the furthest out (above or below 99.8 %, then 95 %), so a reader
        knows which of the grey dots are outliers without hovering over them.
        """
        lang = self.lang
        rows = self._level_rows(ind, self.period)
        order = ("above_998", "below_998", "above_95", "below_95")
        named: dict[str, list[str]] = {key: [] for key in order}
        for row in rows.sort("label").iter_rows(named=True):
            position = funnel_position(row)
            if position in named:
                named[position].append(str(row["label"]))
        listed = [f"{text(key, lang)}: {', '.join(names)}" for key, names in named.items() if names]
        if not listed:
            return f'<p class="ind-note">{escape(text("funnel_none_flagged", lang))}</p>'
        return (
            f'<p class="ind-note" data-list="funnel-flagged">'
            f"{escape(text('funnel_flagged', lang))}: {escape('. '.join(listed))}.</p>"
        )

    def trend_note(self, ind: Indicator) -> str:
        """A note naming the periods the trend cannot show or shows as incomplete, or ""."""
        ptype = "tertial" if "tertial" in ind.periods else "year"
        rows = (
            self._unit_rows()
            .filter((pl.col("indicator_id") == ind.id) & (pl.col("period_type") == ptype))
            .sort("period")
        )
        lang = self.lang
        notes = []
        hidden = rows.filter(pl.col("suppressed").is_not_null())
        if hidden.height:
            by_reason: dict[str, list[str]] = {}
            for period, reason in hidden.select("period", "suppressed").iter_rows():
                by_reason.setdefault(reason, []).append(period)
            groups = [
                (spoken_list(periods, lang), suppression_reason(reason, lang=lang))
                for reason, periods in by_reason.items()
            ]
            if len(groups) == 1:
                periods = f"{groups[0][0]} ({groups[0][1]})"
            else:
                periods = spoken_list([f"{p} ({r})" for p, r in groups], lang)
            notes.append(
                text("hidden_in_trend", lang).format(unit=self.trust["short_name"], periods=periods)
            )
        incomplete = rows.filter(
            pl.col("period_incomplete").is_not_null() & pl.col("suppressed").is_null()
        )
        if incomplete.height:
            items = "; ".join(
                f"{period}: {incomplete_reason(reason, lang=lang)}"
                for period, reason in incomplete.select("period", "period_incomplete").iter_rows()
            )
            notes.append(text("incomplete_trend", lang).format(items=items))
        return "".join(f'<p class="ind-note">{escape(n)}</p>' for n in notes)

    def caterpillar(self, ind: Indicator):
        """All trusts' values with intervals, this one marked (for indicators without funnel)."""
        from indicators.charts import caterpillar_chart

        rows = judged_rows(self._level_rows(ind, self.period), ind)
        national_row = self._national_by_indicator.get(ind.id, {})
        national = national_row.get(judged_statistic(ind) or "value")
        title = f"{ind.id} {ind.title(self.lang)}: {text('caterpillar_title', self.lang)}"
        return caterpillar_chart(
            rows,
            unit=ind.unit,
            national_value=national,
            highlight=self.trust_id,
            title=f"{title} {self.period}",
            value_title=self._value_title(ind),
            lang=self.lang,
        )

    def trend(self, ind: Indicator):
        """The trust's value by tertial (by year if the indicator has no tertials)."""
        from indicators.charts import trend_chart

        ptype = "tertial" if "tertial" in ind.periods else "year"
        rows = pl.concat(
            [
                self._unit_rows().with_columns(pl.lit(False).alias("is_national")),
                self._national_rows().with_columns(pl.lit(True).alias("is_national")),
            ]
        ).filter((pl.col("indicator_id") == ind.id) & (pl.col("period_type") == ptype))
        if rows.filter(~pl.col("is_national")).is_empty():
            return None
        key = "trend_title" if ptype == "tertial" else "trend_year_title"
        return trend_chart(
            rows,
            unit=ind.unit,
            unit_label=self.trust["short_name"],
            national_label=text("nation", self.lang),
            title=f"{ind.id} {ind.title(self.lang)}: {text(key, self.lang)}",
            value_title=text("axis_median_days", self.lang) if judged_statistic(ind) else None,
            lang=self.lang,
        )

    def waiting_curve(self, ind: Indicator):
        """Kaplan–Meier share still waiting: the trust against the nation."""
        from indicators.charts import waiting_curve_chart

        curves = self.data.curves.filter(
            (pl.col("indicator_id") == ind.id)
            & (pl.col("period") == self.period)
            & (
                ((pl.col("level") == report_level(ind)) & (pl.col("unit_id") == self.trust_id))
                | ((pl.col("level") == "national") & (pl.col("unit_id") == NATIONAL_UNIT_ID))
            )
        ).with_columns((pl.col("level") == "national").alias("is_national"))
        if curves.filter(~pl.col("is_national")).is_empty():
            return self._html(f'<p class="ind-note">{escape(text("no_curve", self.lang))}</p>')
        return waiting_curve_chart(
            curves,
            unit_label=self.trust["short_name"],
            national_label=text("nation", self.lang),
            title=f"{ind.id} {text('waiting_title', self.lang)} {self.period}",
            lang=self.lang,
        )

    def variation(self, ind: Indicator) -> Html:
        """Variation statistics of the indicator across units in the period."""
        rows = self.data.variation.filter(
            (pl.col("indicator_id") == ind.id)
            & (pl.col("period") == self.period)
            & (pl.col("level") != "national")
        ).sort("level")
        body = f"<h4>{escape(text('variation', self.lang))}</h4>" + variation_table_html(
            rows, titles={ind.id: ""}, lang=self.lang
        )
        return self._html(body)

    def data_quality(self) -> Html:
        """What validation found (for the trust's rows where the record says)."""
        fingerprint = self.data.manifest.get("extract_fingerprint")
        summary = (
            read_validation(self.validation_path, fingerprint=fingerprint)
            if self.validation_path
            else None
        )
        return self._html(
            quality_html(
                summary,
                lang=self.lang,
                trust_id=self.trust_id,
                searched=self.validation_searched,
            )
        )

    def methods(self) -> Html:
        """The methods appendix, generated from the catalogue."""
        return self._html(methods_html(self.catalogue, lang=self.lang, manifest=self.data.manifest))
