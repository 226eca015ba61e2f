"""Before writing: ``--dry-run`` / ``preview_import`` say how a file was understood and write
nothing; ``--formats`` lists every layout once; the user's hints and their refusals; a
refusal says in one line what the file looks like."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from commlib import Project
from commlib.cli import cli
from commlib.importers import IMPORTERS, import_files, render
from commlib.importers.preview import preview_import

PULSE = (
    "Timestamp,How satisfied are you with the project?,What should we improve?\r\n"
    "2026-03-02 09:15:00,Satisfied,Faster replies\r\n"
    "2026-03-03 10:20:00,Very satisfied,\r\n"
    "2026-03-04 11:30:00,Satisfied,More demos\r\n"
)


@pytest.fixture
def erp(store):
    store.add(Project(name="ERP", client="华辰", start=date(2026, 1, 1)))
    return store


@pytest.fixture
def pulse(tmp_path: Path) -> Path:
    path = tmp_path / "pulse.csv"
    path.write_text(PULSE, encoding="utf-8")
    return path


def _stored(store) -> tuple[int, int]:
    return len(store.records("surveys", "ERP")), len(store.records("contacts", "ERP"))


def test_a_dry_run_reports_what_an_import_would_do_and_writes_nothing(erp, pulse):
    (dry,) = import_files(erp, [pulse], "ERP", dry_run=True)
    assert dry.ok and dry.dry_run
    assert dry.added == 3
    assert _stored(erp) == (0, 0)
    found = dry.details["understood"]
    assert found["platform"] == "google_forms"
    assert found["respondents"] == 3
    assert found["first"].startswith("2026-03-02") and found["last"].startswith("2026-03-04")
    assert [q["type"] for q in found["questions"]] == ["likert", "text"]
    assert "Very satisfied" in found["questions"][0]["options"]
    # the real import then does what the dry run said
    (real,) = import_files(erp, [pulse], "ERP")
    assert real.added == dry.added and _stored(erp) == (1, 0)


def test_dry_run_on_the_command_line_says_nothing_was_written(erp, pulse):
    args = ["--db", erp.url, "import", str(pulse), "--project", "ERP", "--dry-run"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "would add 3" in result.output
    assert "How satisfied are you with the project?" in result.output
    assert "nothing was written" in result.output
    assert _stored(erp) == (0, 0)
    as_json = json.loads(CliRunner().invoke(cli, [*args, "--json"]).output)
    (file,) = as_json["files"]
    assert file["dry_run"] is True
    assert file["details"]["understood"]["respondents"] == 3


def test_preview_import_in_a_notebook_needs_no_store(pulse):
    preview = preview_import(pulse)
    questions = preview.questions()
    assert list(questions["code"]) == ["Q1", "Q2"]
    assert questions.loc[0, "type"] == "likert"
    html = preview._repr_html_()
    assert "How satisfied are you with the project?" in html and "<table" in html
    assert "3 respondents" in preview.text()


def test_formats_lists_every_layout_once():
    result = CliRunner().invoke(cli, ["import", "--formats"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == [i.name for i in IMPORTERS]
    assert len(set(lines)) == len(lines)
    listed = json.loads(CliRunner().invoke(cli, ["import", "--formats", "--json"]).output)
    assert {f["name"] for f in listed} == {i.name for i in IMPORTERS}


def test_an_unknown_file_is_refused_in_one_short_line_saying_what_it_looks_like(erp, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Dear team\nhere are my notes from Tuesday.\n", encoding="utf-8")
    (report,) = import_files(erp, [path], "ERP")
    assert not report.ok
    assert "\n" not in report.refused
    assert "a text file starting “Dear team" in report.refused
    assert "--formats" in report.refused
    assert len(report.refused) < 300  # not every layout commlib knows


def test_a_table_no_platform_wrote_names_its_columns_and_the_two_ways_on(erp, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("team,score,comment\nA,4,ok\nB,5,good\n", encoding="utf-8")
    (report,) = import_files(erp, [path], "ERP")
    assert not report.ok
    assert "a table of 3 columns (team, score, comment)" in report.refused
    assert "--survey NAME" in report.refused and "--platform NAME" in report.refused
    assert len(report.refused) < 400


def test_platform_reads_a_file_as_the_named_kind(erp, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("Timestamp,Score\n2026-03-02 09:00:00,4\n", encoding="utf-8")
    (report,) = import_files(erp, [path], "ERP", platform="survey_table", survey="Scores")
    assert report.ok and report.kind == "survey_table", report.refused
    (unknown,) = import_files(erp, [path], "ERP", platform="typeform2000")
    assert not unknown.ok
    assert "--platform typeform2000" in unknown.refused and "qualtrics" in unknown.refused


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--date-order", "dym", "--date-order dym"),
        ("--header-rows", "9", "--header-rows 9"),
        ("--encoding", "klingon-8", "--encoding klingon-8"),
    ],
)
def test_a_bad_hint_is_one_line_and_imports_nothing(erp, pulse, option, value, says):
    args = ["--db", erp.url, "import", str(pulse), "--project", "ERP", option, value]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert says in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _stored(erp) == (0, 0)


def test_import_without_project_or_files_explains_itself(erp, pulse):
    no_project = CliRunner().invoke(cli, ["--db", erp.url, "import", str(pulse)])
    assert no_project.exit_code == 2 and "--project" in no_project.output
    no_files = CliRunner().invoke(cli, ["--db", erp.url, "import", "--project", "ERP"])
    assert no_files.exit_code == 2 and "commlib import export.csv" in no_files.output


def test_the_render_of_a_dry_run_says_would_add_in_chinese_too(erp, pulse):
    reports = import_files(erp, [pulse], "ERP", dry_run=True, lang="zh")
    from commlib.i18n import language

    with language("zh"):
        text = render(reports)
    assert "将新增 3 条" in text and "试运行" in text


def test_a_library_warning_while_reading_is_a_warning_of_the_file(erp, pulse, monkeypatch, capfd):
    import warnings

    from commlib.importers.surveys import google_forms

    parse = google_forms.parse

    def noisy(table, zone=None):
        warnings.warn("Workbook contains no default style, apply openpyxl's default", stacklevel=1)
        return parse(table, zone)

    monkeypatch.setattr(google_forms, "parse", noisy)
    (report,) = import_files(erp, [pulse], "ERP")
    assert report.ok
    said = "while reading: Workbook contains no default style, apply openpyxl's default"
    assert report.warnings == [said]
    assert "Workbook" not in capfd.readouterr().err


def test_the_next_wave_is_read_the_way_the_user_said_for_the_first(erp, tmp_path):
    rows = "Timestamp,Score\n03/04/2026 09:00:00,4\n13/04/2026 10:00:00,5\n"
    first = tmp_path / "w1.csv"
    first.write_text(rows, encoding="utf-8")
    (w1,) = import_files(erp, [first], "ERP", survey="Pulse", wave="W1", date_order="dmy")
    assert w1.ok, w1.refused
    survey = erp.records("surveys", "ERP")[0]
    assert survey.import_hints == {"date_order": "dmy"}
    # W2 has only dates that read either way: without the hint 03/05 would be 5 March
    second = tmp_path / "w2.csv"
    second.write_text("Timestamp,Score\n03/05/2026 09:00:00,3\n", encoding="utf-8")
    (w2,) = import_files(erp, [second], "ERP", survey="Pulse", wave="W2")
    assert w2.ok, w2.refused
    assert "--date-order dmy" in " ".join(w2.warnings)
    assert w2.details["understood"]["first"].startswith("2026-05-03")
    # a hint given now wins over the remembered one
    third = tmp_path / "w3.csv"
    third.write_text("Timestamp,Score\n03/06/2026 09:00:00,3\n", encoding="utf-8")
    (w3,) = import_files(erp, [third], "ERP", survey="Pulse", wave="W3", date_order="mdy")
    assert w3.details["understood"]["first"].startswith("2026-03-06")


def test_a_wave_whose_question_differs_is_said_in_the_import_report(erp, tmp_path):
    w1 = tmp_path / "w1.csv"
    w1.write_text("id,1. Your department,2. Satisfied?\na,Sales,Yes\nb,IT,No\n", encoding="utf-8")
    w2 = tmp_path / "w2.csv"
    w2.write_text("id,1. Your city,2. Satisfied?\nc,Leeds,Yes\nd,York,Yes\n", encoding="utf-8")
    (first,) = import_files(erp, [w1], "ERP", survey="Pulse", wave="W1")
    (second,) = import_files(erp, [w2], "ERP", survey="Pulse", wave="W2")
    assert first.ok and second.ok, (first.refused, second.refused)
    said = " ".join(second.warnings)
    assert "Q1" in said and "Q1_2" in said
