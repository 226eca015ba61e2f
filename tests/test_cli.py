import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from commlib import Store, _schema
from commlib.cli import cli

from .conftest import fill


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"

    def invoke(*args, lang="en"):
        runner = CliRunner()
        return runner.invoke(cli, ["--db", str(db), "--lang", lang, *args], catch_exceptions=False)

    invoke.db = db
    return invoke


def test_init_says_where_the_store_is(run):
    result = run("init")
    assert result.exit_code == 0
    assert (
        str(run.db) in result.output and f"schema version {_schema.SCHEMA_VERSION}" in result.output
    )


def test_status_json_lists_projects_and_counts(run):
    fill(Store(run.db))
    result = run("status", "--json")
    payload = json.loads(result.output)
    assert payload["projects"][0]["name"] == "华辰 ERP 升级"
    assert payload["projects"][0]["counts"]["contacts"] == 2
    assert payload["store"] == str(run.db)


def test_status_table_in_chinese(run):
    fill(Store(run.db))
    result = run("status", lang="zh")
    assert "沟通记录" in result.output and "华辰 ERP 升级" in result.output
    assert "存储：" in result.output


def test_csv_round_trip_through_the_cli(run, tmp_path):
    fill(Store(run.db))
    assert run("export-csv", str(tmp_path / "a")).exit_code == 0
    other = tmp_path / "other.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(other), "import-csv", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert "Imported" in result.output
    runner.invoke(cli, ["--db", str(other), "export-csv", str(tmp_path / "b")])
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_bad_input_is_one_line_with_a_non_zero_exit(run, tmp_path):
    fill(Store(run.db))
    run("export-csv", str(tmp_path / "dump"))
    risks = tmp_path / "dump" / "risks.csv"
    risks.write_text(
        risks.read_text(encoding="utf-8-sig").replace(",2026-04-01,", ",2026-02-30,"),
        encoding="utf-8-sig",
    )
    target = tmp_path / "target.db"
    result = CliRunner().invoke(cli, ["--db", str(target), "import-csv", str(tmp_path / "dump")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: risks.csv row 2, review_due = '2026-02-30'")
    assert "Traceback" not in result.output
    assert Store(target).counts() == {}


def test_unknown_project_and_unreadable_store(run, tmp_path):
    result = run("export-csv", str(tmp_path / "x"), "--project", "nope")
    assert result.exit_code == 1 and "no project 'nope'" in result.output
    text = tmp_path / "notes.txt"
    text.write_text("not a database " * 100)
    result = CliRunner().invoke(cli, ["--db", str(text), "status"])
    assert result.exit_code == 1 and "cannot open the store" in result.output


def test_the_console_script_is_installed(tmp_path):
    env = {"COMMLIB_DB": str(tmp_path / "s.db"), "COMMLIB_LANG": "en", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "commlib.cli", "status", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(result.stdout)["projects"] == []
    script = subprocess.run(
        [str(__import__("pathlib").Path(sys.executable).parent / "commlib"), "--help"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert script.returncode == 0 and "export-csv" in script.stdout


def test_demo_then_status_lists_both_projects_with_every_kind(run):
    from commlib.demo import DEMO_PROJECTS

    result = run("demo", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert str(run.db) in result.output
    payload = json.loads(run("status", "--json").output)
    names = [p["name"] for p in payload["projects"]]
    assert sorted(names) == sorted(DEMO_PROJECTS.values())
    for project in payload["projects"]:
        counts = dict(project["counts"])
        assert counts.pop("status_overrides") == 0  # the specialist's own, none in the demo
        assert all(n > 0 for n in counts.values()), project
    again = run("demo")
    assert again.exit_code == 1 and "--replace" in again.output
    assert run("demo", "--replace", "--lang", "en", "--today", "2026-11-23").exit_code == 0
    assert json.loads(run("status", "--json").output) == payload


def test_report_with_an_unknown_format_is_one_line(run, tmp_path):
    fill(Store(run.db))
    for which in (["status_review"], ["--all", "-o", str(tmp_path / "all")]):
        result = run("report", *which, "--project", "华辰 ERP 升级", "--format", "docx")
        assert result.exit_code == 1, result.output
        assert result.output == "Error: unknown format 'docx': use one of html, pdf, eml\n"
    assert not (tmp_path / "all").exists()


def test_report_all_as_pdf_names_files_after_the_notebooks(run, tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    fill(Store(run.db))
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    source = Path(__file__).parent.parent / "notebooks" / "status_review.ipynb"
    shutil.copy(source, notebooks / source.name)
    monkeypatch.setenv("COMMLIB_NOTEBOOKS", str(notebooks))
    out = tmp_path / "out"
    result = run(
        "report", "--all", "--project", "华辰 ERP 升级", "--audience", "client", "--format",
        "pdf", "-o", str(out), "--until", "2026-03-31",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["status_review.pdf"]
    assert (out / "status_review.pdf").read_bytes().startswith(b"%PDF")


def test_demo_reports_add_the_chinese_status_review_as_pdf_and_eml(tmp_path, monkeypatch):
    """`make demo`: every report as HTML, and the zh client's status review as PDF and .eml,
    all in one batch (kernels started ahead, two at a time)."""
    from types import SimpleNamespace

    from commlib import cli as cli_module
    from commlib import report

    batches = []
    monkeypatch.setattr(report, "export_many", lambda store, todo, **k: batches.append(todo) or [])
    projects = [
        SimpleNamespace(name="华辰", language="zh"),
        SimpleNamespace(name="H", language="en"),
    ]
    assert cli_module._demo_reports(None, projects, str(tmp_path))
    (todo,) = batches
    others = [(r["project"], r["name"], r["lang"], r["out"], r["format"]) for r in todo
              if r["format"] != "html"]  # fmt: skip
    folder = tmp_path / "华辰" / "zh-client"
    assert others == [
        ("华辰", "status_review", "zh", folder / "status_review.pdf", "pdf"),
        ("华辰", "status_review", "zh", folder / "status_review.eml", "eml"),
    ]
    assert all(r["audience"] == "client" for r in todo)
    pages = {(r["project"], r["lang"]) for r in todo if r["format"] == "html"}
    assert pages == {("华辰", "zh"), ("华辰", "en"), ("H", "zh"), ("H", "en")}
    assert len(todo) == 4 * len(report.reportable(audience="client")) + 2


#: what only the survey analysis, charts, widgets and reports need
HEAVY = ("altair", "scipy", "ipywidgets", "jieba", "nbformat", "nbclient", "alembic")

_LOADED = """
import json, sys
heavy = sys.argv.pop(1).split(",")
from commlib.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit as done:
    code = done.code
print(json.dumps({"exit": code, "loaded": sorted(m for m in heavy if m in sys.modules)}),
      file=sys.stderr)
"""


def _loaded(db, *args):
    env = {**os.environ, "COMMLIB_DB": str(db), "COMMLIB_LANG": "en"}
    command = [sys.executable, "-c", _LOADED, ",".join(HEAVY), *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_importing_an_email_and_status_load_no_charts_analysis_or_widgets(tmp_path):
    db = tmp_path / "s.db"
    store = Store(db)
    project = fill(store)
    store.close()
    eml = tmp_path / "one.eml"
    eml.write_bytes(
        b"From: Zhang Wei <zhang.wei@huachen.cn>\r\nTo: lead@nimbus-consulting.com\r\n"
        b"Subject: =?utf-8?b?5ZGo5oql?=\r\nDate: Tue, 03 Mar 2026 09:00:00 +0800\r\n"
        b"Message-ID: <one@huachen.example>\r\n\r\nPlease send the weekly report.\r\n"
    )
    out, seen = _loaded(db, "import", str(eml), "--project", project.name)
    assert seen == {"exit": 0, "loaded": []}
    assert "1 added" in out
    out, seen = _loaded(db, "status")
    assert seen == {"exit": 0, "loaded": []}
    assert project.name in out
