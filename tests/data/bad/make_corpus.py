"""The bad-input corpus: files a user may hand to commlib by mistake, and what must happen.

    .venv/bin/python tests/data/bad/make_corpus.py     # rewrite the files and README.md

``CASES`` is the one list of them: the file (or, for ``commlib import-csv``, the folder), its
category, what it is, and what commlib must do with it. ``tests/test_bad_input.py`` runs every
case through the CLI against a store filled by ``tests.conftest.fill``; a test checks that the
committed files are what this script writes. Cases marked ``generated`` (multi-megabyte cells)
are written at test time instead of being committed.

Outcomes:

- ``refused``: exit code 1, one line naming the file and saying what is wrong (row and field
  where they apply) and how to fix it, no traceback, nothing written;
- ``skipped``: the file is read, the bad item is skipped with its reason, nothing written;
- ``imported``: not an error, but handled safely (see ``check``: the test's assertions).
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
#: the project of ``tests.conftest.fill``: its stakeholders, team and survey
PROJECT = "华辰 ERP 升级"
FOLDERS = ("contacts", "surveys", "mail", "calendar", "import_csv")
#: the size of a "huge" cell written at test time
HUGE = 2 * 1024 * 1024

Content = bytes | dict[str, bytes]


@dataclass(frozen=True)
class Case:
    path: str  # relative to this folder; a folder for import-csv
    category: str
    what: str
    build: Callable[[], Content]
    outcome: str = "refused"  # refused | skipped | imported
    expect: tuple[str, ...] = ()  # fragments of the (English) message, fix hint included
    args: tuple[str, ...] = ()  # more options of `commlib import`
    added: int = 0  # contacts or responses added (imported)
    check: str = ""  # the test's extra assertions for an imported case
    generated: bool = False  # written at test time, not committed

    @property
    def command(self) -> str:
        return "import-csv" if self.path.startswith("import_csv/") else "import"

    def write(self, root: Path) -> Path:
        """Write the case under ``root``; returns the path the command is given."""
        target = root / self.path
        content = self.build()
        if isinstance(content, dict):
            target.mkdir(parents=True, exist_ok=True)
            for name, data in content.items():
                (target / name).write_bytes(data)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        return target


# --- building blocks ------------------------------------------------------------------------


def _csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _garbage(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def _stable_zip(data: bytes) -> bytes:
    """A zip (an .xlsx) rewritten without the moment it was made: fixed timestamps, entries
    stored uncompressed, so the bytes are the same on every machine and every run."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "docProps/core.xml":
                content = re.sub(rb">\d{4}-\d\d-\d\dT[\d:.]+Z<", b">2026-01-01T00:00:00Z<", content)
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            target.writestr(info, content, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue())


