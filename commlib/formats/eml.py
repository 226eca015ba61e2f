"""A report as an e-mail draft (``.eml``) that Outlook, Thunderbird or Foxmail open ready to send.

The message (:class:`email.message.EmailMessage`, written with the SMTP policy: CRLF, UTF-8
encoded words in the headers) is::

    multipart/alternative
        text/plain                 the report as text
        multipart/related
            text/html              the report's content, no script, simple inline styles
            image/png ...          one per chart, shown where the chart was (``cid:``)

``X-Unsent: 1`` makes Outlook open it as a draft. The subject says the report, the project
and the period in the report's language. The body ends with an invitation to reply (the
project has no feedback link to offer).

**Recipients** (``To``), from the communication plan (:func:`recipients`):

- a client report goes to the audience of the plan rows that are client-visible, sent by
  e-mail, and whose ``what`` names a status or progress report (周报, 双周报, 进展, status,
  progress...): the row's stakeholder, or everyone in the row's power/interest box;
- when no row names such a report, to the audience of every client-visible e-mail row;
- only client-visible stakeholders with an e-mail address, each once, in plan order;
- an internal report goes to the project team's addresses (never to the client).

The HTML body is rebuilt from the exported page by an allow-list (:class:`_MailBody`): only
plain text tags pass, without their attributes, with inline styles added; ``<script>`` and
``<style>`` are dropped with their content. Charts are the Vega-Lite specs of the page's
``vegaEmbed`` calls, drawn by vl-convert at twice their size.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import t
from . import FormatError

if TYPE_CHECKING:
    from ..store import ProjectRef, Store
    from . import Document

#: words in a plan row's ``what`` that make it the status report
STATUS_WORDS = (
    "周报",
    "双周报",
    "月报",
    "进展",
    "进度",
    "状态",
    "status",
    "progress",
    "newsletter",
    "report",
)
#: widest a chart is shown in a mail (px); mail clients ignore max-width
MAX_WIDTH = 640
FONT = "font-family:Arial,'Microsoft YaHei','PingFang SC',sans-serif"
STYLES = {
    "body": f"{FONT};font-size:14px;line-height:1.5;color:#222;max-width:800px",
    "h1": "font-size:22px;margin:0 0 8px",
    "h2": "font-size:18px;margin:20px 0 8px;border-bottom:1px solid #ddd",
    "h3": "font-size:16px;margin:16px 0 6px",
    "h4": "font-size:14px;margin:12px 0 4px",
    "p": "margin:6px 0",
    "table": "border-collapse:collapse;margin:6px 0 12px;font-size:13px",
    "th": "border:1px solid #ccc;padding:4px 8px;background:#f3f3f3;text-align:left",
    "td": "border:1px solid #ccc;padding:4px 8px;vertical-align:top",
    "dl": "margin:0 0 16px",
    "dt": "font-weight:bold;float:left;clear:left;width:7em",
    "dd": "margin:0 0 2px 7.5em",
    "header": "border-bottom:2px solid #444;padding-bottom:8px;margin-bottom:16px",
    "img": "display:block;margin:8px 0;border:0",
}
#: tags that pass (a ``header`` becomes a ``div``); everything else is dropped, its text kept
ALLOWED = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "br", "hr", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "caption", "ul", "ol", "li", "dl", "dt", "dd",
    "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote", "sub", "sup", "a",
}  # fmt: skip
VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "col", "area", "base"}
#: dropped with everything inside them
SKIP = {"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg"}
BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "li", "dt", "br", "table"}
#: blocks whose end does not end the line (a row's next cell, a term's definition follow)
_OPEN_ENDED = {"tr", "dt", "li"}
#: the class of an element -> the inline style it gets
CLASS_STYLES = {"commlib-empty": "color:#666;font-style:italic;margin:4px 0 12px"}
_EMBED = re.compile(r"vegaEmbed\('#(commlib-chart-[0-9a-f]+)',\s*")


# --- recipients ---------------------------------------------------------------------------------


def is_status_report(what: str) -> bool:
    text = what.lower()
    return any(word in text for word in STATUS_WORDS)


def recipients(store: Store, project: ProjectRef, audience: str) -> list[Address]:
    """Who the report goes to (see the module's docstring for the rule)."""
    if audience != "client":
        return [Address(addr_spec=a) for a in project.team if "@" in a and not a.startswith("@")]
    from ..models import quadrant_of
    from ..store import Store

    opened = store if isinstance(store, Store) else Store(store)
    try:
        plan = opened.records("communication_plan", project.id)
        people = opened.records("stakeholders", project.id)
    finally:
        if opened is not store:
            opened.close()
    rows = [r for r in plan if r.visibility == "client" and r.channel == "email"]
    rows = [r for r in rows if is_status_report(r.what)] or rows
    reachable = [s for s in people if s.visibility == "client" and s.email]
    found: dict[str, Address] = {}
    for row in rows:
        for person in sorted(reachable, key=lambda s: s.name):
            chosen = (
                person.id == row.stakeholder_id
                if row.stakeholder_id is not None
                else quadrant_of(person.power, person.interest) == row.quadrant
            )
            if chosen and person.email.lower() not in found:
                found[person.email.lower()] = Address(person.name, addr_spec=person.email)
    return list(found.values())


# --- charts ---------------------------------------------------------------------------------------


class _Scripts(HTMLParser):
    """The text of every ``<script>`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.scripts[-1] += data


def chart_specs(html: str) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """``element id -> (Vega-Lite spec, embed options)`` of each chart of an exported page.

    Read from the ``vegaEmbed`` calls of :func:`commlib.report.offline_renderer` (inside
    ``<script>`` only, where user text never is: it is escaped JSON there)."""
    parser = _Scripts()
    parser.feed(html)
    decoder = json.JSONDecoder()
    specs = {}
    for script in parser.scripts:
        found = _EMBED.search(script)
        if not found:
            continue
        rest = script[found.end() :]
        spec, end = decoder.raw_decode(rest)
        tail = rest[end:].lstrip(", ")
        if not tail.startswith("{"):  # the options are the argument of the wrapping function
            tail = tail[tail.rfind("})(") + 3 :]
        options, _ = decoder.raw_decode(tail)
        specs[found.group(1)] = (spec, options)
    return specs


def chart_png(spec: dict[str, Any], options: dict[str, Any]) -> bytes:
    """The chart as a PNG at twice its size, with the report's number and time locale."""
    import vl_convert

    return vl_convert.vegalite_to_png(
        spec,
        scale=2,
        format_locale=options.get("formatLocale"),
        time_format_locale=options.get("timeFormatLocale"),
    )


def _png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big")  # the IHDR chunk's width


# --- the body -----------------------------------------------------------------------------------


class _MailBody(HTMLParser):
    """The page's ``<body>`` as mail HTML (allow-listed tags, inline styles) and as text."""

    def __init__(self, images: dict[str, tuple[str, str, int]]) -> None:
        super().__init__(convert_charrefs=True)
        self.images = images  # chart element id -> (cid, alt text, width)
        self.html: list[str] = []
        self.text: list[str] = []
        self._skip = 0  # depth inside a dropped element
        self._anchor = 0  # inside a heading's ¶ link
        self._in_body = False
        self._open: list[str | None] = []  # per open element: the tag written for it, or None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._in_body = True
            return
        if not self._in_body:
            return
        if self._skip or tag in SKIP:
            if tag not in VOID:
                self._skip += 1
            return
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag == "a" and "anchor-link" in classes:
            self._anchor += 1
            self._open.append(None)
            return
        if tag == "div" and values.get("id") in self.images:
            cid, alt, width = self.images[values["id"] or ""]
            self.html.append(
                f'<img src="cid:{cid}" alt="{escape(alt)}" width="{width}" style="{STYLES["img"]}">'
            )
            self.text.append(f"\n[{alt}]\n")
        written = "div" if tag in ("header", "main", "section", "article") else tag
        if written not in ALLOWED:
            if tag not in VOID:
                self._open.append(None)
            return
        style = ";".join(
            s for s in [STYLES.get(tag, "")] + [CLASS_STYLES.get(c, "") for c in classes] if s
        )
        extra = ""
        if written in ("td", "th"):
            for name in ("colspan", "rowspan"):
                if (values.get(name) or "").isdigit():
                    extra += f' {name}="{values[name]}"'
        if written == "a":
            href = values.get("href") or ""
            if re.match(r"^(https?:|mailto:)", href, re.I):
                extra += f' href="{escape(href)}"'
        self.html.append(f"<{written}{extra}" + (f' style="{style}"' if style else "") + ">")
        if written in BLOCK:
            self.text.append("\n")
        if written in ("td", "th", "dd"):
            self.text.append("\t" if written != "dd" else ": ")
        if tag not in VOID:
            self._open.append(written)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "body":
            self._in_body = False
            return
        if not self._in_body or tag in VOID:
            return
        if self._skip:
            self._skip -= 1
            return
        if not self._open:
            return
        written = self._open.pop()
        if tag == "a" and written is None and self._anchor:
            self._anchor -= 1
            return
        if written is not None:
            self.html.append(f"</{written}>")
            if written in BLOCK and written not in _OPEN_ENDED:
                self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._in_body or self._skip or self._anchor:
            return
        self.html.append(escape(data, quote=False))
        self.text.append(re.sub(r"\s+", " ", data) if data.strip() else "")


def _text(parts: list[str]) -> str:
    lines = [line.strip(" \t") for line in "".join(parts).splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip() + "\n"


# --- the message --------------------------------------------------------------------------------


def subject(document: Document) -> str:
    return t(
        "formats.eml.subject",
        document.lang,
        project=document.project.name,
        report=document.heading,
        period=document.period,
    )


def build_message(document: Document, now: datetime | None = None) -> EmailMessage:
    """The draft: headers, text, HTML and the charts' images."""
    charts = chart_specs(document.html)
    pngs: dict[str, bytes] = {}
    images: dict[str, tuple[str, str, int]] = {}
    for number, (element, (spec, options)) in enumerate(charts.items(), 1):
        try:
            png = chart_png(spec, options)
        except Exception as err:  # vl-convert raises ValueError, or its own errors
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise FormatError(t("formats.eml.chart_failed", number=number, error=first)) from None
        cid = make_msgid(f"chart{number}", domain="commlib.invalid")[1:-1]
        title = spec.get("title")
        title = title.get("text") if isinstance(title, dict) else title
        title = " ".join(title) if isinstance(title, list) else title
        alt = (
            title
            if isinstance(title, str) and title
            else t("formats.eml.chart", document.lang, number=number)
        )
        pngs[cid] = png
        images[element] = (cid, alt, min(MAX_WIDTH, max(1, _png_width(png) // 2)))
    body = _MailBody(images)
    body.feed(document.html)
    body.close()
    feedback = t("formats.eml.feedback", document.lang)
    lang = {"zh": "zh-CN"}.get(document.lang, document.lang)
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(document.title)}</title></head>"
        f'<body style="{STYLES["body"]}">{"".join(body.html)}'
        f'<p style="{STYLES["p"]};margin-top:24px;border-top:1px solid #ddd;padding-top:8px">'
        f"{escape(feedback)}</p></body></html>"
    )
    text = _text(body.text) + "\n" + feedback + "\n"

    message = EmailMessage(policy=policy.default)
    message["Subject"] = subject(document)
    to = recipients(document.store, document.project, document.audience)
    if to:
        message["To"] = to
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["X-Unsent"] = "1"
    message.set_content(text, cte="base64")
    message.add_alternative(html, subtype="html", cte="base64")
    message["Content-Language"] = lang  # after the content, which clears the Content-* headers
    html_part = message.get_payload()[1]
    for number, (cid, png) in enumerate(pngs.items(), 1):
        html_part.add_related(
            png,
            maintype="image",
            subtype="png",
            cid=f"<{cid}>",
            filename=f"chart-{number}.png",
            disposition="inline",
        )
    return message


def write_eml(document: Document, target: Path) -> None:
    """Write the draft of ``document`` to ``target`` (CRLF line ends, as mail clients expect)."""
    target.write_bytes(build_message(document).as_bytes(policy=policy.SMTP))
