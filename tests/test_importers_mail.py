"""E-mail import: charsets, encodings, multipart, dates, ids, people, summaries, mbox."""

import base64
import gzip
import io
import itertools
import quopri
import struct
import warnings
from datetime import UTC, datetime
from email.header import Header
from pathlib import Path

import pytest

from commlib import Project
from commlib.i18n import t
from commlib.importers import import_files
from commlib.importers.mail import _contact, decode_bytes, split_mbox

from .test_importers import contacts, make_project, one, samples


@pytest.fixture
def crm(store):
    return make_project(store)


@pytest.fixture
def src(tmp_path):
    return samples(tmp_path)


ZHANG = "Zhang Wei <zhang.wei@huachen.cn>"
LEAD = "Lead <lead@freelance.org>"


def message(
    *,
    frm: str = ZHANG,
    to: str = "dev@nimbus.com",
    cc: str = "",
    subject: str = "Plan",
    date: str | None = "Thu, 05 Mar 2026 14:30:00 +0800",
    mid: str | None = "<m1@huachen.cn>",
    body: str | bytes = "Hello",
    charset: str | None = "utf-8",
    cte: str = "8bit",
    ctype: str = "text/plain",
    extra: str = "",
) -> bytes:
    """A one-part message, encoded as asked (``body`` bytes are taken as they are)."""
    data = body if isinstance(body, bytes) else body.encode(charset or "utf-8")
    if cte == "base64":
        data = base64.encodebytes(data)
    elif cte == "quoted-printable":
        data = quopri.encodestring(data)
    ctype_line = f"{ctype}; charset={charset}" if charset else ctype
    headers = [
        f"From: {frm}",
        f"To: {to}",
        f"Cc: {cc}" if cc else "",
        f"Subject: {subject}",
        f"Date: {date}" if date is not None else "",
        f"Message-ID: {mid}" if mid else "",
        "MIME-Version: 1.0",
        f"Content-Type: {ctype_line}",
        f"Content-Transfer-Encoding: {cte}",
        extra,
    ]
    head = "\r\n".join(h for h in headers if h) + "\r\n\r\n"
    return head.encode("utf-8") + data


def encoded(text: str, charset: str) -> str:
    return Header(text, charset).encode()


def imported(crm, src, name: str, data: bytes):
    path = src / name
    path.write_bytes(data)
    return one(import_files(crm.store, path, "ERP"))


# --- people and directions ------------------------------------------------------------------


def test_a_stakeholder_writing_to_the_team_is_inbound_matched_in_any_case(crm, src):
    data = message(frm="ZHANG WEI <Zhang.Wei@HUACHEN.CN>", cc="Li.Na@HuaChen.cn")
    report = imported(crm, src, "in.eml", data)
    assert (report.kind, report.added, report.unknown_addresses) == ("eml", 1, [])
    (contact,) = contacts(crm.store)
    assert contact.direction == "inbound" and contact.channel == "email"
    assert contact.stakeholder_ids == [crm.zhang, crm.li]
    assert contact.when == datetime(2026, 3, 5, 6, 30, tzinfo=UTC)
    assert (contact.visibility, contact.source, contact.source_id) == (
        "internal",
        "email",
        "<m1@huachen.cn>",
    )


@pytest.mark.parametrize(
    "sender",
    [
        "dev@nimbus.com",  # team domain
        "Someone <SOMEONE@NIMBUS.COM>",  # any case
        "pm@cn.nimbus.com",  # a subdomain of a team domain
        "x@partner.cn",  # a domain written "@partner.cn"
        LEAD,  # one exact address
    ],
)
def test_the_team_writing_is_outbound(crm, src, sender):
    imported(crm, src, "out.eml", message(frm=sender, to=ZHANG))
    (contact,) = contacts(crm.store)
    assert contact.direction == "outbound" and contact.stakeholder_ids == [crm.zhang]


def test_an_address_next_to_a_team_address_is_not_team(crm, src):
    data = message(frm="other@freelance.org", to="bob@client-us.com")
    report = imported(crm, src, "a.eml", data)
    assert contacts(crm.store)[0].direction == "inbound"
    assert report.unknown_addresses == ["other@freelance.org"]