def _xls(rows: list[list[str]]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value != "":
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cut(data: bytes, share: float) -> bytes:
    return data[: int(len(data) * share)]


# --- contact-log CSV (commlib import) -------------------------------------------------------

CONTACT_HEADER = ["when", "stakeholder", "channel", "direction", "subject", "summary", "visibility"]
CALL = [
    *["2026-03-05 10:00", "张伟", "phone", "inbound", "电话沟通：数据迁移", "客户关心上线时间"],
    "",
]


def _contacts(*rows: list[str], encoding: str = "utf-8") -> bytes:
    return _csv([CONTACT_HEADER, *rows], encoding)


def _with(row: list[str], **cells: str) -> list[str]:
    changed = list(row)
    for name, value in cells.items():
        changed[CONTACT_HEADER.index(name)] = value
    return changed


FORMULAS = [
    '=HYPERLINK("http://evil.example","点我")',
    "=cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "+86 138 0013 8000",
    "-5 days, then @mention",
]
SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'

# --- survey exports -------------------------------------------------------------------------

WJX_HEADER = [
    "序号",
    "提交答卷时间",
    "所用时间",
    "来源",
    "来源详情",
    "来自IP",
    "1、您对我们的服务满意吗？",
    "2、您有多大可能向朋友推荐我们？",
    "3、其他建议",
]
WJX_ROWS = [
    line.split(",")
    for line in [
        "1,2026/3/5 14:30:12,125秒,手机提交,直接访问,1.2.3.4(上海),非常满意,9,服务很好",
        "2,2026/3/5 15:01:00,2分5秒,微信,朋友圈,5.6.7.8(北京),满意,10,",
        "3,2026/3/6 09:00:00,1分,链接,直接访问,9.9.9.9(广州),一般,7,希望响应更快",
        "4,2026/3/6 10:00:00,3分,链接,直接访问,9.9.9.9(广州),不满意,6,文档不全",
        "5,2026/3/7 11:00:00,50秒,微信,朋友圈,1.1.1.1(深圳),满意,8,",
        "6,2026/3/7 12:00:00,70秒,微信,朋友圈,2.2.2.2(杭州),非常满意,10,很好",
    ]
]


def _wjx(**changes: tuple[int, int, str]) -> list[list[str]]:
    """The Wenjuanxing sample with some cells changed: name=(row index, column, value)."""
    rows = [list(r) for r in WJX_ROWS]
    for row, column, value in changes.values():
        rows[row][column] = value
    return [list(WJX_HEADER), *rows]


def _wjx_csv(**changes: tuple[int, int, str]) -> bytes:
    return _csv(_wjx(**changes))


def _truncated_wjx() -> bytes:
    last = "7,2026/3/8 09:00:00,1分,链接,直接访问,3.3.3.3(南京),满意,9,"
    return _wjx_csv() + (last + '"响应很快，但是文档').encode()


def _bad_bytes_late() -> bytes:
    """UTF-8 for the first 64 KB (what detection looks at), then a byte that is not."""
    rows = [list(WJX_HEADER)]
    for n in range(1, 900):
        row = list(WJX_ROWS[n % len(WJX_ROWS)])
        row[0] = str(n)
        rows.append(row)
    return _csv(rows) + b"900,2026/3/8 09:00:00,1\xff\xfe,x,y,z,\xe9,9,\r\n"


def _latin1_table() -> bytes:
    rows = [
        ["id", "submitted_at", "satisfaction", "comment"],
        ["1", "2026-03-05 10:00", "Très satisfait", "Café, croissants"],
        ["2", "2026-03-05 11:00", "Satisfait", "Réunion trop longue"],
    ]
    return _csv(rows, "latin-1")


QUALTRICS = [
    ["StartDate", "EndDate", "Status", "Progress", "Finished", "RecordedDate", "ResponseId", "Q1"],
    [
        *["Start Date", "End Date", "Response Type", "Progress", "Finished", "Recorded Date"],
        *["Response ID", "How satisfied are you?"],
    ],
    [
        '{"ImportId":"startDate","timeZone":"Asia/Shanghai"}',
        '{"ImportId":"endDate","timeZone":"Asia/Shanghai"}',
        '{"ImportId":"status"}',
        '{"ImportId":"progress"}',
        '{"ImportId":"finished"}',
        '{"ImportId":"recordedDate","timeZone":"Asia/Shanghai"}',
        '{"ImportId":"_recordId"}',
        '{"ImportId":"QID1"}',
    ],
    [
        "2026-03-05 10:00:00",
        "2026-03-05 10:05:00",
        "IP Address",
        "100",
        "True",
        "2026-03-05 10:05:01",
        "R_1",
        "Satisfied",
    ],
    [
        "2026-13-45 10:00:00",
        "2026-03-06 10:05:00",
        "IP Address",
        "100",
        "True",
        "2026-03-06 10:05:01",
        "R_2",
        "Neutral",
    ],
]

GOOGLE_FORMS = [
    ["Timestamp", "How likely are you to recommend us?", "What should we improve?"],
    ["2026/03/05 10:00:00", "9", "Faster replies"],
    ["2026/03/05 10:00:00", "9", "Faster replies"],
    ["2026/03/06 11:30:00", "7", "Documentation"],
]


def _not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(zipfile.ZipInfo("hello.txt", date_time=(2026, 1, 1, 0, 0, 0)), "hello")
    return buffer.getvalue()


def _huge_survey() -> bytes:
    return _wjx_csv(huge=(1, 8, "长" * HUGE))


# --- mail and calendars ---------------------------------------------------------------------

MAIL = (
    b"From: Zhang Wei <zhang.wei@huachen.cn>\r\n"
    b"To: lead@nimbus-consulting.com\r\n"
    b"Subject: =?utf-8?B?5pWw5o2u6L+B56e7?=\r\n"
)


def _mail(*headers: bytes, body: bytes = b"Please send the plan.\r\n") -> bytes:
    return MAIL + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


DATE = b"Date: Thu, 05 Mar 2026 14:30:00 +0800"

CAL_START = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//commlib tests//EN\r\n"
EVENT = (
    "BEGIN:VEVENT\r\nUID:kickoff@nimbus-consulting.com\r\nDTSTART:{start}\r\n"
    "SUMMARY:Kick-off\r\nORGANIZER:mailto:lead@nimbus-consulting.com\r\n"
    "ATTENDEE:mailto:zhang.wei@huachen.cn\r\nDESCRIPTION:{description}\r\nEND:VEVENT\r\n"
)


def _calendar(*events: str) -> bytes:
    return (CAL_START + "".join(events) + "END:VCALENDAR\r\n").encode()


def _event(start: str = "20260310T020000Z", description: str = "Agenda") -> str:
    return EVENT.format(start=start, description=description)


# --- import-csv folders ---------------------------------------------------------------------


def _export_row(kind: str, record: object) -> tuple[list[str], list[str]]:
    """The header and one row of a kind's CSV file, as ``commlib export-csv`` writes them."""
    from commlib.csvio import _cell, columns

    data = record.model_dump()  # type: ignore[attr-defined]
    header = columns(kind)
    return header, [_cell(data.get(c)) for c in header]


def _records() -> dict[str, object]:
    from datetime import UTC, date, datetime

    from commlib import Contact, Lesson, Project, Risk, Stakeholder

    at = datetime(2026, 3, 1, tzinfo=UTC)
    common = {"project_id": 900, "created_at": at, "updated_at": at}
    return {
        "projects": Project(
            id=900,
            name="坏输入 Bad input",
            client="测试客户",
            start=date(2026, 3, 1),
            created_at=at,
            updated_at=at,
        ),
        "stakeholders": Stakeholder(id=900, name="王芳", **common),
        "contacts": Contact(id=900, when=at, stakeholder_ids=[900], subject="周会", **common),
        "risks": Risk(id=900, title="数据迁移延误", probability=3, impact=4, **common),
        "lessons": Lesson(id=900, title="尽早确认口径", recorded_on=date(2026, 3, 20), **common),
    }


def _folder(**edits: dict[str, str] | list[dict[str, str]] | bytes) -> dict[str, bytes]:
    """A folder of CSV files like ``export-csv`` writes (project 900 and one record of each
    kind named), each kind's row changed by ``{column: text}`` (a list: several rows), or
    replaced by raw bytes."""
    records = _records()
    files = {}
    for kind in dict.fromkeys(["projects", *edits]):
        change = edits.get(kind, {})
        if isinstance(change, bytes):
            files[f"{kind}.csv"] = change
            continue
        header, row = _export_row(kind, records[kind])
        rows = []
        for one in change if isinstance(change, list) else [change]:
            edited = list(row)
            for column, value in one.items():
                edited[header.index(column)] = value
            rows.append(edited)
        files[f"{kind}.csv"] = codecs.BOM_UTF8 + _csv([header, *rows])
    return files


def _lessons_csv(encoding: str, title: str) -> bytes:
    header, row = _export_row("lessons", _records()["lessons"])
    row[header.index("title")] = title
    return _csv([header, row], encoding)


def _truncated_lessons() -> bytes:
    header, row = _export_row("lessons", _records()["lessons"])
    row[header.index("what_happened")] = '客户说, "先上线, 再补文档", 结果'  # a quoted cell
    text = _csv([header, row]).decode()
    return codecs.BOM_UTF8 + text[: text.index("结果") + 2].encode()


# --- the cases ------------------------------------------------------------------------------

P = ("--project", PROJECT)

CASES: list[Case] = [
    # contact-log CSV
    Case(
        "contacts/truncated.csv",
        "truncated",
        "a contact log cut inside a quoted cell",
        lambda: _contacts(CALL) + b'2026-03-06 09:00,Li Na,email,outbound,"Plan, v2',
        expect=("truncated.csv cannot be read as CSV", "line 3", "cut short", "save it again"),
    ),
    Case(
        "contacts/latin1.csv",
        "encoding",
        "Latin-1 text (neither UTF-8 nor GBK)",
        lambda: _contacts(
            ["2026-03-05 10:00", "Li Na", "email", "inbound", "Café, réunion", "Très bien", ""],
            encoding="latin-1",
        ),
        expect=("latin1.csv is neither UTF-8 nor GBK", "CSV UTF-8"),
    ),
    Case(
        "contacts/utf16.csv",
        "encoding",
        "UTF-16 with a BOM: read like UTF-8",
        lambda: _contacts(CALL, encoding="utf-16"),
        outcome="imported",
        added=1,
        check="utf16",
    ),
    Case(
        "contacts/binary.csv",
        "binary",
        "random bytes named .csv",
        lambda: _garbage(2048, 1),
        expect=("binary data, not text", "not a kind of file commlib imports", "--formats"),
    ),
    Case(
        "contacts/huge_cell.csv",
        "huge",
        "a 2 MB summary (beyond the csv module's 128 KB cell limit)",
        lambda: _contacts(_with(CALL, summary="长" * HUGE)),
        expect=("huge_cell.csv row 2, summary", "at most 20000 characters", "import it again"),
        generated=True,
    ),
    Case(
        "contacts/formula.csv",
        "formula",
        "formula-injection text in subject and summary: stored as text, quoted on export",
        lambda: _contacts(
            *[
                _with(CALL, when=f"2026-03-0{n + 1} 10:00", subject=f)
                for n, f in enumerate(FORMULAS)
            ],
            _with(CALL, when="2026-03-09 10:00", subject="'=1+1", summary=FORMULAS[1]),
        ),
        outcome="imported",
        added=6,
        check="formula",
    ),
    Case(
        "contacts/impossible_date.csv",
        "date",
        "30 February",
        lambda: _contacts(CALL, _with(CALL, when="2026-02-30 10:00")),
        expect=("impossible_date.csv row 3, when = '2026-02-30 10:00'", "not a date and time"),
    ),
    Case(
        "contacts/year_one.csv",
        "date",
        "a moment before year 1 in UTC (0001-01-01 00:00 at UTC+8)",
        lambda: _contacts(_with(CALL, when="0001-01-01T00:00+08:00")),
        expect=("year_one.csv row 2, when = '0001-01-01T00:00+08:00'", "write e.g. 2026-03-05"),
    ),
    Case(
        "contacts/bad_codes.csv",
        "range",
        "channel, direction and visibility outside their codes",
        lambda: _contacts(_with(CALL, channel="fax", direction="sideways", visibility="public")),
        expect=("bad_codes.csv row 2, channel = 'fax': not allowed; use one of", "'video'"),
    ),
    Case(
        "contacts/html.csv",
        "html",
        "HTML and script in subject and summary: stored verbatim, escaped on output",
        lambda: _contacts(_with(CALL, subject=SCRIPT, summary=IMG)),
        outcome="imported",
        added=1,
        check="html",
    ),
    Case(
        "contacts/empty.csv",
        "empty",
        "no bytes at all",
        lambda: b"",
        expect=("the file is empty",),
    ),
    Case(
        "contacts/bom_only.csv",
        "empty",
        "only a UTF-8 byte-order mark, as Excel saves an empty sheet",
        lambda: codecs.BOM_UTF8,
        expect=("the file is empty",),
    ),
    Case(
        "contacts/blank_lines.csv",
        "empty",
        "only blank lines",
        lambda: b"\r\n  \r\n\r\n",
        expect=("the file is empty",),
    ),
    Case(
        "contacts/header_only.csv",
        "empty",
        "the header row and nothing else: nothing to import, not an error",
        lambda: _contacts(),
        outcome="imported",
        added=0,
    ),
    Case(
        "contacts/duplicate_columns.csv",
        "duplicate",
        "the column when twice",
        lambda: _csv([["when", *CONTACT_HEADER], ["2026-03-05 10:00", *CALL]]),
        expect=("unknown or repeated columns: when", "the columns are: when, stakeholder"),
    ),
    Case(
        "contacts/duplicate_rows.csv",
        "duplicate",
        "the same contact twice: stored once, the other counted as already imported",
        lambda: _contacts(CALL, CALL),
        outcome="imported",
        added=1,
    ),
    Case(
        "contacts/control_characters.csv",
        "binary",
        "a control character (\\x01) in a subject",
        lambda: _contacts(_with(CALL, subject="电话\x01沟通")),
        expect=("control_characters.csv row 2, subject", "contains control characters"),
    ),
    Case(
        "contacts/ragged.csv",
        "truncated",
        "a row with more cells than the header",
        lambda: _contacts(CALL, [*CALL, "extra", "cells"]),
        expect=("ragged.csv row 3", "row has 9 cells but the header has 7", "import it again"),
    ),
    # survey exports
    Case(
        "surveys/wjx_truncated.csv",
        "truncated",
        "a Wenjuanxing CSV cut inside a quoted answer",
        _truncated_wjx,
        expect=("the table cannot be read", "EOF inside string", "save it again"),
    ),
    Case(
        "surveys/wjx_truncated.xlsx",
        "truncated",
        "a Wenjuanxing .xlsx cut in half (a zip without its directory)",
        lambda: _cut(_xlsx(_wjx()), 0.5),
        expect=("the workbook cannot be read", "cut short or damaged", "save it again as .xlsx"),
    ),
    Case(
        "surveys/wjx_truncated_early.xlsx",
        "truncated",
        "only the first 300 bytes of an .xlsx",
        lambda: _xlsx(_wjx())[:300],
        expect=("the workbook cannot be read", "cut short or damaged"),
    ),
    Case(
        "surveys/wjx_truncated.xls",
        "truncated",
        "an old-style .xls cut in half",
        lambda: _cut(_xls(_wjx()), 0.5),
        expect=("the workbook cannot be read", "cut short or damaged"),
    ),
    Case(
        "surveys/not_a_workbook.xlsx",
        "binary",
        "a zip file that holds no workbook",
        _not_a_workbook,
        expect=("the workbook cannot be read", "save it again as .xlsx"),
    ),
    Case(
        "surveys/binary.xlsx",
        "binary",
        "a zip signature followed by random bytes",
        lambda: b"PK\x03\x04" + _garbage(2048, 2),
        expect=("the workbook cannot be read", "save it again as .xlsx"),
    ),
    Case(
        "surveys/binary.csv",
        "binary",
        "random bytes named .csv, with --survey",
        lambda: _garbage(2048, 3),
        args=("--survey", "S"),
        expect=("binary data, not text", "not a kind of file commlib imports", "--formats"),
    ),
    Case(
        "surveys/latin1.csv",
        "encoding",
        "a table of responses in Latin-1: the encoding is guessed, and the report says so",
        _latin1_table,
        args=("--survey", "S"),
        outcome="imported",
        added=2,
    ),
    Case(
        "surveys/wjx_bad_bytes_late.csv",
        "encoding",
        "UTF-8 for the first 64 KB, then bytes that are not",
        _bad_bytes_late,
        expect=("neither UTF-8, UTF-16 nor GBK/GB18030", "save it again as UTF-8 CSV"),
    ),
    Case(
        "surveys/wjx_huge_cell.csv",
        "huge",
        "a 2 MB open-text answer",
        _huge_survey,
        expect=("respondent 2, Q3 = '长长", "at most 20000 characters", "fix these values"),
        generated=True,
    ),
    Case(
        "surveys/wjx_formula.csv",
        "formula",
        "formula-injection text as answers and as a question: stored, quoted on export",
        lambda: _wjx_csv(
            a=(0, 8, FORMULAS[0]), b=(1, 8, FORMULAS[1]), c=(2, 8, FORMULAS[2])
        ).replace("3、其他建议".encode(), "3、=1+1 其他建议".encode()),
        outcome="imported",
        added=6,
        check="formula_survey",
    ),
    Case(
        "surveys/wjx_impossible_date.csv",
        "date",
        "a submission time of 30 February",
        lambda: _wjx_csv(date=(2, 1, "2026/2/30 09:00:00")),
        expect=("row 4, 提交答卷时间 = '2026/2/30 09:00:00'", "not a date and time that exists"),
    ),
    Case(
        "surveys/wjx_impossible_date.xlsx",
        "date",
        "the same in an .xlsx",
        lambda: _xlsx(_wjx(date=(2, 1, "2026/2/30 09:00:00"))),
        expect=("row 4, 提交答卷时间 = '2026/2/30 09:00:00'", "correct it and import it again"),
    ),
    Case(
        "surveys/qualtrics_impossible_date.csv",
        "date",
        "a Qualtrics export (three header rows) with month 13",
        lambda: _csv(QUALTRICS, "utf-8-sig"),
        expect=("row 5, StartDate = '2026-13-45 10:00:00'", "not a date and time that exists"),
    ),
    Case(
        "surveys/wjx_nps_out_of_range.csv",
        "range",
        "an NPS (0–10) answer of 11",
        lambda: _wjx_csv(nps=(3, 7, "11")),
        expect=("respondent 4, Q2 = 11: a whole number from 0 to 10", "fix these values"),
    ),
    Case(
        "surveys/out_of_range_stored_nps.csv",
        "range",
        "a table going into the stored survey whose Q1 is NPS, with Q1 = 12",
        lambda: _csv([["Q1", "comment"], ["9", "good"], ["12", "too good"]]),
        args=("--survey", "项目满意度", "--wave", "W1"),
        expect=("respondent 2, Q1 = 12: a whole number from 0 to 10",),
    ),
    Case(
        "surveys/wjx_html.csv",
        "html",
        "HTML and script as answers: stored verbatim, escaped on output",
        lambda: _wjx_csv(a=(0, 8, SCRIPT), b=(1, 8, IMG)),
        outcome="imported",
        added=6,
        check="html_survey",
    ),
    Case(
        "surveys/empty.csv",
        "empty",
        "no bytes at all, with --survey",
        lambda: b"",
        args=("--survey", "S"),
        expect=("the file is empty",),
    ),
    Case(
        "surveys/wjx_header_only.csv",
        "empty",
        "the header row and no responses",
        lambda: _csv([WJX_HEADER]),
        expect=("the export holds no responses",),
    ),
    Case(
        "surveys/empty_sheet.xlsx",
        "empty",
        "a workbook whose first sheet is empty",
        lambda: _xlsx([]),
        expect=("the workbook's first sheet is empty",),
    ),
    Case(
        "surveys/wjx_duplicate_ids.csv",
        "duplicate",
        "two responses with 序号 3",
        lambda: _wjx_csv(twice=(3, 0, "3")),
        expect=("respondent = '3': this respondent id is used by 2 rows", "its own id"),
    ),
    Case(
        "surveys/google_forms_duplicate_rows.csv",
        "duplicate",
        "a Google Forms row twice (ids come from the content): stored once",
        lambda: _csv(GOOGLE_FORMS),
        outcome="imported",
        added=2,
    ),
    Case(
        "surveys/wjx_control_characters.csv",
        "binary",
        "control characters in two answers: replaced by spaces, with a note",
        lambda: _wjx_csv(a=(0, 8, "服务\x01很好"), b=(2, 8, "希望\x0b响应更快")),
        outcome="imported",
        added=6,
        check="control_survey",
    ),
    # mail
    Case(
        "mail/binary.eml",
        "binary",
        "random bytes named .eml",
        lambda: _garbage(2048, 4),
        expect=("binary data, not text", "not a kind of file commlib imports"),
    ),
    Case(
        "mail/binary_after_from_line.mbox",
        "binary",
        "an mbox “From ” line followed by random bytes",
        lambda: b"From zhang.wei@huachen.cn Thu Mar  5 06:30:00 2026\n" + _garbage(1024, 5),
        expect=("none of its 1 message(s) is an e-mail", "export the mailbox again"),
    ),
    Case(
        "mail/truncated_headers.eml",
        "truncated",
        "a message cut inside its headers, before any date",
        lambda: MAIL + b"Message-ID: <cut@huachen.cn>\r\nCont",
        outcome="skipped",
        expect=("no date: no Date: header",),
    ),
    Case(
        "mail/impossible_date.eml",
        "date",
        "Date: 30 February",
        lambda: _mail(b"Date: Mon, 30 Feb 2026 10:00:00 +0800", b"Message-ID: <feb30@huachen.cn>"),
        outcome="skipped",
        expect=("the date 'Mon, 30 Feb 2026 10:00:00 +0800' cannot be read",),
    ),
    Case(
        "mail/html_script.eml",
        "html",
        "an HTML body with a script: the summary keeps the visible text only",
        lambda: _mail(
            DATE,
            b"Message-ID: <html@huachen.cn>",
            b"Content-Type: text/html; charset=utf-8",
            body=f"<p>方案收到 {SCRIPT}<b>谢谢</b></p>".encode(),
        ),
        outcome="imported",
        added=1,
        check="html_mail",
    ),
    Case(
        "mail/formula_subject.eml",
        "formula",
        "a subject that is a formula: stored as text, quoted on export",
        lambda: _mail(
            DATE, b"Message-ID: <formula@huachen.cn>", body=b"=cmd|' /C calc'!A0\r\n"
        ).replace(b"=?utf-8?B?5pWw5o2u6L+B56e7?=", b'=HYPERLINK("http://evil.example")'),
        outcome="imported",
        added=1,
        check="formula_mail",
    ),
    Case(
        "mail/huge_subject.eml",
        "huge",
        "a 2 MB subject: kept to its first 200 characters",
        lambda: _mail(DATE, b"Message-ID: <huge@huachen.cn>").replace(
            b"=?utf-8?B?5pWw5o2u6L+B56e7?=", b"x" * HUGE
        ),
        outcome="imported",
        added=1,
        check="huge_mail",
        generated=True,
    ),
    Case(
        "mail/empty.eml",
        "empty",
        "only white space",
        lambda: b" \r\n\r\n",
        expect=("the file is empty",),
    ),
    # calendars
    Case(
        "calendar/truncated.ics",
        "truncated",
        "a calendar cut inside its event",
        lambda: _calendar(_event())[:150],
        expect=("the file is cut short", "ending in END:VCALENDAR"),
    ),
    Case(
        "calendar/binary.ics",
        "binary",
        "BEGIN:VCALENDAR followed by random bytes",
        lambda: b"BEGIN:VCALENDAR\r\n" + _garbage(1024, 6),
        expect=("cannot be read as a calendar",),
    ),
    Case(
        "calendar/impossible_date.ics",
        "date",
        "an event starting on 30 February",
        lambda: _calendar(_event(start="20260230T020000Z")),
        outcome="skipped",
        expect=("the start time cannot be read",),
    ),
    Case(
        "calendar/html_description.ics",
        "html",
        "a description with a script: stored verbatim, escaped on output",
        lambda: _calendar(_event(description=f"{SCRIPT} see <b>agenda</b>")),
        outcome="imported",
        added=1,
        check="html_calendar",
    ),
    Case(
        "calendar/duplicate_uid.ics",
        "duplicate",
        "the same event (UID and start) twice: stored once",
        lambda: _calendar(_event(), _event()),
        outcome="imported",
        added=1,
    ),
    Case(
        "calendar/empty.ics",
        "empty",
        "no bytes at all",
        lambda: b"",
        expect=("the file is empty",),
    ),
    # commlib import-csv
    Case(
        "import_csv/truncated",
        "truncated",
        "lessons.csv cut inside a quoted cell",
        lambda: _folder(lessons=_truncated_lessons()),
        expect=("lessons.csv cannot be read as CSV", "unexpected end of data", "cut short"),
    ),
    Case(
        "import_csv/gbk",
        "encoding",
        "lessons.csv saved as GBK",
        lambda: _folder(lessons=_lessons_csv("gbk", "尽早确认口径")),
        expect=("lessons.csv is not UTF-8 text", "CSV UTF-8"),
    ),
    Case(
        "import_csv/binary",
        "binary",
        "lessons.csv of random bytes",
        lambda: _folder(lessons=b"\xff" + _garbage(1024, 7)),
        expect=("lessons.csv is not UTF-8 text",),
    ),
    Case(
        "import_csv/huge_cell",
        "huge",
        "a 2 MB what_happened (beyond the csv module's 128 KB cell limit)",
        lambda: _folder(lessons={"what_happened": "长" * HUGE}),
        expect=("lessons.csv row 2, what_happened", "at most 20000 characters", "run again"),
        generated=True,
    ),
    Case(
        "import_csv/nested_json",
        "huge",
        "a list field nested 5000 levels deep",
        lambda: _folder(projects={"goals": "[" * 5000}),
        expect=("projects.csv row 2, goals", "not valid JSON"),
    ),
    Case(
        "import_csv/formula",
        "formula",
        "formulas written without the leading ' (edited by hand): stored as text",
        lambda: _folder(lessons={"title": FORMULAS[0], "what_happened": FORMULAS[1]}),
        outcome="imported",
        check="formula_csv",
    ),
    Case(
        "import_csv/impossible_date",
        "date",
        "recorded_on 30 February",
        lambda: _folder(lessons={"recorded_on": "2026-02-30"}),
        expect=("lessons.csv row 2, recorded_on = '2026-02-30': not a real date",),
    ),
    Case(
        "import_csv/year_one",
        "date",
        "a contact at 0001-01-01 00:00 UTC+8 (before year 1 in UTC)",
        lambda: _folder(contacts={"when": "0001-01-01T00:00:00+08:00"}),
        expect=("contacts.csv row 2, when = '0001-01-01T00:00:00+08:00'", "not a real moment"),
    ),
    Case(
        "import_csv/out_of_range",
        "range",
        "probability 7, impact 0, sentiment 3",
        lambda: _folder(risks={"probability": "7", "impact": "0"}, contacts={"sentiment": "3"}),
        expect=(
            "risks.csv row 2, probability = '7': must be at most 5",
            "impact = '0': must be at least 1",
            "contacts.csv row 2, sentiment = '3': must be at most 2",
            "Nothing was imported",
        ),
    ),
    Case(
        "import_csv/huge_id",
        "range",
        "an id beyond the store's integers",
        lambda: _folder(lessons={"id": "99999999999"}),
        expect=("lessons.csv row 2, id = 99999999999: must be at most 2147483647",),
    ),
    Case(
        "import_csv/bad_timezone",
        "range",
        "a time zone that names a folder of the zone database (Asia)",
        lambda: _folder(stakeholders={"timezone": "Asia"}),
        expect=("stakeholders.csv row 2, timezone = 'Asia': unknown time zone",),
    ),
    Case(
        "import_csv/reversed_hours",
        "range",
        "working hours that end before they start",
        lambda: _folder(stakeholders={"work_hours": "18:00-09:00"}),
        expect=("stakeholders.csv row 2, work_hours = '18:00-09:00': ends at 09:00",),
    ),
    Case(
        "import_csv/unknown_holidays",
        "range",
        "a holiday calendar no country has",
        lambda: _folder(stakeholders={"holiday_region": "XX-YY"}),
        expect=("stakeholders.csv row 2, holiday_region = 'XX-YY': not a holiday calendar",),
    ),
    Case(
        "import_csv/html",
        "html",
        "HTML and script in a title and a text: stored verbatim",
        lambda: _folder(lessons={"title": SCRIPT, "what_happened": IMG}),
        outcome="imported",
        check="html_csv",
    ),
    Case(
        "import_csv/empty",
        "empty",
        "lessons.csv with no bytes",
        lambda: _folder(lessons=b""),
        expect=("lessons.csv is empty: it needs at least the header row",),
    ),
    Case(
        "import_csv/duplicate_ids",
        "duplicate",
        "two lessons with id 900",
        lambda: _folder(lessons=[{}, {"title": "另一条"}]),
        expect=("lessons.csv row 3, id = 900: id 900 is used twice in this file",),
    ),
    Case(
        "import_csv/already_stored",
        "duplicate",
        "the project of the filled store (id 1, same name) again",
        lambda: _folder(projects={"id": "1", "name": PROJECT}),
        expect=("is already in the store",),
    ),
    Case(
        "import_csv/control_characters",
        "binary",
        "a control character in a title",
        lambda: _folder(lessons={"title": "尽早\x01确认"}),
        expect=("lessons.csv row 2, title", "contains control characters"),
    ),
]

CATEGORIES = {
    "truncated": "truncated files",
    "encoding": "wrong encodings",
    "binary": "binary garbage and control characters",
    "huge": "huge cells",
    "formula": "formula injection",
    "date": "impossible dates",
    "range": "values out of range",
    "html": "HTML and script in text",
    "empty": "empty files",
    "duplicate": "duplicate ids and rows",
}


def readme() -> str:
    lines = [
        "# Bad input",
        "",
        "Files a user may hand to commlib by mistake, and what must happen to each. Written by",
        "`make_corpus.py` (run it after changing a case: `.venv/bin/python "
        "tests/data/bad/make_corpus.py`);",
        "`tests/test_bad_input.py` runs every case through the CLI against a filled store.",
        "`refused`: exit code 1, one line naming the file, what is wrong and how to fix it, "
        "nothing written.",
        "`skipped`: the item is skipped with its reason, nothing written. `imported`: not an "
        "error, handled safely.",
        "Files marked *generated* are written at test time (2 MB cells), not committed.",
        "",
        "| file | category | what it is | outcome | the message says |",
        "| --- | --- | --- | --- | --- |",
    ]
    for case in CASES:
        name = f"`{case.path}`" + (" *generated*" if case.generated else "")
        args = f" (`{' '.join(case.args)}`)" if case.args else ""
        says = "; ".join(f"“{e}”" for e in case.expect) or "-"
        what = case.what.replace("|", "\\|")
        says = says.replace("|", "\\|")
        lines.append(f"| {name}{args} | {case.category} | {what} | {case.outcome} | {says} |")
    return "\n".join(lines) + "\n"


def main(root: Path = HERE) -> list[Path]:
    """Write every committed case and README.md under ``root``; returns what was written."""
    for folder in FOLDERS:
        shutil.rmtree(root / folder, ignore_errors=True)
    written = [case.write(root) for case in CASES if not case.generated]
    (root / "README.md").write_text(readme(), encoding="utf-8")
    return written


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[2]))  # commlib from this checkout
    for path in main():
        print(path.relative_to(HERE))
