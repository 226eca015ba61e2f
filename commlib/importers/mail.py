"""E-mail into the contact log: single messages (``.eml``, also Outlook ``.msg``) and
mailboxes (``.mbox``, also gzipped mailing-list archives).

Mailboxes are split by ``split_mbox``, which takes them as real tools write them: a
byte-order mark or blank lines first, CRLF, ``Content-Length`` headers, ``From `` lines
with no date or an odd one, unescaped ``From `` lines in bodies; pipermail archives'
``alice at example.com`` addresses are read as ``alice@example.com``. A message that
cannot be read is one skipped line of the report, never a refused mailbox; warnings of the
e-mail parser become notes of the report, not output on stderr.

Each message about the project becomes an ``email`` contact: ``outbound`` when the team
sent it, ``inbound`` otherwise; its stakeholders are those among From, To and Cc (matched
by address, any case). Only a summary of the text is kept (``importers.summarise``): the
plain part, else the HTML part as text; no attachment is stored. Text in any charset
Python knows is read (a declared GB2312/GBK is read as GB18030); undeclared or wrong
charsets fall back to UTF-8, then GB18030, then replacement characters, with a warning.

Deduplication: ``source`` is ``email`` for both kinds of file, so a message imported from
an .eml and again from an .mbox is one contact. ``source_id`` is the Message-ID; a message
without one gets ``no-message-id:`` + a hash of its date, sender, subject and body, which
is stable across imports (but two copies that differ in any of those are two contacts).

A message is skipped, with the reason in the report, when it has no usable date: the
``Date:`` header, else the date of the mbox ``From `` line (taken as UTC unless it gives
an offset), else of the last (earliest) ``Received:`` header. A date is never invented;
dates before 1990 or more than a week ahead are not believed.
"""

from __future__ import annotations

import base64
import gzip
import os
import re
import shutil
import struct
import tempfile
import warnings
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import BadFile, InvalidRecord
from ..i18n import t
from ..models import Contact, Project
from ..store import Store
from ..text import decode
from . import outlook
from ._contacts import ADDRESS, People, one_line, save, stable_id, summarise
from ._report import ImportReport
from .registry import Importer

SOURCE = "email"
_HEADER = re.compile(rb"^[!-9;-~]+:", re.M)
_MAIL_HEADERS = re.compile(
    rb"^(from|date|subject|message-id|received|return-path|mime-version|to|delivered-to"
    rb"|content-type):",
    re.M | re.I,
)
#: an mbox ``From `` line with a time in it (the date may be in any form), or a bare one
_DATED_FROM = re.compile(rb"^From \S*.*\d{1,2}:\d{2}")
_BARE_FROM = re.compile(rb"^From(?: +\S*)? *\r?\n?$")
_GZIP = b"\x1f\x8b"
_ARCHIVE_AT = re.compile(r"([\w.+-]+) at ([\w-]+(?:\.[\w-]+)+)")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


# --- recognising ----------------------------------------------------------------------------


def sniff_eml(path: Path, head: bytes) -> bool:
    """RFC 822 headers from the first line on, among them From:, Date:, Subject:... (any
    headers in a file named .eml); or an Outlook message (a Compound File named .msg or
    .eml, or naming MAPI streams)."""
    if outlook.is_msg(head) or (
        head.startswith(outlook.MAGIC) and path.suffix.lower() in (".msg", ".eml")
    ):
        return True
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not _HEADER.match(start):
        return False
    headers = re.split(rb"\r?\n\r?\n", start, maxsplit=1)[0]
    return path.suffix.lower() == ".eml" or bool(_MAIL_HEADERS.search(headers))


def sniff_mbox(path: Path, head: bytes) -> bool:
    """A ``From sender date`` line first (after a byte-order mark or blank lines), then
    headers; or a bare ``From sender`` line, then headers. Also gzipped (``.txt.gz``, as
    mailing-list archives are downloaded)."""
    if head.startswith(_GZIP):
        head = _gunzipped_head(head)
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    first, _, rest = start.partition(b"\n")
    headers = bool(_HEADER.match(rest))
    return bool(_DATED_FROM.match(first) or (_BARE_FROM.match(first + b"\n") and headers))


# --- importing ------------------------------------------------------------------------------


def run_eml(store: Store, project: Project, path: Path, **_options: Any) -> ImportReport:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise BadFile(t("importers.refused.unreadable", reason=err.strerror or err)) from err
    if raw.startswith(outlook.MAGIC):
        raw = _from_outlook(raw)
    return _import(store, project, path, "eml", [(raw, None)])


