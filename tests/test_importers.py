"""``commlib import``: detection by content, reports, transactions, contact-log CSV, the CLI.

Mail and calendar details are in test_importers_mail.py and test_importers_calendar.py;
every sample file is written here, in src.
"""

import json
import os
import random
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from commlib import Conflict, NotFound, Project, Stakeholder, Store
from commlib.cli import cli
from commlib.importers import IMPORTERS, import_files, render, summary

# --- a project to import into --------------------------------------------------------------


def make_project(store: Store) -> SimpleNamespace:
    """Team: nimbus.com (domain), @partner.cn (domain), lead@freelance.org (one address)."""
    project = store.add(
        Project(
            name="ERP",
            client="华辰",
            start=date(2026, 1, 1),
            end=date(2026, 12, 31),
            team=["nimbus.com", "@partner.cn", "lead@freelance.org"],
        )
    )

    def person(name: str, email: str, zone: str = "") -> int:
        added = store.add(Stakeholder(project_id=project.id, name=name, email=email, timezone=zone))
        return added.id

    return SimpleNamespace(
        store=store,
        project=project,
        zhang=person("张伟", "Zhang.Wei@HuaChen.cn", "Asia/Shanghai"),
        li=person("李娜", "li.na@huachen.cn", "Asia/Shanghai"),
        bob=person("Bob Smith", "bob@client-us.com", "America/New_York"),
    )


@pytest.fixture
def crm(store: Store) -> SimpleNamespace:
    return make_project(store)


def samples(tmp_path: Path) -> Path:
    """A folder for the sample files (the store lives next to it, not in it)."""
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


@pytest.fixture
def src(tmp_path: Path) -> Path:
    return samples(tmp_path)


def contacts(store: Store) -> list:
    return store.records("contacts", "ERP")


def one(reports):
    assert len(reports) == 1, reports
    return reports[0]


EML = (
    b"From: Zhang Wei <zhang.wei@huachen.cn>\r\n"
    b"To: lead@nimbus.com\r\n"
    b"Subject: Plan\r\n"
    b"Date: Thu, 05 Mar 2026 14:30:00 +0800\r\n"
    b"Message-ID: <plan@huachen.cn>\r\n"
    b"\r\n"
    b"Please send the plan.\r\n"
)
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:kickoff\r\nDTSTART:20260310T020000Z\r\nSUMMARY:Kick-off\r\n"
    "ORGANIZER:mailto:lead@nimbus.com\r\nATTENDEE:mailto:li.na@huachen.cn\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)
HEADER = "when,stakeholder,channel,direction,subject,summary,visibility\n"


# --- detection ------------------------------------------------------------------------------


def test_the_kind_comes_from_the_content_not_the_extension(crm, src):
    (src / "mail.dat").write_bytes(EML)
    (src / "meeting.txt").write_text(ICS)
    (src / "log.txt").write_text(HEADER + "2026-03-05 10:00,张伟,phone,inbound,Call,,\n")
    (src / "box.eml").write_bytes(b"From zhang.wei@huachen.cn Thu Mar  5 06:30:00 2026\n" + EML)
    reports = import_files(crm.store, src, "ERP")
    kinds = {Path(r.file).name: r.kind for r in reports}
    assert kinds == {
        "box.eml": "mbox",
        "log.txt": "contact_csv",
        "mail.dat": "eml",
        "meeting.txt": "ics",
    }
    assert all(r.ok for r in reports)
    # the message of mail.dat and box.eml is the same one: imported once
    assert [r.added for r in reports] == [1, 1, 0, 1]
    assert [r.duplicates for r in reports] == [0, 0, 1, 0]


def test_an_unknown_layout_is_refused_saying_what_is_expected(crm, src):
    path = src / "notes.csv"
    path.write_text("name,amount\nx,1\n")
    report = one(import_files(crm.store, path, "ERP"))
    assert not report.ok
    assert report.refused.startswith("a table of 2 columns (name, amount)")
    assert "commlib import --formats" in report.refused
    binary = src / "photo.eml"
    binary.write_bytes(bytes(range(256)) * 10)
    refused = one(import_files(crm.store, binary, "ERP")).refused
    assert refused.startswith("binary data, not text: not a kind of file commlib imports")


