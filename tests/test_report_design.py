"""Client reports read as documents, checked in Chromium: text left and numbers right, nothing
wider than a phone or a desktop window, chart text that stays legible on a phone, no empty
section, the period in the title block, and print without pickers or forced page breaks."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from commlib import Store
from commlib.demo import build_demo
from commlib.report import export_report

from .browser import browser  # noqa: F401  (fixture)

TODAY = date(2026, 11, 23)
ZH, EN = "华辰 MES 升级（演示）", "Harbourside WMS rollout (demo)"
NOTEBOOKS = (
    "kickoff",
    "status_review",
    "retrospective",
    "contacts",
    "risk_review",
    "survey_analysis",
)
#: (notebook, project, lang): every client report of the demo, in zh and in en
RUNS = {
    f"{name}-{lang}": (name, project, lang)
    for name in NOTEBOOKS
    for project, lang in ((ZH, "zh"), (EN, "en"))
}
WIDTHS = (390, 1000)
#: A4's width less 12 mm margins, in CSS pixels
A4 = 708
#: a cell of numbers, as commlib.display right-aligns them
NUMBER = r"/^[-+]?[\d,]*\.?\d+(?:%| pp)?$/"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("design-reports")
    store = Store(folder / "demo.db")
    build_demo(store, today=TODAY)
    db = store.url
    store.close()
    return db, folder


@pytest.fixture(scope="module")
def reports(demo: tuple[str, Path]) -> dict[str, Path]:
    db, folder = demo
    return {
        key: export_report(
            db,
            name,
            project,
            audience="client",
            lang=lang,
            until=TODAY,
            out=folder / f"{key}.html",
        )
        for key, (name, project, lang) in RUNS.items()
    }


def _page(browser, path: Path, width: int, media: str = "screen"):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("http://**/*", lambda route: route.abort())
    context.route("https://**/*", lambda route: route.abort())
    page = context.new_page()
    page.emulate_media(media=media)
    page.goto(path.as_uri(), wait_until="load")
    expected = page.locator(".commlib-chart").count()
    if expected:
        page.wait_for_function(
            f"document.querySelectorAll('.commlib-chart svg.marks').length >= {expected}",
            timeout=10_000,
        )
    page.wait_for_timeout(300)  # charts re-drawn at a phone's width settle
    return context, page


@pytest.mark.parametrize("key", list(RUNS))
def test_text_is_left_aligned_and_numbers_right(browser, reports, key):  # noqa: F811
    context, page = _page(browser, reports[key], 1000)
    try:
        found = page.evaluate(
            f"""() => {{
            const number = {NUMBER};
            const cells = [...document.querySelectorAll('main td, main th')]
                .filter(el => el.textContent.trim());
            return {{
                tables: document.querySelectorAll('main table').length,
                cells: cells.length,
                text_right: cells.filter(el => !number.test(el.textContent.trim()))
                    .filter(el => getComputedStyle(el).textAlign === 'right')
                    .map(el => el.textContent.trim()),
                numbers_right: cells.filter(el => el.tagName === 'TD')
                    .filter(el => number.test(el.textContent.trim()))
                    .filter(el => getComputedStyle(el).textAlign === 'right').length,
            }};
        }}"""
        )
    finally:
        context.close()
    if found["tables"]:  # the client's contacts report is one chart
        assert found["cells"] > 0
    assert found["text_right"] == []
    if key.startswith("status"):
        assert found["numbers_right"] > 0  # slip days, overdue days


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("key", list(RUNS))
def test_nothing_is_wider_than_the_window(browser, reports, key, width):  # noqa: F811
    context, page = _page(browser, reports[key], width)
    try:
        found = page.evaluate(
            """() => {
            // a chart's own box counts; marks it clips (inside its svg) widen nothing
            const wide = [...document.querySelectorAll('body *')]
                .filter(el => !el.closest('.commlib-table-wrap'))
                .filter(el => !(el.ownerSVGElement && el.ownerSVGElement.closest('.commlib-chart')))
                .filter(el => el.getBoundingClientRect().right > innerWidth + 1)
                .map(el => el.tagName + '.' + el.className);
            return {scroll: document.documentElement.scrollWidth, inner: innerWidth, wide};
        }"""
        )
    finally:
        context.close()
    assert found["scroll"] <= found["inner"]
    assert found["wide"] == []


@pytest.mark.parametrize("key", list(RUNS))
def test_chart_text_stays_legible_on_a_phone(browser, reports, key):  # noqa: F811
    context, page = _page(browser, reports[key], 390)
    try:
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('.commlib-chart svg.marks')].flatMap(svg => {
                const drawn = svg.getBoundingClientRect().width;
                const scale = drawn / (svg.width.baseVal.value || drawn);
                return [...svg.querySelectorAll('text')]
                    .filter(t => t.textContent.trim())
                    .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]);
            })"""
        )
    finally:
        context.close()
    if reports[key].read_text(encoding="utf-8").count('class="commlib-chart"'):
        assert sizes, "the report draws charts with text"
    small = [(text, round(size, 1)) for text, size in sizes if size < 10 - 0.01]
    assert small == []