def _from_outlook(data: bytes) -> bytes:
    try:
        return outlook.to_rfc822(data)
    except (outlook.NotOutlook, struct.error, IndexError, ValueError) as err:
        raise BadFile(t("importers.mail.bad_outlook", reason=err)) from err


def run_mbox(
    store: Store, project: Project, path: Path, *, progress: Any = None, **_options: Any
) -> ImportReport:
    return _import(store, project, path, "mbox", _mbox_messages(path, progress))


def _gunzipped_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
    except zlib.error:
        return b""


def _mbox_messages(path: Path, progress: Any = None) -> Iterator[tuple[bytes, str]]:
    """(message, its ``From `` line) one at a time, so a large mailbox is not all in memory.
    ``progress(fraction)`` is told how far into the file each message ends."""
    try:
        with path.open("rb") as fh:
            if fh.read(2) != _GZIP:
                fh.seek(0)
                yield from _told(split_mbox(fh), fh, progress)
                return
        with tempfile.TemporaryFile() as plain:  # seeking back in a gzip stream is slow
            with gzip.open(path, "rb") as packed:
                shutil.copyfileobj(packed, plain)
            plain.seek(0)
            yield from _told(split_mbox(plain), plain, progress)
    except (OSError, EOFError, zlib.error) as err:
        reason = getattr(err, "strerror", None) or err
        raise BadFile(t("importers.mail.mbox_unreadable", reason=reason)) from err


def _told(
    messages: Iterator[tuple[bytes, str]], fh: BinaryIO, progress: Any
) -> Iterator[tuple[bytes, str]]:
    if progress is None:
        yield from messages
        return
    size = max(os.fstat(fh.fileno()).st_size, 1)
    for message in messages:
        yield message
        progress(fh.tell() / size)


def split_mbox(fh: BinaryIO) -> Iterator[tuple[bytes, str]]:
    """The messages of an mbox file: (message, its ``From `` line).

    Tolerates what real mailboxes hold: a byte-order mark or blank lines before the first
    ``From `` line, CRLF line ends, ``From `` lines with no date or an odd one, and body
    lines starting with ``From `` that nobody escaped (a new message starts only at a
    ``From `` line that carries a date or is followed by a header). A message with a
    ``Content-Length`` header that fits is read by length, whatever its body holds.
    ``>From `` lines are left as they are (quoted, whether escaped or not).
    """
    line = _first_envelope(fh)
    while line:
        from_line = line.decode("latin-1").rstrip("\r\n")
        headers = _read_headers(fh)
        body, line = _read_body(fh, _content_length(headers))
        yield headers + body, from_line


def _first_envelope(fh: BinaryIO) -> bytes:
    """The first ``From `` line (after a byte-order mark and blank lines), else b""."""
    for number, line in enumerate(iter(fh.readline, b"")):
        if number == 0:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if _DATED_FROM.match(line) or _BARE_FROM.match(line):
            return line
        if line.strip():
            return b""
    return b""


def _read_headers(fh: BinaryIO) -> bytes:
    """The header block of a message, with the blank line that ends it (if any)."""
    lines = []
    while True:
        position = fh.tell()
        line = fh.readline()
        if not line.strip(b"\r\n"):
            return b"".join([*lines, line])
        if not (_HEADER.match(line) or line[:1] in (b" ", b"\t")):
            fh.seek(position)  # a message without headers, or a body without a blank line
            return b"".join(lines)
        lines.append(line)


def _content_length(headers: bytes) -> int | None:
    found = re.search(rb"^content-length:[ \t]*(\d{1,12})[ \t]*\r?$", headers, re.M | re.I)
    return int(found[1]) if found else None


def _read_body(fh: BinaryIO, length: int | None) -> tuple[bytes, bytes]:
    """The body of a message and the ``From `` line of the next one (b"" at the end)."""
    start = fh.tell()
    if length is not None:
        body = fh.read(length)
        following = _after_blank_lines(fh)
        if len(body) == length and (not following or _is_envelope(following, fh)):
            return body, following
        fh.seek(start)
    lines: list[bytes] = []
    for line in iter(fh.readline, b""):
        if line.startswith(b"From") and _is_envelope(line, fh):
            return b"".join(lines), line
        lines.append(line)
    return b"".join(lines), b""


