"""The e-mail that summarises a meeting's minutes back to its attendees (``minutes_email``
writes it): greeting, attendees, summary, the client-visible decisions, follow-ups and
issues, and a request to confirm or correct. Text and HTML, with the report e-mail's styles
(``commlib.formats.eml``); the notes never.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING

from ..errors import InvalidRecord
from ..formats.eml import STYLES
from ..i18n import label, t

if TYPE_CHECKING:
    from ..models import Project, Record, Stakeholder
    from .minutes import MinutesRecords

__all__ = ["minutes_message"]

#: brackets, colon and semicolon as each language writes them in a sentence
_MARKS = {"zh": ("（", "）", "：", "；"), "en": (" (", ")", ": ", "; ")}


def minutes_message(
    project: Project,
    records: MinutesRecords,
    attendees: list[Stakeholder],
    day: date,
    lang: str,
) -> EmailMessage:
    """The draft of ``records`` (a meeting held on ``day``) to ``attendees``, in ``lang``:
    ``To`` the attendees with an address, ``From`` the project's first team address (a
    person's, not a domain), ``X-Unsent: 1`` so that Outlook opens it as a draft."""
    from ..forms import format_date  # the session's way of writing dates (forms loads widgets)

    when = format_date(day, lang)
    title = records.meeting.title
    shared = [
        (kind, [r for r in rows if r.visibility == "client"])
        for kind, rows in (
            ("decisions", records.decisions),
            ("follow_ups", records.follow_ups),
            ("issues", records.issues),
        )
    ]
    comma = "、" if lang == "zh" else ", "
    names = comma.join(p.address_as or p.name for p in attendees) or t("meetings.minutes.mail.all")
    opening, closing_mark, _colon, _semicolon = _MARKS[lang]
    people = comma.join(
        f"{p.name}{opening}{p.organisation}{closing_mark}" if p.organisation else p.name
        for p in attendees
    )
    blocks: list[tuple[str, list[str], list[list[str]]]] = [
        (t("meetings.minutes.mail.attendees"), [], [[people], *_team_rows(records.team, comma)]),
    ]
    if records.summary.strip():
        blocks.append((label("summary"), [], [[line] for line in records.summary.splitlines()]))
    for kind, rows in shared:
        if rows:
            headers, cells = _table(kind, rows, lang)
            blocks.append((t(f"meetings.minutes.mail.{kind}"), headers, cells))
    greeting = t("meetings.minutes.mail.greeting", names=names)
    intro = t("meetings.minutes.mail.intro", title=title, date=when)
    closing = t("meetings.minutes.mail.closing")
    text = _text(greeting, intro, blocks, closing, _MARKS[lang])
    html = _html(greeting, intro, blocks, closing, lang)

    message = EmailMessage(policy=policy.default)
    message["Subject"] = t(
        "meetings.minutes.mail.subject", project=project.name, title=title, date=when
    )
    from .invite import organizer_of  # the invitation's organiser sends the minutes too

    with contextlib.suppress(InvalidRecord):  # no person's address: the mail program fills it
        message["From"] = Address(addr_spec=organizer_of(project))
    to = [Address(p.name, addr_spec=p.email) for p in attendees if p.email]
    if to:
        message["To"] = to
    message["Date"] = format_datetime(datetime.now(UTC))
    message["X-Unsent"] = "1"
    message.set_content(text, cte="base64")
    message.add_alternative(html, subtype="html", cte="base64")
    message["Content-Language"] = {"zh": "zh-CN"}.get(lang, lang)  # (set_content drops it)
    return message


def _team_rows(team: list[str], comma: str) -> list[list[str]]:
    return [[t("meetings.minutes.mail.our_team", names=comma.join(team))]] if team else []


def _table(kind: str, rows: list[Record], lang: str) -> tuple[list[str], list[list[str]]]:
    from ..forms import format_date

    if kind == "decisions":
        return [label("title"), label("decided_by")], [[r.title, r.decided_by] for r in rows]  # type: ignore[attr-defined]
    if kind == "follow_ups":
        return [label("title"), label("owner"), label("due")], [
            [r.title, r.owner, format_date(r.due, lang) or "—"]  # type: ignore[attr-defined]
            for r in rows
        ]
    return [label("title"), label("severity"), label("owner")], [
        [r.title, str(r.severity), r.owner]  # type: ignore[attr-defined]
        for r in rows
    ]


def _text(
    greeting: str,
    intro: str,
    blocks: list[tuple[str, list[str], list[list[str]]]],
    closing: str,
    marks: tuple[str, str, str, str],
) -> str:
    opening, closing_mark, colon, semicolon = marks
    lines = [greeting, "", intro]
    for heading, headers, rows in blocks:
        lines += ["", heading]
        if not headers:
            lines += [" ".join(row) for row in rows]
            continue
        for number, row in enumerate(rows, 1):
            rest = semicolon.join(
                f"{h}{colon}{c}" for h, c in zip(headers[1:], row[1:], strict=True) if c
            )
            lines.append(f"{number}. {row[0]}" + (f"{opening}{rest}{closing_mark}" if rest else ""))
    lines += ["", closing]
    return "\n".join(lines) + "\n"


def _html(
    greeting: str,
    intro: str,
    blocks: list[tuple[str, list[str], list[list[str]]]],
    closing: str,
    lang: str,
) -> str:
    p = STYLES["p"]
    parts = [f'<p style="{p}">{escape(greeting)}</p>', f'<p style="{p}">{escape(intro)}</p>']
    for heading, headers, rows in blocks:
        parts.append(f'<h3 style="{STYLES["h3"]}">{escape(heading)}</h3>')
        if not headers:
            parts += [f'<p style="{p}">{escape(" ".join(row))}</p>' for row in rows]
            continue
        head = "".join(f'<th style="{STYLES["th"]}">{escape(h)}</th>' for h in headers)
        body = "".join(
            "<tr>" + "".join(f'<td style="{STYLES["td"]}">{escape(c)}</td>' for c in row) + "</tr>"
            for row in rows
        )
        parts.append(
            f'<table style="{STYLES["table"]}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )
    parts.append(f'<p style="{p};margin-top:16px">{escape(closing)}</p>')
    code = {"zh": "zh-CN"}.get(lang, lang)
    return (
        f'<!DOCTYPE html><html lang="{code}"><head><meta charset="utf-8"></head>'
        f'<body style="{STYLES["body"]}">{"".join(parts)}</body></html>'
    )
