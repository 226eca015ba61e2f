"""What kind of question a column holds, and its answers in the form the data contract asks.

Rules, applied to the distinct values of a column (cheap on a million rows):

- missing first: blank, spaces only, ``NA``, ``N/A``, ``-``, ``(跳过)``... are no answer
  (``MISSING``); values are compared trimmed and NFKC-normalised (full-width letters,
  digits and spaces), case-blind: spellings that differ only so (``Yes``, ``Yes ``,
  ``YES``) are one option, worded as its most frequent spelling (``Guess.merged`` lists
  the spellings merged);
- every value a number: 0–10 whole numbers under a "recommend / 推荐" question -> ``nps``
  (also when a few answers are off the scale, which saving then refuses, naming them);
  a heading that names a category (gender/sex/性别, region/地区, year/年份, age group,
  department/部门, province/省份, city/城市, an id/编号...) -> ``single`` (codes, never
  averaged; ``text`` when nearly every value differs, as ids do); whole numbers within 0–10
  under a heading with scale wording (``SCALE_WORDS``: satisfaction/满意, recommend, rate/
  rating/评分/打分, score, likely, agree/同意, important/重要, quality/质量, how much/
  often/well, 1-5, 1–10, 0 to 10...) -> ``rating`` (options: the scale's bounds);
  negative recodes under a scale (``NON_ANSWER_CODES``: -1, -2, -99...) and declared
  non-answer labels beside numbers ("Don't know") are non-answers, missing in the rating
  and listed in ``Guess.non_answers`` (``details["non_answers"]``); whole numbers within
  0–10 without such wording -> ``single`` (codes such as 1/2 are categories until the
  user says they are a scale; a matrix of such numbers is a grid of ratings, see
  ``_groups.matrix_rows``); else ``numeric``;
- every value a label of a known ordered scale (``SCALES``: agreement, satisfaction,
  frequency, likelihood, importance, quality, confidence, concern; Chinese and English; 3, 4,
  5 or 7 points), declared non-answers (``_values.NON_ANSWERS``: "Don't know", "Prefer not to say",
  "N/A", "No basis for evaluation", 不适用, 不清楚...) aside -> ``likert``, options from most
  negative to most positive, answers 1..k; a non-answer is then missing, never a point. A
  scale whose every point is among the labels wins, else the 5-point, 7-point, 4-point, then
  3-point family that holds them all;
- a few distinct values, some given more than once -> ``single`` (options in the order they
  first appear); values up to 40 characters, or longer ones when at most 12 distinct values
  are repeated (on average three times each);
- otherwise -> ``text``.

Multi-select and ranking answers joined in one cell are split by ``split_lists``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...surveys._values import MISSING_UPPER, SKIPPED_TEXTS, is_non_answer, key, normal
from ._columns import counts, first_seen, first_seen_codes, map_categories, per_value

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
    # frequency
    [("never",), ("rarely", "seldom"), ("sometimes", "occasionally"), ("often",), ("always",)],
    [("never",), ("sometimes",), ("often",), ("always",)],
    [
        ("从不", "从来没有", "从未"),
        ("很少", "偶尔"),
        ("有时", "有时候"),
        ("经常",),
        ("总是", "一直"),
    ],
    # likelihood
    [
        ("very unlikely", "extremely unlikely"),
        ("unlikely", "somewhat unlikely"),
        ("neither likely nor unlikely", "neutral", "not sure", "unsure"),
        ("likely", "somewhat likely"),
        ("very likely", "extremely likely"),
    ],
    [
        ("extremely unlikely",),
        ("very unlikely",),
        ("somewhat unlikely", "unlikely"),
        ("neither likely nor unlikely", "neutral"),
        ("somewhat likely", "likely"),
        ("very likely",),
        ("extremely likely",),
    ],
    [
        ("非常不可能", "完全不可能", "极不可能"),
        ("不太可能", "不可能", "比较不可能"),
        ("一般", "不确定", "说不清", "中立"),
        ("比较可能", "可能", "有可能"),
        ("非常可能", "极有可能", "一定会"),
    ],
    # importance
    [
        ("not at all important", "not important at all"),
        ("slightly important", "of little importance", "low importance"),
        ("moderately important", "somewhat important"),
        ("very important",),
        ("extremely important",),
    ],
    [("not important",), ("somewhat important",), ("very important",)],
    [
        ("非常不重要", "完全不重要", "很不重要"),
        ("不重要", "不太重要", "比较不重要"),
        ("一般", "中立", "说不清"),
        ("重要", "比较重要"),
        ("非常重要", "很重要", "极其重要"),
    ],
    # quality
    [("poor", "very poor"), ("fair",), ("good",), ("very good",), ("excellent",)],
    [("poor",), ("fair",), ("good",), ("excellent",)],
    [("poor",), ("fair", "average"), ("good",)],
    [
        ("非常差", "很差", "极差"),
        ("差", "较差", "比较差"),
        ("一般", "中等"),
        ("好", "较好", "比较好", "良好"),
        ("非常好", "很好", "极好", "优秀"),
    ],
    # confidence
    [
        ("not at all confident", "not confident at all"),
        ("slightly confident", "not very confident"),
        ("somewhat confident", "moderately confident"),
        ("very confident",),
        ("extremely confident", "completely confident"),
    ],
    [
        ("完全没有信心", "非常没有信心", "毫无信心"),
        ("没什么信心", "不太有信心", "比较没有信心"),
        ("一般", "说不清"),
        ("比较有信心", "有信心"),
        ("非常有信心", "很有信心", "完全有信心"),
    ],
    # concern
    [
        ("not at all concerned", "not concerned at all"),
        ("slightly concerned",),
        ("somewhat concerned", "moderately concerned"),
        ("very concerned",),
        ("extremely concerned",),
    ],
    [
        ("完全不担心", "一点也不担心", "非常不担心"),
        ("不太担心", "不担心", "比较不担心"),
        ("一般", "说不清"),
        ("比较担心", "有点担心", "担心"),
        ("非常担心", "很担心", "极其担心"),
    ],
]

#: negative recodes survey designers give non-answers ("don't know" -1, "seen, not
#: answered" -99): under a scale they are missing, never a point
NON_ANSWER_CODES = frozenset({-1.0, -2.0, -3.0, -7.0, -8.0, -9.0, -97.0, -98.0, -99.0})

#: preferred scale lengths, when the labels seen fit scales of several lengths
_LENGTHS = (5, 7, 4, 3)

#: words of a question that say its numbers are a scale (see the module's rules)
SCALE_WORDS = re.compile(
    r"satisf|recommend|\brat(?:e|es|ed|ing|ings)\b|score|scale|likel|agree|important|"
    r"importance|quality|confiden|concern|how (?:much|well|often|easy|difficult|happy|good)|"
    r"\bout of\b|stars?\b|not at all|extremely|absolutely|strongly|completely|"
    r"\b\d+\s*(?:-|–|—|~|to)\s*\d+\b|\bNPS\b|\bCSAT\b|"
    r"满意|推荐|评分|打分|评价|分数|程度|同意|可能|重要|质量|信心|担心|频率|几分|星级|非常|完全|"
    r"\d+\s*[-–—~到至]\s*\d+",
    re.I,
)
#: words of a heading that name a category: numbers under it are codes, never a scale
CATEGORY_WORDS = re.compile(
    r"gender|\bsex\b|region|\byears?\b|age group|age band|department|\bdept\b|province|"
    r"\bstate\b|\bcity\b|country|\bid\b|identifier|zip ?code|postcode|\bcohort\b|"
    r"\bsegment\b|"
    r"性别|地区|区域|年份|年度|年龄段|部门|科室|省份|省市|城市|编号|工号|学号|代码|组别|班级|分组",
    re.I,
)

#: the share of answers on 0–10 that makes a "recommend" question NPS despite some outside
NPS_SHARE = 0.8
#: at most this many distinct values make a choice question
MAX_OPTIONS = 30
#: longer values than this are free text
MAX_OPTION_LENGTH = 40


@dataclass
class Guess:
    """A column's question type, its options in order, and its answers (contract form).

    ``merged``: option -> the other spellings of it that were merged into it;
    ``non_answers``: the declared non-answers ("Don't know", ``-99``) made missing beside a
    scale (never a point of it)."""

    type: str
    options: list[str] = field(default_factory=list)
    answers: pd.Series | None = None
    merged: dict[str, list[str]] = field(default_factory=dict)
    non_answers: list[str] = field(default_factory=list)


def _key(label: str) -> str:
    return key(label)


#: texts that mean no answer wherever they stand
MISSING = frozenset({*(m.casefold() for m in MISSING_UPPER), *SKIPPED_TEXTS})


def without_missing(column: pd.Series) -> pd.Series:
    """The column with the texts that mean no answer made missing."""
    cats = column.cat.categories
    if not len(cats):
        return column
    short = np.asarray(cats.str.len() <= 8, dtype=bool)  # every missing mark is short
    if not short.any():
        return column
    drop = [c for c in cats[short] if not c.strip() or _key(c) in MISSING]
    return column.cat.remove_categories(drop) if drop else column


def _keys(values: pd.Index) -> pd.Index:
    """``_key`` of many values at once."""
    found = values.str.normalize("NFKC").str.replace(r"\s+", " ", regex=True).str.strip()
    return found.str.casefold().str.replace("’", "'")


def merge_spellings(
    columns: Sequence[pd.Series],
) -> tuple[list[pd.Series], dict[str, list[str]]]:
    """Columns whose values that differ only by case, spaces or full-width forms are made one
    value, spelled as its most frequent spelling (over all the columns; the first seen on a
    tie); and, per kept spelling, the others merged into it."""
    distinct: set[str] = set()
    for column in columns:
        cats = column.cat.categories
        if len(cats) > 4 * MAX_OPTIONS:  # free text or numbers, not a few options
            return list(columns), {}
        distinct.update(_keys(cats[counts(column) > 0]))
    if len(distinct) > MAX_OPTIONS * 2:
        return list(columns), {}
    tally: dict[str, dict[str, int]] = {}
    for column in columns:
        n_of = dict(zip(column.cat.categories, counts(column), strict=True))
        for value in first_seen(column):
            spellings = tally.setdefault(_key(value), {})
            spellings[value] = spellings.get(value, 0) + int(n_of[value])
    spelling: dict[str, str] = {}
    merged: dict[str, list[str]] = {}
    for spellings in tally.values():
        best = normal(max(spellings, key=lambda v: spellings[v]))  # first seen wins a tie
        for value in spellings:
            spelling[value] = best
        others = [v for v in spellings if v != best]
        if others and len(spellings) > 1:
            merged[best] = others
    if not merged:
        return list(columns), {}
    found = []
    for column in columns:
        if any(spelling.get(c, c) != c for c in column.cat.categories):
            column = map_categories(column, lambda c: spelling.get(c, c)).set_axis(column.index)
        found.append(column)
    return found, merged


def _scale_rank(scale: list[tuple[str, ...]]) -> int:
    n = len(scale)
    return _LENGTHS.index(n) if n in _LENGTHS else len(_LENGTHS) + n


@functools.lru_cache(maxsize=1)
def _scale_points(_count: int) -> tuple[dict[str, int], ...]:
    """Each scale of ``SCALES`` as ``key(word) -> point`` (made once: every column asks)."""
    return tuple({_key(w): i for i, words in enumerate(scale) for w in words} for scale in SCALES)


def match_scale(labels: list[str]) -> tuple[list[str], dict[str, int]] | None:
    """The known scale these labels come from: its options (worded as in the file, most
    negative first) and the position 1..k of every label, or None. Declared non-answers
    ("Don't know"...) are left aside; labels that are all non-answers are no scale."""
    if len(labels) > 20:  # no scale has that many labels (7 points, a few non-answers)
        return None
    keys = {_key(label): label for label in labels if not is_non_answer(label)}
    if not keys:
        return None
    fits = []
    for scale, points in zip(SCALES, _scale_points(len(SCALES)), strict=True):
        if not all(k in points for k in keys):
            continue
        if len({points[k] for k in keys}) < len(keys):
            continue  # two labels on one point: a longer scale
        whole = len({points[k] for k in keys}) == len(scale)
        fits.append((not whole, _scale_rank(scale), len(fits), scale, points))
    if not fits:
        return None
    _whole, _rank, _n, scale, points = min(fits, key=lambda f: f[:3])
    worded = {points[k]: label for k, label in keys.items()}
    options = [worded.get(i, _capital(words[0])) for i, words in enumerate(scale)]
    positions = {k: i + 1 for k, i in points.items()}
    positions.update({_key(o): i + 1 for i, o in enumerate(options)})
    return options, positions


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
    left = np.flatnonzero(np.isnan(table[:-1]))
    if len(left):  # full-width digits, spaces: as plain ones
        again = pd.to_numeric(
            pd.Series([normal(cats[i]) for i in left], dtype=object), errors="coerce"
        )
        table[left] = again.to_numpy(dtype=float)
    table[np.isinf(table)] = np.nan  # "1E310" overflows: no number anybody answered
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(cats)
    return pd.Series(table[codes], dtype="float64", copy=False)


def all_numbers(column: pd.Series) -> bool:
    cats = column.cat.categories
    used = cats[counts(column) > 0]
    if not len(used):
        return False
    parsed = pd.to_numeric(pd.Series(np.asarray(used, dtype=object)), errors="coerce")
    if bool(parsed.notna().all()):
        return True
    left = used[parsed.isna().to_numpy()]
    if len(left) > MAX_OPTIONS and not bool(left.str.contains(r"[\uff10-\uff19]").any()):
        return False  # no full-width digits: the texts are not numbers
    parsed = pd.to_numeric(pd.Series([normal(c) for c in left], dtype=object), errors="coerce")
    return bool(parsed.notna().all())


#: at most this many distinct labels longer than ``MAX_OPTION_LENGTH`` still make a choice
#: question (when each is given about three times or more)
MAX_LONG_OPTIONS = 12


def infer(column: pd.Series, text: str = "", *, codes_only: bool = False) -> Guess:
    """The type, options and answers of one column of text (a Categorical).

    ``codes_only``: the file holds choice numbers, not texts (a coded export): small whole
    numbers are choices whose texts are unknown, kept as their codes.
    """
    original = without_missing(column)
    (column,), merged = merge_spellings([original])
    n = int(column.notna().sum())
    used = [c for c, k in zip(column.cat.categories, counts(column), strict=True) if k]
    if not n:
        return Guess("text", [], pd.Series(np.nan, index=column.index, dtype="str"))
    if all_numbers(column):
        return _numbers(column, text, codes_only)
    declared = [c for c in used if is_non_answer(c)] if len(used) <= 20 else []
    if declared and len(declared) < len(used):
        rest = column.cat.remove_categories(declared)
        if all_numbers(rest):  # numbers beside "Don't know": a scale, the label missing
            guess = _numbers(rest, text, codes_only)
            if guess.type in ("rating", "nps", "numeric"):
                guess.non_answers = declared
                return guess
    scale = likert_scale(used)
    if scale is not None:
        guess = Guess("likert", scale, likert_answers(column, scale), merged)
        guess.non_answers = declared
        return guess
    longest = max(len(c) for c in used)
    few = len(used) <= MAX_OPTIONS and len(used) < n and len(used) <= max(2, 0.6 * n)
    repeated = len(used) <= MAX_LONG_OPTIONS and n >= 3 * len(used)
    if few and (longest <= MAX_OPTION_LENGTH or repeated):
        options = first_seen(column)
        return Guess("single", options, single_answers(column, options), merged)
    return Guess("text", [], text_answers(original))


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
    scale = bool(SCALE_WORDS.search(text or ""))
    category = bool(CATEGORY_WORDS.search(text or "")) and not scale
    recodes = found[found < 0]
    if scale and whole and len(recodes) and set(recodes.unique()) <= NON_ANSWER_CODES:
        # "don't know" recoded -1, -99...: no point of the scale, never averaged
        values = values.where(~values.isin(list(NON_ANSWER_CODES)))
        found = values.dropna()
        if not len(found):
            return Guess("numeric", [], values)
        low, high = float(found.min()), float(found.max())
        if whole and low >= 0 and high <= 10 and found.nunique() >= 2:
            top = "5" if high <= 5 else "7" if high <= 7 else "10"
            codes = [f"{v:g}" for v in sorted(recodes.unique(), reverse=True)]
            return Guess("rating", ["0" if low == 0 else "1", top], values, non_answers=codes)
    distinct = int(found.nunique())
    if category and whole:
        if distinct > MAX_OPTIONS or distinct > max(2, 0.6 * len(found)):
            return Guess("text", [], text_answers(coded_answers(column)))
        options = [str(int(v)) for v in sorted(found.unique())]
        return Guess("single", options, coded_answers(column))
    if whole and low >= 0 and high <= 10 and distinct >= 2:
        if not scale:
            options = [str(int(v)) for v in sorted(found.unique())]
            return Guess("single", options, coded_answers(column))
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
            number = float(normal(text))
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
    mapped = per_value(column, lambda c: points.get(_key(c), np.nan), np.nan, dtype="float64")
    return pd.Series(mapped, dtype="float64", copy=False)


def text_answers(column: pd.Series) -> pd.Series:
    mapped = per_value(column, lambda c: c, missing=np.nan)
    return pd.Series(mapped, dtype="str", copy=False)


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
    return list(items), pd.Series(table[codes], dtype=object, copy=False)


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
