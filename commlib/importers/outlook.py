"""Outlook ``.msg`` files (often saved with an ``.eml`` name) read as RFC 822 messages.

A ``.msg`` is a Compound File (the container of old Office files) holding the message's
MAPI properties as streams named ``__substg1.0_IIIITTTT`` (property id, type). This module
reads that container and writes the message back as headers and a text body, so the
e-mail importer treats it like any other message: the original Internet headers when
Outlook kept them (``PR_TRANSPORT_MESSAGE_HEADERS``), else headers made from the subject,
the sender, the recipients and the submit time. Attachments are not read.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from ..errors import NotOutlook

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_NO_STREAM = 0xFFFFFFFF
#: MAPI property ids
_HEADERS, _SUBJECT, _BODY, _HTML, _MESSAGE_ID = 0x007D, 0x0037, 0x1000, 0x1013, 0x1035
_SENDER_NAME, _SENDER_ADDRESS, _SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
_SUBMIT_TIME, _DELIVERY_TIME = 0x0039, 0x0E06
_RECIPIENT_NAME, _RECIPIENT_ADDRESS, _RECIPIENT_SMTP, _RECIPIENT_TYPE = (
    0x3001,
    0x3003,
    0x39FE,
    0x0C15,
)


def is_msg(head: bytes) -> bool:
    """A Compound File whose directory names MAPI property streams."""
    return head.startswith(MAGIC) and "__substg1.0_".encode("utf-16-le") in head


def to_rfc822(data: bytes) -> bytes:
    """The message of an Outlook ``.msg`` file as RFC 822 bytes (``NotOutlook`` if it is
    not one)."""
    streams = _Compound(data).streams()
    top = {name: value for name, value in streams.items() if "/" not in name}
    body, subtype = _body(top)
    transport = _text(top, _HEADERS)
    if transport:
        raw = transport.replace("\r\n", "\n").strip("\n").encode("utf-8", "replace")
        raw = _without(raw, b"content-type", b"content-transfer-encoding", b"mime-version")
        extra = f"MIME-Version: 1.0\nContent-Type: text/{subtype}; charset=utf-8\n".encode()
        return raw + b"\n" + extra + b"\n" + body.encode("utf-8", "replace")
    message = EmailMessage()
    sender = _text(top, _SENDER_SMTP) or _text(top, _SENDER_ADDRESS)
    message["From"] = formataddr((_text(top, _SENDER_NAME), sender)) if "@" in sender else ""
    to, cc = _recipients(streams)
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = _text(top, _SUBJECT)
    when = _time(streams.get("__properties_version1.0", b""), (_SUBMIT_TIME, _DELIVERY_TIME))
    if when is not None:
        message["Date"] = format_datetime(when)
    if _text(top, _MESSAGE_ID):
        message["Message-ID"] = _text(top, _MESSAGE_ID)
    message.set_content(body, subtype=subtype)
    return message.as_bytes()


def _body(streams: dict[str, bytes]) -> tuple[str, str]:
    """The plain-text body, else the HTML one, and its subtype."""
    plain = _text(streams, _BODY)
    html = streams.get(f"__substg1.0_{_HTML:04X}0102", b"")
    if plain.strip() or not html:
        return plain, "plain"
    return html.decode("utf-8", "replace"), "html"


def _without(headers: bytes, *names: bytes) -> bytes:
    """Header lines (with their folded continuations) other than ``names``."""
    kept, skipping = [], False
    for line in headers.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        skipping = line.split(b":", 1)[0].strip().lower() in names
        if not skipping:
            kept.append(line)
    return b"\n".join(kept)


def _text(streams: dict[str, bytes], prop: int) -> str:
    """A string property: Unicode (``001F``) or 8-bit (``001E``, read as Windows-1252)."""
    unicode = streams.get(f"__substg1.0_{prop:04X}001F")
    if unicode is not None:
        return unicode.decode("utf-16-le", "replace").rstrip("\x00")
    ansi = streams.get(f"__substg1.0_{prop:04X}001E")
    return ansi.decode("cp1252", "replace").rstrip("\x00") if ansi is not None else ""


def _recipients(streams: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """The To and Cc addresses, from the ``__recip_version1.0_#...`` storages."""
    storages = sorted({n.split("/")[0] for n in streams if n.startswith("__recip_version1.0_")})
    to: list[str] = []
    cc: list[str] = []
    for storage in storages:
        inside = {n.split("/", 1)[1]: v for n, v in streams.items() if n.startswith(storage + "/")}
        address = _text(inside, _RECIPIENT_SMTP) or _text(inside, _RECIPIENT_ADDRESS)
        if "@" not in address:
            continue
        kind = _integer(inside.get("__properties_version1.0", b""), _RECIPIENT_TYPE)
        (cc if kind == 2 else to).append(formataddr((_text(inside, _RECIPIENT_NAME), address)))
    return to, cc