def test_unknown_addresses_are_listed_not_made_stakeholders(crm, src):
    data = message(
        frm="New Person <New.Person@HuaChen.cn>", to="dev@nimbus.com", cc="zhang.wei@huachen.cn"
    )
    report = imported(crm, src, "a.eml", data)
    assert report.unknown_addresses == ["new.person@huachen.cn"]
    assert len(crm.store.records("stakeholders", "ERP")) == 3
    assert contacts(crm.store)[0].stakeholder_ids == [crm.zhang]


def test_the_team_with_someone_unknown_is_kept_for_review(crm, src):
    report = imported(crm, src, "a.eml", message(frm="dev@nimbus.com", to="cfo@huachen.cn"))
    assert report.added == 1 and report.unknown_addresses == ["cfo@huachen.cn"]
    assert contacts(crm.store)[0].stakeholder_ids == []


def test_unrelated_and_internal_messages_are_skipped_and_counted(crm, src):
    newsletter = message(frm="news@shop.com", to="someone@else.com", mid="<n@shop>")
    internal = message(frm="dev@nimbus.com", to="x@partner.cn", mid="<i@nimbus>")
    box = src / "box.mbox"
    box.write_bytes(
        b"From news@shop.com Thu Mar  5 06:30:00 2026\n"
        + newsletter
        + b"\n\nFrom dev@nimbus.com Thu Mar  5 06:30:00 2026\n"
        + internal
        + b"\n"
    )
    report = one(import_files(crm.store, box, "ERP"))
    assert (report.added, report.unrelated, report.unknown_addresses) == (0, 2, [])


# --- charsets and transfer encodings --------------------------------------------------------


@pytest.mark.parametrize(
    ("charset", "text", "cte"),
    [
        ("utf-8", "您好，数据迁移方案已发送。", "8bit"),
        ("utf-8", "您好，数据迁移方案已发送。", "quoted-printable"),
        ("utf-8", "您好，数据迁移方案已发送。", "base64"),
        ("gbk", "您好，数据迁移方案已发送。", "base64"),
        ("gb18030", "您好，数据迁移方案已发送。", "8bit"),
        ("big5", "您好，資料遷移方案已發送。", "base64"),
        ("iso-2022-jp", "データ移行の計画をお送りします。", "7bit"),
        ("iso-8859-1", "Le plan est envoyé, à bientôt.", "quoted-printable"),
    ],
)
def test_subject_and_body_in_each_charset(crm, src, charset, text, cte):
    data = message(subject=encoded(text[:8], charset), body=text, charset=charset, cte=cte)
    report = imported(crm, src, "a.eml", data)
    assert report.added == 1 and report.warnings == []
    (contact,) = contacts(crm.store)
    assert contact.subject == text[:8].strip()
    assert contact.summary == text


def test_gb2312_declared_is_read_as_gb18030(crm, src):
    text = "朱镕基与喆的方案"  # 镕 and 喆 are not in GB2312, but Outlook writes them anyway
    raw_subject = base64.b64encode(text.encode("gb18030")).decode()
    data = message(
        subject=f"=?gb2312?B?{raw_subject}?=", body=text.encode("gb18030"), charset="gb2312"
    )
    imported(crm, src, "a.eml", data)
    (contact,) = contacts(crm.store)
    assert (contact.subject, contact.summary) == (text, text)


def test_undeclared_and_wrong_charsets_fall_back_without_crashing(crm, src):
    gbk = "客户确认了上线时间".encode("gbk")
    raw_gbk_subject = "Subject: 上线".encode("gbk")
    data = message(charset=None, body=gbk, mid="<a@x>").replace(b"Subject: Plan", raw_gbk_subject)
    imported(crm, src, "undeclared.eml", data)
    imported(crm, src, "wrong.eml", message(charset="utf-8", body=gbk, mid="<b@x>"))
    imported(crm, src, "unknown.eml", message(charset="x-klingon", body=gbk, mid="<c@x>"))
    summaries = [c.summary for c in contacts(crm.store)]
    assert summaries == ["客户确认了上线时间"] * 3
    assert contacts(crm.store)[0].subject == "上线"


