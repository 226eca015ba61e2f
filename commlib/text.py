"""Text: what text may not hold (one set of control characters, and its variants), byte-order
marks and text encodings, and trimming and control checks on the UTF-8 bytes Arrow holds.

Control characters: ``CONTROL`` is what text may not hold (every C0 control but tab, line
feed and carriage return, and DEL): the store refuses it in text (``models``), a table's cells
have it made spaces, and more than two in a file's beginning make it binary. ``NOT_TEXT`` adds
lone surrogates (raw bytes a mail header kept by ``surrogateescape``, which no UTF-8 holds),
``BREAK`` is what a one-line field may not hold besides (line breaks and tabs), and
``NOT_ONE_LINE`` is all three.

Encodings: ``bom_encoding`` names the codec of a byte-order mark, ``decode`` reads bytes in the
first of some encodings that reads them, ``detect_encoding`` tells (or guesses) a file's
encoding from its beginning and ``decode_head`` reads that beginning.

At column speed: a million distinct ids or times are one Arrow buffer of bytes and one of
offsets; numpy compares those at memory speed, so a check that finds nothing (the usual case:
no control character, no space around any answer) costs milliseconds, and only the texts it
flags are looked at as text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# the pieces of the character classes below
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_BREAKS = r"\t\n\r\x85\u2028\u2029"
_SURROGATES = r"\ud800-\udfff"

#: control characters (not tab, line feed, carriage return): binary data, and what the store
#: refuses in text
CONTROL = re.compile(f"[{_CONTROLS}]")
#: ``CONTROL`` and lone surrogates: what text may not hold to be stored as UTF-8 (mail headers
#: keep raw bytes as surrogates)
NOT_TEXT = re.compile(f"[{_CONTROLS}{_SURROGATES}]")
#: line breaks and tabs: what a one-line field (a name, an id) may not hold besides ``CONTROL``
BREAK = re.compile(f"[{_BREAKS}]")
#: what a one-line field may not hold: ``NOT_TEXT`` and ``BREAK``
NOT_ONE_LINE = re.compile(f"[{_CONTROLS}{_BREAKS}{_SURROGATES}]")
#: ``NOT_ONE_LINE`` in RE2's syntax, for Arrow (no surrogate is UTF-8)
NOT_ONE_LINE_RE2 = r"[\x00-\x1f\x7f\x{85}\x{2028}\x{2029}]"


#: which bytes may start or end a text that ``str.strip`` changes: ASCII spaces and
#: controls, and any byte of a character beyond ASCII (U+3000, U+00A0 are spaces too)
_EDGE_BYTES = np.array([b <= 0x20 or b >= 0x7F for b in range(256)])


def has_control_byte(data: np.ndarray) -> bool:
    """Whether UTF-8 bytes hold one of ``CONTROL``'s characters (all of them ASCII: in
    UTF-8 no other byte is one), by comparisons numpy runs at memory speed."""
    low = data < 0x20
    if low.any():
        found = data[low]
        if ((found != 0x09) & (found != 0x0A) & (found != 0x0D)).any():
            return True
    return bool((data == 0x7F).any())


def has_break_byte(data: np.ndarray) -> bool:
    """Whether UTF-8 bytes may hold one of ``NOT_ONE_LINE``'s characters: a control byte, or
    the last byte of U+0085, U+2028 or U+2029 (most columns have none: no text searched)."""
    return bool(
        ((data < 0x20) | (data == 0x7F) | (data == 0x85) | (data >= 0xA8) & (data <= 0xA9)).any()
    )


def byte_lengths(texts: pd.Index) -> np.ndarray | None:
    """Each text's length in UTF-8 bytes, read from Arrow's offsets (None: no UTF-8 text
    held by Arrow, or a missing one among them)."""
    found = _arrow_offsets(texts)
    return None if found is None else np.diff(found[0])


def is_ascii(texts: pd.Index) -> bool:
    """Whether every text is ASCII (so its length in letters is its length in bytes)."""
    data = utf8_bytes(texts)
    return data is not None and not (data >= 0x80).any()


def padded(texts: pd.Index) -> np.ndarray:
    """Which texts ``str.strip`` may change (empty ones too), from their first and last bytes;
    every text when that cannot be told."""
    found = _arrow_offsets(texts)
    if found is None:
        return np.ones(len(texts), dtype=bool)
    offsets, data = found
    empty = offsets[1:] == offsets[:-1]
    if not len(data):
        return empty
    first = np.where(empty, 0, offsets[:-1])
    last = np.where(empty, 0, offsets[1:] - 1)
    return empty | _EDGE_BYTES[data[first]] | _EDGE_BYTES[data[last]]


def strip_texts(texts: pd.Index) -> pd.Index:
    """``texts.str.strip()``, run only on the texts whose first or last byte may be a space
    (most columns have none, and a million ids took 0.05 s to strip)."""
    change = padded(texts)
    if change.all():
        return texts.str.strip()
    if not change.any():
        return texts
    at = np.flatnonzero(change)
    array = arrow_texts(texts)
    trimmed = arrow_texts(texts[at].str.strip())
    mask = np.zeros(len(texts), dtype=bool)
    mask[at] = True
    return pd.Index(pc.replace_with_mask(array, pa.array(mask), trimmed), dtype="str")


def _arrow_offsets(texts: pd.Index) -> tuple[np.ndarray, np.ndarray] | None:
    """The offsets and bytes of texts Arrow holds as UTF-8 (None: other texts, or a missing
    one among them)."""
    if texts.dtype != "str" or not isinstance(texts.array, pd.arrays.ArrowStringArray):
        return None
    array = arrow_texts(texts)
    if array.null_count:
        return None
    offsets = np.frombuffer(array.buffers()[1], np.int32)[
        array.offset : array.offset + len(array) + 1
    ]
    data = array.buffers()[2]
    return offsets, np.zeros(0, np.uint8) if data is None else np.frombuffer(data, np.uint8)


def utf8_bytes(texts: pd.Index) -> np.ndarray | None:
    """All the bytes of a column of texts as UTF-8, at once (None: not UTF-8 text)."""
    try:
        array = arrow_texts(texts)
    except (pa.ArrowException, UnicodeError):
        return None
    if array.type != pa.string() or array.buffers()[2] is None:
        return None if array.type != pa.string() else np.zeros(0, np.uint8)
    return np.frombuffer(array.buffers()[2], np.uint8)


def arrow_texts(texts: pd.Index) -> pa.Array:
    """Texts as an Arrow string array (without a copy when Arrow holds them already);
    ``ArrowException``/``UnicodeError`` for texts that are no UTF-8 (a lone surrogate)."""
    if texts.dtype == "str":
        array = pa.array(texts.array)
        array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
        return pc.cast(array, pa.string())
    return pa.array(np.asarray(texts, dtype=object), pa.string())


# --- byte-order marks and encodings -------------------------------------------------------

#: the byte-order marks a text file may start with, and the codec that reads it (and drops it)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(data: bytes) -> str | None:
    """The codec the byte-order mark ``data`` starts with names (``utf-8-sig``, ``utf-16``),
    or None."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode(data: bytes, encodings: Iterable[str], errors: str = "strict") -> tuple[str, str] | None:
    """``data`` as text in the first of ``encodings`` that reads it, and that encoding; None
    when none does. Names of no text codec are passed over; with ``errors="replace"`` the
    first real codec reads it, unreadable bytes becoming U+FFFD."""
    for encoding in dict.fromkeys(encodings):
        try:
            return data.decode(encoding, errors), encoding
        except UnicodeDecodeError:
            continue
        except LookupError:
            continue
    return None