@pytest.mark.parametrize("key", list(RUNS))
def test_no_chart_text_is_cut_off_at_the_chart_edge_on_a_phone(browser, reports, key):  # noqa: F811
    context, page = _page(browser, reports[key], 390)
    try:
        cut = page.evaluate(
            """() => [...document.querySelectorAll('.commlib-chart svg.marks')].flatMap(svg => {
                const box = svg.getBoundingClientRect();
                return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
                    .filter(t => { const r = t.getBoundingClientRect();
                        return r.width && (r.left < box.left - 1 || r.right > box.right + 1); })
                    .map(t => t.textContent.slice(0, 40));
            })"""
        )
    finally:
        context.close()
    assert cut == []  # long legends, axis labels and subtitles wrap or are cut with an ellipsis


def test_dates_never_break_inside_even_in_print(browser, reports):  # noqa: F811
    context, page = _page(browser, reports["status_review-en"], 1000)
    try:
        page.emulate_media(media="print")
        found = page.evaluate(
            """() => [...document.querySelectorAll('main td')]
                .filter(td => /^\\d{4}-\\d\\d-\\d\\d$/.test(td.textContent.trim()))
                .map(td => getComputedStyle(td.querySelector('span') || td).whiteSpace)"""
        )
    finally:
        context.close()
    assert found and set(found) == {"nowrap"}


def test_each_summary_is_named_once(reports):
    names = {
        "status_review-zh": "执行摘要",
        "kickoff-zh": "启动会摘要",
        "retrospective-en": "Retrospective summary",
    }
    for key, name in names.items():
        text = reports[key].read_text(encoding="utf-8")
        headings = re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", text, flags=re.S)
        assert sum(name in h for h in headings) == 1, key


@pytest.mark.parametrize("key", list(RUNS))
def test_every_section_has_something_under_it(browser, reports, key):  # noqa: F811
    context, page = _page(browser, reports[key], 1000)
    try:
        empty = page.evaluate(
            """() => {
            const parts = [...document.querySelectorAll(
                'main h2, main .jp-OutputArea-output, main .jp-RenderedMarkdown > *')]
                .filter(el => el.tagName === 'H2' || (!/^H[1-6]$/.test(el.tagName)
                        && el.textContent.trim()) || el.querySelector?.('svg, table'));
            return parts.filter((el, i) => el.tagName === 'H2'
                && (i + 1 === parts.length || parts[i + 1].tagName === 'H2'))
                .map(el => el.textContent);
        }"""
        )
        headings = page.locator("main h2").count()
    finally:
        context.close()
    assert headings >= 1  # the client's contacts report is one section: the timeline
    assert empty == []


def test_the_title_block_shows_the_period_the_report_covers(browser, reports):  # noqa: F811
    context, page = _page(browser, reports["status_review-zh"], 1000)
    try:
        facts = page.locator(".commlib-title dl").inner_text()
        title_font = page.evaluate(
            "getComputedStyle(document.querySelector('.commlib-title h1')).fontFamily"
        )
        footer = page.locator(".commlib-footer").inner_text()
    finally:
        context.close()
    assert "期间\n2026-11-09 – 2026-11-23" in facts  # the 14 days before until
    assert "客户\n上海华辰智能制造有限公司" in facts and "编制\n" in facts
    assert "commlib" not in facts and "commlib 0.1.0" in footer
    assert title_font.startswith('"PingFang SC"') and "Times" not in title_font
    kickoff = reports["kickoff-zh"].read_text(encoding="utf-8")
    assert re.search(r"<dd>\d{4}-\d\d-\d\d – 2026-11-23</dd>", kickoff)  # the project's start