def test_hopeless_bytes_become_replacement_characters_with_a_warning(crm, src):
    for n, charset in enumerate(["utf-8", None, "x-klingon"]):
        body = "正文内容".encode() * 5 + b"\xff\xfe\x80\xff"
        report = imported(crm, src, f"{n}.eml", message(body=body, charset=charset, mid=f"<{n}@x>"))
        assert report.added == 1 and "charset" in report.warnings[0]
    for n, charset in enumerate(["gbk", None]):
        body = "正文内容".encode("gbk") * 5 + b"\xff\xfe\x80\xff"
        report = imported(
            crm, src, f"g{n}.eml", message(body=body, charset=charset, mid=f"<g{n}@x>")
        )
        assert report.added == 1 and "charset" in report.warnings[0]
    for contact in contacts(crm.store):
        assert contact.summary.startswith("正文内容" * 5 + "\ufffd"), contact.summary


def test_raw_utf8_headers_are_read(crm, src):
    data = message().replace(b"Subject: Plan", "Subject: 方案确认".encode())
    imported(crm, src, "a.eml", data)
    assert contacts(crm.store)[0].subject == "方案确认"


def test_broken_base64_keeps_what_can_be_read(crm, src):
    good = base64.b64encode("第一段文字，第二段文字".encode())
    for n, damaged in enumerate([good[:-3], good[:9] + b"!!**" + good[9:], good[:13]]):
        data = message(body=b"", cte="base64", mid=f"<b{n}@x>") + damaged + b"\r\n"
        report = imported(crm, src, f"{n}.eml", data)
        assert report.added == 1 and any("damaged" in w for w in report.warnings), report
    for contact in contacts(crm.store):
        assert contact.summary.startswith("第一段")


# --- structure: multipart, HTML, attachments ------------------------------------------------


MULTIPART = b"""From: Zhang Wei <zhang.wei@huachen.cn>
To: dev@nimbus.com
Subject: =?utf-8?b?5pa55qGI?=
Date: Thu, 05 Mar 2026 14:30:00 +0800
Message-ID: <multi@huachen.cn>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Plain version: the schedule is fine.

--inner
Content-Type: text/html; charset=utf-8

<p>HTML version</p>
--inner--

--outer
Content-Type: application/pdf; name="plan.pdf"
Content-Disposition: attachment; filename="plan.pdf"
Content-Transfer-Encoding: base64

U0VDUkVULVBERi1CWVRFUw==
--outer
Content-Type: text/plain; charset=utf-8
Content-Disposition: attachment; filename="notes.txt"

ATTACHED-TEXT-SENTINEL
--outer
Content-Type: message/rfc822

From: someone@else.com
Subject: forwarded

FORWARDED-SENTINEL
--outer--
"""


def test_multipart_keeps_the_plain_text_and_no_attachment(crm, src):
    report = imported(crm, src, "a.eml", MULTIPART.replace(b"\n", b"\r\n"))
    assert report.added == 1
    (contact,) = contacts(crm.store)
    assert contact.subject == "方案"
    assert contact.summary == "Plain version: the schedule is fine."
    stored = crm.store.frame("contacts", "ERP").to_json(force_ascii=False, date_format="iso")
    for sentinel in ["SECRET-PDF-BYTES", "U0VDUkVU", "ATTACHED-TEXT", "FORWARDED", "plan.pdf"]:
        assert sentinel not in stored


def test_html_only_is_converted_to_text_without_the_quoted_history(crm, src):
    html = (
        "<html><head><style>p {color: red}</style><title>t</title></head><body>"
        "<div>Dear team,</div><p>the&nbsp;budget is <b>approved</b> &amp; signed.</p>"
        "<script>alert('x')</script>"
        "<div class='gmail_quote'>On Wed, Mar 4, 2026 at 9:00 AM Lead wrote:"
        "<blockquote>Is the budget approved?</blockquote></div></body></html>"
    )
    imported(crm, src, "a.eml", message(body=html, ctype="text/html"))
    assert contacts(crm.store)[0].summary == "Dear team, the budget is approved & signed."