def _after_blank_lines(fh: BinaryIO) -> bytes:
    for line in iter(fh.readline, b""):
        if line.strip():
            return line
    return b""


def _is_envelope(line: bytes, fh: BinaryIO) -> bool:
    """A ``From `` line that starts a message: one with a time, or a bare ``From sender``
    followed by a header (so "From Russia with love" in a body does not split it)."""
    if _DATED_FROM.match(line):
        return True
    if not _BARE_FROM.match(line):
        return False
    position = fh.tell()
    following = fh.readline()
    fh.seek(position)
    return bool(_HEADER.match(following))


def _import(
    store: Store,
    project: Project,
    path: Path,
    kind: str,
    messages: Iterable[tuple[bytes, str | None]],
) -> ImportReport:
    report = ImportReport(str(path), kind)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        contacts = _contacts(project, People(store, project), messages, report)
    not_mail = t("importers.mail.no_headers")
    if kind == "mbox" and report.skipped and all(s.reason == not_mail for s in report.skipped):
        # a mailbox of which nothing is an e-mail (random bytes after a From line)
        raise BadFile(t("importers.mail.none_readable", n=len(report.skipped)))
    for warning in caught:
        if not issubclass(warning.category, (DeprecationWarning, PendingDeprecationWarning)):
            report.warn(t("importers.library_warning", text=one_line(str(warning.message), 200)))
    save(store, project, report, contacts)
    return report


def _contacts(
    project: Project,
    people: People,
    messages: Iterable[tuple[bytes, str | None]],
    report: ImportReport,
) -> list[Contact]:
    """The contacts of the messages; each one that cannot be read is a line in ``report``."""
    contacts = []
    for number, (raw, from_line) in enumerate(messages, start=1):
        try:
            contact = _contact(raw, from_line, number, project, people, report)
        except Exception as err:  # one pathological message must not refuse a whole mailbox
            error = f"{type(err).__name__}: {err}"
            report.skip(
                t("importers.mail.item", n=number, subject="?"),
                t("importers.mail.unexpected", error=error),
            )
            continue
        if contact is not None:
            contacts.append(contact)
    return contacts


