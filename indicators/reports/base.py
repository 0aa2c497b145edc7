"""What a trust's report and the national overview share.

The results, the period, the language, the validation record they cite and the
indicators the results hold.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from indicators.present.format import check_lang
from indicators.reports.data import ResultsData
from indicators.reports.html import Html
from indicators.reports.quality import validation_candidates

if TYPE_CHECKING:
    from indicators.catalogue.model import Indicator


class ReportBase:
    """A report on ``data`` for ``period`` (default: the latest full year) in ``lang``.

    ``validation`` names the validation record to cite; by default it is looked for
    beside the results and the extract (:func:`~indicators.reports.quality.validation_candidates`).
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

    @cached_property
    def catalogue(self) -> tuple[Indicator, ...]:
        """The indicators the results hold, in catalogue order (local ones last)."""
        present = set(self.data.indicators["indicator_id"].unique().to_list())
        return tuple(i for i in self.data.definitions.values() if i.id in present)

    @property
    def chance_signal_share(self) -> float | None:
        """The share of stable series that signal in a year by chance (the manifest's)."""
        spc = self.data.manifest.get("parameters", {}).get("spc", {})
        share = spc.get("chance_signal_share", {}).get("share")
        return float(share) if isinstance(share, int | float) else None

    @cached_property
    def monthly(self) -> tuple[Indicator, ...]:
        """The indicators with monthly SPC series in the results, in catalogue order."""
        present = set(self.data.spc["indicator_id"].unique().to_list())
        return tuple(i for i in self.catalogue if i.id in present)

    def _html(self, body: str, *, with_css: bool = False) -> Html:
        """A piece of the report, marked with the report's language."""
        return Html(body, with_css=with_css, lang=self.lang)
