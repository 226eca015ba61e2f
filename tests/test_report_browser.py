"""Every report, opened from file:// in Chromium with the network blocked: it asks for nothing,
draws its charts, keeps tooltips and Vega-Lite filters working, and runs no injected script."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from commlib import Contact, Issue, Milestone, Risk, Stakeholder, Store
from commlib.report import export_all
from commlib.summary import override_status

from .browser import browser  # noqa: F401  (fixture)
from .conftest import fill

PROJECT = "华辰 ERP 升级"
UNTIL = date(2026, 3, 31)
SENTINEL = "INTERNAL-SENTINEL"
#: each payload would set window.__xss (or raise a dialog) if it ever ran
XSS = [
    "<script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss = 'img'\">",
    "<svg onload=\"window.__xss = 'svg'\"></svg>",
    "</script><script>window.__xss = 'close'</script>",
    "<b onmouseover=alert(1)>bold</b>",
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every report of a filled project: client in zh, internal in en."""
    folder = tmp_path_factory.mktemp("browser-reports")
    store = Store(folder / "workbench.db")
    project = fill(store)
    for i, text in enumerate(XSS):
        store.add(
            Contact(
                project_id=project.id,
                when=datetime(2026, 3, 12 + i, 2, 0, tzinfo=UTC),
                channel="meeting",
                subject=text,
                summary=text,
                visibility="client",
            )
        )
    store.add(
        Stakeholder(project_id=project.id, name=XSS[1], role=XSS[0], visibility="client", power=5)
    )
    # internal records (visibility defaults to internal) of what the reports show
    store.add(
        Contact(
            project_id=project.id,
            when=datetime(2026, 3, 20, 2, 0, tzinfo=UTC),
            channel="email",
            subject=f"{SENTINEL} contact",
        )
    )
    risk = store.add(
        Risk(
            project_id=project.id,
            title=f"{SENTINEL} risk",
            probability=4,
            impact=5,
            created_at=datetime(2026, 3, 5, tzinfo=UTC),
        )
    )
    store.update("risks", risk.id, probability=2, at=datetime(2026, 3, 25, tzinfo=UTC))
    store.add(
        Milestone(
            project_id=project.id,
            name=f"{SENTINEL} milestone",
            baseline_due=date(2026, 4, 20),
            current_due=date(2026, 4, 20),
        )
    )
    # the issue log and the executive summary: an internal issue and an internal override
    # carry the sentinel; a shared issue and a shared override carry markup
    store.add(
        Issue(
            project_id=project.id,
            title=f"{SENTINEL} issue",
            raised_on=date(2026, 3, 21),
            severity=5,
            target_date=date(2026, 3, 25),
        )
    )
    store.add(
        Issue(
            project_id=project.id,
            title=XSS[2],
            solution=XSS[3],
            raised_on=date(2026, 3, 22),
            visibility="client",
        )
    )
    override_status(store, project, "risks", "red", f"{SENTINEL} override", visibility="internal")
    override_status(store, project, "scope", "amber", XSS[4], visibility="client")
    for survey in store.records("surveys", project.id):
        store.update("surveys", survey.id, visibility="client")
    db = store.url
    store.close()
    found = {}
    for audience, lang in [("client", "zh"), ("internal", "en")]:
        out = folder / audience
        for path in export_all(db, PROJECT, out, audience=audience, lang=lang, until=UNTIL):
            found[(path.stem, audience)] = path
    return found


def _open(browser, path: Path):  # noqa: F811
    """The page, loaded with every http(s) request aborted and counted."""
    context = browser.new_context()
    seen = {"requests": [], "errors": [], "dialogs": []}

    def block(route):
        seen["requests"].append(route.request.url)
        route.abort()

    context.route("http://**/*", block)
    context.route("https://**/*", block)
    page = context.new_page()
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, seen


def _charts_drawn(page) -> tuple[int, int]:
    """(chart placeholders, charts Vega drew), once every chart is drawn or 10 s passed."""
    expected = page.locator(".commlib-chart").count()
    drawn = ".commlib-chart svg.marks, .commlib-chart canvas"
    if expected:
        page.wait_for_function(
            f"document.querySelectorAll({drawn!r}).length >= {expected}", timeout=10_000
        )
    return expected, page.locator(drawn).count()


def test_every_notebook_is_reported_for_both_audiences(reports):
    names = {name for name, _ in reports}
    assert {"contacts", "kickoff", "status_review", "retrospective", "risk_review"} <= names
    assert {"survey_analysis", "meetings"} <= names
    # the overview and the meeting planner (etiquette, everyone's hours) are the team's own
    internal_only = {"overview", "meetings"}
    assert {name for name, audience in reports if audience == "client"} == names - internal_only