@pytest.mark.parametrize(
    "history",
    [
        "On Wed, 4 Mar 2026 at 09:00, Lead <lead@freelance.org> wrote:\n> old text\n> more",
        "On Wed, 4 Mar 2026 at 09:00, Lead Person <\nlead@freelance.org> wrote:\n\nold text",
        "-----Original Message-----\nFrom: Lead\nSent: Wednesday\n\nold text",
        "-----原始邮件-----\n发件人: 王芳\n发送时间: 2026年3月4日\n\nold text",
        '------------------\xa0原始邮件\xa0------------------\n发件人: "王芳"\nold text',
        "From: Lead <lead@freelance.org>\nSent: Wednesday, March 4, 2026 9:00 AM\nold text",
        "在 2026年3月4日 09:00，王芳 写道：\n> old text",
        "________________________________\nFrom: Lead\nold text",
    ],
)
def test_quoted_replies_and_history_are_removed(crm, src, history):
    body = f"Agreed, let's go ahead.\n\n> inline quote\nThanks\n\n{history}\n"
    imported(crm, src, "a.eml", message(body=body))
    assert contacts(crm.store)[0].summary == "Agreed, let's go ahead. Thanks"


def test_the_summary_is_short_and_the_subject_one_line(crm, src):
    long_subject = encoded("很长的主题" * 60, "utf-8")
    body = "第一句话。 \n\n\t 第二句话。\n" + "内容 " * 400
    imported(crm, src, "a.eml", message(subject=long_subject, body=body))
    (contact,) = contacts(crm.store)
    assert len(contact.subject) <= 200 and "\n" not in contact.subject
    assert contact.subject.startswith("很长的主题很长的主题")
    assert contact.summary.startswith("第一句话。 第二句话。 内容 内容")
    assert 400 <= len(contact.summary) <= 500 and contact.summary.endswith("…")


# --- dates and ids --------------------------------------------------------------------------


def test_a_message_without_a_usable_date_is_reported_not_invented(crm, src):
    report = imported(crm, src, "a.eml", message(date=None))
    assert report.added == 0
    assert "no date" in report.skipped[0].reason and "Plan" in report.skipped[0].item
    report = imported(crm, src, "b.eml", message(date="Mon, 32 Foo 2026 99:99", mid="<g@x>"))
    assert "'Mon, 32 Foo 2026 99:99' cannot be read" in report.skipped[0].reason
    assert contacts(crm.store) == []


def test_a_garbled_date_falls_back_to_the_last_received_header(crm, src):
    received = (
        "Received: from mx2 by mx3; Thu, 05 Mar 2026 07:00:00 +0000\r\n"
        "Received: from laptop by mx1; Thu, 5 Mar 2026 14:31:00 +0800 (CST)"
    )
    report = imported(crm, src, "a.eml", message(date="garbage", extra=received))
    assert report.added == 1 and "Received" in report.warnings[0]
    assert contacts(crm.store)[0].when == datetime(2026, 3, 5, 6, 31, tzinfo=UTC)


def test_dates_from_1970_are_not_believed(crm, src):
    report = imported(crm, src, "a.eml", message(date="Thu, 01 Jan 1970 00:00:00 +0000"))
    assert report.added == 0 and report.skipped


def test_messages_without_message_id_get_a_stable_id(crm, src):
    first = imported(crm, src, "a.eml", message(mid=None))
    again = imported(crm, src, "a.eml", message(mid=None))
    other = imported(crm, src, "b.eml", message(mid=None, body="Another text"))
    assert [(r.added, r.duplicates) for r in (first, again, other)] == [(1, 0), (0, 1), (1, 0)]
    ids = [c.source_id for c in contacts(crm.store)]
    assert all(i.startswith("no-message-id:") for i in ids) and ids[0] != ids[1]


# --- mailboxes ------------------------------------------------------------------------------


def test_an_mbox_with_several_messages(crm, src):
    parts = [
        b"From zhang.wei@huachen.cn Thu Mar  5 06:30:00 2026\n"
        + message(mid="<1@x>", body="first\n>From the archive, quoted").replace(b"\r\n", b"\n"),
        b"From dev@nimbus.com Fri Mar  6 01:00:00 2026\n"
        + message(frm="dev@nimbus.com", to=ZHANG, mid="<2@x>", date=None, body="second"),
        b"From nobody Sat Mar  7 01:00:00 2026\n"
        + message(frm="a@b.com", to="c@d.com", mid="<3@x>"),
        b"From dev@nimbus.com Sun Mar  8 01:00:00 2026\n"
        + message(mid="<1@x>", body="first, again"),
    ]
    box = src / "Inbox"  # no extension at all
    box.write_bytes(b"\n".join(parts) + b"\n")
    report = one(import_files(crm.store, box, "ERP"))
    assert report.kind == "mbox"
    assert (report.added, report.duplicates, report.unrelated) == (2, 1, 1)
    first, second = contacts(crm.store)
    assert first.summary == "first"
    assert (second.direction, second.summary) == ("outbound", "second")
    assert second.when == datetime(2026, 3, 6, 1, 0, tzinfo=UTC)  # from the "From " line
    assert "mbox" in report.warnings[0]
    again = one(import_files(crm.store, box, "ERP"))
    assert (again.added, again.duplicates) == (0, 3)


