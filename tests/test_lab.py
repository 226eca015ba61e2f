"""The live-session flow in a real JupyterLab: open kickoff.ipynb, Run All, log a contact with
the ContactLogger, Save — and the contact is in the store."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from commlib import Store
from commlib.demo import DEMO_PROJECTS, build_demo
from commlib.i18n import language, t

from .browser import browser  # noqa: F401  (fixture)

ROOT = Path(__file__).parent.parent
JUPYTER = Path(sys.executable).parent / "jupyter"


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
    shutil.copy(ROOT / "notebooks" / "kickoff.ipynb", root)
    db = home / "workbench.db"
    store = Store(db)
    build_demo(store, lang="zh")
    store.close()
    config = home / "config"
    (config / "labconfig").mkdir(parents=True)
    disabled = {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}
    (config / "labconfig" / "page_config.json").write_text(json.dumps(disabled))
    env = {
        **os.environ,
        "COMMLIB_DB": str(db),
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
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
    subject = f"启动会浏览器测试 {uuid.uuid4().hex[:8]}"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", _local_only)
    page = context.new_page()
    try:
        page.goto(f"{lab['url']}/lab/tree/kickoff.ipynb?token={lab['token']}")
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
        assert logger.get_by_text(subject).first.is_visible()
        # no cell of the session failed
        stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
        assert stderr.filter(has_text="Error").count() == 0
    finally:
        context.close()