def _contact(
    raw: bytes,
    from_line: str | None,
    number: int,
    project: Project,
    people: People,
    report: ImportReport,
) -> Contact | None:
    """One message as a contact, or None (counted or reported in ``report``)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    headers = _headers(message)
    subject = one_line(header_text(_first(headers, "subject")), 200)
    item = t("importers.mail.item", n=number, subject=subject[:60] or "-")
    if not headers and _binary(raw):  # random bytes after a From line: no e-mail at all
        report.skip(item, t("importers.mail.no_headers"))
        return None
    senders = _addresses(headers.get("from", []))
    parties = people.sort(senders + _addresses(headers.get("to", []) + headers.get("cc", [])))
    if not parties.related:
        report.unrelated += 1
        return None
    report.unknown(parties.unknown)
    when = _when(headers, from_line, item, report)
    if when is None:
        return None
    text = _body(message, item, report)
    sender = senders[0] if senders else ""
    try:
        return Contact(
            project_id=project.id,
            when=when,
            stakeholder_ids=parties.stakeholder_ids,
            channel="email",
            direction="outbound" if sender and people.is_team(sender) else "inbound",
            subject=subject,
            summary=summarise(text),
            source=SOURCE,
            source_id=_message_id(headers) or _synthetic_id(when, sender, subject, text),
        )
    except InvalidRecord as err:
        report.skip(item, str(err))
        return None


# --- headers --------------------------------------------------------------------------------


def _binary(raw: bytes) -> bool:
    """Bytes that are no text in any encoding a mail program writes (NULs, control bytes)."""
    sample = raw[:4096]
    controls = sum(b < 9 or 13 < b < 32 or b == 127 for b in sample)
    return controls > max(2, len(sample) // 100)


def _headers(message: EmailMessage) -> dict[str, list[str]]:
    """Raw header values by lower-case name, unfolded (decoding is left to the caller)."""
    found: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        unfolded = re.sub(r"\r?\n(?=[ \t])", "", str(value)).strip()
        found.setdefault(name.strip().lower(), []).append(unfolded)
    return found


def _first(headers: dict[str, list[str]], name: str) -> str:
    return next(iter(headers.get(name, [])), "")


def _addresses(values: list[str]) -> list[str]:
    """The e-mail addresses in address headers, lower case, in order."""
    pairs = getaddresses([_unmunged(header_text(v, decode_words=False)) for v in values])
    found = [addr.strip().lower() for _name, addr in pairs]
    return [a for a in found if ADDRESS.fullmatch(a)]


def _unmunged(value: str) -> str:
    """Mailing-list archives (pipermail) write ``alice at example.com``: read it back."""
    return value if "@" in value else _ARCHIVE_AT.sub(r"\1@\2", value)


def _message_id(headers: dict[str, list[str]]) -> str | None:
    value = " ".join(header_text(_first(headers, "message-id"), decode_words=False).split())
    if not value:
        return None
    return value if len(value) <= 200 else "message-id:" + stable_id(value)


def _synthetic_id(when: datetime, sender: str, subject: str, text: str) -> str:
    return "no-message-id:" + stable_id(when.isoformat(), sender, subject, text)


# --- dates ----------------------------------------------------------------------------------


def _when(
    headers: dict[str, list[str]], from_line: str | None, item: str, report: ImportReport
) -> datetime | None:
    """The Date header, else the mbox From line's date, else the last Received header's."""
    when = _plausible(_parse_date(_first(headers, "date")))
    if when is not None:
        return when
    received = headers.get("received", [])
    fallbacks = [
        (_plausible(_from_line_date(from_line or "")), t("importers.mail.date_from_line")),
        (
            _plausible(_parse_date(received[-1].rpartition(";")[2] if received else "")),
            t("importers.mail.date_received"),
        ),
    ]
    for found, where in fallbacks:
        if found is not None:
            report.warn(t("importers.mail.date_fallback", item=item, where=where))
            return found
    value = _first(headers, "date")
    reason = t("importers.mail.bad_date", value=value) if value else t("importers.mail.no_date")
    report.skip(item, reason)
    return None


def _parse_date(value: str) -> datetime | None:
    value = header_text(value, decode_words=False).strip()
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(re.sub(r"\s*\([^)]*\)\s*$", "", value))
    except (TypeError, ValueError, IndexError, OverflowError):
        try:
            moment = datetime.fromisoformat(value)  # not RFC 5322, but unambiguous
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _from_line_date(line: str) -> datetime | None:
    """``From sender Thu Mar  5 14:30:00 2026`` (optionally ``+0800`` before the year), or
    ``From sender`` and an RFC 5322 date."""
    match = re.search(
        r"(\w{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([+-]\d{4})\s+)?(\d{4})\s*$",
        line.strip(),
    )
    if not match or match[1].lower() not in _MONTHS:
        sender_and_date = line.strip().split(None, 2)  # "From x Sat, 7 Mar 2026 09:00 +0000"
        return _parse_date(sender_and_date[2]) if len(sender_and_date) == 3 else None
    month, day, hour, minute, second, offset, year = match.groups()
    try:
        moment = datetime(
            int(year),
            _MONTHS.index(month.lower()) + 1,
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    if offset:
        sign = -1 if offset[0] == "-" else 1
        moment -= sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
    return moment


def _plausible(moment: datetime | None) -> datetime | None:
    """Dates before 1990 or more than a week ahead come from broken clocks or parsing."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    if moment.year < 1990 or moment > datetime.now(UTC) + timedelta(days=7):
        return None
    return moment


# --- body -----------------------------------------------------------------------------------


def _body(message: EmailMessage, item: str, report: ImportReport) -> str:
    """The text of the message: the plain part, else the HTML part converted to text."""
    plain = html = None
    for part in _text_parts(message):
        subtype = part.get_content_subtype()
        if subtype == "html" and html is None:
            html = part
        elif subtype != "html" and plain is None:
            plain = part
    text = _part_text(plain, item, report) if plain is not None else ""
    if not text.strip() and html is not None:
        text = html_to_text(_part_text(html, item, report))
    return text


def _text_parts(part: EmailMessage) -> Iterator[EmailMessage]:
    """Text parts that are not attachments; attached messages are not opened."""
    if part.get_content_maintype() == "multipart":
        payload = part.get_payload()
        for sub in payload if isinstance(payload, list) else []:
            yield from _text_parts(sub)
    elif part.get_content_maintype() == "text" and not _attachment(part):
        yield part


def _attachment(part: EmailMessage) -> bool:
    try:
        return part.is_attachment() or bool(part.get_filename())
    except (TypeError, ValueError, LookupError):
        return True