@pytest.mark.parametrize(
    ("encoding", "header"),
    [
        ("cp1252", "article,café,prix"),
        ("utf-16-le", "article,café,价格"),
        ("gbk", "物料,价格,数量"),
    ],
)
def test_a_refused_table_is_described_as_the_table_reader_reads_it(crm, src, encoding, header):
    path = src / "prices.csv"
    path.write_bytes(f"{header}\nx,1,2\n".encode(encoding))
    refused = one(import_files(crm.store, path, "ERP")).refused
    assert refused.startswith(f"a table of 3 columns ({header.replace(',', ', ')})"), refused


def test_missing_and_empty_files_are_refused_with_the_reason(crm, src):
    (src / "empty.eml").write_bytes(b"  \n")
    reports = import_files(crm.store, [src / "nope.ics", src / "empty.eml"], "ERP")
    assert [r.refused for r in reports] == ["no such file or folder", "the file is empty"]


def test_an_unknown_project_is_an_error(crm, src):
    with pytest.raises(NotFound, match="ERP"):
        import_files(crm.store, src, "nope")


def test_a_folder_imports_every_file_inside_sorted_without_hidden_files(crm, src):
    (src / "b" / "deep").mkdir(parents=True)
    (src / "b" / "deep" / "2.eml").write_bytes(EML.replace(b"<plan@", b"<two@"))
    (src / "a.eml").write_bytes(EML)
    (src / ".DS_Store").write_bytes(b"\x00\x01binary")
    (src / ".git").mkdir()
    (src / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    reports = import_files(crm.store, src, "ERP")
    assert [Path(r.file).relative_to(src).as_posix() for r in reports] == [
        "a.eml",
        "b/deep/2.eml",
    ]
    assert len(contacts(crm.store)) == 2


def test_one_unparsable_file_does_not_stop_the_others(crm, src):
    (src / "1.eml").write_bytes(EML)
    (src / "2-broken.ics").write_text("BEGIN:VCALENDAR\nthis is not a calendar\n")
    (src / "3.ics").write_text(ICS)
    reports = import_files(crm.store, src, "ERP")
    assert [r.ok for r in reports] == [True, False, True]
    assert reports[1].kind == "ics" and "cannot be read as a calendar" in reports[1].refused
    assert len(contacts(crm.store)) == 2
    text = render(reports)
    assert "2-broken.ics (calendar): REFUSED" in text
    assert "Total: 3 files, 2 added" in text and "1 files refused" in text


def test_each_file_is_one_transaction(crm, src, monkeypatch):
    """A write that fails half-way through a mailbox leaves nothing of that mailbox."""
    box = src / "box.mbox"
    box.write_bytes(
        b"".join(
            b"From zhang.wei@huachen.cn Thu Mar  5 06:30:00 2026\n"
            + EML.replace(b"<plan@", f"<m{i}@".encode())
            + b"\n"
            for i in range(3)
        )
    )
    original = Store._insert
    calls = []

    def failing(self, conn, record):
        calls.append(record)
        if len(calls) == 2:
            raise Conflict("disk full")
        return original(self, conn, record)

    monkeypatch.setattr(Store, "_insert", failing)
    report = one(import_files(crm.store, box, "ERP"))
    assert report.refused == "disk full" and report.added == 0
    monkeypatch.setattr(Store, "_insert", original)
    assert contacts(crm.store) == []
    assert one(import_files(crm.store, box, "ERP")).added == 3


def test_the_report_as_data_has_every_file_and_a_total(crm, src):
    (src / "a.eml").write_bytes(EML.replace(b"To: ", b"Cc: who@else.com\r\nTo: "))
    (src / "b.txt").write_text("plain text\n")
    data = summary(import_files(crm.store, src, "ERP"))
    json.dumps(data)  # plain data
    first, second = data["files"]
    assert first["kind"] == "eml" and first["added"] == 1 and first["ok"] is True
    assert first["unknown_addresses"] == ["who@else.com"]
    assert second["ok"] is False and second["refused"]
    assert data["total"] == {
        "files": 2,
        "added": 1,
        "duplicates": 0,
        "unrelated": 0,
        "outside_window": 0,
        "skipped": 0,
        "unknown_addresses": 1,
        "refused": 1,
    }


def test_reports_speak_chinese(crm, src):
    (src / "a.eml").write_bytes(EML)
    (src / "b.txt").write_text("?\n")
    reports = import_files(crm.store, src, "ERP", lang="zh")
    assert "不是 commlib 能导入的文件类型" in reports[1].refused
    from commlib.i18n import language

    with language("zh"):
        text = render(reports)
    assert "新增 1 条" in text and "合计：2 个文件" in text


def test_the_registry_is_open_to_new_importers():
    names = [i.name for i in IMPORTERS]
    assert names[:4] == ["ics", "mbox", "eml", "contact_csv"]  # surveys come after these
    for importer in IMPORTERS:
        assert importer.label() and importer.describe()


# --- contact-log CSV ------------------------------------------------------------------------


def test_a_gbk_csv_with_chinese_names_as_excel_saves_it(crm, src):
    path = src / "沟通记录.csv"
    rows = [
        "2026/3/5 14:30,张伟,phone,inbound,电话沟通：数据迁移,客户关心上线时间，要求下周给方案,\n",
        "2026-03-06 09:00,张伟；li.na@HUACHEN.cn,meeting,outbound,周会,,client\n",
        "2026-03-07T10:00:00+08:00,Bob Smith,email,,Scope,,\n",
    ]
    path.write_bytes((HEADER + "".join(rows)).replace("\n", "\r\n").encode("gbk"))
    report = one(import_files(crm.store, path, "ERP"))
    assert (report.ok, report.kind, report.added) == (True, "contact_csv", 3)
    first, second, third = contacts(crm.store)
    assert first.subject == "电话沟通：数据迁移" and first.summary.startswith("客户关心")
    assert (first.channel, first.direction, first.stakeholder_ids) == (
        "phone",
        "inbound",
        [crm.zhang],
    )
    assert second.stakeholder_ids == [crm.zhang, crm.li] and second.visibility == "client"
    assert third.when == datetime(2026, 3, 7, 2, 0, tzinfo=UTC)
    assert third.direction == "outbound" and third.visibility == "internal"  # the defaults
    assert {c.source for c in (first, second, third)} == {"csv"}
    again = one(import_files(crm.store, path, "ERP"))
    assert (again.added, again.duplicates) == (0, 3)


def test_utf8_with_bom_and_naive_times_in_the_local_zone(crm, src):
    path = src / "log.csv"
    body = HEADER + '2026/3/5 14:30,Bob Smith,video,inbound,Demo,"line 1\nline 2",\n'
    path.write_text(body, encoding="utf-8-sig")
    original = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    try:
        assert one(import_files(crm.store, path, "ERP")).added == 1
    finally:
        if original is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = original
        time.tzset()
    (contact,) = contacts(crm.store)
    assert contact.when == datetime(2026, 3, 5, 6, 30, tzinfo=UTC)
    assert contact.summary == "line 1\nline 2" and contact.channel == "video"


def test_the_same_content_saved_differently_is_still_a_duplicate(crm, src):
    first = src / "a.csv"
    first.write_text(HEADER + "2026-03-05 14:30,zhang.wei@huachen.cn,phone,inbound,Call,x,\n")
    second = src / "b.csv"
    second.write_bytes(
        (HEADER + "2026/3/5 14:30:00,张伟,Phone,inbound,Call,x,\n").encode("gb18030")
    )
    reports = import_files(crm.store, [first, second], "ERP")
    assert [(r.added, r.duplicates) for r in reports] == [(1, 0), (0, 1)]


def test_an_invalid_row_refuses_the_whole_file(crm, src):
    path = src / "log.csv"
    path.write_text(
        HEADER
        + "2026-03-05 10:00,张伟,phone,inbound,OK row,,\n"
        + "yesterday,张伟,phone,inbound,Bad when,,\n"
        + "2026-03-05 11:00,王五,phone,inbound,Unknown person,,\n"
        + "2026-03-05 12:00,张伟,fax,inbound,Bad channel,,\n"
        + "2026-03-05 13:00,张伟,phone,sideways,Bad direction,,public\n"
        + "2026-03-05 14:00,,phone,inbound,Nobody,,\n"
        + "2026-03-05 15:00,nobody@x.cn,phone,inbound,Unknown e-mail,,\n",
        encoding="utf-8",
    )
    report = one(import_files(crm.store, path, "ERP"))
    assert contacts(crm.store) == []
    assert report.kind == "contact_csv" and report.added == 0
    reason = report.refused
    assert "log.csv row 3, when = 'yesterday': not a date and time" in reason
    assert (
        "log.csv row 4, stakeholder = '王五': no stakeholder of this project has this name"
        in reason
    )
    assert "Bob Smith" in reason  # what is allowed
    assert (
        "log.csv row 5, channel = 'fax': not allowed; use one of" in reason and "'video'" in reason
    )
    assert "row 6, direction = 'sideways'" in reason and "row 6, visibility = 'public'" in reason
    assert "row 7, stakeholder = ''" in reason
    assert "row 8, stakeholder = 'nobody@x.cn'" in reason
    assert "Nothing of this file was imported" in reason


def test_wrong_columns_are_refused_listing_the_right_ones(crm, src):
    path = src / "log.csv"
    path.write_text("when,stakeholder,chanel,direction,subject,summary\n2026-03-05,张伟,,,,\n")
    reason = one(import_files(crm.store, path, "ERP")).refused
    assert (
        "missing columns: channel, visibility" in reason
        and "unknown or repeated columns: chanel" in reason
    )
    assert "when, stakeholder, channel, direction, subject, summary, visibility" in reason


def test_an_ambiguous_name_asks_for_the_e_mail(crm, src):
    crm.store.add(Stakeholder(project_id=crm.project.id, name="张伟", email="zw2@huachen.cn"))
    path = src / "log.csv"
    path.write_text(HEADER + "2026-03-05 10:00,张伟,phone,inbound,x,,\n")
    assert "2 stakeholders have this name" in one(import_files(crm.store, path, "ERP")).refused


def test_text_in_neither_utf8_nor_gbk_is_refused(crm, src):
    path = src / "log.csv"
    path.write_bytes(HEADER.encode() + b"2026-03-05 10:00,\xff\xfe\xff,phone,,,,\n")
    assert "neither UTF-8 nor GBK" in one(import_files(crm.store, path, "ERP")).refused


# --- the command line -----------------------------------------------------------------------


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"
    crm = make_project(Store(db))

    def invoke(*args, lang="en"):
        result = CliRunner().invoke(cli, ["--db", str(db), "--lang", lang, "import", *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        return result

    invoke.crm = crm
    return invoke


def test_cli_imports_and_says_what_happened(run, src):
    (src / "a.eml").write_bytes(EML)
    (src / "b.ics").write_text(ICS)
    result = run(str(src), "--project", "ERP")
    assert result.exit_code == 0, result.output
    assert "a.eml (e-mail): 1 added" in result.output
    assert "Total: 2 files, 2 added" in result.output
    again = run(str(src), "--project", "ERP", "--json")
    assert again.exit_code == 0
    payload = json.loads(again.output)
    assert payload["total"]["added"] == 0 and payload["total"]["duplicates"] == 2


def test_cli_exit_code_is_1_when_a_file_is_refused(run, src):
    (src / "a.eml").write_bytes(EML)
    (src / "broken.ics").write_text("BEGIN:VCALENDAR\n\x00garbage")
    result = run(str(src / "a.eml"), str(src / "broken.ics"), "--project", "ERP")
    assert result.exit_code == 1
    assert "broken.ics (calendar): REFUSED" in result.output
    assert "a.eml (e-mail): 1 added" in result.output
    zh = run(str(src / "broken.ics"), "--project", "ERP", lang="zh")
    assert zh.exit_code == 1 and "broken.ics（日历）：已拒绝" in zh.output


def test_cli_unknown_project_is_one_line(run, src):
    (src / "a.eml").write_bytes(EML)
    result = run(str(src / "a.eml"), "--project", "Nope")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_cli_window_options_reach_the_calendar(run, src):
    path = src / "c.ics"
    path.write_text(ICS)
    result = run(str(path), "--project", "ERP", "--since", "2026-04-01", "--json")
    report = json.loads(result.output)["files"][0]
    assert (report["added"], report["outside_window"]) == (0, 1)


# --- a hundred messy files ------------------------------------------------------------------


CHARSETS = ["utf-8", "gbk", "gb2312", "gb18030", "big5", "iso-2022-jp", "latin-1", "x-unknown"]
TEXTS = ["你好，方案已收到。", "請確認會議時間。", "会議の件、了解しました。", "Café à 14h ?", "OK"]
PEOPLE = [
    "zhang.wei@huachen.cn",
    "LI.NA@huachen.cn",
    "bob@client-us.com",
    "dev@nimbus.com",
    "x@partner.cn",
    "stranger@else.org",
    "not an address",
    "",
]
DATES = [
    "Thu, 05 Mar 2026 14:30:00 +0800",
    "5 Mar 2026 06:30 GMT",
    "Mon, 32 Foo 2026 99:99",
    "",
    "Thu, 01 Jan 1970 00:00:00 +0000",
    "2026-03-05T14:30:00",
]


def _messy_message(rng: random.Random, n: int) -> bytes:
    charset = rng.choice(CHARSETS)
    text = rng.choice(TEXTS) * rng.randint(1, 80)
    codec = {"x-unknown": "utf-8", "gb2312": "gb18030"}.get(charset, charset)
    body = text.encode(codec, "replace")
    cte = rng.choice(["8bit", "base64", "quoted-printable", "broken-base64"])
    if cte == "base64":
        import base64

        body = base64.encodebytes(body)
    elif cte == "broken-base64":
        import base64

        body = base64.encodebytes(body)[: rng.randint(0, 40)] + b"!!*\n===\n"
        cte = "base64"
    elif cte == "quoted-printable":
        import quopri

        body = quopri.encodestring(body)
    headers = [
        f"From: {rng.choice(PEOPLE)}",
        f"To: {rng.choice(PEOPLE)}, {rng.choice(PEOPLE)}",
        f"Subject: =?{charset}?B?aGVsbG8=?= {n}" if rng.random() < 0.5 else f"Subject: {n}",
        f"Date: {rng.choice(DATES)}",
        f"Message-ID: <m{n}@x>" if rng.random() < 0.7 else "",
        f"Content-Type: text/{rng.choice(['plain', 'html'])}; charset={charset}",
        f"Content-Transfer-Encoding: {cte}",
    ]
    rng.shuffle(headers)
    raw = ("\r\n".join(h for h in headers if h) + "\r\n\r\n").encode() + body
    if rng.random() < 0.2:  # damaged in transit
        cut = rng.randint(0, len(raw))
        raw = raw[:cut] + bytes(rng.randrange(256) for _ in range(20)) + raw[cut:]
    return raw


def _messy_calendar(rng: random.Random, n: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for i in range(rng.randint(0, 4)):
        start = rng.choice(
            [
                "DTSTART;TZID=Asia/Shanghai:20260310T100000",
                "DTSTART;TZID=Nowhere/Land:20260310T100000",
                "DTSTART:20260310T100000Z",
                "DTSTART;VALUE=DATE:20260311",
                "DTSTART:garbage",
                "",
            ]
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{n}-{i}" if rng.random() < 0.8 else "",
            start,
            rng.choice(["RRULE:FREQ=WEEKLY;COUNT=3", "RRULE:FREQ=SOMETIMES", "", ""]),
            rng.choice(["STATUS:CANCELLED", "", ""]),
            f"ORGANIZER:mailto:{rng.choice(PEOPLE)}",
            f"ATTENDEE:mailto:{rng.choice(PEOPLE)}",
            f"SUMMARY:{rng.choice(TEXTS)}",
            rng.choice(["LOCATION:https://teams.microsoft.com/l/x", "LOCATION:Room 1", ""]),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    data = "\r\n".join(line for line in lines if line).encode("utf-8")
    if rng.random() < 0.3:
        data = data[: rng.randint(15, len(data))]
    return data


def test_a_hundred_messy_files_never_crash_and_refusals_say_why(crm, src):
    rng = random.Random(20260305)
    folder = src / "export"
    folder.mkdir()
    for n in range(100):
        kind = rng.choice(["eml", "eml", "mbox", "ics", "ics", "bin"])
        if kind == "eml":
            data = _messy_message(rng, n)
        elif kind == "mbox":
            data = b"".join(
                b"From someone@x Thu Mar  5 06:30:00 2026\n"
                + _messy_message(rng, n * 10 + i)
                + b"\n"
                for i in range(rng.randint(1, 4))
            )
        elif kind == "ics":
            data = _messy_calendar(rng, n)
        else:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
        (folder / f"{n:03d}.{kind}").write_bytes(data)
    reports = import_files(crm.store, folder, "ERP")
    assert len(reports) == 100
    for report in reports:
        assert report.ok or report.refused.strip(), report
        assert "please report" not in (report.refused or ""), report  # no unexpected errors
        for skipped in report.skipped:
            assert skipped.reason.strip() and "please report" not in skipped.reason
    added = sum(r.added for r in reports)
    assert added == len(contacts(crm.store)) > 10
    assert sum(not r.ok for r in reports) > 0
    again = import_files(crm.store, folder, "ERP")
    assert sum(r.added for r in again) == 0
    assert sum(r.duplicates for r in again) == added
