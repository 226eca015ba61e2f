"""Reports as PDF (printed by Chromium) and as e-mail drafts (.eml)."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from commlib import Contact, PlanItem, Stakeholder, Store
from commlib.formats import FormatError, check
from commlib.formats.eml import chart_specs, is_status_report, recipients
from commlib.report import export_report

from .conftest import fill

PROJECT = "华辰 ERP 升级"
UNTIL = date(2026, 3, 31)
XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("formats") / "formats.db"
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
    store.close()
    return str(path)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("formats-out")


def _export(db: str, out: Path, name: str, audience: str, lang: str, fmt: str) -> Path:
    return export_report(
        db,
        name,
        PROJECT,
        audience=audience,
        lang=lang,
        until=UNTIL,
        out=out / f"{name}-{audience}-{lang}.{fmt}",
        format=fmt,
    )


def _pdf_text(path: Path) -> tuple[int, str]:
    """Pages and text of a PDF, as a reader copies it (no normalising)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), text


# --- PDF ---------------------------------------------------------------------------------------


def test_the_pdf_text_map_gives_characters_not_radicals():
    from commlib.formats.pdf_text import fix_map

    cmap = (
        b"2 beginbfchar\n<60> <2F3E>\n<61> <2EDA>\n<62> <7269>\nendbfchar\n"
        b"2 beginbfrange\n<70> <70> <2F8F>\n<71> <73> <0041>\nendbfrange\n"
    )
    fixed = fix_map(cmap, text="客户")
    assert b"<60> <6237>" in fixed  # ⼾ (Kangxi radical door) -> 户, as the page writes it
    assert b"<60> <6236>" in fix_map(cmap, text="客戶")  # or the traditional 戶
    assert b"<61> <9875>" in fixed  # ⻚ (simplified radical leaf) -> 页
    assert b"<62> <7269>" in fixed  # 物 stays
    assert b"<70> <70> <884C>" in fixed  # ⾏ -> 行
    assert b"<71> <73> <0041>" in fixed  # a run of Latin letters stays


@pytest.fixture(scope="module")
def zh_pdf(db: str, out: Path) -> Path:
    return _export(db, out, "status_review", "client", "zh", "pdf")


def test_pdf_is_a_pdf_with_selectable_chinese_text_and_page_numbers(zh_pdf):
    assert zh_pdf.name.endswith(".pdf")
    assert zh_pdf.read_bytes().startswith(b"%PDF")
    pages, text = _pdf_text(zh_pdf)
    assert pages >= 1
    assert PROJECT in text
    assert "状态评审" in text
    assert re.search(rf"第\s*1\s*/\s*{pages}\s*页", text)
    assert re.search(rf"第\s*{pages}\s*/\s*{pages}\s*页", text)
    assert "INTERNAL-SENTINEL" not in text
    # copied Chinese reads as printed: no character comes out as a radical (户 as ⼾)
    assert [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF] == []
    assert "客户" in text and "戶" not in text


def test_pdf_hides_pickers_and_numbers_pages_in_english(db, out):
    html = _export(db, out, "risk_review", "internal", "en", "html")
    picked = [
        spec
        for spec, _ in chart_specs(html.read_text(encoding="utf-8")).values()
        if any("bind" in p for p in spec.get("params", []))
    ]
    assert picked, "the internal risk review has a chart with a picker"
    pdf = _export(db, out, "risk_review", "internal", "en", "pdf")
    pages, text = _pdf_text(pdf)
    assert re.search(rf"Page\s*1\s*of\s*{pages}", text)
    assert "All risks" not in text  # the risk picker's first option
    assert "Risk:" not in text  # its label
    assert "Score history" in text or "score" in text.lower()


def test_pdf_without_chromium_is_one_line_saying_what_to_install(db, out, monkeypatch):
    monkeypatch.setenv("COMMLIB_CHROMIUM", str(out / "no-chromium"))
    with pytest.raises(FormatError, match=r"Chromium not found at .*install it") as err:
        _export(db, out, "status_review", "client", "en", "pdf")
    assert "\n" not in str(err.value)
    assert not (out / "status_review-client-en.pdf").exists()