def _fixed_properties(data: bytes, header: int) -> dict[int, bytes]:
    """``property tag -> 8-byte value`` of a properties stream (after its header)."""
    found = {}
    for offset in range(header, len(data) - 15, 16):
        tag = struct.unpack_from("<I", data, offset)[0]
        found[tag] = data[offset + 8 : offset + 16]
    return found


def _time(data: bytes, props: tuple[int, ...]) -> datetime | None:
    """The first of ``props`` (PT_SYSTIME) in the message's properties stream."""
    values = _fixed_properties(data, 32)
    for prop in props:
        value = values.get(prop << 16 | 0x0040)
        if value:
            ticks = struct.unpack("<Q", value)[0]
            if ticks:
                return datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=ticks // 10)
    return None


def _integer(data: bytes, prop: int) -> int | None:
    value = _fixed_properties(data, 8).get(prop << 16 | 0x0003)
    return struct.unpack("<I", value[:4])[0] if value else None


class _Compound:
    """The streams of a Compound File (MS-CFB), by path (``storage/stream``)."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(MAGIC) or len(data) < 512:
            raise NotOutlook("not a Compound File")
        self.data = data
        self.sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_sector = 1 << struct.unpack_from("<H", data, 0x20)[0]
        self.cutoff = struct.unpack_from("<I", data, 0x38)[0]
        self.fat = self._fat()
        self.entries = self._entries(struct.unpack_from("<I", data, 0x30)[0])
        root = self.entries[0]
        self.mini_stream = self._chain_bytes(root[5], self.fat)[: root[6]]
        minifat_start = struct.unpack_from("<I", data, 0x3C)[0]
        minifat = self._chain_bytes(minifat_start, self.fat) if minifat_start < _END else b""
        self.minifat = list(struct.unpack(f"<{len(minifat) // 4}I", minifat))

    def _at(self, sector: int) -> bytes:
        start = (sector + 1) * self.sector
        if start >= len(self.data):
            raise NotOutlook("a sector lies past the end of the file")
        return self.data[start : start + self.sector]

    def _fat(self) -> list[int]:
        difat = list(struct.unpack_from("<109I", self.data, 0x4C))
        next_difat = struct.unpack_from("<I", self.data, 0x44)[0]
        seen = set()
        while next_difat < _END and next_difat not in seen:
            seen.add(next_difat)
            words = struct.unpack(f"<{self.sector // 4}I", self._at(next_difat))
            difat += words[:-1]
            next_difat = words[-1]
        fat: list[int] = []
        for sector in difat:
            if sector < _END:
                fat += struct.unpack(f"<{self.sector // 4}I", self._at(sector))
        return fat

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain, seen = [], set()
        while start < len(table) and start not in seen:
            seen.add(start)
            chain.append(start)
            start = table[start]
        return chain

    def _chain_bytes(self, start: int, table: list[int]) -> bytes:
        return b"".join(self._at(s) for s in self._chain(start, table))

    def _entries(self, start: int) -> list[tuple[str, int, int, int, int, int, int]]:
        """(name, type, left, right, child, start sector, size) of each directory entry."""
        data = self._chain_bytes(start, self.fat)
        entries = []
        for offset in range(0, len(data) - 127, 128):
            length = struct.unpack_from("<H", data, offset + 64)[0]
            name = data[offset : offset + max(0, length - 2)].decode("utf-16-le", "replace")
            kind = data[offset + 66]
            left, right, child = struct.unpack_from("<3I", data, offset + 68)
            first, size = struct.unpack_from("<IQ", data, offset + 116)
            entries.append((name, kind, left, right, child, first, size & 0xFFFFFFFF))
        if not entries or entries[0][1] != 5:
            raise NotOutlook("no root entry")
        return entries

    def _stream(self, first: int, size: int) -> bytes:
        if size < self.cutoff:
            chain = self._chain(first, self.minifat)
            pieces = [
                self.mini_stream[s * self.mini_sector : (s + 1) * self.mini_sector] for s in chain
            ]
            return b"".join(pieces)[:size]
        return self._chain_bytes(first, self.fat)[:size]

    def streams(self) -> dict[str, bytes]:
        """Every stream, walking each storage's tree of children (in any order)."""
        found: dict[str, bytes] = {}
        todo, seen = [(self.entries[0][4], "")], set()
        while todo:
            index, prefix = todo.pop()
            if index == _NO_STREAM or index >= len(self.entries) or index in seen:
                continue
            seen.add(index)
            name, kind, left, right, child, first, size = self.entries[index]
            if kind == 2:
                found[prefix + name] = self._stream(first, size)
            elif kind == 1 and prefix.count("/") < 2:
                todo.append((child, prefix + name + "/"))
            todo += [(left, prefix), (right, prefix)]
        return found
