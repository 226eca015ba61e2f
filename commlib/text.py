"""Text at column speed: control characters, and trimming, checked on the UTF-8 bytes Arrow
holds rather than text by text.

A million distinct ids or times are one Arrow buffer of bytes and one of offsets; numpy
compares those at memory speed, so a check that finds nothing (the usual case: no control
character, no space around any answer) costs milliseconds, and only the texts it flags are
looked at as text.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: control characters (not tab, line feed, carriage return): binary data, and what the store
#: refuses in text
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
