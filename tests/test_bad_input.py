"""The bad-input corpus (``tests/data/bad/``) through the command line.

Every case goes to ``commlib import`` or ``commlib import-csv`` against a store filled by
``conftest.fill``. A refused file gives exit code 1 and one line that names it, says what is
wrong and how to fix it, with no traceback, and the store is unchanged (every row of every
table compared). Cases that are not errors are checked for safe handling: formulas stored as
text and quoted on export, HTML stored verbatim and escaped on output.
"""

from __future__ import annotations

import csv
import filecmp
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from commlib import Store, _schema
from commlib.cli import cli
from commlib.report import script_json
from commlib.surveys.data import responses_frame

from .conftest import fill
from .data.bad import make_corpus as corpus

PROJECT = corpus.PROJECT
CASES = {case.path: case for case in corpus.CASES}
REFUSED = [c.path for c in corpus.CASES if c.outcome == "refused"]
#: what may start a cell of an exported CSV file only when the cell is a number
DANGER = ("=", "+", "-", "@", "\t", "\r")


# --- the store, the command line -----------------------------------------------------------


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "filled.db"
    store = Store(path)
    fill(store)
    store.close()
    return path


@pytest.fixture
def db(filled: Path, tmp_path: Path) -> Path:
    """A store filled by ``conftest.fill`` (a copy of one made once for the module)."""
    path = tmp_path / "filled.db"
    for suffix in ("", "-wal", "-shm"):
        source = filled.with_name(filled.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return path


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in id order: what "nothing was written" compares."""
    store = Store(db)
    try:
        with store.read() as conn:
            return {
                table.name: [tuple(r) for r in conn.execute(sa.select(table).order_by(*table.c))]
                for table in _schema.metadata.sorted_tables
            }
    finally:
        store.close()


def invoke(db: Path, *args: str, lang: str = "en") -> Result:
    result = CliRunner().invoke(cli, ["--db", str(db), "--lang", lang, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert "please report" not in result.output  # an unexpected error, not a refusal
    return result


def run(case: corpus.Case, db: Path, where: Path, *more: str, lang: str = "en") -> Result:
    """The case's command on its file (committed, or written under ``where``)."""
    path = case.write(where) if case.generated else corpus.HERE / case.path
    if case.command == "import-csv":
        return invoke(db, "import-csv", str(path), lang=lang)
    return invoke(db, "import", str(path), "--project", PROJECT, *case.args, *more, lang=lang)


def refusal(case: corpus.Case, result: Result) -> str:
    """The one line that says why the file was refused."""
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    if case.command == "import-csv":
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
        return lines[0]
    refused = [line for line in lines if "REFUSED" in line]
    assert len(refused) == 1 and len(lines) == 2, result.output  # the refusal and the total
    assert str(Path(case.path).name) in refused[0]
    return refused[0]


# --- the corpus itself ---------------------------------------------------------------------


def test_the_committed_corpus_is_what_make_corpus_writes(tmp_path):
    written = corpus.main(tmp_path)
    assert written, "no case written"
    for folder in corpus.FOLDERS:
        compare = filecmp.dircmp(corpus.HERE / folder, tmp_path / folder)
        _same_tree(compare)
    readme = (corpus.HERE / "README.md").read_text(encoding="utf-8")
    assert readme == (tmp_path / "README.md").read_text(encoding="utf-8")


def _same_tree(compare: filecmp.dircmp) -> None:
    hint = "run .venv/bin/python tests/data/bad/make_corpus.py"
    assert not compare.left_only and not compare.right_only, (compare.left, hint)
    _match, mismatch, errors = filecmp.cmpfiles(
        compare.left, compare.right, compare.common_files, shallow=False
    )
    assert not mismatch and not errors, (compare.left, mismatch, errors, hint)
    for sub in compare.subdirs.values():
        _same_tree(sub)


def test_the_corpus_is_small_and_covers_every_category():
    size = sum(p.stat().st_size for p in corpus.HERE.rglob("*") if p.is_file())
    assert size < 1_000_000
    categories = {c.category for c in corpus.CASES}
    assert categories == set(corpus.CATEGORIES)
    kinds = {c.path.split("/")[0] for c in corpus.CASES}
    assert kinds == set(corpus.FOLDERS)
    for folder in ("contacts", "surveys", "import_csv"):  # each category where it applies
        found = {c.category for c in corpus.CASES if c.path.startswith(folder)}
        assert found == set(corpus.CATEGORIES), (folder, set(corpus.CATEGORIES) - found)


# --- refused: one clear line, nothing written ----------------------------------------------


@pytest.mark.parametrize("name", REFUSED)
def test_a_bad_file_is_refused_with_one_clear_line_and_nothing_written(db, tmp_path, name):
    case = CASES[name]
    before = dump(db)
    line = refusal(case, run(case, db, tmp_path))
    for fragment in case.expect:
        assert fragment in line, (fragment, line)
    assert len(line) < 2000  # a 2 MB cell is shown cut, not whole
    assert dump(db) == before


@pytest.mark.parametrize("name", REFUSED)
def test_refusals_speak_chinese(db, tmp_path, name):
    case = CASES[name]
    before = dump(db)
    line = refusal_zh(case, run(case, db, tmp_path, lang="zh"))
    assert "REFUSED" not in line and "Nothing" not in line and "expected one of" not in line
    assert dump(db) == before


def refusal_zh(case: corpus.Case, result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    if case.command == "import-csv":
        assert len(lines) == 1 and lines[0].startswith("错误: "), result.output
        return lines[0]
    assert len(lines) == 2 and "已拒绝" in lines[0], result.output
    return lines[0]


# --- skipped: the reason in the report, nothing written ------------------------------------


@pytest.mark.parametrize("name", [c.path for c in corpus.CASES if c.outcome == "skipped"])
def test_a_bad_item_is_skipped_with_its_reason_and_nothing_written(db, tmp_path, name):
    case = CASES[name]
    before = dump(db)
    result = run(case, db, tmp_path)
    assert result.exit_code == 0, result.output
    assert "0 added" in result.output and "1 skipped" in result.output
    for fragment in case.expect:
        assert fragment in result.output, (fragment, result.output)
    assert dump(db) == before


# --- imported: not an error, handled safely ------------------------------------------------


@pytest.mark.parametrize("name", [c.path for c in corpus.CASES if c.outcome == "imported"])
def test_what_is_not_an_error_is_imported_safely(db, tmp_path, name):
    case = CASES[name]
    before = dump(db)
    if case.command == "import-csv":
        result = run(case, db, tmp_path)
        assert result.exit_code == 0 and result.output.startswith("Imported"), result.output
    else:
        result = run(case, db, tmp_path, "--json")
        assert result.exit_code == 0, result.output
        (report,) = json.loads(result.output)["files"]
        assert report["ok"] and report["added"] == case.added, report
        if case.added == 0:
            assert dump(db) == before
    if case.check:
        store = Store(db)
        try:
            CHECKS[case.check](store, db, tmp_path, result)
        finally:
            store.close()


def _exported(db: Path, folder: Path) -> dict[str, list[dict[str, str]]]:
    """``commlib export-csv``, read back: the rows of each file, as text."""
    result = invoke(db, "export-csv", str(folder))
    assert result.exit_code == 0, result.output
    rows = {}
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows[path.stem] = list(csv.DictReader(fh))
    return rows


def _quoted_on_export(db: Path, folder: Path, kind: str, column: str, texts: list[str]) -> None:
    """Every exported cell is safe to open in a spreadsheet, and these texts come out with
    a leading ``'`` (which import removes again)."""
    rows = _exported(db, folder)
    for found in rows.values():
        for row in found:
            for cell in row.values():
                if cell.startswith(DANGER):
                    float(cell)  # only numbers such as -2 are left as they are
    cells = {row[column] for row in rows[kind]}
    for text in texts:
        assert "'" + text in cells, (text, sorted(cells)[:10])


def _escaped(frame: pd.DataFrame, text: str) -> None:
    """Shown as HTML (a notebook's table, a chart's data), the text is inert."""
    html = frame.to_html()
    assert text not in html and "&lt;script&gt;" in html
    payload = script_json(frame.astype(str).to_dict("records"))
    assert "<" not in payload and ">" not in payload


def _check_utf16(store: Store, db: Path, tmp: Path, result: Result) -> None:
    assert store.records("contacts", PROJECT)[-1].subject == corpus.CALL[4]


def _check_formula(store: Store, db: Path, tmp: Path, result: Result) -> None:
    subjects = [c.subject for c in store.records("contacts", PROJECT)[-6:]]
    assert subjects == [*corpus.FORMULAS, "=1+1"]  # verbatim; a leading ' is the quoting
    _quoted_on_export(db, tmp / "out", "contacts", "subject", [*corpus.FORMULAS, "=1+1"])


def _check_formula_survey(store: Store, db: Path, tmp: Path, result: Result) -> None:
    frame = responses_frame(store, project=PROJECT, name="wjx formula")
    assert frame["Q3"].tolist()[:3] == corpus.FORMULAS[:3]
    _quoted_on_export(db, tmp / "out", "questions", "text", ["=1+1 其他建议"])


def _check_formula_mail(store: Store, db: Path, tmp: Path, result: Result) -> None:
    contact = store.records("contacts", PROJECT)[-1]
    assert contact.subject == '=HYPERLINK("http://evil.example")'
    assert contact.summary == "=cmd|' /C calc'!A0"
    _quoted_on_export(db, tmp / "out", "contacts", "subject", [contact.subject])


def _check_formula_csv(store: Store, db: Path, tmp: Path, result: Result) -> None:
    lesson = store.records("lessons", "坏输入 Bad input")[0]
    assert (lesson.title, lesson.what_happened) == (corpus.FORMULAS[0], corpus.FORMULAS[1])
    _quoted_on_export(db, tmp / "out", "lessons", "title", [corpus.FORMULAS[0]])


def _check_html(store: Store, db: Path, tmp: Path, result: Result) -> None:
    contact = store.records("contacts", PROJECT)[-1]
    assert (contact.subject, contact.summary) == (corpus.SCRIPT, corpus.IMG)
    _escaped(store.frame("contacts", PROJECT), corpus.SCRIPT)


def _check_html_survey(store: Store, db: Path, tmp: Path, result: Result) -> None:
    frame = responses_frame(store, project=PROJECT, name="wjx html")
    assert frame["Q3"].tolist()[:2] == [corpus.SCRIPT, corpus.IMG]
    _escaped(frame[["respondent", "Q3"]], corpus.SCRIPT)


def _check_html_mail(store: Store, db: Path, tmp: Path, result: Result) -> None:
    contact = store.records("contacts", PROJECT)[-1]
    assert contact.summary == "方案收到 谢谢"  # the visible text; the script is not text


def _check_html_calendar(store: Store, db: Path, tmp: Path, result: Result) -> None:
    contact = store.records("contacts", PROJECT)[-1]
    assert contact.summary == f"{corpus.SCRIPT} see <b>agenda</b>"
    _escaped(store.frame("contacts", PROJECT), corpus.SCRIPT)


def _check_html_csv(store: Store, db: Path, tmp: Path, result: Result) -> None:
    lesson = store.records("lessons", "坏输入 Bad input")[0]
    assert (lesson.title, lesson.what_happened) == (corpus.SCRIPT, corpus.IMG)
    _escaped(store.frame("lessons", "坏输入 Bad input"), corpus.SCRIPT)


def _check_control_survey(store: Store, db: Path, tmp: Path, result: Result) -> None:
    (report,) = json.loads(result.output)["files"]
    assert any("2 cells held control characters" in w for w in report["warnings"])
    frame = responses_frame(store, project=PROJECT, name="wjx control characters")
    assert frame["Q3"].fillna("").tolist()[:3] == ["服务 很好", "", "希望 响应更快"]
    assert len(store.records("responses", PROJECT)) == 1 + 6  # readable by the model


def _check_huge_mail(store: Store, db: Path, tmp: Path, result: Result) -> None:
    subject = store.records("contacts", PROJECT)[-1].subject
    assert len(subject) == 200 and subject.endswith("…")


CHECKS = {
    "utf16": _check_utf16,
    "formula": _check_formula,
    "formula_survey": _check_formula_survey,
    "formula_mail": _check_formula_mail,
    "formula_csv": _check_formula_csv,
    "html": _check_html,
    "html_survey": _check_html_survey,
    "html_mail": _check_html_mail,
    "html_calendar": _check_html_calendar,
    "html_csv": _check_html_csv,
    "control_survey": _check_control_survey,
    "huge_mail": _check_huge_mail,
}


def test_every_check_belongs_to_a_case():
    assert {c.check for c in corpus.CASES if c.check} == set(CHECKS)


# --- several bad files at once ---------------------------------------------------------------


def test_a_folder_of_bad_files_refuses_each_and_writes_nothing(db):
    """``commlib import`` on the whole folder of refused contact and survey files: each is
    refused on its own line, the others are not affected, nothing is written."""
    paths = [corpus.HERE / c.path for c in corpus.CASES if c.outcome == "refused"]
    paths = [p for p in paths if p.is_file() and not CASES[_rel(p)].args]
    before = dump(db)
    result = invoke(db, "import", *map(str, paths), "--project", PROJECT)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert sum("REFUSED" in line for line in lines) == len(paths)
    assert lines[-1].endswith(f"{len(paths)} files refused")
    assert dump(db) == before


def _rel(path: Path) -> str:
    return path.relative_to(corpus.HERE).as_posix()
