"""``commlib.text``: each fast path on the bytes gives what the plain pandas or regex call
gives, on chosen cases and on generated texts (spaces of every kind, CJK, control characters,
empty texts); what each control-character rule refuses; byte-order marks and encodings."""

from __future__ import annotations

import codecs

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commlib import text

SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u3000", "\u2028"]
LETTERS = st.sampled_from(["a", "Z", "7", "-", "无", "意", "é", "😀", "\x01", "\x7f", *SPACES])
TEXTS = st.lists(st.text(LETTERS, max_size=6), min_size=1, max_size=30, unique=True)


def _index(texts: list[str]) -> pd.Index:
    return pd.Index(texts, dtype="str")


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_trimming_gives_what_str_strip_gives(texts):
    index = _index(texts)
    assert list(text.strip_texts(index)) == list(index.str.strip())
    changed = np.asarray(index.str.strip() != index, dtype=bool)
    assert not (changed & ~text.padded(index)).any()  # every text strip changes is flagged


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_control_bytes_are_found_exactly_where_the_pattern_is(texts):
    data = text.utf8_bytes(_index(texts))
    assert text.has_control_byte(data) == any(text.CONTROL.search(t) for t in texts)


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_lengths_in_bytes_and_ascii(texts):
    index = _index(texts)
    assert list(text.byte_lengths(index)) == [len(t.encode()) for t in texts]
    assert text.is_ascii(index) == all(t.isascii() for t in texts)


def test_nothing_to_trim_returns_the_texts_themselves():
    ids = _index([f"R{n:07d}" for n in range(50_000)])
    assert text.strip_texts(ids) is ids
    assert not text.padded(ids).any()


def test_only_the_padded_texts_are_trimmed():
    index = _index(["a", " b", "c\u3000", "", "d"])
    assert list(text.padded(index)) == [False, True, True, True, False]
    assert list(text.strip_texts(index)) == ["a", "b", "c", "", "d"]


@pytest.mark.parametrize(
    "texts",
    [pd.Index([" a", "b"], dtype=object), pd.Index(["x", None], dtype="str")],
    ids=["python objects", "with a missing text"],
)
def test_texts_arrow_does_not_hold_plainly_are_all_flagged(texts):
    assert text.padded(texts).all()
    assert text.byte_lengths(texts) is None


def test_a_lone_surrogate_is_no_utf8():
    assert text.utf8_bytes(pd.Index(["ok", "\ud800"], dtype=object)) is None
    assert not text.is_ascii(pd.Index(["ok", "\ud800"], dtype=object))


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_break_bytes_are_flagged_wherever_a_one_line_field_would_refuse(texts):
    data = text.utf8_bytes(_index(texts))
    if any(text.NOT_ONE_LINE.search(t) for t in texts):
        assert text.has_break_byte(data)


# --- control characters: one set, and its variants --------------------------------------


@pytest.mark.parametrize(
    ("char", "control", "not_text", "breaks", "not_one_line"),
    [
        ("\x00", True, True, False, True),
        ("\x01", True, True, False, True),
        ("\x1f", True, True, False, True),
        ("\x7f", True, True, False, True),
        ("\t", False, False, True, True),
        ("\n", False, False, True, True),
        ("\r", False, False, True, True),
        ("\u2028", False, False, True, True),
        ("\x85", False, False, True, True),
        ("\ud800", False, True, False, True),  # a lone surrogate: no UTF-8 holds it
        ("a", False, False, False, False),
        ("\u3000", False, False, False, False),
    ],
)
def test_what_each_rule_refuses(char, control, not_text, breaks, not_one_line):
    assert bool(text.CONTROL.search(char)) is control
    assert bool(text.NOT_TEXT.search(char)) is not_text
    assert bool(text.BREAK.search(char)) is breaks
    assert bool(text.NOT_ONE_LINE.search(char)) is not_one_line


def test_the_one_line_rule_reads_the_same_in_arrow():
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = ["ok", "a\nb", "a\x01", "tab\there", "\u2028", "无\x85", "é"]
    found = pc.match_substring_regex(pa.array(texts), text.NOT_ONE_LINE_RE2).to_pylist()
    assert found == [bool(text.NOT_ONE_LINE.search(t)) for t in texts]


# --- byte-order marks and encodings --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + b"a,b", "utf-8-sig"),
        ("a,b".encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + "a,b".encode("utf-16-be"), "utf-16"),
        (b"a,b", None),
    ],
)
def test_a_byte_order_mark_names_its_codec(data, expected):
    assert text.bom_encoding(data) == expected


def test_decode_takes_the_first_encoding_that_reads_the_bytes():
    gbk = "客户确认".encode("gbk")
    assert text.decode(gbk, ["utf-8", "gb18030"]) == ("客户确认", "gb18030")
    assert text.decode(gbk, ["x-klingon", "base64", "gb18030"]) == ("客户确认", "gb18030")
    assert text.decode(b"\xff\xfe\xff", ["utf-8", "gb18030"]) is None
    damaged = text.decode(b"ok \xff", ["x-klingon", "utf-8"], errors="replace")
    assert damaged == ("ok \ufffd", "utf-8")


def test_a_file_beginning_cut_inside_a_character_still_reads():
    head = "序号,答案\n1,非常满意\n".encode()
    assert text.decode_head(head[:-2], "utf-8") == "序号,答案\n1,非常满"
    assert text.decode_head(b"a\x01b\x02c\x03d\x04", "utf-8") is None  # binary
    assert text.detect_encoding(bytes(range(256)) * 4) is None


LATIN = "respondent_id,submitted_at,comment\nr1,2024-06-20 10:00,Très satisfait du café\n"


@pytest.mark.parametrize(
    ("encoding", "content", "expected"),
    [
        ("mac_roman", LATIN + "r2,2024-06-21 10:00,Déjà vu à bientôt\n", "mac_roman"),
        ("cp1252", LATIN + "r2,2024-06-21 10:00,“Déjà vu” – €5\n", "cp1252"),
        ("latin-1", LATIN, "cp1252"),  # the same text: Windows-1252 is read
        ("shift_jis", "回答者,回答\n1,とても満足しています\n2,普通です\n", "shift_jis"),
        ("gbk", "序号,答案\n1,非常满意\n2,一般\n", "gb18030"),
        ("utf-8", "序号,答案\n1,非常满意\n", "utf-8"),
    ],
)
def test_encodings_are_detected(encoding, content, expected):
    assert text.detect_encoding(content.encode(encoding)) == expected
