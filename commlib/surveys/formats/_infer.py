"""What kind of question a column holds, and its answers in the form the data contract asks.

Rules, applied to the distinct values of a column (cheap on a million rows):

- every value a number: 0–10 whole numbers under a "recommend / 推荐" question -> ``nps``
  (also when a few answers are off the scale, which saving then refuses, naming them);
  whole numbers within 0–10 -> ``rating`` (options: the scale's bounds); else ``numeric``;
- every value a label of a known 5- or 7-point agreement or satisfaction scale (Chinese or
  English) -> ``likert``, options from most negative to most positive, answers 1..k;
- a few distinct short values, some given more than once -> ``single`` (options in the
  order they first appear);
- otherwise -> ``text``.

Multi-select and ranking answers joined in one cell are split by ``split_lists``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._read import counts, first_seen, map_categories, per_value

#: words that make a 0–10 question an NPS question
NPS_WORDS = re.compile(r"recommend|推荐|推薦|\bNPS\b|净推荐", re.I)

#: known scales, most negative first; each point lists the labels used for it
SCALES: list[list[tuple[str, ...]]] = [
    [
        ("非常不满意", "很不满意", "极不满意", "完全不满意"),
        ("不满意", "比较不满意", "不太满意"),
        ("一般", "中立", "说不清", "既不满意也不是不满意", "普通"),
        ("满意", "比较满意"),
        ("非常满意", "很满意", "极满意", "完全满意"),
    ],
    [
        ("非常不满意", "很不满意", "极不满意"),
        ("不满意",),
        ("比较不满意", "有点不满意", "不太满意"),
        ("一般", "中立", "说不清", "既不满意也不是不满意"),
        ("比较满意", "有点满意"),
        ("满意",),
        ("非常满意", "很满意", "极满意"),
    ],
    [
        ("非常不同意", "很不同意", "完全不同意", "强烈反对"),
        ("不同意", "比较不同意", "不太同意"),
        ("一般", "中立", "不确定", "说不清", "既不同意也不反对"),
        ("同意", "比较同意"),
        ("非常同意", "很同意", "完全同意", "强烈同意"),
    ],
    [
        ("非常不同意", "很不同意", "完全不同意", "强烈反对"),
        ("不同意",),
        ("比较不同意", "有点不同意", "不太同意"),
        ("一般", "中立", "不确定", "说不清", "既不同意也不反对"),
        ("比较同意", "有点同意"),
        ("同意",),
        ("非常同意", "很同意", "完全同意", "强烈同意"),
    ],
    [
        ("very dissatisfied", "extremely dissatisfied", "very unsatisfied"),
        ("dissatisfied", "somewhat dissatisfied", "unsatisfied"),
        ("neither satisfied nor dissatisfied", "neutral", "neither"),
        ("satisfied", "somewhat satisfied"),
        ("very satisfied", "extremely satisfied"),
    ],
    [
        ("extremely dissatisfied", "very dissatisfied"),
        ("moderately dissatisfied", "dissatisfied"),
        ("slightly dissatisfied", "somewhat dissatisfied"),
        ("neither satisfied nor dissatisfied", "neutral", "neither"),
        ("slightly satisfied", "somewhat satisfied"),
        ("moderately satisfied", "satisfied"),
        ("extremely satisfied", "very satisfied"),
    ],
    [
        ("strongly disagree",),
        ("disagree", "somewhat disagree"),
        ("neither agree nor disagree", "neither agree or disagree", "neutral", "undecided"),
        ("agree", "somewhat agree"),
        ("strongly agree",),
    ],
    [
        ("strongly disagree",),
        ("disagree",),
        ("somewhat disagree", "slightly disagree"),
        ("neither agree nor disagree", "neither agree or disagree", "neutral", "undecided"),
        ("somewhat agree", "slightly agree"),
        ("agree",),
        ("strongly agree",),
    ],
]

#: the share of answers on 0–10 that makes a "recommend" question NPS despite some outside
NPS_SHARE = 0.8
#: at most this many distinct values make a choice question
MAX_OPTIONS = 30
#: longer values than this are free text
MAX_OPTION_LENGTH = 40


@dataclass
class Guess:
    """A column's question type, its options in order, and its answers (contract form)."""

    type: str
    options: list[str] = field(default_factory=list)
    answers: pd.Series | None = None


