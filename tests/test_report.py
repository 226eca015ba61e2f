"""HTML reports: offline (no external URL), no code, no widgets, client-safe, escaped."""

from __future__ import annotations

import re
import shutil
import time
from datetime import UTC, date, datetime
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from commlib import CommlibError, Contact, Milestone, Store
from commlib.cli import cli
from commlib.report import (
    NothingToReport,
    declared,
    embed_options,
    enable_offline_renderer,
    export_report,
    inject,
    localise,
    offline_renderer,
    reportable,
    script_json,
)

from .conftest import fill

ROOT = Path(__file__).parent.parent
PROJECT = "华辰 ERP 升级"
UNTIL = date(2026, 3, 31)
XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
EXTERNAL = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?|@import\s*["']?|url\(\s*["']?)\s*(?:https?:)?//""", re.I
)
BUNDLE_MARK = "window.vegaEmbed="
CJK = re.compile(r"[\u4e00-\u9fff]")
ZH_TIME_LOCALE = '"timeFormatLocale":{"dateTime":"%x %A %X","date":"%Y/%-m/%-d"'


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.db"
    store = Store(path)
    project = fill(store)
    for i, subject in enumerate(XSS):
        store.add(
            Contact(
                project_id=project.id,
                when=datetime(2026, 3, 10 + i, 2, 0, tzinfo=UTC),
                channel="email",
                subject=subject,
                visibility="client",
            )
        )
    store.add(  # a client milestone, slipped, whose name is markup
        Milestone(
            project_id=project.id,
            name=XSS[0],
            baseline_due=date(2026, 4, 20),
            current_due=date(2026, 4, 27),
            visibility="client",
        )
    )
    store.close()
    return str(path)


