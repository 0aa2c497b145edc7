"""The national overview for quality advisers: all trusts side by side.

Sections: header; per indicator a caterpillar plot of every trust; variation
statistics per indicator; the trusts outside the 99.8 % funnel limits; the validation
summary; the methods appendix.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from indicators.reports.data import ResultsData, report_level
from indicators.reports.format import check_lang
from indicators.reports.header import header_html
from indicators.reports.html import Html, Parts, escape
from indicators.reports.labels import text
from indicators.reports.methods import disclosure_html, methods_html
from indicators.reports.quality import quality_html, read_validation, validation_candidates
from indicators.reports.tables import outlier_table_html, variation_table_html
from indicators.reports.trust import caterpillar_note, unit_labels
from indicators.results import NATIONAL_UNIT_ID

if TYPE_CHECKING:
    from indicators.catalogue.model import Indicator

OUTLIER_FLAGS = ("high", "low")


class NationalOverview:
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

    def __init__(
        self,
        data: ResultsData,
        *,
        period: str | None = None,
        lang: str = "nb",
        validation: str | Path | None = None,
    ) -> None:
        self.data = data
        self.lang = check_lang(lang)
        self.period = data.check_period(period)
        self.validation_searched = validation_candidates(
            data.directory, data.extract_path, Path(validation) if validation else None
        )
        self.validation_path = next((p for p in self.validation_searched if p.is_file()), None)

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
    def catalogue(self) -> tuple[Indicator, ...]:
        """The catalogue's indicators that the results hold, in catalogue order."""
        from indicators.catalogue import CATALOGUE

        present = set(self.data.indicators["indicator_id"].unique().to_list())
        return tuple(i for i in CATALOGUE if i.id in present)

    @cached_property
    def _titles(self) -> dict[str, str]:
        return {i.id: i.title(self.lang) for i in self.catalogue}

    def _rows(self, ind: Indicator) -> pl.DataFrame:
        labels = unit_labels()
        return self.data.indicators.filter(
            (pl.col("indicator_id") == ind.id)
            & (pl.col("level") == report_level(ind.id))
            & (pl.col("period") == self.period)
        ).with_columns(
            pl.col("unit_id")
            .replace_strict(labels, default=None)
            .fill_null(pl.col("unit_name"))
            .alias("label")
        )

    def _national_value(self, ind: Indicator) -> float | None:
        row = self.data.indicators.filter(
            (pl.col("indicator_id") == ind.id)
            & (pl.col("unit_id") == NATIONAL_UNIT_ID)
            & (pl.col("period") == self.period)
        )
        return row["value"][0] if row.height else None

    def header(self) -> Html:
        """Title, period, extract date and fingerprint, versions, synthetic banner."""
        return Html(
            header_html(
                self.data,
                title=text("national_overview", self.lang),
                subtitle=text("subtitle", self.lang),
                period=self.period,
                lang=self.lang,
            ),
            with_css=True,
        )

    def caterpillars(self) -> Parts:
        """Per indicator: every trust's value and interval against the national value."""
        from indicators.charts import caterpillar_chart

        parts: list[Any] = [Html(f"<h2>{escape(text('caterpillar_title', self.lang))}</h2>")]
        for ind in self.catalogue:
            rows = self._rows(ind)
            if rows.is_empty():
                continue
            level = text(f"level_{report_level(ind.id)}", self.lang)
            parts.append(
                Html(
                    f'<h3 id="ind-{escape(ind.id)}">{escape(ind.id)} '
                    f"{escape(ind.title(self.lang))}</h3>"
                    f'<p class="ind-note">{escape(ind.description(self.lang))} '
                    f"({escape(text('level', self.lang))}: {escape(level)})</p>"
                )
            )
            parts.append(
                caterpillar_chart(
                    rows,
                    unit=ind.unit,
                    national_value=self._national_value(ind),
                    title=f"{ind.id} {ind.title(self.lang)} {self.period}",
                    lang=self.lang,
                )
            )
            has_funnel = rows["funnel_flag_998_od"].is_not_null().any()
            parts.append(Html(caterpillar_note(funnel=has_funnel, lang=self.lang)))
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
        return Html(
            f"<h2>{escape(text('variation_all', self.lang))}</h2>"
            + variation_table_html(rows, titles=self._titles, lang=self.lang)
        )

    def outliers(self) -> Html:
        """Trusts outside the 99.8 % overdispersion-adjusted limits, per indicator."""
        order = {ind.id: i for i, ind in enumerate(self.catalogue)}
        labels = unit_labels()
        frames = [self._rows(ind) for ind in self.catalogue]
        rows = pl.concat(frames, how="vertical_relaxed") if frames else self.data.indicators.clear()
        rows = (
            rows.filter(pl.col("funnel_flag_998_od").is_in(OUTLIER_FLAGS))
            .with_columns(
                pl.col("indicator_id").replace_strict(order, default=99).alias("_o"),
                pl.col("unit_id")
                .replace_strict(labels, default=None)
                .fill_null(pl.col("unit_name"))
                .alias("unit_name"),
            )
            .sort("_o", "value")
        )
        units = {ind.id: ind.unit for ind in self.catalogue}
        return Html(
            f"<h2>{escape(text('outliers', self.lang))}</h2>"
            + outlier_table_html(rows, units=units, titles=self._titles, lang=self.lang)
        )

    def data_quality(self) -> Html:
        """The validation summary of the extract."""
        fingerprint = self.data.manifest.get("extract_fingerprint")
        summary = (
            read_validation(self.validation_path, fingerprint=fingerprint)
            if self.validation_path
            else None
        )
        return Html(quality_html(summary, lang=self.lang, searched=self.validation_searched))

    def methods(self) -> Html:
        """The methods appendix, generated from the catalogue, and what disclosure withheld."""
        return Html(
            methods_html(self.catalogue, lang=self.lang)
            + disclosure_html(self.data.manifest, lang=self.lang)
        )