def _key(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip().lower())


def match_scale(labels: list[str]) -> tuple[list[str], dict[str, int]] | None:
    """The known scale these labels come from: its options (worded as in the file, most
    negative first) and the position 1..k of every label, or None."""
    keys = {_key(label): label for label in labels}
    if not keys:
        return None
    for scale in sorted(SCALES, key=len):
        points = {_key(w): i for i, words in enumerate(scale) for w in words}
        if not all(k in points for k in keys):
            continue
        if len({points[k] for k in keys}) < len(keys):
            continue  # two labels on one point: a longer scale
        worded = {points[k]: label for k, label in keys.items()}
        options = [worded.get(i, _capital(words[0])) for i, words in enumerate(scale)]
        positions = {k: i + 1 for k, i in points.items()}
        positions.update({_key(o): i + 1 for i, o in enumerate(options)})
        return options, positions
    return None


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:] if label.isascii() else label


def likert_scale(labels: list[str]) -> list[str] | None:
    """The options of the known scale these labels come from (as the file words them)."""
    found = match_scale(labels)
    return found[0] if found else None


def numbers(column: pd.Series) -> pd.Series:
    """The column as float64 (NaN for text and missing)."""
    cats = column.cat.categories
    parsed = pd.to_numeric(pd.Series(np.asarray(cats, dtype=object)), errors="coerce")
    table = np.append(parsed.to_numpy(dtype=float), np.nan)
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(cats)
    return pd.Series(table[codes], dtype="float64")


def all_numbers(column: pd.Series) -> bool:
    cats = column.cat.categories
    used = cats[counts(column) > 0]
    if not len(used):
        return False
    parsed = pd.to_numeric(pd.Series(np.asarray(used, dtype=object)), errors="coerce")
    return bool(parsed.notna().all())


def infer(column: pd.Series, text: str = "", *, codes_only: bool = False) -> Guess:
    """The type, options and answers of one column of text (a Categorical).

    ``codes_only``: the file holds choice numbers, not texts (a coded export): small whole
    numbers are choices whose texts are unknown, kept as their codes.
    """
    n = int(column.notna().sum())
    used = [c for c, k in zip(column.cat.categories, counts(column), strict=True) if k]
    if not n:
        return Guess("text", [], pd.Series(np.nan, index=column.index, dtype="str"))
    if all_numbers(column):
        return _numbers(column, text, codes_only)
    scale = likert_scale(used)
    if scale is not None:
        return Guess("likert", scale, likert_answers(column, scale))
    longest = max(len(c) for c in used)
    few = len(used) <= MAX_OPTIONS and len(used) < n and len(used) <= max(2, 0.6 * n)
    if few and longest <= MAX_OPTION_LENGTH:
        options = first_seen(column)
        return Guess("single", options, single_answers(column, options))
    return Guess("text", [], text_answers(column))


def _numbers(column: pd.Series, text: str, codes_only: bool) -> Guess:
    values = numbers(column)
    found = values.dropna()
    whole = bool((found == found.round()).all())
    low, high = float(found.min()), float(found.max())
    if whole and NPS_WORDS.search(text or "") and _on_nps_scale(found):
        return Guess("nps", [str(i) for i in range(11)], values)
    if codes_only and whole and low >= 1 and high <= MAX_OPTIONS:
        options = [str(int(v)) for v in sorted(found.unique())]
        return Guess("single", options, coded_answers(column))
    if whole and low >= 0 and high <= 10 and found.nunique() >= 2:
        top = "5" if high <= 5 else "7" if high <= 7 else "10"
        return Guess("rating", ["0" if low == 0 else "1", top], values)
    return Guess("numeric", [], values)