#: how a report names the encodings commlib guesses
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "gb18030": "GBK/GB18030",
    "shift_jis": "Shift-JIS",
    "cp1252": "Windows-1252",
    "mac_roman": "Mac Roman",
    "latin-1": "Latin-1",
}
#: encodings known from their bytes (a BOM, UTF-8's own rules): no guess
_CERTAIN = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"})
#: the share of a GB18030 reading's non-ASCII characters that must be common Chinese ones
#: (GB2312) for the text to be Chinese rather than another encoding that decodes by chance
_CHINESE_SHARE = 0.8
_KANA = re.compile(r"[\u3040-\u30ff]")


def detect_encoding(head: bytes) -> str | None:
    """The text encoding of a file's beginning, or None for binary data.

    UTF-8 (with or without BOM) and UTF-16 are known from the bytes. Otherwise the
    encoding is a guess: GB18030 (a superset of GBK, as Excel and Wenjuanxing save Chinese
    text) when it decodes cleanly into common Chinese characters; Shift-JIS when it decodes
    into Japanese kana; Windows-1252, Mac Roman or Latin-1 when one of them reads the
    accented letters as letters inside words (``caf\x8e`` is Mac Roman's ``café``);
    else what charset-normalizer finds.
    """
    bom = bom_encoding(head)
    if bom is not None:
        return bom
    sample = head[:4096]
    if b"\x00" in sample:
        odd = sample[1::2].count(0)
        even = sample[0::2].count(0)
        half = len(sample) // 2
        if half and odd > 0.3 * half and even < 0.05 * half:
            return "utf-16-le"
        if half and even > 0.3 * half and odd < 0.05 * half:
            return "utf-16-be"
        return None
    if decode_head(head, "utf-8") is not None:
        return "utf-8"
    return _guess_encoding(head)