def test_english_pages_draw_quotes_with_a_latin_face(browser, reports):  # noqa: F811
    # a CJK face first would draw “ and ” full-width, a gap either side of a quoted title
    context, page = _page(browser, reports["status_review-en"], 1000)
    try:
        fonts = page.evaluate("getComputedStyle(document.body).fontFamily")
        widths = page.evaluate(
            """() => ['“', 'n'].map(c => {
                const s = document.createElement('span'); s.textContent = c.repeat(10);
                document.body.append(s); const w = s.getBoundingClientRect().width;
                s.remove(); return w; })"""
        )
    finally:
        context.close()
    assert not fonts.startswith('"PingFang SC"') and "Noto Sans CJK SC" in fonts
    assert widths[0] < widths[1] * 1.2  # a quote no wider than a letter


@pytest.mark.parametrize("key", ["status_review-zh", "survey_analysis-zh"])
def test_print_hides_pickers_and_forces_no_page_breaks(browser, reports, key):  # noqa: F811
    context, page = _page(browser, reports[key], A4, media="print")
    try:
        found = page.evaluate(
            """() => ({
            pickers: [...document.querySelectorAll('.vega-bindings')]
                .map(el => getComputedStyle(el).display),
            breaks: [...document.querySelectorAll('body *')]
                .filter(el => getComputedStyle(el).breakBefore === 'page').length,
            rows: [...document.querySelectorAll('main tr')]
                .filter(el => getComputedStyle(el).breakInside !== 'avoid').length,
            charts: [...document.querySelectorAll('.commlib-chart')]
                .filter(el => getComputedStyle(el).breakInside !== 'avoid').length,
            wide: [...document.querySelectorAll('main table')]
                .filter(el => el.getBoundingClientRect().right > innerWidth + 1).length,
        })"""
        )
    finally:
        context.close()
    if key == "survey_analysis-zh":
        assert found["pickers"], "the survey charts carry pickers"
    assert set(found["pickers"]) <= {"none"}
    assert found["breaks"] == 0
    assert found["rows"] == 0 and found["charts"] == 0
    assert found["wide"] == 0  # tables fit the page


#: sections that hold only the team's own analysis of the client (losing touch, cadence,
#: power/interest, response times, the team's follow-up misses): never in a client report
INTERNAL_SECTIONS = {
    "zh": ("疏于联系", "权力/利益", "回复时效", "逾期跟进"),
    "en": ("Losing touch", "Power and interest", "Response times", "Overdue follow-ups"),
}


@pytest.mark.parametrize(
    "key", ["contacts-zh", "contacts-en", "status_review-zh", "status_review-en"]
)
def test_no_internal_only_section_in_a_client_report(reports, key):
    html = reports[key].read_text(encoding="utf-8")
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
    lang = key.rsplit("-", 1)[1]
    assert headings
    for heading in headings:
        assert not any(name in heading for name in INTERNAL_SECTIONS[lang]), heading


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_client_status_review_shows_a_shared_open_issue(demo, reports, lang):
    db, _ = demo
    store = Store(db)
    try:
        project = ZH if lang == "zh" else EN
        issues = store.frame("issues", project)
    finally:
        store.close()
    shared = issues[(issues["visibility"] == "client") & issues["status"].isin(["open"])]
    internal = issues[issues["visibility"] == "internal"]
    assert not shared.empty and not internal.empty
    html = reports[f"status_review-{lang}"].read_text(encoding="utf-8")
    assert any(title in html for title in shared["title"])
    assert not any(title in html for title in internal["title"])


@pytest.mark.parametrize("key", ["kickoff-en", "retrospective-en", "kickoff-zh"])
def test_a_summary_reads_label_beside_value_on_a_phone(browser, reports, key):  # noqa: F811
    # JupyterLab floats a <dt> at 20% of the width: "Stakeholders" broke inside the word,
    # and the labels after it drifted into the value column
    context, page = _page(browser, reports[key], 390)
    try:
        rows = page.evaluate(
            """() => [...document.querySelectorAll('.commlib-summary dt')].map(dt => {
                const dd = dt.nextElementSibling, a = dt.getBoundingClientRect(),
                      b = dd.getBoundingClientRect(),
                      line = parseFloat(getComputedStyle(dt).lineHeight);
                return {label: dt.textContent, same_row: Math.abs(a.top - b.top) < 2,
                        one_line: a.height < line * 1.5, label_first: a.right <= b.left + 1}; })"""
        )
    finally:
        context.close()
    assert rows, "the summary lists its facts"
    for row in rows:
        assert row["same_row"] and row["one_line"] and row["label_first"], row