def test_an_eml_and_an_mbox_holding_the_same_message_make_one_contact(crm, src):
    imported(crm, src, "a.eml", message())
    report = imported(crm, src, "b.mbox", b"From x Thu Mar  5 06:30:00 2026\n" + message() + b"\n")
    assert (report.added, report.duplicates) == (0, 1)


def test_decode_bytes_never_raises():
    for data in [b"", b"\xff" * 10, "中文".encode("big5"), bytes(range(256))]:
        for charset in [None, "utf-8", "gb2312", "big5", "iso-2022-jp", "nonsense", "'utf-8'"]:
            text, _clean = decode_bytes(data, charset)
            assert isinstance(text, str)


def test_a_project_without_team_or_stakeholders_imports_nothing(store, src):
    store.add(Project(name="ERP", client="x", start="2026-01-01"))
    (src / "a.eml").write_bytes(message())
    report = one(import_files(store, src, "ERP"))
    assert (report.added, report.unrelated) == (0, 1)


# --- mailboxes as real tools write them (fixtures in tests/data/mail13) --------------------

DATA = Path(__file__).parent / "data" / "mail13"


def from_data(crm, name: str):
    report = one(import_files(crm.store, DATA / name, "ERP"))
    assert report.ok, report.refused
    return report


def subjects(crm) -> list[str]:
    return sorted(c.subject for c in contacts(crm.store))


def test_an_mbox_with_a_byte_order_mark_and_dateless_from_lines(crm):
    report = from_data(crm, "bom.mbox")
    assert (report.kind, report.added) == ("mbox", 2)
    assert subjects(crm) == ["Budget", "Budget again"]


def test_an_mbox_with_blank_lines_first_and_crlf_line_ends(crm):
    report = from_data(crm, "blank_crlf.mbox")
    assert (report.kind, report.added) == ("mbox", 2)
    assert {c.subject: c.direction for c in contacts(crm.store)} == {
        "Scope": "inbound",
        "Re: Scope": "outbound",
    }


def test_a_from_line_inside_a_content_length_message_does_not_split_it(crm):
    report = from_data(crm, "content_length.mbox")
    assert report.added == 2
    assert subjects(crm) == ["Forward", "Second"]
    forward = next(c for c in contacts(crm.store) if c.subject == "Forward")
    assert "Still the first one" in forward.summary


def test_a_mailing_list_archive_with_at_written_out(crm):
    report = from_data(crm, "pipermail.mbox")
    assert report.added == 2
    by_subject = {c.subject: c.stakeholder_ids for c in contacts(crm.store)}
    assert by_subject == {
        "[erp-list] Go-live date": [crm.zhang],
        "Re: [erp-list] Go-live date": [crm.li],
    }


def test_odd_from_lines_and_an_unescaped_from_in_a_body(crm):
    report = from_data(crm, "odd_from.mbox")
    assert report.added == 2  # "From Russia with love" is in the body, not a third message
    film = next(c for c in contacts(crm.store) if c.subject == "Film night")
    assert "Russia" in film.summary and "See you there" in film.summary
    assert film.when == datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # no Date: the From line's
    assert "mbox" in report.warnings[0]


def test_unreadable_messages_are_skipped_lines_not_a_refused_mailbox(crm):
    report = from_data(crm, "damaged.mbox")
    assert "Good one" in subjects(crm)
    assert "Charset" in subjects(crm)  # an unknown charset falls back instead of failing
    assert [s.item for s in report.skipped] == [t("importers.mail.item", n=3, subject="No date")]
    assert report.added == 4


def test_an_eml_with_an_envelope_line_before_its_headers_is_an_email(crm):
    report = from_data(crm, "envelope.eml")
    assert report.added == 1
    assert subjects(crm) == ["Envelope"]


