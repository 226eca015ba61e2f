"""Live sessions in a real JupyterLab, with every request beyond 127.0.0.1 refused:

- kickoff: Run All, log a contact with the ContactLogger, Save — the contact is in the store;
- kickoff and status review with ``audience = "client"``: every chart draws, no request
  leaves the machine, no internal string (an internal contact, a plan row's note, a
  stakeholder's e-mail) is anywhere on the page, widgets included, no table shows a field
  code or ``NaN``, and no cell fails;
- status review: marking a follow-up done removes it from the overdue table above, with no
  cell re-run;
- meeting minutes: attendees, a decision and a follow-up typed with one click per row and
  Enter to move on, Save — the held meeting and its records are in the store."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import nbformat
import pytest

from commlib import Contact, PlanItem, Store
from commlib.demo import DEMO_PROJECTS, build_demo
from commlib.forms import format_date
from commlib.i18n import language, t

from .browser import browser  # noqa: F401  (fixture)

ROOT = Path(__file__).parent.parent
JUPYTER = Path(sys.executable).parent / "jupyter"
SESSIONS = ("kickoff", "status_review")
SENTINEL = "INTERNAL-SENTINEL"
SENTINEL_EMAIL = "internal-sentinel@example.com"
#: what a table cell must never read: a missing value shown raw, or a Python literal
RAW_CELLS = {"NaN", "NaT", "<NA>", "None", "nan", "True", "False"}
FIELD_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^(id|nan)$")


def _add_sentinels(store: Store, project: str) -> None:
    """Internal strings a client must never see: an internal contact, the note of a
    client-visible plan row, and the e-mail of a client-visible stakeholder."""
    pid = store.project(project).id
    shared = store.frame("stakeholders", project, audience="client")
    person = int(shared["id"].iloc[0])
    store.update("stakeholders", person, email=SENTINEL_EMAIL, notes=f"{SENTINEL} person")
    store.add(
        Contact(
            project_id=pid,
            when=datetime.now(UTC) - timedelta(days=1),
            channel="meeting",
            direction="outbound",
            stakeholder_ids=[person],
            subject=f"{SENTINEL} contact",
            visibility="internal",
        )
    )
    store.add(
        PlanItem(
            project_id=pid,
            what=f"Weekly sync {uuid.uuid4().hex[:4]}",
            stakeholder_id=person,
            notes=f"{SENTINEL} plan note",
            visibility="client",
        )
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=2) as answer:
        return answer.status


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """JupyterLab on 127.0.0.1 over a copy of kickoff.ipynb and a demo store; all state in tmp."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    root.mkdir()
    shutil.copy(ROOT / "notebooks" / "risk_review.ipynb", root)
    for name in SESSIONS:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", root)
        nb = json.loads((root / f"{name}.ipynb").read_text(encoding="utf-8"))
        cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
        source = "".join(cell["source"])
        assert 'audience = "internal"' in source
        cell["source"] = source.replace('audience = "internal"', 'audience = "client"')
        (root / f"{name}_client.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    db = home / "workbench.db"
    store = Store(db)
    build_demo(store, lang="zh")
    _add_sentinels(store, DEMO_PROJECTS["zh"])
    store.close()
    config = home / "config"
    (config / "labconfig").mkdir(parents=True)
    disabled = {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}
    (config / "labconfig" / "page_config.json").write_text(json.dumps(disabled))
    # every cell in the DOM (JupyterLab renders only the cells in view by default)
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = {
        **os.environ,
        "COMMLIB_DB": str(db),
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "XDG_CONFIG_HOME": str(home / "xdg-config"),
        "XDG_CACHE_HOME": str(home / "xdg-cache"),
        "XDG_DATA_HOME": str(home / "xdg-data"),
    }
    port, token = _free_port(), uuid.uuid4().hex
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(JUPYTER),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--allow-root",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(home / "lab.log", "w"),  # noqa: SIM115 (closed with the process)
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"{base}/api/status", token) == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log = (home / "lab.log").read_text()[-2000:]
                pytest.fail(f"JupyterLab did not start:\n{log}")
            time.sleep(0.3)
        yield {"url": base, "token": token, "db": db}
    finally:
        try:
            request = urllib.request.Request(
                f"{base}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
            )
            urllib.request.urlopen(request, timeout=5).close()
            server.wait(timeout=20)
        except OSError:
            pass
        except subprocess.TimeoutExpired:
            server.kill()
        if server.poll() is None:
            server.kill()
            server.wait()


def _local_only(route) -> None:
    if route.request.url.startswith("http://127.0.0.1"):
        route.continue_()
    else:
        route.abort()