def _part_text(part: EmailMessage, item: str, report: ImportReport) -> str:
    try:
        data = part.get_payload(decode=True) or b""
    except (TypeError, ValueError, LookupError):
        data = b""
    defects = {type(d).__name__ for d in part.defects}
    if "InvalidBase64LengthDefect" in defects:  # the stdlib gave up and returned it encoded
        data = _salvage_base64(data)
    if any("Base64" in name for name in defects):
        report.warn(t("importers.mail.damaged", item=item))
    text, clean = decode_bytes(data, part.get_content_charset())
    if not clean:
        report.warn(
            t("importers.mail.charset", item=item, charset=part.get_content_charset() or "-")
        )
    return text


def _salvage_base64(data: bytes) -> bytes:
    """What can be decoded of damaged base64: stray characters and the last partial group go."""
    clean = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    return base64.b64decode(clean[: len(clean) // 4 * 4])


# --- decoding -------------------------------------------------------------------------------

#: charsets that mail declares but whose superset is what was really written
_SUPERSETS = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "x-gbk": ("gb18030",),
    "cp936": ("gb18030",),
    "euc-cn": ("gb18030",),
    "big5": ("big5", "cp950", "big5hkscs"),
    "iso-2022-jp": ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", "cp932"),
    "shift_jis": ("cp932",),
    "ks_c_5601-1987": ("cp949",),
    "euc-kr": ("cp949",),
    "us-ascii": ("utf-8",),
    "ascii": ("utf-8",),
}


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, bool]:
    """Text from bytes in the declared charset if it fits, else UTF-8, else GB18030.

    Returns the text and whether it decoded cleanly. When nothing fits, the bytes are read
    in the declared charset, or (undeclared, unknown or UTF-8) as UTF-8 when that leaves
    few gaps, else as GB18030; unreadable bytes become U+FFFD (never an exception).
    """
    declared = (charset or "").strip().strip("\"'").lower()
    candidates = [*_SUPERSETS.get(declared, (declared,) if declared else ()), "utf-8", "gb18030"]
    found = decode(data, candidates)
    if found is not None:
        return found[0], True
    damaged = decode(data, candidates, errors="replace")  # (the first codec Python knows)
    if damaged and damaged[1] != "utf-8" and declared not in ("", "us-ascii", "ascii"):
        return damaged[0], False  # the declared charset, damaged
    reading = data.decode("utf-8", "replace")
    if _mostly_readable(reading):
        return reading, False
    return data.decode("gb18030", "replace"), False


def _mostly_readable(text: str) -> bool:
    """Few replacement characters among the non-ASCII ones: UTF-8 with some damage."""
    foreign = sum(1 for c in text if ord(c) > 127)
    return text.count("\ufffd") <= foreign * 0.2


def header_text(value: str, decode_words: bool = True) -> str:
    """A raw header value as text: 8-bit bytes and (optionally) RFC 2047 words decoded."""
    if re.search(r"[\udc80-\udcff]", value):  # raw 8-bit bytes, kept as surrogates
        value = decode_bytes(value.encode("utf-8", "surrogateescape"), None)[0]
    if not decode_words or "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except (HeaderParseError, ValueError):
        return value
    return "".join(_chunk(data, charset) for data, charset in chunks)


def _chunk(data: bytes | str, charset: str | None) -> str:
    if isinstance(data, str):
        return data
    if charset is None:
        return data.decode("raw-unicode-escape", "replace")
    return decode_bytes(data, charset)[0]


class _HTMLText(HTMLParser):
    """The visible text of an HTML body; scripts, styles and quoted blocks left out."""

    BLOCKS = frozenset(
        {"address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1"}
        | {"h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section"}
        | {"table", "td", "th", "tr", "ul"}
    )
    HIDDEN = frozenset({"script", "style", "head", "title", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Text of an HTML mail body (quoted ``<blockquote>`` history is dropped)."""
    parser = _HTMLText()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # hopeless markup: keep what was read
        pass
    return "".join(parser.parts).replace("\xa0", " ")


MBOX = Importer(
    name="mbox",
    sniff=sniff_mbox,
    run=run_mbox,
    label=lambda: t("importers.kind.mbox"),
    describe=lambda: t("importers.describe.mbox"),
)
EML = Importer(
    name="eml",
    sniff=sniff_eml,
    run=run_eml,
    label=lambda: t("importers.kind.eml"),
    describe=lambda: t("importers.describe.eml_or_msg"),
)
