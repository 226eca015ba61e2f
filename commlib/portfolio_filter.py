"""The portfolio, sorted and filtered live in a session: a status and a sort order above the
table, which follows them (:func:`commlib.portfolio.arrange`, nothing re-read)::

    PortfolioFilter(portfolio(store, lang="zh"), lang="zh")
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from .display import header, to_html
from .i18n import get_language, language, normalise, t
from .portfolio import SORTS, STATUS_ORDER, arrange

__all__ = ["PortfolioFilter"]


class PortfolioFilter(w.VBox):
    """Which status to show (every one, or one) and what to sort by, over a portfolio frame
    (all its rows at first); ``frame`` is what the table shows. ``audience`` hides what a
    client's table hides."""

    def __init__(
        self,
        frame: pd.DataFrame,
        lang: str | None = None,
        *,
        sort_by: str = "status",
        audience: str = "internal",
    ) -> None:
        self.lang = normalise(lang) if lang else get_language()
        self.audience = audience
        self.source = frame
        self.frame = arrange(frame, sort_by=sort_by)  # checks it
        with language(self.lang):
            statuses = [(t("portfolio.filter.all"), None)]
            statuses += [(t(f"summary.status.{s}"), s) for s in STATUS_ORDER]
            self.status = w.Dropdown(
                options=statuses, value=None, description=t("portfolio.filter.status")
            )
            self.sort_by = w.Dropdown(
                options=[(str(header(c, self.lang)), c) for c in SORTS],
                value=sort_by,
                description=t("portfolio.filter.sort_by"),
            )
        self.table = w.HTML()
        for control in (self.status, self.sort_by):
            control.observe(lambda _change: self.refresh(), names="value")
        super().__init__([w.HBox([self.status, self.sort_by]), self.table])
        self._show()

    def refresh(self) -> None:
        """Arrange the rows as the controls say, and show them."""
        self.frame = arrange(self.source, sort_by=self.sort_by.value, status=self.status.value)
        self._show()

    def _show(self) -> None:
        self.table.value = to_html(self.frame, self.lang, audience=self.audience)