def test_kickoff_run_all_then_log_a_contact(browser, lab):  # noqa: F811
    with language("zh"):  # the notebook's lang parameter
        subject_box = t("widgets.contact.subject_placeholder")
        save = t("widgets.save")
        client_view = t("live.audience.client")
    subject = f"启动会浏览器测试 {uuid.uuid4().hex[:8]}"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", _local_only)
    page = context.new_page()
    try:
        workspace = uuid.uuid4().hex[:8]
        page.goto(
            f"{lab['url']}/lab/workspaces/{workspace}/tree/kickoff.ipynb?reset&token={lab['token']}"
        )
        # a Run All before the kernel is idle is dropped silently: wait for "Idle"
        page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=60_000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        box = page.locator(f"input[placeholder='{subject_box}']")
        box.wait_for(timeout=120_000)
        box.scroll_into_view_if_needed()
        box.fill(subject)
        logger = page.locator(".jp-OutputArea-output").filter(has=box)
        logger.get_by_role("button", name=save).click()
        # the widget confirms, and the store has the contact
        store = Store(lab["db"])
        try:
            deadline = time.monotonic() + 30
            found = []
            while not found and time.monotonic() < deadline:
                page.wait_for_timeout(250)
                contacts = store.frame("contacts", DEMO_PROJECTS["zh"])
                found = contacts[contacts["subject"] == subject].to_dict("records")
        finally:
            store.close()
        assert len(found) == 1
        assert found[0]["channel"] == "meeting"
        assert found[0]["visibility"] == "internal"
        # the latest contacts under the form list it
        logger.locator("td", has_text=subject).first.wait_for(timeout=10_000)
        # internal mode shows the team's records: the check the client test relies on sees them
        assert SENTINEL in page.evaluate(_EVERYTHING_SHOWN)
        assert page.locator(".commlib-mode-internal").count() == 1
        # one click on the banner's toggle, and the screen is fit for the client
        page.locator(".commlib-page-banner").get_by_role("button", name=client_view).click()
        page.locator(".commlib-mode-client").wait_for(timeout=10_000)
        page.wait_for_function(
            f"() => !({_EVERYTHING_SHOWN})().includes({json.dumps(SENTINEL)})", timeout=20_000
        )
        assert SENTINEL_EMAIL not in page.evaluate(_EVERYTHING_SHOWN)
        # no cell of the session failed
        stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
        assert stderr.filter(has_text="Error").count() == 0
    finally:
        context.close()


def _open_and_run_all(page, lab, notebook: str) -> None:
    # a workspace of its own: no tab (and kernel) left open by an earlier test
    workspace = uuid.uuid4().hex[:8]
    page.goto(f"{lab['url']}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={lab['token']}")
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # every cell ran: the last cell has an execution count and the kernel is idle again
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=180_000,
    )
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=60_000)


def _charts_drawn(page) -> int:
    """Wait until every chart output has drawn its marks; returns how many there are."""
    page.wait_for_function(
        """() => {
            const charts = [...document.querySelectorAll('.jp-OutputArea-output .commlib-chart')];
            return charts.length > 0 && charts.every(c => c.querySelector('svg.marks, canvas'));
        }""",
        timeout=60_000,
    )
    return page.locator(".jp-OutputArea-output .commlib-chart").count()


_EVERYTHING_SHOWN = """() => {
    const notebook = document.querySelector('.jp-Notebook');
    const parts = [...notebook.querySelectorAll('.jp-OutputArea-output')].map(o => o.textContent);
    for (const el of notebook.querySelectorAll('.jp-OutputArea-output input, textarea, select')) {
        parts.push(el.value || '', el.placeholder || '', el.title || '');
    }
    for (const el of notebook.querySelectorAll('.jp-OutputArea-output option, [title]')) {
        parts.push(el.textContent || '', el.value || '', el.getAttribute('title') || '');
    }
    return parts.join('\\n');
}"""

_TABLE_CELLS = """() => [...document.querySelectorAll('.jp-OutputArea-output table')].map(t => ({
    heads: [...t.querySelectorAll('th')].map(c => c.textContent.trim()),
    cells: [...t.querySelectorAll('td')].map(c => c.textContent.trim()),
}))"""