def test_unknown_format_names_the_known_ones():
    with pytest.raises(FormatError, match="unknown format 'docx': use one of html, pdf, eml"):
        check("docx")


# --- e-mail draft ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zh_eml(db: str, out: Path) -> email.message.EmailMessage:
    path = _export(db, out, "status_review", "client", "zh", "eml")
    assert path.suffix == ".eml"
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"<script" not in raw.lower()
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_eml_is_a_draft_with_a_chinese_subject_to_the_planned_recipients(zh_eml):
    assert zh_eml["X-Unsent"] == "1" and zh_eml["Content-Language"] == "zh-CN"
    assert zh_eml["MIME-Version"] == "1.0"
    assert zh_eml["Date"].datetime.tzinfo is not None
    assert zh_eml["Subject"] == f"{PROJECT}：状态评审 2026-03-17 – 2026-03-31"
    # the 周报 row of the plan goes by e-mail to the manage_closely box: 张伟 (Li Na is internal)
    assert [(a.display_name, a.addr_spec) for a in zh_eml["To"].addresses] == [
        ("张伟", "zhang.wei@huachen.cn")
    ]
    assert zh_eml.get_content_type() == "multipart/alternative"


def test_eml_html_has_no_script_and_every_cid_is_an_attached_image(zh_eml):
    html = zh_eml.get_body(("html",))
    text = zh_eml.get_body(("plain",))
    assert text is not None and html is not None
    assert html.get_content_charset() == "utf-8"
    body = html.get_content()
    assert "<script" not in body.lower()
    assert not re.search(r"\son\w+\s*=", body, re.I)
    assert "vegaEmbed" not in body and "class=" not in body
    assert "<table" in body and "style=" in body
    assert PROJECT in body
    cids = re.findall(r'src="cid:([^"]+)"', body)
    assert cids, "the status review has charts"
    images = {
        part["Content-ID"].strip("<>"): part
        for part in zh_eml.walk()
        if part.get_content_maintype() == "image"
    }
    assert set(cids) == set(images)
    for part in images.values():
        assert part.get_content_type() == "image/png"
        assert part.get_content().startswith(b"\x89PNG")
    assert html.get_content_disposition() in (None, "inline")
    related = next(p for p in zh_eml.walk() if p.get_content_type() == "multipart/related")
    assert related.get_payload()[0] is html


def test_eml_ends_with_an_invitation_to_reply_in_the_reports_language(zh_eml):
    body = zh_eml.get_body(("html",)).get_content()
    text = zh_eml.get_body(("plain",)).get_content()
    assert "回复本邮件" in body and text.rstrip().endswith("欢迎直接回复本邮件。")
    assert PROJECT in text and "状态评审" in text
    assert "INTERNAL-SENTINEL" not in body + text


def test_recipients_follow_the_communication_plan(tmp_path):
    store = Store(tmp_path / "plan.db")
    project = fill(store)
    assert [a.addr_spec for a in recipients(store, project, "internal")] == [
        "lead@nimbus-consulting.com"  # the team's addresses, not its domain; never the client
    ]
    plan = store.records("communication_plan", project.id)
    store.update("communication_plan", plan[0].id, what="客户通讯")  # no longer a status report
    wang = store.add(
        Stakeholder(
            project_id=project.id,
            name="王强",
            email="wang.qiang@huachen.cn",
            power=2,
            interest=2,
            visibility="client",
        )
    )
    monthly = store.add(
        PlanItem(
            project_id=project.id,
            what="Monthly status report",
            stakeholder_id=wang.id,
            channel="email",
            visibility="client",
        )
    )
    assert [a.addr_spec for a in recipients(store, project, "client")] == ["wang.qiang@huachen.cn"]
    # no row names a status report: the audience of every client-visible e-mail row
    store.update("communication_plan", monthly.id, what="月度简讯")
    assert [a.addr_spec for a in recipients(store, project, "client")] == [
        "zhang.wei@huachen.cn",
        "wang.qiang@huachen.cn",
    ]
    store.close()


@pytest.mark.parametrize(
    ("what", "status"),
    [("周报", True), ("项目双周报", True), ("Weekly progress report", True), ("一对一沟通", False)],
)
def test_status_reports_are_told_by_their_name(what, status):
    assert is_status_report(what) is status
