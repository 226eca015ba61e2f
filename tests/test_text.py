"""Text checked on its bytes (``commlib.text``): each fast path gives what the plain pandas
or regex call gives, on chosen cases and on generated texts (spaces of every kind, CJK,
control characters, empty texts)."""

from __future__ import annotations

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