def encoding_guessed(encoding: str) -> bool:
    """Whether commlib guessed this encoding (a report says so), rather than knew it."""
    return codecs.lookup(encoding).name not in {codecs.lookup(e).name for e in _CERTAIN}


def encoding_name(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    for key, label in ENCODING_NAMES.items():
        if codecs.lookup(key).name == name:
            return label
    return encoding


def _guess_encoding(head: bytes) -> str | None:
    chinese = decode_head(head, "gb18030")
    if chinese is not None and _chinese_share(chinese) >= _CHINESE_SHARE:
        return "gb18030"
    japanese = decode_head(head, "shift_jis")
    if japanese is not None and _KANA.search(japanese):
        return "shift_jis"
    latin = _latin(head)
    if latin is not None:
        return latin
    found = _charset_normalizer(head)
    if found is not None:
        return found
    return "gb18030" if chinese is not None else None


def _chinese_share(text: str) -> float:
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0.0
    common = 0
    for c in wide:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common / len(wide)


def _latin(head: bytes) -> str | None:
    """The Western single-byte encoding whose reading looks most like words, if one reads
    at least half the accented characters as letters in words."""
    best: tuple[float, str] | None = None
    for encoding in ("cp1252", "mac_roman", "latin-1"):
        text = decode_head(head, encoding)
        if text is None:
            continue
        score, wide = _wordlike(text)
        if not wide or score < 0.5 * wide:
            continue
        if best is None or score > best[0]:
            best = (score, encoding)
    return best[1] if best else None


def _wordlike(text: str) -> tuple[float, int]:
    """How word-like a reading's non-ASCII characters are: a letter scores 1, more when its
    case fits the letter before it; a symbol between letters or a control costs."""
    import unicodedata

    score = 0.0
    wide = 0
    for n, c in enumerate(text[:20000]):
        if ord(c) < 0x80:
            continue
        wide += 1
        before = text[n - 1] if n else " "
        after = text[n + 1] if n + 1 < len(text) else " "
        kind = unicodedata.category(c)
        if kind.startswith("C"):
            score -= 2
        elif c.isalpha():
            score += 1
            if before.isalpha() and before.islower() and c.isupper():
                score -= 1.5
        elif before.isalpha() and after.isalpha():
            score -= 1
    return score, wide


def _charset_normalizer(head: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency
        return None
    best = from_bytes(head[:65536]).best()
    if best is None:
        return None
    encoding = best.encoding
    if encoding in ("gb2312", "gbk", "cp936", "hz"):
        encoding = "gb18030"
    try:
        codecs.lookup(encoding)
    except LookupError:
        return None
    return encoding if decode_head(head, encoding) is not None else None


def decode_head(head: bytes, encoding: str) -> str | None:
    """The beginning of a file as text in ``encoding`` (a character cut at the end left out),
    or None when it does not decode or holds more than two control characters (binary)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return None
    if len(CONTROL.findall(text[:4096])) > 2:
        return None
    return text