def test_reports_open_offline_and_draw_their_charts(browser, reports):  # noqa: F811
    charts = {}
    for (name, audience), path in sorted(reports.items()):
        context, page, seen = _open(browser, path)
        try:
            expected, drawn = _charts_drawn(page)
            charts[(name, audience)] = expected
            assert drawn == expected, (name, audience)
            assert seen["requests"] == [], (name, audience, seen["requests"])
            assert seen["errors"] == [], (name, audience, seen["errors"])
            assert page.evaluate("typeof window.__xss") == "undefined", (name, audience)
            assert seen["dialogs"] == [], (name, audience)
        finally:
            context.close()
    # the notebooks that are about charts do show some
    for name in ["contacts", "risk_review", "kickoff", "status_review", "retrospective"]:
        assert charts[(name, "client")] >= 1, name


def test_sentinel_only_in_internal_reports(reports):
    for (name, audience), path in reports.items():
        raw = path.read_text(encoding="utf-8")
        if audience == "client":
            assert SENTINEL not in raw, name
    shown = {"contacts", "kickoff", "status_review", "risk_review", "retrospective", "overview"}
    for name in shown:
        assert SENTINEL in reports[(name, "internal")].read_text(encoding="utf-8"), name
    # the team's own analysis is in the team's contacts report (and left out for a client:
    # tests/test_report_design.py)
    assert "Losing touch" in reports[("contacts", "internal")].read_text(encoding="utf-8")
    # the status review's issue log and summary: internal issue and override in, not out
    internal = reports[("status_review", "internal")].read_text(encoding="utf-8")
    assert f"{SENTINEL} issue" in internal and f"{SENTINEL} override" in internal


def test_the_client_status_review_shows_shared_issue_and_override_as_text(browser, reports):  # noqa: F811
    context, page, seen = _open(browser, reports[("status_review", "client")])
    try:
        _charts_drawn(page)
        body = page.locator("main").inner_text()
        assert XSS[2] in body  # the shared issue's title, as text
        assert XSS[4] in body  # the shared override's reason, as text
        assert page.locator("img[src='x'], svg[onload], b[onmouseover]").count() == 0
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert seen["dialogs"] == [] and seen["requests"] == []
    finally:
        context.close()


def test_injected_markup_shows_as_text_and_runs_nothing(browser, reports):  # noqa: F811
    """The stakeholder named ``<img onerror=...>`` is an axis label in the team's contacts
    report (the cadence and power/interest charts are internal analysis) and a table cell in
    the client's kickoff (the stakeholder directory): text, never an element."""
    shown_as = [
        (("contacts", "internal"), ".commlib-chart svg text"),
        (("kickoff", "client"), "table.commlib-table td"),
    ]
    for report, where in shown_as:
        context, page, seen = _open(browser, reports[report])
        try:
            _charts_drawn(page)
            label = page.locator(where, has_text="<img src=x onerror=")
            assert label.count() >= 1, report
            assert page.locator("img[src='x'], svg[onload], b[onmouseover]").count() == 0
            label.first.hover(force=True)
            page.wait_for_timeout(100)
            assert page.evaluate("typeof window.__xss") == "undefined"
            assert seen["dialogs"] == []
        finally:
            context.close()


def test_chart_tooltips_show_on_hover(browser, reports):  # noqa: F811
    context, page, _seen = _open(browser, reports[("contacts", "client")])
    try:
        _charts_drawn(page)
        tooltip = page.locator("#vg-tooltip-element")
        for mark in page.locator(
            ".commlib-chart svg.marks path.mark-symbol path, "
            ".commlib-chart svg.marks .mark-rect path, "
            ".commlib-chart svg.marks .mark-symbol path"
        ).all()[:40]:
            mark.hover(force=True)
            page.wait_for_timeout(100)
            if tooltip.count() and tooltip.is_visible():
                break
        assert tooltip.is_visible()
        assert tooltip.inner_text().strip()
    finally:
        context.close()


def test_vega_lite_filters_work(browser, reports):  # noqa: F811
    """A bound param (a picker under a chart) re-draws the chart when changed (the internal
    risk review has two risks with a history, so its risk picker must change the chart)."""
    for path in sorted(reports.values()):
        context, page, _seen = _open(browser, path)
        try:
            _charts_drawn(page)
            for chart in page.locator(".commlib-chart").all():
                select = chart.locator(".vega-bindings select").first
                if not select.count() or select.locator("option").count() < 2:
                    continue
                before = chart.locator("svg.marks").inner_html()
                chosen = select.evaluate("s => s.selectedIndex")
                select.select_option(index=1 if chosen == 0 else 0)
                page.wait_for_timeout(300)
                if chart.locator("svg.marks").inner_html() != before:
                    return
        finally:
            context.close()
    pytest.fail("no report has a chart with a bound Vega-Lite param of two or more choices")