def _on_nps_scale(found: pd.Series) -> bool:
    """0–10 answers, or nearly all (at least ``NPS_SHARE``) with a few typos (-10..100) that
    saving then refuses as out of range, rather than taking the question for a count."""
    inside = found.between(0, 10)
    if inside.all():
        return True
    return bool(inside.mean() >= NPS_SHARE and found.between(-10, 100).all())


# --- answers in the contract's form ------------------------------------------------------


def single_answers(column: pd.Series, options: list[str]) -> pd.Series:
    """A Categorical whose categories are the options (texts not among them are kept too)."""
    extra = [c for c in column.cat.categories if c not in options]
    return column.cat.set_categories([*options, *extra]).reset_index(drop=True)


def coded_answers(column: pd.Series) -> pd.Series:
    """Choice numbers as the text of the whole number (``"2.0"`` -> ``"2"``), in order."""

    def code(text: str) -> str | None:
        try:
            number = float(text)
        except ValueError:
            return None
        return str(int(number)) if number.is_integer() else None

    found = map_categories(column, code)
    return found.cat.reorder_categories(sorted(found.cat.categories, key=int))


def likert_answers(column: pd.Series, options: list[str]) -> pd.Series:
    """Positions 1..k on the scale (float64, NaN when missing or not on it)."""
    points = {_key(o): i + 1 for i, o in enumerate(options)}
    found = match_scale(options)
    if found is not None:
        points = {**found[1], **points}
    mapped = per_value(column, lambda c: points.get(_key(c), np.nan), missing=np.nan)
    return pd.Series(mapped.astype(float), dtype="float64")


def text_answers(column: pd.Series) -> pd.Series:
    mapped = per_value(column, lambda c: c, missing=np.nan)
    return pd.Series(mapped, dtype="str")


def split_lists(column: pd.Series, separator: str) -> tuple[list[str], pd.Series]:
    """Joined answers (``a┋b``) split into lists; the items in the order first seen."""
    items: dict[str, None] = {}

    def split(text: str) -> list[str]:
        parts = [p.strip() for p in text.split(separator)]
        parts = [p for p in parts if p]
        return parts

    cats = column.cat.categories
    lists = [split(c) for c in cats]
    for position in first_seen_codes(column):
        for item in lists[position]:
            items.setdefault(item, None)
    table = np.empty(len(cats) + 1, dtype=object)
    table[:-1] = lists
    table[-1] = np.nan
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(cats)
    return list(items), pd.Series(table[codes], dtype=object)


def first_seen_codes(column: pd.Series) -> list[int]:
    codes = column.cat.codes.to_numpy()
    return [int(c) for c in pd.unique(codes[codes >= 0])]


def looks_joined(column: pd.Series, separator: str) -> bool:
    """Several values hold ``separator`` and the pieces recur: a joined multi-select."""
    cats = [c for c, k in zip(column.cat.categories, counts(column), strict=True) if k]
    joined = [c for c in cats if separator in c]
    if not joined:
        return False
    pieces = [p.strip() for c in cats for p in c.split(separator) if p.strip()]
    distinct = set(pieces)
    if len(distinct) > MAX_OPTIONS or max(len(p) for p in distinct) > MAX_OPTION_LENGTH * 2:
        return False
    return len(distinct) < len(pieces) or len(joined) == len(cats)


def order_lists(lists: pd.Series, options: list[str]) -> pd.Series:
    """Each multi-select list in the options' order (codes of the lists, not every row)."""
    rank = {o: i for i, o in enumerate(options)}
    cache: dict[tuple[str, ...], list[str]] = {}

    def ordered(value: object) -> object:
        if not isinstance(value, list):
            return value
        key = tuple(value)
        if key not in cache:
            cache[key] = sorted(value, key=lambda v: rank.get(v, len(rank)))
        return cache[key]

    return pd.Series([ordered(v) for v in lists], dtype=object)
