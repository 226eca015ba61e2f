"""A session notebook's page: one audience, labelled tables, offline charts, and views that
follow the store.

The setup cell of a session notebook makes a ``Page``; the next cell shows its banner (which
audience the screen is in, and a toggle to switch); each table or chart is ``page.live``::

    page = Page(store, project, audience=audience, lang=lang)
    page                                          # the banner and its toggle
    page.live(lambda: milestone_table(page.frame("milestones"), page.frame("stakeholders")))
    page.live(lambda: losing_touch(...), internal=True)   # the team's own analysis

A live view reads the store through its function and remembers which kinds it read
(``commlib.store.reads``). When a widget saves (``forms.changed``) or the screen switches
audience, every view that read the changed kind runs its function again and shows the new
result in place: no cell is re-run. ``internal=True`` marks the team's analysis of the
client (power and interest, engagement gaps, losing touch, response-time breaches): with a
client audience it shows only a short note that it is hidden.

In a report's kernel (``commlib.report.setup_kernel`` sets ``STATIC``) the page shows
nothing and ``live`` returns its function's result (or ``None`` for internal analysis in a
client report), so the same notebook exports to static HTML.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

from .. import display
from ..errors import CommlibError
from ..forms import AUDIENCE, AUDIENCES, escape, on_change, screen_audience, set_screen_audience
from ..i18n import language, normalise, t
from ..models import KINDS
from ..store import ANY, reads
from . import chart as live_chart

if TYPE_CHECKING:
    from ..store import ProjectRef, Store

log = logging.getLogger(__name__)

#: set in a report's kernel: pages show nothing and views are plain results
STATIC = False
_EVERYTHING = frozenset({*KINDS, "history", AUDIENCE})
_BANNER = {
    "internal": ("#fff8e1", "#8d6e00", "#f0c36d"),
    "client": ("#e3f2fd", "#0d47a1", "#90caf9"),
}


class Page:
    """The live page of one project's session: the audience on screen (``audience``, switched
    by the banner's toggle or ``switch``), its language, and the live views on it.

    ``toggle=False`` leaves the toggle out (a page whose cells are not all live views: the
    ``audience`` parameter switches it)."""

    def __init__(
        self,
        store: Store,
        project: ProjectRef,
        *,
        audience: str = "internal",
        lang: str | None = None,
        today: date | None = None,
        toggle: bool = True,
    ) -> None:
        if audience not in AUDIENCES:
            raise CommlibError(t("live.error.audience", value=audience))
        self.store = store
        self.project = store.project(project)
        self.lang = normalise(lang) if lang else self.project.language
        self.today = today or date.today()
        self.audience = audience
        self.switchable = toggle
        self._views: weakref.WeakSet[LiveView] = weakref.WeakSet()
        self.banner: w.VBox | None = None
        if STATIC:
            return
        set_screen_audience(store, self.project.id, audience)
        self._enable_display()
        live_chart.enable(self.lang)
        with language(self.lang):
            self.banner = self._build_banner()
        on_change(store, _EVERYTHING, self._changed)

    # --- what the kernel shows ---

    def _enable_display(self) -> None:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            return
        html = shell.display_formatter.formatters["text/html"]
        html.for_type(pd.DataFrame, self._table_html)
        html.for_type(dict, self._tables_html)

    def _table_html(self, frame: pd.DataFrame) -> str:
        return display.to_html(frame, self.lang, audience=self.audience)

    def _tables_html(self, tables: dict[object, object]) -> str | None:
        return display.tables_html(tables, self.lang, audience=self.audience)

    def _build_banner(self) -> w.VBox:
        self._marker = w.HTML()
        self.toggle = w.ToggleButtons(
            options=[
                (t("live.audience.internal"), "internal"),
                (t("live.audience.client"), "client"),
            ],
            value=self.audience,
            tooltips=[t("live.audience.internal_tip"), t("live.audience.client_tip")],
        )
        self.toggle.observe(self._toggled, names="value")
        box = w.VBox([self._marker, self.toggle] if self.switchable else [self._marker])
        box.add_class("commlib-page-banner")
        self._show_marker()
        return box

    def _show_marker(self) -> None:
        background, color, border = _BANNER[self.audience]
        with language(self.lang):
            title = t(f"live.banner.{self.audience}")
            note = t(f"live.banner.{self.audience}_note")
        self._marker.value = (
            f'<div class="commlib-mode commlib-mode-{self.audience}" style="background:'
            f"{background};color:{color};border:1px solid {border};border-radius:4px;"
            f'padding:6px 10px;margin:2px 0"><b>{escape(title)}</b> · {escape(note)}</div>'
        )

    def _ipython_display_(self) -> None:
        if self.banner is not None:
            from IPython.display import display as show

            show(self.banner)

    # --- reading, as the audience on screen may ---

    @property
    def client(self) -> bool:
        return self.audience == "client"

    def frame(self, kind: str) -> pd.DataFrame:
        """``store.frame(kind, project, audience=<the screen's audience>)``."""
        return self.store.frame(kind, self.project.id, audience=self.audience)

    def live(self, make: Callable[[], Any], *, internal: bool = False) -> Any:
        """A view of ``make()`` that follows the store and the audience (see the module)."""
        if STATIC:
            return None if internal and self.client else _readable(make())
        view = LiveView(self, make, internal=internal)
        self._views.add(view)
        return view

    # --- switching and following ---

    def switch(self, audience: str) -> None:
        """Show the screen to ``audience`` ("client" or "internal"), as the toggle does."""
        if audience not in AUDIENCES:
            raise CommlibError(t("live.error.audience", value=audience))
        if self.banner is not None and self.toggle.value != audience:
            self.toggle.value = audience  # comes back through _toggled
            return
        self._set(audience)

    def _toggled(self, change: dict[str, Any]) -> None:
        self._set(change["new"])

    def _set(self, audience: str) -> None:
        if audience == self.audience:
            return
        self.audience = audience
        if self.banner is not None:
            self._show_marker()
        set_screen_audience(self.store, self.project.id, audience)  # widgets, then views

    def _changed(self, kind: str, project_id: int) -> None:
        if project_id != self.project.id:
            return
        if kind == AUDIENCE:
            audience = screen_audience(self.store, project_id)
            if audience != self.audience:  # switched from elsewhere (another page)
                self.audience = audience
                if self.banner is not None:
                    self._show_marker()
                    self.toggle.value = audience
        for view in list(self._views):
            if kind == AUDIENCE or kind in view.kinds or ANY in view.kinds:
                view.refresh()


class LiveView(w.VBox):
    """What one ``page.live`` call shows: a chart drawn in place, or any other output; run
    again by ``refresh()`` (on a save of a kind it read, or an audience switch)."""

    def __init__(self, page: Page, make: Callable[[], Any], *, internal: bool = False) -> None:
        super().__init__()
        self.page = page
        self.make = make
        self.internal = internal
        self.kinds: set[str] = set()
        self.value: Any = None
        self.last_error: BaseException | None = None
        self.chart: live_chart.VegaChart | None = None
        self.output = w.Output()
        self.note = w.HTML()
        self.add_class("commlib-live")
        self.refresh()

    def refresh(self) -> None:
        """Run the view's function again and show its result."""
        page = self.page
        if self.internal and page.client:
            self._show_note(t("live.internal_hidden", page.lang), muted=True)
            return
        try:
            with language(page.lang), reads() as kinds:
                value = self.make()
        except Exception as err:  # shown as one line where the output would be
            self.last_error = err
            log.debug("a live view failed", exc_info=True)
            message = str(err) if isinstance(err, CommlibError) else f"{type(err).__name__}: {err}"
            self._show_note(message.splitlines()[0] if message else type(err).__name__)
            return
        self.kinds = set(kinds)
        self.value = value
        self._show(_readable(value))

    def _show_note(self, message: str, *, muted: bool = False) -> None:
        color = "#757575" if muted else "#c62828"
        self.note.value = f'<span style="color:{color};font-size:0.9em">{escape(message)}</span>'
        self.children = [self.note]

    def _show(self, value: Any) -> None:
        spec = _spec(value)
        if spec is not None:
            if self.chart is None:
                self.chart = live_chart.chart_widget(spec, self.page.lang)
            elif self.chart.spec != spec:
                self.chart.spec = spec
            self.children = [self.chart]
            return
        from IPython import get_ipython

        shell = get_ipython()
        if value is None:
            outputs: tuple[dict[str, Any], ...] = ()
        elif shell is not None:
            data, metadata = shell.display_formatter.format(value)
            outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)
        else:  # outside IPython (tests, scripts): what the value prints as
            text = {"text/plain": repr(value)}
            outputs = ({"output_type": "display_data", "data": text, "metadata": {}},)
        self.output.outputs = outputs
        self.children = [self.output]


class Sentence(str):
    """A line of text a view shows as a paragraph (not as a quoted Python string)."""

    def _repr_html_(self) -> str:
        return f'<p class="commlib-sentence">{escape(self)}</p>'

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:
        printer.text(str(self))


def _readable(value: Any) -> Any:
    return Sentence(value) if isinstance(value, str) else value


def _spec(value: Any) -> dict[str, Any] | None:
    """An altair chart's Vega-Lite spec (``None`` for anything else)."""
    to_dict = getattr(value, "to_dict", None)
    if to_dict is None or isinstance(value, pd.DataFrame | pd.Series):
        return None
    import altair as alt

    if isinstance(value, alt.TopLevelMixin):
        return value.to_dict()
    return None