@pytest.fixture(scope="module")
def exports(db: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("html")
    runs = {
        "overview": ("overview", "internal"),
        "contacts": ("contacts", "internal"),
        "contacts-client": ("contacts", "client"),
        "status-en": ("status_review", "client", "en"),
        "status-zh": ("status_review", "client", "zh"),
    }
    found = {}
    for key, (name, audience, *lang) in runs.items():
        path = export_report(
            db,
            name,
            PROJECT,
            audience=audience,
            lang=lang[0] if lang else "zh",
            until=UNTIL,
            out=out / f"{key}.html",
        )
        found[key] = path.read_text(encoding="utf-8")
    return found


def _notebook(folder: Path, name: str, *cells: str, parameters: str = "") -> Path:
    nb = nbformat.v4.new_notebook()
    if parameters:
        nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("key", ["overview", "contacts", "contacts-client"])
def test_offline_and_without_code_or_widgets(exports, key):
    html = exports[key]
    assert EXTERNAL.findall(html) == []
    assert html.count(BUNDLE_MARK) == 1
    assert 'lang="zh-CN"' in html.split("<head>")[0]
    assert "application/vnd.jupyter.widget" not in html
    assert "require.min.js" not in html and "MathJax" not in html
    for code in ["from commlib import", "Store()", "ContactLogger(", "enable_offline_renderer"]:
        assert code not in html
    assert 'class="commlib-title"' in html
    for text in ["项目", PROJECT, "期间", "2026-03-31", "生成时间", "commlib 0.1.0"]:
        assert text in html


def test_charts_are_embedded_offline(exports):
    html = exports["contacts"]
    assert html.count("vegaEmbed('#commlib-chart-") >= 3
    assert re.search(r'<div [^>]*id="commlib-chart-', html)


def test_client_report_leaves_internal_records_out(exports):
    assert "INTERNAL-SENTINEL" not in exports["contacts-client"]
    assert "客户" in exports["contacts-client"]  # the audience in the title block


def test_user_text_is_escaped(exports):
    html = exports["contacts-client"]
    assert "\\u003cscript\\u003ealert(1)" in html  # the subject is there, escaped
    for raw in ["<script>alert", "<img src=x onerror"]:
        assert raw not in html


def test_script_json_cannot_close_the_script():
    text = script_json({"subject": "</script><script>alert(1)</script>", "n": "a & b"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text


def test_audience_reaches_the_notebook(db, tmp_path):
    folder = tmp_path / "nbs"
    _notebook(
        folder,
        "people",
        'from commlib import Store\nStore().frame("stakeholders", project, audience=audience)',
        parameters='project = None\naudience = "internal"',
    )
    internal = export_report(db, "people", PROJECT, notebooks=folder, out=tmp_path / "i.html")
    client = export_report(
        db, "people", PROJECT, audience="client", notebooks=folder, out=tmp_path / "c.html"
    )
    assert "INTERNAL-SENTINEL" in internal.read_text(encoding="utf-8")
    assert "INTERNAL-SENTINEL" not in client.read_text(encoding="utf-8")
    assert "张伟" in client.read_text(encoding="utf-8")


def test_english_report(db, tmp_path):
    folder = tmp_path / "nbs"
    _notebook(folder, "hello", "print(project)", parameters="project = None")
    html = export_report(db, "hello", PROJECT, lang="en", notebooks=folder, out=tmp_path / "e.html")
    text = html.read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert "Period" in text and "Internal" in text
    assert PROJECT in text


def test_a_notebook_without_audience_is_not_exported_for_a_client(db, tmp_path):
    with pytest.raises(CommlibError, match="overview"):
        export_report(db, "overview", PROJECT, audience="client", out=tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_errors_are_one_line(db, tmp_path):
    folder = tmp_path / "nbs"
    _notebook(folder, "broken", "x = 1", "1 / 0", parameters="project = None")
    big = 'alt.Chart(pd.DataFrame({"a": range(6000)})).mark_point().encode(x="a")'
    _notebook(
        folder, "toobig", "import altair as alt\nimport pandas as pd", big, parameters="a = 1"
    )
    runner = CliRunner()
    cases = [
        # a failure while showing the result (not while running the code) is named too
        (
            ["report", "toobig", "--project", PROJECT],
            f"3 ({big}) failed: MaxRowsError: The number of rows",
        ),
        (["report", "nope", "--project", PROJECT], "nope"),
        (["report", "overview", "--project", "没有这个项目"], "没有这个项目"),
        (["report", "broken", "--project", PROJECT], "ZeroDivisionError"),
    ]
    for args, needle in cases:
        result = runner.invoke(
            cli,
            ["--db", db, *args, "-o", str(tmp_path / "b.html")],
            env={"COMMLIB_NOTEBOOKS": str(folder) if args[1] in ("broken", "toobig") else ""},
        )
        assert result.exit_code == 1, result.output
        assert needle in result.output
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert "3 (1 / 0)" in result.output  # the failing cell is named, numbered as in the file


def test_cli_writes_one_report_and_all(db, tmp_path):
    runner = CliRunner()
    out = tmp_path / "one.html"
    args = ["--db", db, "report", "overview", "--project", PROJECT, "--until", "2026-03-31"]
    result = runner.invoke(cli, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and str(out) in result.output
    # --all over a folder of its own: two real notebooks and one without parameters (skipped)
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    for name in ["overview", "contacts"]:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", notebooks)
    _notebook(notebooks, "scratch", "1 + 1")
    assert [p.stem for p in reportable(notebooks)] == ["contacts", "overview"]
    folder = tmp_path / "all"
    args = ["--db", db, "report", "--all", "--project", PROJECT, "--until", "2026-03-31"]
    result = runner.invoke(
        cli, [*args, "-o", str(folder)], env={"COMMLIB_NOTEBOOKS": str(notebooks)}
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["contacts.html", "overview.html"]
    for path in folder.iterdir():
        assert path.read_text(encoding="utf-8").count(BUNDLE_MARK) == 1


def test_a_project_report_needs_its_project_and_the_portfolio_is_no_project_report(db, tmp_path):
    """``--project`` is optional: a notebook that declares ``project`` refuses to run without
    one (nothing is written), and one that covers many projects is never run per project."""
    runner = CliRunner()
    out = tmp_path / "x.html"
    cases = [
        (["status_review"], "status_review is a report on one project: give the project"),
        (["contacts", "--project", PROJECT, "--client", "华辰"], "takes no --client"),
        (["--all", "-o", str(tmp_path / "all")], "--all writes the reports of one project"),
    ]
    for args, needle in cases:
        result = runner.invoke(cli, ["--db", db, "report", *args, "-o", str(out)])
        assert result.exit_code != 0 and needle in result.output, result.output
        assert "Traceback" not in result.output
    assert not out.exists() and not (tmp_path / "all").exists()
    with pytest.raises(CommlibError, match="--project"):
        export_report(db, "risk_review", out=out)
    for audience in ("internal", "client"):
        found = [p.stem for p in reportable(audience=audience)]
        assert "portfolio" not in found and "status_review" in found


def test_report_prints_only_where_it_wrote(db, tmp_path):
    """Quiet: no kernel or library notice reaches the terminal (the kernel's stderr is ours)."""
    import subprocess
    import sys

    out = tmp_path / "quiet.html"
    args = ["--db", db, "report", "overview", "--project", PROJECT, "--until", "2026-03-31"]
    done = subprocess.run(
        [sys.executable, "-m", "commlib.cli", *args, "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote {out}"
    assert done.stderr == ""


def test_demo_report_is_small_and_timed(tmp_path):
    from commlib.demo import build_demo

    store = Store(tmp_path / "demo.db")
    project = build_demo(store, lang="zh", seed=7, today=UNTIL)[0]
    store.close()
    started = time.perf_counter()
    path = export_report(
        tmp_path / "demo.db",
        "contacts",
        project.name,
        lang="zh",
        until=UNTIL,
        out=tmp_path / "demo.html",
    )
    took = time.perf_counter() - started
    folder = tmp_path / "nbs"
    _notebook(folder, "empty")
    started = time.perf_counter()
    export_report(
        tmp_path / "demo.db", "empty", project.name, notebooks=folder, out=tmp_path / "empty.html"
    )
    floor = time.perf_counter() - started
    size = path.stat().st_size
    print(f"demo contacts report: {size / 1e6:.2f} MB, {took:.1f} s; floor {floor:.1f} s")
    assert size < 1.5e6


def test_a_report_reads_the_store_and_writes_nothing(tmp_path):
    from commlib import Store
    from commlib.report import export_report

    from .conftest import fill

    db = tmp_path / "r.db"
    store = Store(db)
    fill(store)
    before = store.counts()
    export_report(str(db), "kickoff", "华辰 ERP 升级", lang="zh", out=tmp_path / "k.html")
    assert Store(db).counts() == before  # the kickoff's session cells would add a survey


def test_a_relative_store_is_the_one_the_kernel_opens(tmp_path, monkeypatch):
    """The kernel runs in the notebook's folder: a relative ``--db`` is the caller's."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / "overview.ipynb", notebooks)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COMMLIB_DB", "env.db")
    fill(Store("r.db"))
    fill(Store("env.db"))
    export_report("r.db", "overview", PROJECT, notebooks=notebooks, out="a.html")
    export_report(None, "overview", PROJECT, notebooks=notebooks, out="b.html")
    assert PROJECT in Path("a.html").read_text(encoding="utf-8")
    assert PROJECT in Path("b.html").read_text(encoding="utf-8")
    assert [p.name for p in notebooks.iterdir()] == ["overview.ipynb"]  # no store made there


def test_notebooks_read_from_an_archive_are_copied_to_a_folder(tmp_path, monkeypatch):
    import importlib.resources
    import zipfile

    from commlib import report
    from commlib.report import export

    monkeypatch.delenv("COMMLIB_NOTEBOOKS", raising=False)
    assert report.notebooks_dir() == ROOT.resolve() / "notebooks"  # a checkout: the top-level one
    archive = tmp_path / "commlib.zip"
    shipped = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in shipped:
            zipped.write(ROOT / "notebooks" / name, f"commlib/notebooks/{name}")
        zipped.writestr("commlib/notebooks/notes.txt", "not a notebook")
    monkeypatch.setattr(importlib.resources, "files", lambda _: zipfile.Path(archive, "commlib/"))
    export._copied_notebooks.cache_clear()
    try:
        folder = report.notebooks_dir()
        assert report.notebooks_dir() == folder  # copied once
        assert sorted(p.name for p in folder.iterdir()) == shipped
        assert (folder / "status_review.ipynb").read_bytes() == (
            ROOT / "notebooks" / "status_review.ipynb"
        ).read_bytes()
    finally:
        export._copied_notebooks.cache_clear()


# --- parameters: the one injector ----------------------------------------------------------------


def test_inject_assigns_what_the_notebook_declares_after_its_parameters():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell(
            "project = None\nuntil = None  # default: today", metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell("print(project)"),
    ]
    assert declared(nb) == {"project", "until"}
    inject(nb, {"project": PROJECT, "until": UNTIL, "audience": "client"}, "setup()")
    sources = [c.source for c in nb.cells]
    assert sources == [
        "# Title",
        "project = None\nuntil = None  # default: today",
        f"import datetime\nproject = {PROJECT!r}\nuntil = datetime.date(2026, 3, 31)",
        "setup()",  # after the values, before the notebook's own code
        "print(project)",
    ]


def test_inject_without_a_parameters_cell_puts_only_the_setup_at_the_top():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("project = 1")])
    assert declared(nb) == set()
    inject(nb, {"project": PROJECT}, "setup()")
    assert [c.source for c in nb.cells] == ["setup()", "project = 1"]


def test_the_kernel_side_imports_nothing_of_the_export():
    # the setup cell of every report's kernel imports commlib.report.kernel: it stays light
    import subprocess
    import sys

    heavy = ["nbconvert", "nbclient", "asyncio", "commlib.formats", "commlib.report.export"]
    code = f"import sys, commlib.report.kernel; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- the report speaks one language: tables, markdown, charts ---------------------------------


def _soup(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def _tables(html: str) -> list[tuple[list[str], list[list[str]]]]:
    """(headers, rows) of every table the kernel presented."""
    found = []
    for table in _soup(html).select("table.commlib-table"):
        assert not table.select("tbody th"), "a row-number column"
        headers = [th.get_text() for th in table.select("thead th")]
        rows = [[td.get_text() for td in tr.select("td")] for tr in table.select("tbody tr")]
        found.append((headers, rows))
    return found


def _markdown(html: str) -> str:
    return "\n".join(cell.get_text(" ") for cell in _soup(html).select(".jp-MarkdownCell"))


@pytest.mark.parametrize(
    ("key", "labels", "values"),
    [
        ("status-en", ["Baseline due", "Slip (days)", "Past due"], ["Milestone", "Planned"]),
        ("status-zh", ["基线日期", "延期（天）", "已逾期"], ["里程碑", "计划中"]),
    ],
)
def test_tables_read_in_the_report_language(exports, key, labels, values):
    tables = _tables(exports[key])
    assert len(tables) + exports[key].count('class="commlib-empty"') >= 3  # empty: a sentence
    headers = [h for found, _ in tables for h in found]
    assert set(labels) <= set(headers)
    assert [h for h in headers if re.fullmatch(r"[a-z][a-z0-9_]*", h)] == []  # no field codes
    assert "" not in headers  # no index column
    milestone = next(r for _, rows in tables for r in rows if XSS[0] in r)
    assert set(values) <= set(milestone)
    assert "2026-04-20" in milestone and "2026-04-27" in milestone and "7" in milestone
    cells = [c for _, rows in tables for r in rows for c in r]
    assert not [c for c in cells if c in {"None", "NaT", "nan", "<NA>"} or "00:00:00" in c]


def test_markup_in_a_table_stays_text(exports):
    html = exports["status-en"]
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html
    assert "<script>alert" not in html


def test_markdown_speaks_the_report_language_only(exports):
    en, zh = _markdown(exports["status-en"]), _markdown(exports["status-zh"])
    assert "Contacts in the period" in en and "The period's executive summary" in en
    assert not CJK.search(en)
    assert "本期沟通" in zh and "上次评审以来的变化" in zh
    assert not re.search(r"[A-Za-z]{4,}", zh)
    for html in (exports["status-en"], exports["status-zh"]):
        # help cells (notes for the notebook user) are left out
        assert "14 days before" not in html and "shows the milestones of this audience" not in html
        assert not _soup(html).select(".jp-MarkdownCell h1")  # the title went to the title block
        # code cells that show nothing (assignments) leave no blank gaps
        assert all(c.select(".jp-OutputArea-output") for c in _soup(html).select(".jp-CodeCell"))
    assert _soup(exports["status-en"]).select_one(".commlib-title h1").get_text() == (
        f"Status review — {PROJECT}"
    )
    assert _soup(exports["status-zh"]).select_one(".commlib-title h1").get_text() == (
        f"状态评审 — {PROJECT}"
    )


def test_charts_get_the_report_language_locale(exports):
    zh, en = exports["status-zh"], exports["status-en"]
    charts = zh.count("vegaEmbed('#commlib-chart-")
    assert charts >= 2
    assert zh.count(ZH_TIME_LOCALE) == charts
    assert '"months":["一月","二月","三月"' in zh and '"days":["星期日","星期一"' in zh
    assert '"periods":["上午","下午"]' in zh and '"time":"%H:%M:%S"' in zh
    assert ZH_TIME_LOCALE not in en  # English: d3's default locale
    embeds = en.count("vegaEmbed('#commlib-chart-")
    assert en.count('{"actions":false,"renderer":"svg"});</script>') == embeds >= 2


def test_offline_renderer_in_a_language():
    import altair as alt

    zh = offline_renderer({"mark": "point"}, lang="zh")["text/html"]
    assert ZH_TIME_LOCALE in zh and '"formatLocale":{"decimal":"."' in zh
    assert "timeFormatLocale" not in offline_renderer({"mark": "point"}, lang="en")["text/html"]
    assert embed_options("en") == {"actions": False, "renderer": "svg"}
    try:
        enable_offline_renderer("zh")
        chart = alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q")
        assert ZH_TIME_LOCALE in chart._repr_mimebundle_()["text/html"]
    finally:
        alt.renderers.enable("default")


def test_localise_keeps_one_language_and_leaves_help_out():
    def nb():
        book = nbformat.v4.new_notebook()
        md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
        book.cells = [
            md("# 状态评审 · Status review"),
            md("本期概要。", metadata={"tags": ["lang-zh"]}),
            md("The period in brief.", metadata={"tags": ["lang-en"]}),
            md("Set `since` below.", metadata={"tags": ["help"]}),
            code("store", metadata={"tags": ["help"]}),
            md("## 风险 · Risks\n\nA · B in text stays.\n### 细节 · Details"),
        ]
        return book

    en, zh = nb(), nb()
    assert localise(en, "en") == "Status review"
    assert [c.source for c in en.cells] == [
        "The period in brief.",
        "## Risks\n\nA · B in text stays.\n### Details",
    ]
    assert localise(zh, "zh") == "状态评审"
    assert [c.source for c in zh.cells] == [
        "本期概要。",
        "## 风险\n\nA · B in text stays.\n### 细节",
    ]
    plain = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 无标题")])
    assert localise(plain, "zh") is None and plain.cells[0].source == "## 无标题"


def test_a_notebook_with_nothing_for_the_client_is_left_out(db, tmp_path):
    """No survey of the project is shared: the client's survey report is left out, saying why."""
    with pytest.raises(NothingToReport, match="shared with the client"):
        export_report(db, "survey_analysis", PROJECT, audience="client", out=tmp_path / "s.html")
    assert not (tmp_path / "s.html").exists()
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    for name in ["survey_analysis", "risk_review"]:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", notebooks)
    folder = tmp_path / "all"
    args = ["--db", db, "report", "--all", "--project", PROJECT, "--audience", "client"]
    result = CliRunner().invoke(
        cli, [*args, "-o", str(folder)], env={"COMMLIB_NOTEBOOKS": str(notebooks)}
    )
    assert result.exit_code == 0, result.output
    assert "Left out survey_analysis: Nothing to report: No survey of project" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["risk_review.html"]


# --- many reports: kernels started ahead, each report on its own --------------------------------

GENERATED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")


def test_nothing_of_one_report_reaches_the_next(db, tmp_path):
    """Each report runs in a kernel of its own, even one started while the previous ran: what
    a notebook sets (a variable, a module's attribute, the language) is gone in the next."""
    from commlib.report import export_all

    folder = tmp_path / "nbs"
    _notebook(
        folder,
        "a_sets",
        "import commlib\nleak = 'LEAK-VARIABLE'\ncommlib.LEAKED = 'LEAK-MODULE'\n"
        "commlib.set_language('en')\nprint('set:', leak, commlib.LEAKED, commlib.get_language())",
        parameters="project = None",
    )
    _notebook(
        folder,
        "b_reads",
        "import commlib\nprint('read:', globals().get('leak'), getattr(commlib, 'LEAKED', None),"
        " commlib.get_language())",
        parameters="project = None",
    )
    for workers in (1, 2):  # one at a time: b's kernel is started while a runs
        out = tmp_path / f"out{workers}"
        export_all(db, PROJECT, out, lang="zh", notebooks=folder, workers=workers)
        first = (out / "a_sets.html").read_text(encoding="utf-8")
        second = (out / "b_reads.html").read_text(encoding="utf-8")
        assert "set: LEAK-VARIABLE LEAK-MODULE en" in first
        assert "read: None None zh" in second


def test_a_report_alone_and_within_all_are_the_same_bytes(db, tmp_path):
    from commlib.report import export_all

    folder = tmp_path / "nbs"
    folder.mkdir()
    for name in ["status_review", "contacts"]:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", folder)
    options = {"audience": "client", "lang": "en", "until": UNTIL, "notebooks": folder}
    alone = export_report(db, "status_review", PROJECT, out=tmp_path / "alone.html", **options)
    written = export_all(db, PROJECT, tmp_path / "all", **options)
    assert [p.name for p in written] == ["contacts.html", "status_review.html"]
    within = tmp_path / "all" / "status_review.html"
    texts = [GENERATED.sub("(generated)", p.read_text(encoding="utf-8")) for p in (alone, within)]
    assert texts[0].count("(generated)") == 1
    assert texts[0].count("vegaEmbed('#commlib-chart-") >= 2  # charts, numbered alike
    assert texts[0].encode() == texts[1].encode()


def _broken_and_fine(folder: Path) -> Path:
    _notebook(folder, "broken", "x = 1", "1 / 0", parameters="project = None")
    _notebook(folder, "dies", "import os\nos._exit(1)", parameters="project = None")
    _notebook(folder, "fine", "print('FINE-' + project)", parameters="project = None")
    return folder


def test_a_failing_report_leaves_the_others_written_quietly(db, tmp_path):
    """`report --all` in a fresh process: the report that works is written, each one that fails
    (a cell's error, a kernel that dies) is one line on stderr (which report, which cell, the
    error), nothing else is printed."""
    import os
    import subprocess
    import sys

    folder = _broken_and_fine(tmp_path / "nbs")
    out = tmp_path / "all"
    done = subprocess.run(
        [sys.executable, "-m", "commlib.cli", "--db", db, "report", "--all", "--project", PROJECT,
         "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COMMLIB_NOTEBOOKS": str(folder)},
    )  # fmt: skip
    assert done.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["fine.html"]
    assert f"FINE-{PROJECT}" in (out / "fine.html").read_text(encoding="utf-8")
    assert done.stdout == f"Wrote 1 reports to {out}\n"
    assert done.stderr == (
        "Error: report broken: cell 3 (1 / 0) failed: ZeroDivisionError: division by zero\n"
        "Error: report dies: the notebook could not be run: Kernel died\n"
    )
    for line in (done.stdout + done.stderr).splitlines():
        assert not re.search("warning|traceback", line, re.I), line


def test_export_all_raises_the_failure_after_writing_the_others(db, tmp_path):
    from commlib.report import ReportError, export_all

    folder = _broken_and_fine(tmp_path / "nbs")
    with pytest.raises(ReportError, match=r"^cell 3 \(1 / 0\) failed: ZeroDivisionError"):
        export_all(db, PROJECT, tmp_path / "all", notebooks=folder)
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["fine.html"]


def test_all_shows_a_progress_bar_when_asked(db, tmp_path):
    folder = tmp_path / "nbs"
    for name in ["one", "two"]:
        _notebook(folder, name, "print(project)", parameters="project = None")
    args = ["--db", db, "report", "--all", "--project", PROJECT, "-o", str(tmp_path / "all")]
    env = {"COMMLIB_NOTEBOOKS": str(folder)}
    shown = CliRunner().invoke(cli, [*args, "--progress"], env=env)
    assert shown.exit_code == 0, shown.output
    assert re.search(r"Exporting reports: 2/2 \|.*\| \d\d:\d\d<00:00", shown.stderr)
    assert shown.stdout == f"Wrote 2 reports to {tmp_path / 'all'}\n"
    hidden = CliRunner().invoke(cli, args, env=env)  # stderr is not a terminal: no bar
    assert hidden.exit_code == 0 and hidden.stderr == ""


# --- the Vega bundle: built once per vl-convert version, kept in the cache folder ---------------


@pytest.fixture
def bundle_builds(monkeypatch, tmp_path):
    """The cache folder in ``tmp_path``; counts the bundles vl-convert builds."""
    import vl_convert

    from commlib.report import html

    built = []
    real = vl_convert.javascript_bundle

    def build():
        built.append(1)
        return real()

    monkeypatch.setattr(vl_convert, "javascript_bundle", build)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    html._vega_bundle.cache_clear()
    yield built
    html._vega_bundle.cache_clear()


def _fresh_bundle() -> str:
    from commlib.report import html

    html._vega_bundle.cache_clear()
    return html.vega_bundle()


def test_the_bundle_is_built_when_missing_and_kept(bundle_builds, tmp_path):
    import vl_convert

    source = _fresh_bundle()
    assert BUNDLE_MARK in source and bundle_builds == [1]
    (path,) = (tmp_path / "cache" / "commlib").iterdir()
    assert path.name == f"vega-bundle-{vl_convert.__version__}.js"
    assert path.read_text(encoding="utf-8").endswith(source)
    assert _fresh_bundle() == source and bundle_builds == [1]  # read back, not rebuilt


@pytest.mark.parametrize("damage", ["cut short", "garbled", "empty"])
def test_a_damaged_bundle_is_rebuilt(bundle_builds, tmp_path, damage):
    source = _fresh_bundle()
    (path,) = (tmp_path / "cache" / "commlib").iterdir()
    text = path.read_text(encoding="utf-8")
    damaged = {
        "cut short": text[: len(text) // 2],
        "garbled": text.replace("vegaEmbed", "vegaEmbez", 1),
        "empty": "",
    }[damage]
    path.write_text(damaged, encoding="utf-8")
    assert _fresh_bundle() == source and bundle_builds == [1, 1]
    assert path.read_text(encoding="utf-8") == text  # repaired
    assert _fresh_bundle() == source and bundle_builds == [1, 1]


def test_the_bundle_works_when_the_cache_cannot_be_written(bundle_builds, tmp_path, monkeypatch):
    # a file where the cache folder should be: no folder can be made there (even as root,
    # which a read-only folder would not stop)
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert BUNDLE_MARK in _fresh_bundle() and bundle_builds == [1]
    assert blocked.read_text() == "not a folder"


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if int(fields.get("PPid", "0")) == pid:
            found.append(int(status.parent.name))
    return found


def test_ctrl_c_stops_the_export_and_its_kernels(db, tmp_path):
    """Ctrl-C during `report --all`: exit 130, one line, and once the command has returned no
    kernel or zygote is left (not even as a zombie)."""
    import os
    import signal
    import subprocess
    import sys

    folder = tmp_path / "nbs"
    for name in ["a", "b", "c", "d"]:
        _notebook(folder, name, "import time\ntime.sleep(60)", parameters="project = None")
    running = subprocess.Popen(
        [sys.executable, "-m", "commlib.cli", "--db", db, "report", "--all", "--project", PROJECT,
         "-o", str(tmp_path / "all")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COMMLIB_NOTEBOOKS": str(folder)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal
    )  # fmt: skip
    started = time.monotonic()
    kernels: list[int] = []
    while len(kernels) < 2 and time.monotonic() - started < 120:  # two reports running
        time.sleep(0.5)
        kernels = [k for z in _children(running.pid) for k in _children(z)]
    assert len(kernels) >= 2
    zygotes = _children(running.pid)
    running.send_signal(signal.SIGINT)
    out, err = running.communicate(timeout=60)
    assert running.returncode == 130
    assert err == "Interrupted; nothing of the current operation was saved.\n" and out == ""
    left = [pid for pid in [*zygotes, *kernels] if Path(f"/proc/{pid}").exists()]
    states = {pid: Path(f"/proc/{pid}/status").read_text().splitlines()[:7] for pid in left}
    assert left == [], (states, zygotes, kernels)


def test_a_report_from_a_running_event_loop(db, tmp_path):
    """As from a notebook's cell, where the kernel's event loop is running."""
    import asyncio

    folder = tmp_path / "nbs"
    _notebook(folder, "hello", "print('HELLO-' + project)", parameters="project = None")

    async def cell():
        return export_report(db, "hello", PROJECT, notebooks=folder, out=tmp_path / "h.html")

    written = asyncio.run(cell())
    assert f"HELLO-{PROJECT}" in written.read_text(encoding="utf-8")


def test_without_fork_kernels_are_started_one_by_one_and_pages_are_the_same(
    db, tmp_path, monkeypatch
):
    from commlib.report import pool

    options = {"audience": "client", "lang": "zh", "until": UNTIL}
    forked = export_report(db, "status_review", PROJECT, out=tmp_path / "forked.html", **options)
    monkeypatch.setattr(pool, "_FORK", False)  # as on Windows
    monkeypatch.setattr(pool._Zygote, "start", None)  # never asked for
    spawned = export_report(db, "status_review", PROJECT, out=tmp_path / "spawned.html", **options)
    texts = [GENERATED.sub("(generated)", p.read_text(encoding="utf-8")) for p in (forked, spawned)]
    assert "vegaEmbed('#commlib-chart-" in texts[0]
    assert texts[0].encode() == texts[1].encode()


@pytest.mark.parametrize("fork", [True, False])
def test_a_kernel_that_dies_starting_is_started_once_more(db, tmp_path, monkeypatch, fork):
    # on a loaded machine a kernel can die before it answers: the report is not lost for it,
    # and a kernel that never starts says so in one line
    from commlib.report import ReportError, pool

    folder = tmp_path / "nbs"
    _notebook(folder, "hello", "print('HELLO-' + project)", parameters="project = None")
    monkeypatch.setattr(pool, "_FORK", fork)
    kind = pool._Zygote if fork else pool._Spawned
    real, calls = kind.kernel, []

    async def flaky(self, *args):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return await real(self, *args)

    monkeypatch.setattr(kind, "kernel", flaky)
    written = export_report(db, "hello", PROJECT, notebooks=folder, out=tmp_path / "h.html")
    assert f"HELLO-{PROJECT}" in written.read_text(encoding="utf-8") and len(calls) == 2

    async def dead(self, *args):
        raise RuntimeError("Kernel died before replying to kernel_info\nmore")

    monkeypatch.setattr(kind, "kernel", dead)
    with pytest.raises(ReportError) as err:
        export_report(db, "hello", PROJECT, notebooks=folder, out=tmp_path / "dead.html")
    assert "Kernel died before replying to kernel_info" in str(err.value)
    assert "\n" not in str(err.value) and not (tmp_path / "dead.html").exists()
