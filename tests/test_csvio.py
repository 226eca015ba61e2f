import csv
import filecmp
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commlib import BadFile, InvalidRecord, Store, language
from commlib.csvio import columns, export_csv, import_csv, neutralise, restore

from .conftest import TRICKY, fill

#: the store tests run on SQLite and on a real PostgreSQL server
BACKENDS = ("sqlite", "postgresql")


def roundtrip(store: Store, tmp_path: Path) -> tuple[Path, Path, Store]:
    first, second = tmp_path / "first", tmp_path / "second"
    export_csv(store, first)
    other = Store(tmp_path / "empty.db")
    import_csv(other, first)
    export_csv(other, second)
    return first, second, other


def same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    _match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def test_round_trip_is_exact(filled, tmp_path):
    first, second, other = roundtrip(filled, tmp_path)
    assert same_files(first, second)
    kinds = ["contacts", "stakeholders", "responses", "change_requests", "issues", "history"]
    for kind in [*kinds, "status_overrides"]:
        assert filled.frame(kind).equals(other.frame(kind)), kind
    assert len(other.frame("issues")) == 2 and other.frame("status_overrides")["active"].all()


def test_files_are_utf8_with_bom_and_readable_chinese(filled, tmp_path):
    export_csv(filled, tmp_path)
    raw = (tmp_path / "stakeholders.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "张伟".encode() in raw
    header = raw[3:].decode().splitlines()[0].split(",")
    assert header == columns("stakeholders")


def test_formula_cells_are_neutralised(filled, tmp_path):
    export_csv(filled, tmp_path)
    with (tmp_path / "contacts.csv").open(encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    dangerous = [
        c for c in cells if c and c[0] in "=+-@" and not c.lstrip("-").replace(".", "").isdigit()
    ]
    assert dangerous == []
    assert "'-5 days, then @mention" in cells and "'@SUM(A1:A9)" in cells
    assert "-2" in cells  # numbers stay numbers


@given(st.text())
def test_neutralise_is_reversible(text):
    assert restore(neutralise(text)) == text
    safe = neutralise(text)
    if safe and safe[0] in "=+-@\t\r":
        float(safe)  # only plain numbers such as -2 are left as they are


def test_tricky_text_survives(filled, tmp_path):
    _first, _second, other = roundtrip(filled, tmp_path)
    values = set()
    for kind in [
        "projects",
        "stakeholders",
        "contacts",
        "questions",
        "responses",
        "lessons",
        "issues",
    ]:
        for row in other.records(kind):
            for value in row.model_dump().values():
                if isinstance(value, dict):
                    value = [v for vs in value.values() if isinstance(vs, list) for v in vs]
                values |= set(value if isinstance(value, list) else [value])
    assert set(TRICKY) <= values


def _dump(tmp_path: Path) -> Path:
    source = Store(tmp_path / "source.db")
    fill(source)
    export_csv(source, tmp_path / "dump")
    return tmp_path / "dump"


def _edit(path: Path, row: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.mark.parametrize(
    ("file", "column", "value", "expected"),
    [
        ("risks.csv", "probability", "7", "risks.csv row 2, probability = '7': must be at most 5"),
        ("risks.csv", "review_due", "2026-02-30", "review_due = '2026-02-30': not a real date"),
        (
            "contacts.csv",
            "stakeholder_ids",
            "[1,99]",
            "stakeholder_ids = 99: no such record among Stakeholders",
        ),
        ("contacts.csv", "channel", "fax", "use one of 'meeting', 'video'"),
        ("follow_ups.csv", "contact_id", "77", "contact_id = 77: no such record among Contacts"),
        ("projects.csv", "goals", "[unclosed", "not valid JSON"),
    ],
)
def test_any_invalid_row_refuses_the_whole_import(tmp_path, file, column, value, expected):
    dump = _dump(tmp_path)
    _edit(dump / file, 2, column, value)
    target = Store(tmp_path / "target.db")
    with pytest.raises(InvalidRecord) as info:
        import_csv(target, dump)
    assert expected in str(info.value)
    assert "Nothing was imported" in str(info.value)
    assert target.counts() == {}


def test_refusal_messages_in_chinese(tmp_path):
    dump = _dump(tmp_path)
    _edit(dump / "risks.csv", 2, "probability", "7")
    with language("zh"), pytest.raises(InvalidRecord) as info:
        import_csv(Store(tmp_path / "t.db"), dump)
    assert "risks.csv 第 2 行" in str(info.value) and "不能大于 5" in str(info.value)


def test_a_store_with_those_records_refuses_the_import(filled, tmp_path):
    export_csv(filled, tmp_path / "dump")
    before = filled.counts()
    with pytest.raises(InvalidRecord, match="already in the store"):
        import_csv(filled, tmp_path / "dump")
    assert filled.counts() == before


def test_duplicate_ids_and_ragged_rows(tmp_path):
    dump = _dump(tmp_path)
    lines = (dump / "lessons.csv").read_text(encoding="utf-8-sig").splitlines()
    with (dump / "lessons.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write(lines[1] + "\r\n")  # the same lesson twice
        fh.write("1,2\r\n")
    with pytest.raises(InvalidRecord) as info:
        import_csv(Store(tmp_path / "t.db"), dump)
    assert "used twice" in str(info.value) and "row has 2 cells" in str(info.value)


def test_files_that_are_not_commlib_csv(tmp_path):
    dump = _dump(tmp_path)
    target = Store(tmp_path / "t.db")
    (dump / "risks.csv").write_bytes("标题,概率\n风险,3\n".encode("gbk"))
    with pytest.raises(BadFile, match="not UTF-8"):
        import_csv(target, dump)
    (dump / "risks.csv").write_text("title,probability\nx,3\n", encoding="utf-8")
    with pytest.raises(BadFile, match="missing columns"):
        import_csv(target, dump)
    (dump / "risks.csv").write_text("", encoding="utf-8")
    with pytest.raises(BadFile, match="empty"):
        import_csv(target, dump)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BadFile, match="no commlib CSV files"):
        import_csv(target, tmp_path / "empty")
    assert target.counts() == {}


def test_not_a_folder(tmp_path):
    with pytest.raises(BadFile, match="not a folder"):
        import_csv(Store(tmp_path / "t.db"), tmp_path / "missing")


def test_export_one_project(filled, tmp_path):
    written = export_csv(filled, tmp_path, project="华辰 ERP 升级")
    assert written["projects"] == 1 and written["contacts"] == 2


def test_round_trip_of_the_demo_workbench_is_exact(tmp_path):
    from commlib.demo import build_demo

    demo = Store(tmp_path / "demo.db")
    build_demo(demo, today=__import__("datetime").date(2026, 11, 23))
    first, second, other = roundtrip(demo, tmp_path)
    assert same_files(first, second)
    assert other.counts() == demo.counts()