def test_a_body_line_from_without_a_date_or_header_after_it_is_not_a_new_message():
    box = io.BytesIO(
        b"From -\nFrom: a@x.com\n\nFrom here on, text.\nFrom me\n\nbye\n"
        b"From b@x.com Sat Mar  7 09:00:00 2026\nFrom: b@x.com\n\nsecond\n"
    )
    found = list(split_mbox(box))
    assert [line for _message, line in found] == ["From -", "From b@x.com Sat Mar  7 09:00:00 2026"]
    assert b"From me" in found[0][0]


def test_warnings_of_the_mail_parser_go_to_the_report_not_stderr(crm, src, capsys):
    def noisy(*args, **kwargs):
        warnings.warn("something odd in the message", UserWarning, stacklevel=2)
        return _contact(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("commlib.importers.mail._contact", noisy)
        report = imported(crm, src, "a.eml", message())
    assert report.added == 1
    assert report.warnings == [t("importers.library_warning", text="something odd in the message")]
    assert capsys.readouterr().err == ""


# --- Outlook .msg files ----------------------------------------------------------------------


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal Compound File (MS-CFB v3) holding small streams, ``storage/stream`` at most
    one level deep: what Outlook writes for a .msg, without the parts commlib ignores."""
    sector, mini = 512, 64
    storages = sorted({n.split("/")[0] for n in streams if "/" in n})
    paths = ["", *storages, *streams]
    entries = [("Root Entry", 5, None)] + [(name, 1, None) for name in storages]
    entries += [(name.split("/")[-1], 2, data) for name, data in streams.items()]
    parents: dict[int, list[int]] = {i: [] for i in range(len(storages) + 1)}
    for i, path in enumerate(paths[1:], start=1):
        parent = path.split("/")[0] if "/" in path else ""
        parents[paths.index(parent)].append(i)
    ministream, minifat, starts = b"", [], {}
    for i, (_name, kind, data) in enumerate(entries):
        if kind == 2:
            starts[i] = len(ministream) // mini
            count = max(1, -(-len(data) // mini))
            minifat += [starts[i] + k + 1 for k in range(count - 1)] + [0xFFFFFFFE]
            ministream += data.ljust(count * mini, b"\0")
    pad = lambda b: b.ljust(-(-len(b) // sector) * sector or sector, b"\0")  # noqa: E731
    minifat_bytes = pad(struct.pack(f"<{len(minifat)}I", *minifat))
    ministream = pad(ministream)
    right, child = {}, {}
    for parent, kids in parents.items():
        child[parent] = kids[0] if kids else 0xFFFFFFFF
        for a, b in itertools.pairwise(kids):
            right[a] = b
    directory = b""
    n_minifat, n_dir = len(minifat_bytes) // sector, -(-len(entries) * 128 // sector)
    first_ministream = 1 + n_minifat + n_dir
    for i, (name, kind, data) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        start, size = (first_ministream, len(ministream)) if kind == 5 else (0, 0)
        if kind == 2:
            start, size = starts[i], len(data)
        directory += encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
        directory += struct.pack(
            "<3I", 0xFFFFFFFF, right.get(i, 0xFFFFFFFF), child.get(i, 0xFFFFFFFF)
        )
        directory += b"\0" * 36 + struct.pack("<IQ", start, size)
    directory = pad(directory)
    chains = [n_minifat, n_dir, len(ministream) // sector]
    fat, at = [0xFFFFFFFD], 1
    for length in chains:
        fat += [at + k + 1 for k in range(length - 1)] + [0xFFFFFFFE]
        at += length
    fat_bytes = struct.pack(f"<{sector // 4}I", *fat, *[0xFFFFFFFF] * (sector // 4 - len(fat)))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    )
    header += b"\0" * 10 + struct.pack("<IIII", 1, 1 + n_minifat, 0, 4096)
    header += struct.pack("<IIII", 1, n_minifat, 0xFFFFFFFE, 0) + struct.pack("<I", 0)
    header += struct.pack("<108I", *[0xFFFFFFFF] * 108)
    return header + fat_bytes + minifat_bytes + directory + ministream


def utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def test_an_outlook_msg_saved_as_eml_imports_as_an_email(crm, src):
    submitted = int(
        (datetime(2026, 3, 5, 6, 30, tzinfo=UTC) - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds()
        * 10**7
    )
    properties = b"\0" * 32 + struct.pack("<IIQ", 0x00390040, 6, submitted)
    recipient = b"\0" * 8 + struct.pack("<IIQ", 0x0C150003, 6, 1)
    msg = compound_file(
        {
            "__substg1.0_0037001F": utf16("Kick-off agenda"),
            "__substg1.0_1000001F": utf16("Agenda attached."),
            "__substg1.0_0C1A001F": utf16("Zhang Wei"),
            "__substg1.0_5D01001F": utf16("zhang.wei@huachen.cn"),
            "__substg1.0_1035001F": utf16("<msg1@huachen.cn>"),
            "__properties_version1.0": properties,
            "__recip_version1.0_#00000000/__substg1.0_39FE001F": utf16("dev@nimbus.com"),
            "__recip_version1.0_#00000000/__properties_version1.0": recipient,
        }
    )
    report = imported(crm, src, "outlook.eml", msg)
    assert (report.kind, report.added, report.refused) == ("eml", 1, None)
    (contact,) = contacts(crm.store)
    assert (contact.subject, contact.summary) == ("Kick-off agenda", "Agenda attached.")
    assert (contact.direction, contact.stakeholder_ids) == ("inbound", [crm.zhang])
    assert contact.when == datetime(2026, 3, 5, 6, 30, tzinfo=UTC)
    assert contact.source_id == "<msg1@huachen.cn>"


def test_a_damaged_outlook_msg_is_refused_in_one_line_saying_how_to_fix_it(crm, src):
    report = imported(
        crm, src, "cut.msg", compound_file({"__substg1.0_0037001F": utf16("x")})[:600]
    )
    assert not report.ok and "Outlook" in report.refused and ".eml" in report.refused


def test_a_gzipped_mailing_list_archive(crm, src):
    packed = src / "2026-March.txt.gz"
    packed.write_bytes(gzip.compress((DATA / "pipermail.mbox").read_bytes()))
    report = one(import_files(crm.store, packed, "ERP"))
    assert (report.kind, report.added) == ("mbox", 2)


def test_a_cut_gzipped_archive_is_refused_in_one_line_saying_how_to_fix_it(crm, src):
    packed = gzip.compress((DATA / "pipermail.mbox").read_bytes() * 50)
    path = src / "archive.txt.gz"
    path.write_bytes(packed[: len(packed) // 2])
    report = one(import_files(crm.store, path, "ERP"))
    assert (report.kind, report.ok) == ("mbox", False)
    assert "mailbox" in report.refused and "again" in report.refused
    assert "\n" not in report.refused and contacts(crm.store) == []


def test_deprecation_warnings_of_libraries_are_not_the_users_business(crm, src, capsys):
    def outdated(*args, **kwargs):
        warnings.warn("old API", DeprecationWarning, stacklevel=2)
        return _contact(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("commlib.importers.mail._contact", outdated)
        report = imported(crm, src, "a.eml", message())
    assert (report.added, report.warnings) == (1, [])
    assert capsys.readouterr().err == ""


def test_an_eml_with_only_unusual_headers_is_still_an_email(crm, src):
    report = imported(crm, src, "part.eml", b"X-Archived: yes\r\nX-Note: hi\r\n\r\nbody\r\n")
    assert (report.kind, report.ok, report.unrelated) == ("eml", True, 1)


def test_a_mailbox_of_random_bytes_is_refused_but_text_without_headers_is_read(crm, src):
    garbage = src / "garbage.mbox"
    garbage.write_bytes(
        b"From zhang.wei@huachen.cn Thu Mar  5 06:30:00 2026\n" + bytes(range(256)) * 4
    )
    refused = one(import_files(crm.store, garbage, "ERP"))
    assert not refused.ok
    assert "none of its 1 message(s) is an e-mail" in refused.refused
    plain = src / "plain.mbox"  # a test mailbox: envelope lines and a line of text each
    plain.write_bytes(
        b"From foo@bar  Wed Nov 27 12:27:32 2002\nmessage1\n\n"
        b"From foo@bar  Wed Nov 27 12:27:36 2002\nmessage2\n"
    )
    read = one(import_files(crm.store, plain, "ERP"))
    assert read.ok and read.unrelated == 2 and read.skipped == []
