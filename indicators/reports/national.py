"""The national overview for quality advisers: all trusts side by side.

Sections: header; contents; the national value of every indicator by year with its
change; per indicator a caterpillar plot of every trust; variation statistics per
indicator; per indicator the trusts outside the 99.8 % funnel limits; the validation
summary; the methods appendix.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from indicators.present.format import MISSING_TEXT, format_number, format_value
from indicators.present.labels import text
from indicators.reports.base import ReportBase
from indicators.reports.data import ResultsData, judged_rows, judged_statistic, report_level
from indicators.reports.header import header_html
from indicators.reports.html import Cell, Html, Parts, attrs, escape, table
from indicators.reports.methods import disclosure_html, methods_html
from indicators.reports.quality import quality_html, read_validation
from indicators.reports.tables import (
    judged_value_cell,
    marked_incomplete,
    outlier_table_html,
    value_cell,
    variation_table_html,
)
from indicators.reports.trust import caterpillar_note, unit_labels
from indicators.results import NATIONAL_UNIT_ID

if TYPE_CHECKING:
    from indicators.catalogue.model import Indicator

OUTLIER_FLAGS = ("high", "low")
#: Anchors of the overview's sections, in the order the contents list them.
SECTIONS = (
    ("national-values", "national_values"),
    ("caterpillars", "caterpillar_title"),
    ("spc", "spc_national"),
    ("variation", "variation_all"),
    ("outliers", "outliers"),
    ("data-quality", "data_quality"),
    ("methods", "methods"),
)


def change_text(change: float | None, *, unit: str, lang: str = "nb") -> str:
    """A change between two values in the unit's own terms, signed.

    Shares change in percentage points, waiting times in days, ratios as a difference.

    >>> change_text(0.0213, unit="fraction"), change_text(-1.54, unit="days", lang="en")
    ('+2,1 prosentpoeng', '−1.5 days')
    >>> change_text(0.0, unit="ratio")
    '0,00'
    """
    if change is None:
        return MISSING_TEXT
    if unit == "fraction":
        number = format_number(abs(change) * 100, decimals=1, lang=lang)
        shown = f"{number} {text('percentage_points', lang)}"
    else:
        shown = format_value(abs(change), unit=unit, lang=lang)
    zero = all(c in "0,. " for c in shown.split(" ")[0])
    if zero:
        return shown
    return ("+" if change > 0 else "−") + shown


def direction_text(
    change: float | None, *, unit: str, direction: str | None, lang: str = "nb"
) -> str:
    """Whether a change is towards the better value (by the indicator's direction).

    A change that rounds to nothing as printed (:func:`change_text`) is unchanged; an
    indicator without a goal (``direction`` None) has no better or worse.

    >>> direction_text(0.02, unit="fraction", direction="higher_is_better")
    'bedre'
    >>> direction_text(0.02, unit="fraction", direction="lower_is_better", lang="en")
    'worse'
    >>> direction_text(0.0004, unit="fraction", direction="higher_is_better")
    'uendret'
    """
    if change is None:
        return MISSING_TEXT
    if direction is None:
        return text("no_direction", lang)
    if change_text(change, unit=unit, lang=lang)[0] not in "+−":
        return text("unchanged", lang)
    better = (change > 0) == (direction == "higher_is_better")
    return text("better" if better else "worse", lang)


class NationalOverview(ReportBase):
    """Sections of the national overview for one period, from the published results.

    Parameters
    ----------
    data
        The results (see :class:`ResultsData`).
    period
        ``2025`` or ``2025-T2``; None chooses the latest full year in the results.
    lang
        ``nb`` (default) or ``en``.
    validation
        Path to a validation record; default: found next to the results or extract.
    """

    @classmethod
    def load(
        cls,
        results_dir: str | Path | None = None,
        *,
        period: str | None = None,
        lang: str = "nb",
        validation: str | Path | None = None,
    ) -> NationalOverview:
        """Read the results in ``results_dir`` and make the overview.

        ``results_dir`` None reads :func:`~indicators.reports.data.default_results_dir`.
        """
        return cls(ResultsData.read(results_dir), period=period, lang=lang, validation=validation)

    @cached_property
    def _titles(self) -> dict[str, str]:
        return {i.id: i.title(self.lang) for i in self.catalogue}

    def _rows(self, ind: Indicator) -> pl.DataFrame:
        labels = unit_labels()
        return self.data.indicators.filter(
            (pl.col("indicator_id") == ind.id)
            & (pl.col("level") == report_level(ind))
            & (pl.col("period") == self.period)
        ).with_columns(
            pl.col("unit_id")
            .replace_strict(labels, default=None)
            .fill_null(pl.col("unit_name"))
            .alias("label")
        )

    def _national_value(self, ind: Indicator, column: str = "value") -> float | None:
        row = self.data.indicators.filter(
            (pl.col("indicator_id") == ind.id)
            & (pl.col("unit_id") == NATIONAL_UNIT_ID)
            & (pl.col("period") == self.period)
        )
        return row[column][0] if row.height and column in row.columns else None

    def header(self) -> Html:
        """Title, period, extract date and fingerprint, versions, synthetic banner."""
        return self._html(
            header_html(
                self.data,
                title=text("national_overview", self.lang),
                subtitle=text("subtitle", self.lang),
                period=self.period,
                lang=self.lang,
            ),
            with_css=True,
        )

    def contents(self) -> Html:
        """The table of contents: every section, and every indicator's plot and outliers."""
        lang = self.lang
        indicators = "".join(
            f'<li><a href="#ind-{escape(ind.id)}">{escape(ind.id)} '
            f"{escape(ind.title(lang))}</a> · "
            f'<a href="#outliers-{escape(ind.id)}">{escape(text("outliers_short", lang))}</a>'
            "</li>"
            for ind in self.catalogue
        )
        items = []
        for anchor, key in SECTIONS:
            item = f'<a href="#{anchor}">{escape(text(key, lang))}</a>'
            if anchor == "caterpillars":
                item += f"<ol>{indicators}</ol>"
            items.append(f"<li>{item}</li>")
        return self._html(
            f'<nav aria-label="{escape(text("contents", lang))}">'
            f"<h2>{escape(text('contents', lang))}</h2><ol>{''.join(items)}</ol></nav>"
        )

    def national_values(self) -> Html:
        """Every indicator's national value per year, and the change from the year before.

        Years up to the overview's period (its year for a tertial); the change is between
        the last two of them, in the unit's terms, with whether it is for the better.
        """
        lang = self.lang
        last = self.period.split("-")[0]
        years = [y for y in self.data.years() if y <= last]
        national = self.data.indicators.filter(
            (pl.col("unit_id") == NATIONAL_UNIT_ID)
            & (pl.col("level") == "national")
            & (pl.col("period_type") == "year")
        )
        by_key = {(r["indicator_id"], r["period"]): r for r in national.iter_rows(named=True)}
        header = [text("indicator", lang), *years]
        if len(years) > 1:
            header += [
                text("change_from", lang).format(year=years[-2]),
                text("direction", lang),
            ]
        rows = []
        for ind in self.catalogue:
            found = [by_key.get((ind.id, y)) for y in years]
            shown = [r["value"] if r else None for r in found]
            judged = judged_statistic(ind)
            row: list[Cell | str] = [
                Cell(
                    html=f'<a href="#ind-{escape(ind.id)}">{escape(ind.id)}</a> '
                    f"{escape(ind.title(lang))}"
                ),
                *(
                    marked_incomplete(
                        judged_value_cell(r, column=judged, unit=ind.unit, lang=lang)
                        if judged and r
                        else value_cell(r, unit=ind.unit, lang=lang),
                        r,
                        lang=lang,
                    )
                    for r in found
                ),
            ]
            if len(years) > 1:
                before, now = shown[-2], shown[-1]
                change = None if before is None or now is None else now - before
                partial = any((r or {}).get("period_incomplete") for r in found[-2:])
                row += [
                    Cell(
                        change_text(change, unit=ind.unit, lang=lang),
                        attributes=attrs(class_="num"),
                    ),
                    text("incomplete_short", lang)
                    if partial and change is not None
                    else direction_text(
                        change,
                        unit=ind.unit,
                        direction=ind.direction if ind.targets is not None else None,
                        lang=lang,
                    ),
                ]
            rows.append(row)
        notes = [text("national_values_note", lang), text("national_values_incomplete", lang)]
        judged = ", ".join(ind.id for ind in self.catalogue if judged_statistic(ind))
        if judged:
            notes.append(text("national_values_judged", lang).format(indicators=judged))
        note = f'<p class="ind-note">{escape(" ".join(notes))}</p>'
        return self._html(
            f'<h2 id="national-values">{escape(text("national_values", lang))}</h2>'
            + table(header, rows, data_table="national")
            + note
        )

    def caterpillars(self) -> Parts:
        """Per indicator: every trust's value and interval against the national value."""
        from indicators.charts import caterpillar_chart

        parts: list[Any] = [
            self._html(f'<h2 id="caterpillars">{escape(text("caterpillar_title", self.lang))}</h2>')
        ]
        for ind in self.catalogue:
            rows = judged_rows(self._rows(ind), ind)
            if rows.is_empty():
                continue
            level = text(f"level_{report_level(ind)}", self.lang)
            parts.append(
                self._html(
                    f'<h3 id="ind-{escape(ind.id)}">{escape(ind.id)} '
                    f"{escape(ind.title(self.lang))}</h3>"
                    f'<p class="ind-note">{escape(ind.description(self.lang))} '
                    f"({escape(text('level', self.lang))}: {escape(level)})</p>"
                )
            )
            judged = judged_statistic(ind)
            parts.append(
                caterpillar_chart(
                    rows,
                    unit=ind.unit,
                    national_value=self._national_value(ind, judged or "value"),
                    title=f"{ind.id} {ind.title(self.lang)} {self.period}",
                    value_title=text(f"axis_{judged}", self.lang) if judged else None,
                    lang=self.lang,
                )
            )
            has_funnel = rows["funnel_flag_998_od"].is_not_null().any()
            intervals = rows["ci_low"].is_not_null().any()
            note = caterpillar_note(funnel=has_funnel, intervals=intervals, lang=self.lang)
            if judged:
                judged_note = text("judged_chart_note_national", self.lang)
                note += f'<p class="ind-note">{escape(judged_note)}</p>'
            parts.append(self._html(note))
        return Parts(parts)

    def spc(self) -> Parts:
        """Month by month: the nation's SPC charts, what changed, the trusts' verdicts.

        The nation's SPC chart of every monthly indicator, the trusts' special causes of
        the year, and the matrix of trusts x indicators with their variation verdicts.
        """
        from indicators.reference import trusts
        from indicators.reports.spc import (
            changes,
            period_end,
            series,
            spc_matrix_html,
            spc_view,
            what_changed_html,
        )

        lang, until = self.lang, period_end(self.period)
        parts: list[Any] = [self._html(f'<h2 id="spc">{escape(text("spc_national", lang))}</h2>')]
        national = self.data.spc.filter(pl.col("level") == "national")
        for ind in self.monthly:
            rows = series(national, ind.id, NATIONAL_UNIT_ID, until=until)
            if rows.is_empty():
                continue
            chart, sentence = spc_view(rows, ind, unit_label=text("nation", lang), lang=lang)
            parts += [chart, self._html(f'<p class="ind-note">{escape(sentence)}</p>')]
        names = dict(trusts().select("trust_id", "short_name").iter_rows())
        trust_spc = self.data.spc.filter(pl.col("level") == "trust")
        units = {u: names.get(u, u) for u in trust_spc["unit_id"].unique().to_list()}
        year = self.period.split("-")[0]
        found = changes(trust_spc, unit_ids=list(units), year=year, until=until)
        body = f"<h3>{escape(text('what_changed', lang))}</h3>"
        body += what_changed_html(
            found,
            self.data.definitions,
            year=year,
            chance=self.chance_signal_share,
            lang=lang,
            units=units,
        )
        body += f"<h3>{escape(text('spc_matrix', lang))}</h3>"
        body += spc_matrix_html(trust_spc, self.monthly, units, until=until, lang=lang)
        body += f'<p class="ind-note">{escape(text("spc_matrix_note", lang))}</p>'
        parts.append(self._html(body))
        return Parts(parts)

    def variation(self) -> Html:
        """Variation statistics of every indicator across units in the period."""
        order = {ind.id: i for i, ind in enumerate(self.catalogue)}
        rows = (
            self.data.variation.filter(
                (pl.col("period") == self.period) & (pl.col("level") != "national")
            )
            .with_columns(pl.col("indicator_id").replace_strict(order, default=99).alias("_o"))
            .sort("_o", "level")
            .drop("_o")
        )
        return self._html(
            f'<h2 id="variation">{escape(text("variation_all", self.lang))}</h2>'
            + variation_table_html(rows, titles=self._titles, lang=self.lang)
            + "".join(self._remaining_variation(ind, rows) for ind in self.catalogue)
        )

    def _remaining_variation(self, ind: Indicator, rows: pl.DataFrame) -> str:
        """How much variation between units remains after case-mix adjustment (a sentence).

        For a case-mix indicator with the same population as another (LEVEL-01A beside
        LEVEL-01): the overdispersion φ and the systematic component of variation (SCV)
        of both at the reporting level, which are on the same scale for both.
        """
        base = ind.population_same_as
        if ind.kind != "case_mix" or base is None:
            return ""
        level = report_level(ind)
        stats = {
            r["indicator_id"]: r
            for r in rows.filter(pl.col("level") == level).iter_rows(named=True)
            if r["indicator_id"] in (ind.id, base)
        }
        if len(stats) < 2:
            return ""
        crude, adjusted = stats[base], stats[ind.id]
        sentence = text("remaining_variation", self.lang).format(
            adjusted=ind.id,
            crude=base,
            phi_adjusted=format_number(adjusted["phi"], decimals=2, lang=self.lang),
            phi_crude=format_number(crude["phi"], decimals=2, lang=self.lang),
            scv_adjusted=format_number(adjusted["scv"], decimals=1, lang=self.lang),
            scv_crude=format_number(crude["scv"], decimals=1, lang=self.lang),
        )
        return f"<p>{escape(sentence)}</p>"

    def outliers(self) -> Html:
        """Per indicator, the trusts outside the 99.8 % overdispersion-adjusted limits.

        Every indicator has its own heading and either its table, a sentence that no
        trust lies outside, or a sentence that it has no funnel limits in the period.
        """
        lang = self.lang
        labels = unit_labels()
        units = {ind.id: ind.unit for ind in self.catalogue}
        body = [f'<h2 id="outliers">{escape(text("outliers", lang))}</h2>']
        for ind in self.catalogue:
            rows = judged_rows(self._rows(ind), ind)
            body.append(
                f'<h3 id="outliers-{escape(ind.id)}">{escape(ind.id)} '
                f"{escape(ind.title(lang))}</h3>"
            )
            if rows["funnel_flag_998_od"].drop_nulls().is_empty():
                body.append(f'<p class="ind-note">{escape(text("no_funnel_limits", lang))}</p>')
                continue
            flagged = (
                rows.filter(pl.col("funnel_flag_998_od").is_in(OUTLIER_FLAGS))
                .with_columns(
                    pl.col("unit_id")
                    .replace_strict(labels, default=None)
                    .fill_null(pl.col("unit_name"))
                    .alias("unit_name"),
                    national_value=pl.lit(
                        self._national_value(ind, judged_statistic(ind) or "value"),
                        pl.Float64,
                    ),
                )
                .sort("value")
            )
            body.append(
                outlier_table_html(
                    flagged,
                    units=units,
                    titles=self._titles,
                    lang=lang,
                    note=False,
                    indicator_column=False,
                )
            )
        body.append(f'<p class="ind-note">{escape(text("outliers_note", lang))}</p>')
        return self._html("".join(body))

    def data_quality(self) -> Html:
        """The validation summary of the extract."""
        fingerprint = self.data.manifest.get("extract_fingerprint")
        summary = (
            read_validation(self.validation_path, fingerprint=fingerprint)
            if self.validation_path
            else None
        )
        return self._html(quality_html(summary, lang=self.lang, searched=self.validation_searched))

    def methods(self) -> Html:
        """The methods appendix, generated from the catalogue, and what disclosure withheld."""
        return self._html(
            methods_html(self.catalogue, lang=self.lang, manifest=self.data.manifest)
            + disclosure_html(self.data.manifest, lang=self.lang)
        )