@pytest.mark.parametrize("name", SESSIONS)
def test_client_session_offline(browser, lab, name):  # noqa: F811
    """With audience = "client": charts draw with no network, nothing internal on screen."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def local_only(route) -> None:
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    try:
        try:
            _open_and_run_all(page, lab, f"{name}_client.ipynb")
        except Exception:
            page.screenshot(path=f"/tmp/lab-{name}.png", full_page=True)
            raise
        drawn = _charts_drawn(page)
        assert drawn >= 2
        assert outside == []
        # the banner says the screen is in client mode
        assert page.locator(".commlib-mode-client").count() == 1
        shown = page.evaluate(_EVERYTHING_SHOWN)
        assert SENTINEL not in shown
        assert SENTINEL_EMAIL not in shown
        tables = page.evaluate(_TABLE_CELLS)
        assert tables
        for table in tables:
            assert [h for h in table["heads"] if FIELD_CODE.match(h)] == [], table["heads"]
            assert RAW_CELLS.isdisjoint(table["cells"]), table["cells"]
            assert [c for c in table["cells"] if FIELD_CODE.match(c)] == [], table["cells"]
        errors = page.locator(
            "[data-mime-type='application/vnd.jupyter.stderr'],"
            " .jp-RenderedText[data-mime-type*='error']"
        )
        assert errors.count() == 0, errors.all_inner_texts()
    finally:
        context.close()


def test_status_review_refreshes_after_a_save(browser, lab):  # noqa: F811
    """Mark an overdue follow-up done on the board: the overdue table above loses it."""
    with language("zh"):
        done = t("widgets.board.done")
        days_overdue = t("table.column.days_overdue")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", _local_only)
    page = context.new_page()
    store = Store(lab["db"])
    try:
        open_before = _open_follow_ups(store)
        _open_and_run_all(page, lab, "status_review.ipynb")
        # the overdue follow-ups: the live table with a "days overdue" column
        # (the first such table: losing touch, below it, has one too)
        overdue = (
            page.locator(".commlib-live table")
            .filter(has=page.locator("th", has_text=days_overdue))
            .first
        )
        overdue.wait_for(timeout=30_000)
        before = overdue.locator("tbody tr").count()
        title = overdue.locator("tbody tr td").first.inner_text().strip()
        assert before >= 1 and title
        board_row = (
            page.locator(".widget-hbox")
            .filter(has_text=title)
            .filter(has=page.get_by_role("button", name=done))
        )
        board_row.last.get_by_role("button", name=done).click()
        page.wait_for_function(
            """([title, before, header]) => {
                const t = [...document.querySelectorAll('.commlib-live table')].find(
                    t => [...t.querySelectorAll('th')].some(h => h.textContent.trim() === header));
                return t && t.querySelectorAll('tbody tr').length === before - 1
                    && !t.textContent.includes(title);
            }""",
            arg=[title, before, days_overdue],
            timeout=30_000,
        )
        open_after = _open_follow_ups(store)
        assert len(open_after) == len(open_before) - 1
        assert open_before.count(title) == open_after.count(title) + 1
    finally:
        store.close()
        context.close()


def _open_follow_ups(store: Store) -> list[str]:
    follow_ups = store.frame("follow_ups", DEMO_PROJECTS["zh"])
    return follow_ups.loc[follow_ups["status"] == "open", "title"].tolist()


def test_risk_review_tooltips_and_pickers_work_live(browser, lab):  # noqa: F811
    """In the live notebook, a hovered mark shows its tooltip, and a bound Vega-Lite picker
    (the score history's risk picker) re-draws its chart."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", _local_only)
    page = context.new_page()
    try:
        _open_and_run_all(page, lab, "risk_review.ipynb")
        _charts_drawn(page)
        tooltip = page.locator("#vg-tooltip-element")
        for mark in page.locator(
            ".commlib-chart svg.marks .mark-rect path, .commlib-chart svg.marks .mark-symbol path"
        ).all()[:40]:
            mark.scroll_into_view_if_needed()
            mark.hover(force=True)
            page.wait_for_timeout(100)
            if tooltip.count() and tooltip.is_visible():
                break
        assert tooltip.is_visible()
        assert tooltip.inner_text().strip()
        redrawn = False
        for chart in page.locator(".jp-OutputArea-output .commlib-chart").all():
            select = chart.locator(".vega-bindings select").first
            if not select.count() or select.locator("option").count() < 2:
                continue
            before = chart.locator("svg.marks").inner_html()
            chosen = select.evaluate("s => s.selectedIndex")
            select.select_option(index=1 if chosen == 0 else 0)
            page.wait_for_timeout(300)
            if chart.locator("svg.marks").inner_html() != before:
                redrawn = True
                break
        assert redrawn, "no chart with a bound picker re-drew when the picker changed"
    finally:
        context.close()


def _wait_for_cursor_in(page, placeholder: str, nth: int = -1) -> None:
    """Wait until the cursor is in the ``nth`` box of the minutes with ``placeholder``."""
    page.wait_for_function(
        """([placeholder, nth]) => {
            const boxes = [...document.querySelectorAll('.commlib-minutes input')]
                .filter(b => b.placeholder === placeholder);
            return boxes.length > 0 && document.activeElement === boxes.at(nth);
        }""",
        arg=[placeholder, nth],
        timeout=15_000,
    )


def test_meeting_minutes_live_attendees_decision_follow_up_then_save(browser, lab):  # noqa: F811
    """Take the minutes of a meeting in JupyterLab: a stakeholder picked by name and Enter,
    "+ decision" puts the cursor in a new row, Enter moves to the next box (and from a row's
    last box to a new row), Save: the held meeting, its contact, decision and follow-up are in
    the store."""
    project = DEMO_PROJECTS["zh"]
    with language("zh"):
        title_box = t("meetings.minutes.widget.title_placeholder")
        who_box = t("widgets.contact.who_placeholder")
        team_box = t("meetings.minutes.widget.team_placeholder")
        decision_box = t("meetings.minutes.widget.decisions_placeholder")
        follow_up_box = t("meetings.minutes.widget.follow_ups_placeholder")
        decided_by = t("field.decided_by")
        owner = t("field.owner")
        add_decision = t("meetings.minutes.widget.add_decisions")
        add_follow_up = t("meetings.minutes.widget.add_follow_ups")
        save = t("widgets.save")
        due_box = t("widgets.date.placeholder", example=format_date(date.today(), "zh"))
    store = Store(lab["db"])
    try:
        people = store.frame("stakeholders", project, audience="client")
        names = people["name"].tolist()
        person = next(n for n in names if names.count(n) == 1)
        person_id = int(people.loc[people["name"] == person, "id"].iloc[0])
    finally:
        store.close()
    title = f"纪要浏览器测试 {uuid.uuid4().hex[:8]}"
    due = (date.today() + timedelta(days=7)).isoformat()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from commlib import Store\n"
            "from commlib.meetings.widgets import MeetingMinutes\n\n"
            "store = Store()  # $COMMLIB_DB\n"
            f"MeetingMinutes(store, {project!r}, lang='zh')"
        )
    ]
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nbformat.write(notebook, Path(lab["db"]).parent / "notebooks" / "minutes_live.ipynb")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", _local_only)
    page = context.new_page()
    try:
        _open_and_run_all(page, lab, "minutes_live.ipynb")
        minutes = page.locator(".commlib-minutes")
        minutes.wait_for(timeout=60_000)
        minutes.locator(f"input[placeholder='{title_box}']").fill(title)
        # a name typed in full and Enter: the person is added (a button with their name)
        people_box = minutes.locator(f"input[placeholder='{who_box}']")
        people_box.fill(person)
        people_box.press("Enter")
        minutes.get_by_role("button", name=person).first.wait_for(timeout=15_000)
        minutes.locator(f"input[placeholder='{team_box}']").fill("王芳")
        # one click: a decision row, the cursor in it; Enter moves on to who decided
        minutes.get_by_role("button", name=add_decision).click()
        _wait_for_cursor_in(page, decision_box)
        page.keyboard.type("采用分批上线")
        page.keyboard.press("Enter")
        _wait_for_cursor_in(page, decided_by)
        page.keyboard.type(person)
        # from a row's last box, Enter opens the next row
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.querySelectorAll('.commlib-minutes-decisions').length === 2",
            timeout=15_000,
        )
        _wait_for_cursor_in(page, decision_box)
        minutes.get_by_role("button", name=add_follow_up).click()
        _wait_for_cursor_in(page, follow_up_box)
        page.keyboard.type("发送迁移方案")
        page.keyboard.press("Enter")
        _wait_for_cursor_in(page, owner)
        page.keyboard.type("王芳")
        page.keyboard.press("Enter")
        _wait_for_cursor_in(page, due_box)  # on to the due date
        page.keyboard.type(due)
        minutes.get_by_role("button", name=save).click()
        store = Store(lab["db"])
        try:
            deadline = time.monotonic() + 30
            found = []
            while not found and time.monotonic() < deadline:
                page.wait_for_timeout(250)
                meetings = store.frame("meetings", project)
                found = meetings[meetings["title"] == title].to_dict("records")
            assert len(found) == 1, page.locator(".commlib-minutes .commlib-status").inner_text()
            meeting = found[0]
            assert meeting["status"] == "held"
            contact = store.get("contacts", int(meeting["contact_id"]))
            assert contact.channel == "meeting" and contact.subject == title
            assert contact.stakeholder_ids == [person_id]
            assert contact.summary.startswith("我方参会：王芳")
            decisions = [
                d for d in store.records("decisions", project) if d.contact_id == contact.id
            ]
            assert [(d.title, d.decided_by, d.status) for d in decisions] == [
                ("采用分批上线", person, "taken")
            ]
            follow_ups = [
                f for f in store.records("follow_ups", project) if f.contact_id == contact.id
            ]
            assert [(f.title, f.owner, f.due.isoformat()) for f in follow_ups] == [
                ("发送迁移方案", "王芳", due)
            ]
        finally:
            store.close()
        # the widget says so, and nothing failed
        status = minutes.locator(".commlib-status")
        assert title in status.inner_text()
        stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
        assert stderr.filter(has_text="Error").count() == 0
    finally:
        context.close()
