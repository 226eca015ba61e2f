"""Survey analysis: pure functions over the wide response frame and its codebook.

Every function takes the frame of ``commlib.surveys.data.responses_frame`` (one row per
response, one column per question code: likert/nps/rating/numeric as float64, single as a
Categorical of the options, text as str, multi and rank as lists) and its ``codebook``
(``code, text, type, options, parent, position``), both plain DataFrames; nothing here reads a
store or the clock.

    >>> result = analyse(frame, codebook, overall="Q1", segment="Q9")
    >>> result.nps                    # NPS with its 95% interval, per NPS question and wave
    >>> nps(frame, codebook, segment="Q9", wave_col="wave")
    >>> crosstab(frame, codebook, "Q9", "Q4").p_value

Conventions
    * Shares are proportions (0..1); NPS is in points (−100..100). Intervals are 95%.
    * Grouped tables start with a ``wave`` and/or ``segment`` column and have one row per group
      with answers. Waves are in frame order (:func:`waves`); segments in option order (a
      single-choice question), category order (a Categorical), else sorted; a missing segment
      value is a group of its own (NaN).
    * Missing answers (NaN, None) are left out of every count and denominator, and so are
      answers off the question's scale (a likert 0 or 6 on five options, an NPS of 11).

How it stays fast: a question with a few possible answers (likert, NPS, a rating in whole
points, single and multi choice) is read once, into counts per group and answer with
``np.bincount`` on integer codes; distributions, NPS, CSAT, means and standard deviations,
crosstabs and even correlations (from the joint table of two items) are computed from those
counts. :func:`analyse` counts every question once, by wave × segment, and sums to coarser
groups. No Python loop runs over responses, only over questions, groups and distinct texts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special  # the distributions' functions; scipy.stats takes 1 s to import

from ..errors import AnalysisError, NotFound
from ..i18n import t
from ._values import HEADER_TEXTS, is_missing, is_non_answer
from .text import COLUMNS as KEYWORD_COLUMNS
from .text import keyword_counts

#: the normal quantile of a two-sided 95% interval
Z95 = float(special.ndtri(0.975))
#: question types with a numeric score
SCORED = ("likert", "rating", "numeric", "nps")
#: NPS groups, in this order everywhere: 0–6, 7–8, 9–10
NPS_GROUPS = ("detractors", "passives", "promoters")


# --- questions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One codebook row, with ``options`` as a tuple (empty when the codebook has none)."""

    code: str
    text: str
    type: str
    options: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.text or self.code

    @cached_property
    def skipped(self) -> tuple[int, ...]:
        """Positions (0-based) of options that are declared non-answers ("Don't know",
        "不适用", a recode such as ``-1``): never a point of a likert scale."""
        if self.type != "likert":
            return ()
        return tuple(i for i, o in enumerate(self.options) if is_non_answer(o))

    @property
    def scored_options(self) -> tuple[str, ...]:
        """The options that are points of the scale (non-answers left out)."""
        skipped = set(self.skipped)
        return tuple(o for i, o in enumerate(self.options) if i not in skipped)


def questions(codebook: pd.DataFrame | None) -> dict[str, Question]:
    """``code -> Question`` for every codebook row, in codebook order."""
    if codebook is None or codebook.empty:
        return {}
    n = len(codebook)
    columns = [
        codebook[c].tolist() if c in codebook.columns else [None] * n
        for c in ("code", "text", "type", "options")
    ]
    found = {}
    for code, text, kind, options in zip(*columns, strict=True):
        found[str(code)] = Question(
            code=str(code),
            text=text if isinstance(text, str) else "",
            type=kind if isinstance(kind, str) and kind else "single",
            options=tuple(map(str, options)) if isinstance(options, list | tuple) else (),
        )
    return found


def _guess(series: pd.Series, code: str) -> Question:
    """A column the codebook does not describe (``source``, a segment added by hand)."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        kind = "single"
    elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        kind = "numeric"
    else:
        first = series.dropna().head(1)
        kind = "multi" if len(first) and isinstance(first.iloc[0], list | tuple) else "single"
    return Question(code=code, text="", type=kind)


def _question(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    types: Sequence[str] | None = None,
    book: Mapping[str, Question] | None = None,
) -> Question:
    book = questions(codebook) if book is None else book
    if code not in frame.columns:
        known = [c for c in book if c in frame.columns] or list(frame.columns)
        raise NotFound(
            t("surveys.analysis.error.no_column", column=code, known=", ".join(map(str, known)))
        )
    found = book.get(code) or _guess(frame[code], code)
    if types is not None and found.type not in types:
        raise AnalysisError(
            t(
                "surveys.analysis.error.wrong_type",
                code=code,
                type=found.type,
                expected=", ".join(types),
            )
        )
    return found


def _codes(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    codes: str | Iterable[str] | None,
    types: Sequence[str],
) -> list[str]:
    """The given codes, or every codebook question of ``types`` that has a column."""
    if codes is None:
        return [c for c, q in questions(codebook).items() if q.type in types and c in frame]
    return [codes] if isinstance(codes, str) else list(codes)


def _first(frame: pd.DataFrame, codebook: pd.DataFrame | None, kind: str) -> str:
    found = _codes(frame, codebook, None, (kind,))
    if not found:
        raise NotFound(t("surveys.analysis.error.no_question", type=kind))
    return found[0]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        raise NotFound(
            t(
                "surveys.analysis.error.no_column",
                column=name,
                known=", ".join(map(str, frame.columns)),
            )
        )
    return frame[name]


# --- answers as numbers and codes --------------------------------------------------------


def _number(value: object, positions: Mapping[object, int]) -> float:
    if value in positions:
        return float(positions[value] + 1)
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return math.nan


def _numeric(series: pd.Series, options: Sequence[str] = ()) -> np.ndarray:
    """Scores as float64 (NaN missing). Text answers that are options score their position."""
    dtype = series.dtype
    if not isinstance(dtype, pd.CategoricalDtype) and (
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    ):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if isinstance(dtype, pd.CategoricalDtype):
        raw, uniques = series.cat.codes.to_numpy(), list(dtype.categories)
    else:
        raw, uniques = pd.factorize(series)
    positions = {o: i for i, o in enumerate(options)}
    lookup = np.array([_number(u, positions) for u in uniques] + [math.nan], dtype=np.float64)
    return lookup[raw]


def _scores(series: pd.Series, question: Question) -> np.ndarray:
    """A scored question's answers as numbers: likert positions on the scale without its
    non-answer options (an answer that is one is NaN), ratings and NPS as they are."""
    values = _numeric(series, question.options)
    skipped = question.skipped
    if not skipped:
        return values
    k = len(question.options)
    table = np.full(k + 1, np.nan)
    position = 0
    for i in range(k):
        if i not in skipped:
            position += 1
            table[i + 1] = position
    with np.errstate(invalid="ignore"):
        whole = (values >= 1) & (values <= k) & (values == np.floor(values))
    index = np.where(whole, values, 0).astype(np.int64)
    return np.where(whole, table[index], np.nan)


def _scale(question: Question, values: np.ndarray | None = None) -> tuple[int, int]:
    """The lowest and highest point of a question's scale.

    likert: 1..number of options (1..5 without options); nps: 0..10; rating: its options when
    they are two numbers (``["1", "5"]``), else guessed from the answers: from 0 when there
    is a 0 (else 1) up to 5, 7 or 10, whichever first holds the highest answer.
    """
    if question.type == "likert":
        return 1, (len(question.scored_options) if question.options else 5)
    if question.type == "nps":
        return 0, 10
    bounds = [_number(o, {}) for o in question.options]
    # negative recodes (-1 "don't know", -99 "seen, not answered") are no bound of a scale
    bounds = [b for b in bounds if math.isfinite(b) and b >= 0]
    if len(bounds) >= 2:
        return math.floor(min(bounds)), math.ceil(max(bounds))
    seen = values[np.isfinite(values)] if values is not None else np.array([])
    if not len(seen):
        return 1, 5
    low = 0 if seen.min() < 1 else 1
    top = float(seen.max())
    return low, next((h for h in (5, 7, 10) if top <= h), math.ceil(top))


def _points(question: Question, values: np.ndarray) -> tuple[int, list[str]]:
    """The first point of a question's scale, and the label of every point."""
    low, high = _scale(question, values)
    if question.type == "likert" and question.options:
        return low, list(question.scored_options)
    return low, [f"{v:g}" for v in range(low, high + 1)]


def _point_codes(values: np.ndarray, low: int, k: int, whole: bool = False) -> np.ndarray:
    """0..k-1 for whole answers on the scale low..low+k-1, -1 for the rest.

    ``whole`` says the answers are known to be whole numbers (skips that check).
    """
    with np.errstate(invalid="ignore"):
        shifted = values - low
        ok = (shifted >= 0) & (shifted < k)
        if not whole:
            ok &= shifted == np.floor(shifted)
        return np.where(ok, shifted, -1).astype(np.int64)


def _whole(values: np.ndarray) -> bool:
    """Whether every answer is a whole number (so that counts per point say everything)."""
    with np.errstate(invalid="ignore"):
        return not bool(np.any(values - np.floor(values) > 0))


class _Columns:
    """Scores of a frame's columns, converted once per call and remembered."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._values: dict[str, np.ndarray] = {}
        self._whole: dict[str, bool] = {}
        self._points: dict[str, tuple[int, list[str], np.ndarray]] = {}

    def values(self, question: Question) -> np.ndarray:
        code = question.code
        if code not in self._values:
            self._values[code] = _scores(self.frame[code], question)
        return self._values[code]

    def whole(self, question: Question) -> bool:
        code = question.code
        if code not in self._whole:
            self._whole[code] = _whole(self.values(question))
        return self._whole[code]

    def points(self, question: Question) -> tuple[int, list[str], np.ndarray]:
        """The scale's first point, the points' labels and each answer's point code."""
        code = question.code
        if code not in self._points:
            values = self.values(question)
            low, labels = _points(question, values)
            codes = _point_codes(values, low, len(labels), whole=self.whole(question))
            self._points[code] = (low, labels, codes)
        return self._points[code]


def _on_scale(values: np.ndarray, question: Question) -> np.ndarray:
    """Scores with answers off a likert/NPS/rating scale set to NaN (numeric: unchanged)."""
    if question.type == "numeric":
        return values
    low, high = _scale(question, values)
    with np.errstate(invalid="ignore"):
        return np.where((values >= low) & (values <= high), values, np.nan)


def _option_codes(series: pd.Series, options: Sequence[str]) -> tuple[np.ndarray, list]:
    """Codes into ``options``; answers that are not options are added after them."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        raw, uniques = series.cat.codes.to_numpy(), list(series.dtype.categories)
    else:
        raw, uniques = pd.factorize(series)
    labels: list = list(options)
    where = {o: i for i, o in enumerate(labels)}
    lookup = []
    for value in uniques:
        if value not in where and _not_an_answer(value):
            lookup.append(-1)
            continue
        if value not in where:
            where[value] = len(labels)
            labels.append(value)
        lookup.append(where[value])
    return np.array([*lookup, -1], dtype=np.int64)[raw], labels


def _not_an_answer(value: object) -> bool:
    """A stray value that is no answer: a missing mark (``-``, ``NA``) or a header row's
    text (SurveyMonkey's ``Response``), unless the question has it as an option."""
    if not isinstance(value, str):
        return False
    return is_missing(value) or value.strip().casefold() in HEADER_TEXTS


def _exploded(
    series: pd.Series, options: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, list, np.ndarray]:
    """A multi-select column as (row position, option code) pairs, each pair once.

    Also returns the labels and which rows answered (a list, even an empty one).
    """
    values = series.reset_index(drop=True)
    answered = values.notna().to_numpy()
    picked = values[answered].explode()
    codes, labels = _option_codes(picked, options)
    rows = picked.index.to_numpy(dtype=np.int64)
    keep = codes >= 0
    rows, codes = rows[keep], codes[keep]
    width = max(len(labels), 1)
    pairs = pd.unique(rows * width + codes)
    return pairs // width, pairs % width, labels, answered


def _nps_groups(values: np.ndarray) -> np.ndarray:
    """0 detractor (0–6), 1 passive (7–8), 2 promoter (9–10), -1 missing or off the scale."""
    with np.errstate(invalid="ignore"):
        return np.select(
            [(values >= 9) & (values <= 10), (values >= 7) & (values < 9), values >= 0],
            [2, 1, 0],
            -1,
        ).astype(np.int64)


# --- groups ------------------------------------------------------------------------------


def _with_missing(codes: np.ndarray, levels: list) -> tuple[np.ndarray, list]:
    codes = np.asarray(codes, dtype=np.int64)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(levels), codes)
        levels = [*levels, np.nan]
    return codes, levels


def _factor(series: pd.Series) -> tuple[np.ndarray, list]:
    """Codes 0..k-1 and the k levels: categories in order, else sorted; NaN last."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return _with_missing(series.cat.codes.to_numpy(), list(series.dtype.categories))
    try:
        codes, uniques = pd.factorize(series, sort=True)
    except TypeError:
        codes, uniques = pd.factorize(series)
    return _with_missing(codes, list(uniques))


def _segment_factor(
    frame: pd.DataFrame, codebook: pd.DataFrame | None, segment: str
) -> tuple[np.ndarray, list]:
    """A segment's codes and levels: a single-choice question's in option order."""
    series = _column(frame, segment)
    found = questions(codebook).get(segment)
    if found is not None and found.type == "single" and found.options:
        return _with_missing(*_option_codes(series, found.options))
    return _factor(series)


def _wave_factor(frame: pd.DataFrame, wave_col: str) -> tuple[np.ndarray, list]:
    """Codes and levels of the wave column, in wave order (see :func:`waves`)."""
    series = _column(frame, wave_col)
    if isinstance(series.dtype, pd.CategoricalDtype):
        return _factor(series)
    codes, uniques = pd.factorize(series)
    return _with_missing(codes, list(uniques))


def waves(frame: pd.DataFrame, wave_col: str = "wave") -> list:
    """The waves of a frame, in order.

    A Categorical wave column keeps its category order; otherwise waves come in the order
    they first appear (``responses_frame`` lists the responses of the earliest wave first).
    """
    if wave_col not in frame.columns:
        return []
    codes, levels = _wave_factor(frame, wave_col)
    present = set(np.unique(codes).tolist())
    return [level for i, level in enumerate(levels) if i in present]


@dataclass(frozen=True)
class _Groups:
    """The groups (every combination of the levels of each key) and each response's group.

    ``codes`` is None for a coarser grouping made with :meth:`coarsen`, whose counts come
    from summing a finer grouping's counts (:meth:`sum_to`).
    """

    dims: tuple[tuple[str, tuple], ...]
    codes: np.ndarray | None = None

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.dims]

    @property
    def sizes(self) -> list[int]:
        return [len(levels) for _, levels in self.dims]

    @property
    def size(self) -> int:
        return math.prod(self.sizes)

    @property
    def grouped(self) -> bool:
        return bool(self.dims)

    @cached_property
    def key_values(self) -> dict[str, np.ndarray]:
        """Each key's value in every group (object arrays, one item per group)."""
        found = {}
        where = np.unravel_index(np.arange(self.size), self.sizes) if self.dims else ()
        for (name, levels), index in zip(self.dims, where, strict=True):
            values = np.empty(len(levels), dtype=object)
            values[:] = list(levels)
            found[name] = values[index]
        return found

    @property
    def keys(self) -> pd.DataFrame:
        """One row per group, one column per key."""
        return pd.DataFrame(self.key_values, index=pd.RangeIndex(self.size))

    def count(self, codes: np.ndarray, width: int, rows: np.ndarray | None = None) -> np.ndarray:
        """Answers per group and code (``codes`` -1 = none): a (size, width) array."""
        assert self.codes is not None
        groups = self.codes if rows is None else self.codes[rows]
        # one more column for "no answer" (code -1), dropped after counting
        flat = groups * (width + 1) + (codes + 1)
        counts = np.bincount(flat, minlength=self.size * (width + 1))
        return counts.reshape(self.size, width + 1)[:, 1:]

    def tally(self, mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Rows per group where ``mask`` holds (or the sum of their ``weights``)."""
        assert self.codes is not None
        w = None if weights is None else weights[mask]
        return np.bincount(self.codes[mask], weights=w, minlength=self.size)

    def coarsen(self, *names: str) -> _Groups:
        return _Groups(tuple(d for d in self.dims if d[0] in names))

    def sum_to(self, array: np.ndarray, target: _Groups) -> np.ndarray:
        """Per-group values (first axis) summed to a coarser grouping."""
        array = np.asarray(array)
        drop = tuple(i for i, name in enumerate(self.names) if name not in target.names)
        if not drop:
            return array
        shaped = array.reshape(*self.sizes, *array.shape[1:])
        return shaped.sum(axis=drop).reshape(target.size, *array.shape[1:])

    def _key_arrays(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        return {name: values[rows] for name, values in self.key_values.items()}

    def table(self, columns: Mapping[str, object], n: np.ndarray) -> pd.DataFrame:
        """Keys and ``columns`` (one value per group), groups without answers left out."""
        rows = np.flatnonzero(np.asarray(n) > 0) if self.grouped else np.arange(self.size)
        data: dict[str, object] = self._key_arrays(rows)
        for name, value in columns.items():
            data[name] = np.asarray(value)[rows] if np.ndim(value) else value
        return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))

    def long(
        self, counts: np.ndarray, labels: Sequence, n: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """One row per group with answers and label: keys, ``option``, ``count``.

        Also returns each row's group and label index.
        """
        keep = n > 0 if self.grouped else np.ones(self.size, dtype=bool)
        width = len(labels)
        rows = np.repeat(np.flatnonzero(keep), width)
        cols = np.tile(np.arange(width), int(keep.sum()))
        names = np.empty(width, dtype=object)
        names[:] = list(labels)
        data = {
            **self._key_arrays(rows),
            "option": names[cols],
            "count": counts[rows, cols].astype(np.int64),
        }
        return pd.DataFrame(data, index=pd.RangeIndex(len(rows))), rows, cols


def _groups(
    frame: pd.DataFrame,
    wave_col: str | None,
    segment: str | None,
    codebook: pd.DataFrame | None = None,
) -> _Groups:
    parts = []
    if wave_col is not None:
        parts.append(("wave", *_wave_factor(frame, wave_col)))
    if segment is not None:
        parts.append(("segment", *_segment_factor(frame, codebook, segment)))
    codes = np.zeros(len(frame), dtype=np.int64)
    for _, part, levels in parts:
        codes = codes * len(levels) + part
    return _Groups(tuple((name, tuple(levels)) for name, _, levels in parts), codes)


def _divide(a: object, b: object) -> np.ndarray:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = np.full(np.broadcast(a, b).shape, np.nan)
    np.divide(a, b, out=out, where=b != 0)
    return out


def _trim(counts: np.ndarray, labels: list, known: int) -> tuple[np.ndarray, list]:
    """Drop answers-that-are-not-options nobody gave (unused categories)."""
    used = [j for j in range(len(labels)) if j < known or counts[..., j].sum() > 0]
    return counts[..., used], [labels[j] for j in used]


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


# --- counts of one question --------------------------------------------------------------


@dataclass(frozen=True)
class _Points:
    """Answers of a scored question per group and point of its scale."""

    low: int
    labels: list[str]
    counts: np.ndarray  # (groups, points)

    @property
    def values(self) -> np.ndarray:
        return np.arange(self.low, self.low + len(self.labels), dtype=np.float64)

    def to(self, source: _Groups, target: _Groups) -> _Points:
        return _Points(self.low, self.labels, source.sum_to(self.counts, target))


def _point_counts(question: Question, groups: _Groups, columns: _Columns) -> _Points | None:
    """Counts per point, or None when some answers are fractional (a rating of 4.5)."""
    if question.type == "numeric" or not columns.whole(question):
        return None
    low, labels, codes = columns.points(question)
    return _Points(low, labels, groups.count(codes, len(labels)))


@dataclass(frozen=True)
class _Moments:
    """n, Σ(x − shift) and Σ(x − shift)² per group: enough for means and variances."""

    n: np.ndarray
    s1: np.ndarray
    s2: np.ndarray
    shift: float = 0.0

    @classmethod
    def of_points(cls, points: _Points) -> _Moments:
        v = points.values
        counts = points.counts.astype(np.float64)
        return cls(counts.sum(axis=1), counts @ v, counts @ (v * v))

    @classmethod
    def of_rows(cls, values: np.ndarray, groups: _Groups) -> _Moments:
        valid = np.isfinite(values)
        shift = float(values[valid].mean()) if valid.any() else 0.0
        x = values - shift
        return cls(
            groups.tally(valid).astype(np.float64),
            groups.tally(valid, x),
            groups.tally(valid, x * x),
            shift,
        )

    def to(self, source: _Groups, target: _Groups) -> _Moments:
        return _Moments(
            source.sum_to(self.n, target),
            source.sum_to(self.s1, target),
            source.sum_to(self.s2, target),
            self.shift,
        )

    def columns(self) -> dict[str, np.ndarray]:
        """``n, mean, sd, se, ci_low, ci_high`` (a t interval; NaN below two answers)."""
        n = self.n
        mean = self.shift + _divide(self.s1, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            squares = np.maximum(self.s2 - _divide(self.s1 * self.s1, n), 0)
            sd = np.sqrt(_divide(squares, n - 1))
            sd[n < 2] = np.nan
            se = sd / np.sqrt(n)
            quantile = special.stdtrit(np.maximum(n - 1, 1), 0.975)
        return {
            "n": n.astype(np.int64),
            "mean": mean,
            "sd": sd,
            "se": se,
            "ci_low": mean - quantile * se,
            "ci_high": mean + quantile * se,
        }


def _moments(question: Question, groups: _Groups, columns: _Columns) -> _Moments:
    points = _point_counts(question, groups, columns)
    if points is not None:
        return _Moments.of_points(points)
    return _Moments.of_rows(_on_scale(columns.values(question), question), groups)


# --- tables from counts ------------------------------------------------------------------


def nps_labels() -> list[str]:
    """ "Detractors", "Passives", "Promoters" in the current language."""
    return [
        t("surveys.analysis.nps.detractors"),
        t("surveys.analysis.nps.passives"),
        t("surveys.analysis.nps.promoters"),
    ]


def wilson_interval(successes: object, n: object) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score 95% interval of a proportion (NaN where n is 0)."""
    x, n = np.asarray(successes, dtype=np.float64), np.asarray(n, dtype=np.float64)
    p = _divide(x, n)
    z2 = Z95**2
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denom
        half = Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n**2)) / denom
        # rounding leaves -4e-19 at 0 of 518: a share's bounds stay within 0..1
        low = np.where(x == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
        high = np.where(x == n, 1.0, np.clip(centre + half, 0.0, 1.0))
        low = np.where(n > 0, low, np.nan)
        high = np.where(n > 0, high, np.nan)
    return low, high


def _nps_table(groups: _Groups, counts: np.ndarray) -> pd.DataFrame:
    """The NPS table from counts per group of the answers 0..10."""
    parts = {
        "detractors": counts[:, :7].sum(axis=1),
        "passives": counts[:, 7:9].sum(axis=1),
        "promoters": counts[:, 9:11].sum(axis=1),
    }
    n = sum(parts.values(), np.zeros(groups.size, dtype=np.int64))
    table = groups.table({"n": n, **parts}, n)
    n = table["n"].to_numpy(dtype=np.float64)
    shares = {g: _divide(table[g], n) for g in NPS_GROUPS}
    for g in NPS_GROUPS:
        table[f"share_{g}"] = shares[g]
    diff = shares["promoters"] - shares["detractors"]
    with np.errstate(invalid="ignore"):
        variance = _divide(shares["promoters"] + shares["detractors"] - diff**2, n)
        se = 100 * np.sqrt(np.maximum(variance, 0))
    table["nps"] = 100 * diff
    table["se"] = se
    table["ci_low"] = np.clip(table["nps"] - Z95 * se, -100, 100)
    table["ci_high"] = np.clip(table["nps"] + Z95 * se, -100, 100)
    return table


def _csat_table(
    groups: _Groups, n: np.ndarray, x: np.ndarray, scale: tuple[int, int]
) -> pd.DataFrame:
    ci_low, ci_high = wilson_interval(x, n)
    table = groups.table(
        {"n": n, "top_box": x, "share": _divide(x, n), "ci_low": ci_low, "ci_high": ci_high}, n
    )
    table["n"] = table["n"].astype(np.int64)
    table["top_box"] = table["top_box"].astype(np.int64)
    table.attrs["scale"] = scale
    return table


def _csat_from_points(groups: _Groups, points: _Points, top: int) -> pd.DataFrame:
    counts = points.counts
    scale = (points.low, points.low + counts.shape[1] - 1)
    return _csat_table(groups, counts.sum(axis=1), counts[:, -top:].sum(axis=1), scale)


def _means_table(groups: _Groups, moments: _Moments, question: Question) -> pd.DataFrame:
    columns = moments.columns()
    return groups.table({"code": question.code, "item": question.label, **columns}, moments.n)


def _likert_table(groups: _Groups, points: _Points, question: Question) -> pd.DataFrame:
    counts = points.counts
    n = counts.sum(axis=1)
    mean = _divide(counts @ points.values, n)
    table, rows, cols = groups.long(counts, points.labels, n)
    at = len(groups.dims)
    table.insert(at, "code", question.code)
    table.insert(at + 1, "item", question.label)
    table.insert(at + 2, "value", points.low + cols)
    table["share"] = _divide(table["count"], n[rows])
    table["n"] = n[rows]
    table["mean"] = mean[rows]
    return table


def _options_table(
    groups: _Groups, counts: np.ndarray, labels: list, n: np.ndarray, name: str
) -> pd.DataFrame:
    table, rows, _ = groups.long(counts, labels, n)
    table["share"] = _divide(table["count"], n[rows])
    table[name] = n[rows].astype(np.int64)
    return table


# --- NPS, CSAT, means, distributions ----------------------------------------------------


def nps(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str | None = None,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """Net Promoter Score of one 0–10 question (default: the first NPS question).

    Promoters answer 9–10, passives 7–8, detractors 0–6; NPS = %promoters − %detractors, in
    points (−100..100). The 95% interval is the Wald interval NPS ± 1.96·SE with the
    multinomial variance of a difference of two proportions of the same sample,
    ``var = (p_P + p_D − (p_P − p_D)²) / n`` (SE in points is ``100·√var``), clipped to
    −100..100. It is the standard one, but too narrow at small n or extreme scores (all
    promoters gives a zero-width interval).

    Columns: [``wave``] [``segment``] ``n, detractors, passives, promoters, share_detractors,
    share_passives, share_promoters, nps, se, ci_low, ci_high``. Without ``segment`` and
    ``wave_col``, one row for everyone (NaN scores when nobody answered).
    """
    code = code or _first(frame, codebook, "nps")
    question = _question(frame, codebook, code, ("nps", "rating", "numeric"))
    groups = _groups(frame, wave_col, segment, codebook)
    values = _scores(frame[code], question)
    return _nps_table(groups, groups.count(_point_codes(values, 0, 11), 11))


def csat(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    top: int = 2,
    scale: tuple[int, int] | None = None,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """CSAT: the share of answers in the ``top`` points of the scale, with a Wilson interval.

    On a 1–5 scale with ``top=2`` that is the share of 4s and 5s (top-2-box); on any scale it
    is the share of answers ``>= high - top + 1``. ``scale`` is ``(low, high)``; by default
    1..number of options for a likert question, 0..10 for NPS, the options of a rating
    question when they are its bounds (``["1", "5"]``), else guessed from the answers (0 or 1
    up to 5, 7 or 10). Answers off the scale are left out.

    Columns: [``wave``] [``segment``] ``n, top_box, share, ci_low, ci_high``;
    ``attrs["scale"]`` is the scale used.
    """
    question = _question(frame, codebook, code, SCORED)
    values = _scores(frame[code], question)
    low, high = scale or _scale(question, values)
    groups = _groups(frame, wave_col, segment, codebook)
    if _whole(values):
        k = high - low + 1
        points = _Points(low, [""] * k, groups.count(_point_codes(values, low, k), k))
        return _csat_from_points(groups, points, top)
    with np.errstate(invalid="ignore"):
        valid = (values >= low) & (values <= high)
        hit = valid & (values >= high - top + 1)
    return _csat_table(groups, groups.tally(valid), groups.tally(hit), (low, high))


_MEAN_COLUMNS = ["code", "item", "n", "mean", "sd", "se", "ci_low", "ci_high"]


def means(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    codes: str | Iterable[str] | None = None,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """Mean score of each item with its 95% t interval (default: every likert/rating item).

    Columns: [``wave``] [``segment``] ``code, item, n, mean, sd, se, ci_low, ci_high``
    (``sd`` with n − 1; NaN below two answers).
    """
    groups = _groups(frame, wave_col, segment, codebook)
    book = questions(codebook)
    columns = _Columns(frame)
    parts = []
    for code in _codes(frame, codebook, codes, ("likert", "rating")):
        question = _question(frame, codebook, code, SCORED, book)
        parts.append(_means_table(groups, _moments(question, groups, columns), question))
    return _concat(parts, [*groups.names, *_MEAN_COLUMNS])


_LIKERT_COLUMNS = ["code", "item", "value", "option", "count", "share", "n", "mean"]


def likert(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    codes: str | Iterable[str] | None = None,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """The full distribution of likert items (default: every likert question).

    One row per item and option, options in scale order (most negative first), every option
    even when nobody chose it: [``wave``] [``segment``] ``code, item, value, option, count,
    share, n, mean`` — ``value`` is the point (1..k), ``share`` = count / n, ``n`` answers to
    the item, ``mean`` its mean score. Ready for diverging bars: the neutral point is
    (k + 1) / 2. Rating questions in whole points are accepted too (labelled by number).
    """
    groups = _groups(frame, wave_col, segment, codebook)
    book = questions(codebook)
    parts = []
    for code in _codes(frame, codebook, codes, ("likert",)):
        question = _question(frame, codebook, code, ("likert", "rating"), book)
        values = _scores(frame[code], question)
        low, labels = _points(question, values)
        counts = groups.count(_point_codes(values, low, len(labels)), len(labels))
        parts.append(_likert_table(groups, _Points(low, labels, counts), question))
    return _concat(parts, [*groups.names, *_LIKERT_COLUMNS])


def _single_counts(
    frame: pd.DataFrame, question: Question, groups: _Groups
) -> tuple[np.ndarray, list]:
    codes, labels = _option_codes(frame[question.code], question.options)
    return _trim(groups.count(codes, len(labels)), labels, len(question.options))


def choices(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """Counts and shares of a single-choice question, options in order.

    Answers that are not among the options (free "other" text) come after them.
    Columns: [``wave``] [``segment``] ``option, count, share, n`` (n = answers).
    """
    question = _question(frame, codebook, code, ("single",))
    groups = _groups(frame, wave_col, segment, codebook)
    counts, labels = _single_counts(frame, question, groups)
    return _options_table(groups, counts, labels, counts.sum(axis=1), "n")


#: multi-select questions with at most this many options are counted by answer pattern
_PATTERN_OPTIONS = 12


def _multi_counts(
    frame: pd.DataFrame, question: Question, groups: _Groups
) -> tuple[np.ndarray, list, np.ndarray]:
    """Respondents per group who picked each option; and per group who answered.

    With few options, each answer becomes a bit pattern (OR of its picks, so a repeated pick
    counts once), patterns are counted per group, and options counted from the patterns.
    """
    values = frame[question.code].reset_index(drop=True)
    answered = values.notna().to_numpy()
    picked = values[answered].explode()  # an empty answer becomes one missing pick
    codes, labels = _option_codes(picked, question.options)
    k = len(labels)
    if 0 < k <= _PATTERN_OPTIONS and len(picked):
        rows = picked.index.to_numpy(dtype=np.int64)
        bits = np.where(codes >= 0, np.left_shift(1, np.maximum(codes, 0)), 0)
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        patterns = np.bitwise_or.reduceat(bits, starts)
        per_pattern = groups.count(patterns, 1 << k, rows=rows[starts])
        picks = (np.arange(1 << k)[:, None] >> np.arange(k)) & 1
        counts = per_pattern @ picks
    else:
        rows, codes, labels, _ = _exploded(values, question.options)
        counts = groups.count(codes, len(labels), rows=rows)
    counts, labels = _trim(counts, labels, len(question.options))
    return counts, labels, groups.tally(answered)


def multi_select(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """Counts of each option of a multi-select question, and the share of respondents.

    ``share`` = respondents who picked the option / respondents who answered the question
    (an empty list counts as answered with nothing picked; a skipped question does not).
    Shares add up to more than 1. An option picked twice in one answer counts once.
    Columns: [``wave``] [``segment``] ``option, count, share, answered``.
    """
    question = _question(frame, codebook, code, ("multi", "rank"))
    groups = _groups(frame, wave_col, segment, codebook)
    counts, labels, answered = _multi_counts(frame, question, groups)
    return _options_table(groups, counts, labels, answered, "answered")


# --- crosstab ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Crosstab:
    """A two-way table with its chi-square test of independence.

    ``chi2`` is Pearson's statistic without Yates' continuity correction (the same as
    ``scipy.stats.chi2_contingency(..., correction=False)``), over the rows and columns that
    have answers; ``cramers_v`` = √(χ² / (n · (min(r, c) − 1))). ``small_expected`` is true
    when an expected count is below 1 or more than 20% are below 5 (Cochran's rule): the
    p-value is then unreliable, and ``warning`` says so in the current language. With a
    multi-select variable every pick is counted (``mentions``): n is picks, not people, and
    the test only a rough guide.
    """

    counts: pd.DataFrame
    expected: pd.DataFrame
    n: int
    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    small_expected: bool
    mentions: bool = False
    warning: str | None = None

    @cached_property
    def row_shares(self) -> pd.DataFrame:
        totals = self.counts.sum(axis=1).replace(0, np.nan)
        return self.counts.div(totals, axis=0)

    @cached_property
    def column_shares(self) -> pd.DataFrame:
        totals = self.counts.sum(axis=0).replace(0, np.nan)
        return self.counts.div(totals, axis=1)

    def summary(self, warning: bool = True) -> str:
        """The test in one line, e.g. ``χ² = 0.79, df = 1, p = 0.373, Cramér's V = 0.09``.

        Followed by the warning, if any, unless ``warning`` is false.
        """
        if not self.dof:
            return t("surveys.analysis.crosstab.no_test", n=self.n)
        p = "< 0.001" if self.p_value < 0.001 else f"= {self.p_value:.3f}"
        text = t(
            "surveys.analysis.crosstab.result",
            chi2=f"{self.chi2:.2f}",
            dof=self.dof,
            p=p,
            v=f"{self.cramers_v:.2f}",
            n=self.n,
        )
        return f"{text} · {self.warning}" if warning and self.warning else text


@dataclass(frozen=True)
class _Categories:
    """A variable as codes: one per row (``rows`` None) or (row, code) pairs (multi)."""

    codes: np.ndarray
    labels: list
    rows: np.ndarray | None = None


def _categories(
    frame: pd.DataFrame, codebook: pd.DataFrame | None, code: str, wave_col: str | None
) -> _Categories:
    question = _question(frame, codebook, code)
    series = frame[code]
    if code not in questions(codebook):
        codes, levels = _wave_factor(frame, code) if code == wave_col else _factor(series)
        if levels and isinstance(levels[-1], float) and math.isnan(levels[-1]):
            codes, levels = np.where(codes == len(levels) - 1, -1, codes), levels[:-1]
        return _Categories(codes, levels)
    if question.type in ("multi", "rank"):
        rows, codes, labels, _ = _exploded(series, question.options)
        return _Categories(codes, labels, rows)
    if question.type == "single":
        return _Categories(*_option_codes(series, question.options))
    if question.type == "nps":
        return _Categories(_nps_groups(_scores(series, question)), nps_labels())
    if question.type in ("likert", "rating"):
        values = _scores(series, question)
        low, labels = _points(question, values)
        return _Categories(_point_codes(values, low, len(labels)), labels)
    raise AnalysisError(t("surveys.analysis.error.not_categorical", code=code, type=question.type))


def _pairs(a: _Categories, b: _Categories) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row positions and the two codes of every counted (row, a, b) combination."""
    if a.rows is None and b.rows is None:
        rows = np.flatnonzero((a.codes >= 0) & (b.codes >= 0))
        return rows, a.codes[rows], b.codes[rows]
    if a.rows is None or b.rows is None:
        single, multi = (a, b) if a.rows is None else (b, a)
        assert multi.rows is not None
        other = single.codes[multi.rows]
        ok = other >= 0
        rows, one, many = multi.rows[ok], other[ok], multi.codes[ok]
        return (rows, one, many) if a.rows is None else (rows, many, one)
    left = pd.DataFrame({"row": a.rows, "a": a.codes})
    both = left.merge(pd.DataFrame({"row": b.rows, "b": b.codes}), on="row")
    return both["row"].to_numpy(), both["a"].to_numpy(), both["b"].to_numpy()


def _crosstab_counts(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    row: str,
    col: str,
    groups: _Groups,
    wave_col: str | None = None,
) -> tuple[np.ndarray, list, list, bool]:
    """Counts per group, row and column: a (groups, rows, columns) array; labels; mentions."""
    a = _categories(frame, codebook, row, wave_col)
    b = _categories(frame, codebook, col, wave_col)
    rows, ca, cb = _pairs(a, b)
    r, c = len(a.labels), len(b.labels)
    assert groups.codes is not None
    flat = (groups.codes[rows] * r + ca) * c + cb
    counts = np.bincount(flat, minlength=groups.size * r * c).reshape(groups.size, r, c)
    return counts, a.labels, b.labels, a.rows is not None or b.rows is not None


def _chi_square(observed: np.ndarray) -> tuple[float, int, float, float, np.ndarray, bool]:
    """χ², df, p, Cramér's V, expected counts (full shape) and the small-expected flag."""
    observed = np.asarray(observed, dtype=np.float64)
    expected = np.zeros_like(observed)
    rows, cols = observed.sum(axis=1) > 0, observed.sum(axis=0) > 0
    table = observed[np.ix_(rows, cols)]
    n = table.sum()
    if n == 0:
        return math.nan, 0, math.nan, math.nan, expected, False
    inner = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    expected[np.ix_(rows, cols)] = inner
    r, c = table.shape
    dof = (r - 1) * (c - 1)
    small = bool((inner < 1).any() or (inner < 5).mean() > 0.2)
    if dof == 0:
        return math.nan, 0, math.nan, math.nan, expected, small
    chi2 = float(((table - inner) ** 2 / inner).sum())
    p = float(special.chdtrc(dof, chi2))
    v = math.sqrt(chi2 / (n * (min(r, c) - 1)))
    return chi2, dof, p, v, expected, small


def _crosstab_result(counts: np.ndarray, rows: list, cols: list, mentions: bool) -> Crosstab:
    chi2, dof, p, v, expected, small = _chi_square(counts)
    index = pd.Index(rows, name="row")
    columns = pd.Index(cols, name="column")
    warning = None
    if small:
        inner = expected[expected > 0]
        warning = t(
            "surveys.analysis.crosstab.small_expected",
            low=f"{(inner < 5).mean():.0%}",
            min=f"{inner.min():.2f}",
        )
    if mentions:
        note = t("surveys.analysis.crosstab.mentions")
        warning = f"{warning} {note}" if warning else note
    return Crosstab(
        counts=pd.DataFrame(np.asarray(counts, dtype=np.int64), index=index, columns=columns),
        expected=pd.DataFrame(expected, index=index, columns=columns),
        n=int(np.asarray(counts).sum()),
        chi2=chi2,
        dof=dof,
        p_value=p,
        cramers_v=v,
        small_expected=small,
        mentions=mentions,
        warning=warning,
    )


def crosstab(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    row: str,
    col: str,
    *,
    wave_col: str | None = None,
) -> Crosstab:
    """Crosstab of two categorical columns with a chi-square test (see :class:`Crosstab`).

    Either column may be a single, likert, rating or NPS question (NPS in its three groups),
    a multi-select question (one count per pick), or a column the codebook does not describe
    (``source``, a segment); ``wave_col`` names the column whose levels are waves (in wave
    order). Every option is a row/column, even with no answers; the test uses the non-empty
    ones. Responses missing either answer are left out.
    """
    groups = _groups(frame, None, None)
    counts, rows, cols, mentions = _crosstab_counts(frame, codebook, row, col, groups, wave_col)
    return _crosstab_result(counts[0], rows, cols, mentions)


# --- wave over wave ----------------------------------------------------------------------


_CHANGE_COLUMNS = ["n", "value", "ci_low", "ci_high", "previous", "change", "statistic", "p_value"]


#: what each test needs from the previous wave
_NEEDS = {
    "nps": ["value", "n", "se"],
    "csat": ["value", "n", "top_box"],
    "mean": ["value", "n", "sd"],
}


def _change(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Add ``previous, change, statistic, p_value`` against the previous wave.

    Rows are in wave order within each question (``code``) and segment, when present.
    """
    table = table.reset_index(drop=True)
    keys = [table[c].astype(object).fillna("\0") for c in ("code", "segment") if c in table]
    needed = table[_NEEDS.get(measure, _NEEDS["mean"])]
    prev = needed.groupby(keys, sort=False).shift(1) if keys else needed.shift(1)
    table["previous"] = prev["value"]
    table["change"] = table["value"] - table["previous"]
    n1, n2 = prev["n"].astype(np.float64), table["n"].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        if measure == "nps":
            statistic = _divide(table["change"], np.sqrt(table["se"] ** 2 + prev["se"] ** 2))
            p = 2 * special.ndtr(-np.abs(statistic))
        elif measure == "csat":
            pooled = _divide(prev["top_box"] + table["top_box"], n1 + n2)
            spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
            statistic = _divide(table["change"], spread)
            p = 2 * special.ndtr(-np.abs(statistic))
        else:
            v1, v2 = prev["sd"] ** 2 / n1, table["sd"] ** 2 / n2
            statistic = _divide(table["change"], np.sqrt(v1 + v2))
            dof = _divide((v1 + v2) ** 2, v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
            p = 2 * special.stdtr(dof, -np.abs(statistic))
    table["statistic"] = statistic
    table["p_value"] = np.where(np.isfinite(statistic), p, np.nan)
    return table


def default_measure(question: Question) -> str:
    """``nps`` for an NPS question, else ``mean``."""
    return "nps" if question.type == "nps" else "mean"


def wave_change(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    measure: str | None = None,
    wave_col: str = "wave",
    segment: str | None = None,
    top: int = 2,
    scale: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """A measure per wave, its change against the previous wave, and whether it is real.

    ``measure``: ``nps`` (default for NPS questions) — z-test of the difference with the
    variance of :func:`nps` (z = ΔNPS / √(SE₁² + SE₂²)); ``csat`` — two-proportion z-test with
    the pooled proportion (top-``top`` box, see :func:`csat`); ``mean`` (default otherwise) —
    Welch's t-test. Two-sided p-values; NaN for the first wave and where the test is
    undefined (fewer than two answers, no spread). With ``segment``, each segment is compared
    with its own previous wave.

    Columns: [``segment``] ``wave, n, value, ci_low, ci_high, previous, change, statistic,
    p_value`` — ``value`` in the measure's unit (NPS points, share, mean score).
    """
    question = _question(frame, codebook, code, SCORED)
    measure = measure or default_measure(question)
    by = {"segment": segment, "wave_col": wave_col}
    if measure == "nps":
        table = nps(frame, codebook, code, **by)
        table["value"] = table["nps"]
    elif measure == "csat":
        table = csat(frame, codebook, code, top=top, scale=scale, **by)
        table["value"] = table["share"]
    elif measure == "mean":
        table = means(frame, codebook, [code], **by)
        table["value"] = table["mean"]
    else:
        raise AnalysisError(t("surveys.analysis.error.measure", measure=measure))
    table = _change(table, measure)
    keys = [c for c in ("segment", "wave") if c in table.columns]
    if segment is not None:
        levels = pd.Index(_segment_factor(frame, codebook, segment)[1])
        table = table.assign(_s=levels.get_indexer(table["segment"]))
        table = table.sort_values("_s", kind="stable")
    return table[[*keys, *_CHANGE_COLUMNS]].reset_index(drop=True)


# --- drivers -----------------------------------------------------------------------------


def _p_of_r(r: float, n: float) -> float:
    """Two-sided p-value of a correlation (t-test with n − 2 df, as scipy's)."""
    if not math.isfinite(r) or n < 3:
        return math.nan
    if abs(r) >= 1:
        return 0.0
    statistic = r * math.sqrt((n - 2) / (1 - r * r))
    return float(2 * special.stdtr(n - 2, -abs(statistic)))


def _pearson(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Pearson's r and its p-value, from paired answers."""
    n = len(x)
    if n < 2:
        return math.nan, math.nan
    dx, dy = x - x.mean(), y - y.mean()
    spread = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if spread == 0:
        return math.nan, math.nan
    r = max(-1.0, min(1.0, float(dx @ dy) / spread))
    return r, _p_of_r(r, n)


def _pearson_table(joint: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Pearson's r and its p-value from a joint table of counts and each side's values."""
    n = joint.sum()
    if n < 2:
        return math.nan, math.nan
    rows, cols = joint.sum(axis=1), joint.sum(axis=0)
    da, db = a - (rows @ a) / n, b - (cols @ b) / n
    spread = math.sqrt(float(rows @ (da * da)) * float(cols @ (db * db)))
    if spread == 0:
        return math.nan, math.nan
    r = max(-1.0, min(1.0, float(da @ joint @ db) / spread))
    return r, _p_of_r(r, n)


def _average_ranks(counts: np.ndarray) -> np.ndarray:
    """The average rank of each value, from how many answers each value has (ties share)."""
    upper = np.cumsum(counts)
    return upper - (counts - 1) / 2.0


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (ties share the mean rank), O(n) for whole-number scores."""
    if not len(values):
        return values
    low, high = values.min(), values.max()
    if high - low < 1_000_000 and np.array_equal(values, np.floor(values)):
        level = (values - low).astype(np.int64)
        return _average_ranks(np.bincount(level))[level]
    return pd.Series(values).rank(method="average").to_numpy()


@dataclass(frozen=True)
class _Scores:
    """One item's scores for the drivers: values, and point codes when they are whole."""

    values: np.ndarray
    codes: np.ndarray | None
    points: np.ndarray | None


def _driver_scores(question: Question, columns: _Columns) -> _Scores:
    values = _on_scale(columns.values(question), question)
    if question.type == "numeric" or not columns.whole(question):
        return _Scores(values, None, None)
    low, labels, codes = columns.points(question)
    return _Scores(values, codes, np.arange(low, low + len(labels), dtype=np.float64))


def _mean(x: _Scores) -> float:
    """The mean of all of an item's answers."""
    if x.codes is not None and x.points is not None:
        counts = np.bincount(x.codes + 1, minlength=len(x.points) + 1)[1:]
        total = counts.sum()
        return float(counts @ x.points / total) if total else math.nan
    answered = x.values[np.isfinite(x.values)]
    return float(answered.mean()) if len(answered) else math.nan


def _association(x: _Scores, y: _Scores) -> tuple[int, float, float, float, float]:
    """n, Pearson r and p, Spearman ρ and p over the responses with both answers."""
    if x.codes is not None and y.codes is not None:
        assert x.points is not None and y.points is not None
        kx, ky = len(x.points) + 1, len(y.points) + 1  # and a first "no answer" row/column
        flat = (x.codes + 1) * ky + (y.codes + 1)
        joint = np.bincount(flat, minlength=kx * ky).reshape(kx, ky)[1:, 1:].astype(np.float64)
        r, p = _pearson_table(joint, x.points, y.points)
        rx, ry = _average_ranks(joint.sum(axis=1)), _average_ranks(joint.sum(axis=0))
        rho, rho_p = _pearson_table(joint, rx, ry)
        return int(joint.sum()), r, p, rho, rho_p
    both = np.isfinite(x.values) & np.isfinite(y.values)
    a, b = x.values[both], y.values[both]
    r, p = _pearson(a, b)
    rho, rho_p = _pearson(_ranks(a), _ranks(b))
    return int(both.sum()), r, p, rho, rho_p


_DRIVER_COLUMNS = [
    "code",
    "item",
    "n",
    "mean",
    "pearson_r",
    "pearson_p",
    "spearman_rho",
    "spearman_p",
    "beta",
    "rank",
]


def drivers(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    overall: str,
    items: Iterable[str] | None = None,
    *,
    regression: bool = True,
) -> pd.DataFrame:
    """What goes with overall satisfaction: each item's score against ``overall``.

    Per item (default: every likert/rating question but ``overall``), over the responses
    that answered both: ``n``, the item's ``mean`` (over all its answers), Pearson's r and
    Spearman's ρ (average ranks for ties) with their two-sided p-values. ``rank`` orders
    items by |r| (1 = strongest: the usual "derived importance"). With ``regression``,
    ``beta`` holds the standardised coefficients of a least-squares regression of the overall
    score on all items together, over the responses that answered every one
    (``attrs["n_regression"]``, ``attrs["r2"]``); solved with ``numpy.linalg.lstsq`` on the
    correlation matrix of those responses (the normal equations, which give the same betas
    as least squares on the z-scores). Items are usually correlated with each other: read
    the betas next to r, not instead of it.
    """
    return _drivers(frame, codebook, overall, items, regression, _Columns(frame))


def _drivers(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    overall: str,
    items: Iterable[str] | None,
    regression: bool,
    memo: _Columns,
) -> pd.DataFrame:
    book = questions(codebook)
    target = _question(frame, codebook, overall, SCORED, book)
    y = _driver_scores(target, memo)
    codes = [c for c in _codes(frame, codebook, items, ("likert", "rating")) if c != overall]
    rows, columns = [], []
    for code in codes:
        question = _question(frame, codebook, code, SCORED, book)
        x = _driver_scores(question, memo)
        columns.append(x.values)
        n, r, p, rho, rho_p = _association(x, y)
        rows.append(
            {
                "code": code,
                "item": question.label,
                "n": n,
                "mean": _mean(x),
                "pearson_r": r,
                "pearson_p": p,
                "spearman_rho": rho,
                "spearman_p": rho_p,
            }
        )
    table = pd.DataFrame(rows, columns=_DRIVER_COLUMNS[:-2])
    betas, n_reg, r2 = _regression(columns, y.values) if regression and codes else (None, 0, None)
    table["beta"] = betas if betas is not None else math.nan
    strength = table["pearson_r"].abs()
    table["rank"] = strength.rank(ascending=False, method="min").astype("Int64")
    table = table.sort_values("rank", kind="stable", na_position="last").reset_index(drop=True)
    table.attrs.update(overall=overall, n_regression=n_reg, r2=r2)
    return table[_DRIVER_COLUMNS]


def _regression(
    columns: list[np.ndarray], y: np.ndarray
) -> tuple[np.ndarray | None, int, float | None]:
    """Standardised betas, the number of complete responses and R²."""
    complete = np.isfinite(y)
    for x in columns:
        complete &= np.isfinite(x)
    n, k = int(complete.sum()), len(columns)
    if n < k + 2:
        return None, n, None
    data = np.empty((k + 1, n))
    for i, x in enumerate([*columns, y]):
        data[i] = x[complete]
        data[i] -= data[i].mean()
    cross = data @ data.T
    spread = np.sqrt(np.diag(cross))
    if spread[-1] == 0:
        return None, n, None
    usable = np.flatnonzero(spread[:-1] > 0)
    corr = cross / np.outer(spread, spread).clip(min=1e-300)
    rxx, rxy = corr[np.ix_(usable, usable)], corr[usable, -1]
    coef, *_ = np.linalg.lstsq(rxx, rxy, rcond=None)
    betas = np.full(k, np.nan)
    betas[usable] = coef
    return betas, n, float(coef @ rxy)


# --- text and response rate --------------------------------------------------------------


def keywords(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    top: int | None = 20,
    min_length: int = 2,
    stopwords: Iterable[str] | None = None,
    extra_stopwords: Iterable[str] = (),
    sample: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Keywords of an open-text question (see :func:`commlib.surveys.text.keyword_counts`).

    Columns ``keyword, count, responses, share`` (share of the answers with text that use
    the word). With ``sample``, at most that many answers are read: a simple random sample
    without replacement, drawn with ``seed`` (reproducible; ``attrs["sampled"]`` says
    whether it happened). Answers are counted first, so each distinct answer is read once.
    """
    _question(frame, codebook, code, ("text", "single"))
    counts = frame[code].value_counts(dropna=True, sort=False)
    sampled = sample is not None and int(counts.sum()) > sample
    weights = counts.to_numpy(dtype=np.int64)
    if sampled:
        rng = np.random.default_rng(seed)
        weights = rng.multivariate_hypergeometric(weights, sample)
    result = keyword_counts(
        dict(zip(counts.index, weights.tolist(), strict=True)),
        top=top,
        min_length=min_length,
        stopwords=None if stopwords is None else frozenset(stopwords),
        extra_stopwords=extra_stopwords,
    )
    result.attrs["sampled"] = sampled
    return result


def response_rate(frame: pd.DataFrame, surveys: pd.DataFrame | Mapping[int, int]) -> pd.DataFrame:
    """Responses / invitations per survey (wave), where the number invited is known.

    ``surveys`` is the store's survey frame (``id``, ``invited``, and ``name``/``wave`` when
    present) or a mapping ``survey_id -> invited``. Columns: ``survey_id, [survey, wave,]
    invited, responses, rate`` (NaN when ``invited`` is missing or 0).
    """
    counts = _column(frame, "survey_id").value_counts()
    if isinstance(surveys, Mapping):
        table = pd.DataFrame({"survey_id": list(surveys), "invited": list(surveys.values())})
    else:
        table = surveys.rename(columns={"id": "survey_id", "name": "survey"})
        keep = [c for c in ("survey_id", "survey", "wave", "invited") if c in table.columns]
        table = table[keep].copy()
    table["invited"] = pd.to_numeric(table["invited"], errors="coerce").astype(np.float64)
    table["responses"] = table["survey_id"].map(counts).fillna(0).astype(np.int64)
    table["rate"] = _divide(table["responses"], table["invited"].fillna(0))
    return table.reset_index(drop=True)


# --- everything at once ------------------------------------------------------------------


@dataclass
class SurveyAnalysis:
    """What :func:`analyse` found. Tables are by wave (when there is a wave column).

    Each table stacks its questions with a ``code`` column first, otherwise it has the
    columns of the function of the same name. ``changes`` stacks :func:`wave_change` for NPS
    questions (``nps``) and likert/rating items (``csat`` and ``mean``), with ``measure,
    code`` in front. ``keywords`` stacks :func:`keywords` of every open-text question
    (``code, keyword, count, responses, share``; ``attrs["answers"]``: ``code -> answers with
    text``), so it reads as one table like the others. With a segment, ``by_segment`` holds
    the same tables by wave and segment (``nps, csat, means, likert, choices, multi``) and
    ``crosstabs`` the segment against every single, likert, rating, NPS and multi question.
    """

    responses: int
    waves: list
    nps: pd.DataFrame
    csat: pd.DataFrame
    means: pd.DataFrame
    likert: pd.DataFrame
    choices: pd.DataFrame
    multi: pd.DataFrame
    changes: pd.DataFrame
    drivers: pd.DataFrame | None = None
    keywords: pd.DataFrame = field(default_factory=lambda: _stack({}))
    response_rate: pd.DataFrame | None = None
    by_segment: dict[str, pd.DataFrame] = field(default_factory=dict)
    crosstabs: dict[str, Crosstab] = field(default_factory=dict)
    segment: str | None = None


def _stack(parts: dict[str, pd.DataFrame], columns: Sequence[str] = ("code",)) -> pd.DataFrame:
    """Tables of several questions, one after another, with a ``code`` column first
    (``columns``: those of an empty result)."""
    tables = [p.assign(code=k) for k, p in parts.items() if len(p)]
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    table = pd.concat(tables, ignore_index=True)
    return table[["code", *[c for c in table.columns if c != "code"]]]


@dataclass
class _Found:
    """One grouping's tables while :func:`analyse` runs."""

    groups: _Groups
    tables: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)

    def add(self, kind: str, code: str, table: pd.DataFrame) -> None:
        self.tables.setdefault(kind, {})[code] = table

    def stacked(self, kind: str) -> pd.DataFrame:
        return _stack(self.tables.get(kind, {}))

    def joined(self, kind: str, columns: list[str]) -> pd.DataFrame:
        """Tables that already have a ``code`` column, one after another."""
        return _concat(list(self.tables.get(kind, {}).values()), [*self.groups.names, *columns])


def analyse(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    *,
    overall: str | None = None,
    segment: str | None = None,
    wave_col: str | None = "wave",
    surveys: pd.DataFrame | Mapping[int, int] | None = None,
    top: int = 2,
    keyword_top: int = 20,
    keyword_sample: int | None = 10_000,
) -> SurveyAnalysis:
    """The full analysis of a survey (all its waves): see :class:`SurveyAnalysis`.

    ``overall`` names the overall-satisfaction question for :func:`drivers`; ``segment`` a
    column to split by (a single-choice question, ``source``...); ``surveys`` the store's
    survey frame for :func:`response_rate`; ``top`` the CSAT box. Open-text keywords read at
    most ``keyword_sample`` answers per question (a seeded random sample beyond that, since
    jieba cuts ~250,000 characters a second; ``None`` reads them all).

    Every question is counted once, by wave × segment; the tables by wave and the crosstabs
    are sums of those counts, so they agree exactly with the functions run one by one.
    """
    book = questions(codebook)
    wave_col = wave_col if wave_col and wave_col in frame.columns else None
    fine = _groups(frame, wave_col, segment, codebook)
    memo = _Columns(frame)
    found = [_Found(fine.coarsen("wave"))]
    if segment is not None:
        found.append(_Found(fine))
    crosstabs: dict[str, Crosstab] = {}
    for code, question in book.items():
        if code not in frame.columns:
            continue
        if question.type in SCORED:
            _analyse_scored(question, fine, memo, found, crosstabs, top)
        elif question.type == "single":
            counts, labels = _single_counts(frame, question, fine)
            n = counts.sum(axis=1)
            for f in found:
                g = f.groups
                table = _options_table(g, fine.sum_to(counts, g), labels, fine.sum_to(n, g), "n")
                f.add("choices", code, table)
            _cross(fine, crosstabs, code, counts, labels)
        elif question.type == "multi":
            counts, labels, answered = _multi_counts(frame, question, fine)
            for f in found:
                g = f.groups
                table = _options_table(
                    g, fine.sum_to(counts, g), labels, fine.sum_to(answered, g), "answered"
                )
                f.add("multi", code, table)
            _cross(fine, crosstabs, code, counts, labels, mentions=True)
    crosstabs.pop(segment or "", None)

    by_wave = found[0]
    result = SurveyAnalysis(
        responses=len(frame),
        waves=_present(fine, "wave"),
        nps=by_wave.stacked("nps"),
        csat=by_wave.stacked("csat"),
        means=by_wave.joined("means", _MEAN_COLUMNS),
        likert=by_wave.joined("likert", _LIKERT_COLUMNS),
        choices=by_wave.stacked("choices"),
        multi=by_wave.stacked("multi"),
        changes=_changes(by_wave),
        segment=segment,
        crosstabs=crosstabs,
    )
    if overall is not None:
        result.drivers = _drivers(frame, codebook, overall, None, True, memo)
    found_words = {
        c: keywords(frame, codebook, c, top=keyword_top, sample=keyword_sample)
        for c, q in book.items()
        if q.type == "text" and c in frame.columns
    }
    result.keywords = _stack(found_words, ["code", *KEYWORD_COLUMNS])
    result.keywords.attrs["answers"] = {c: k.attrs["answers"] for c, k in found_words.items()}
    if surveys is not None and "survey_id" in frame.columns:
        result.response_rate = response_rate(frame, surveys)
    if segment is not None:
        by = found[1]
        result.by_segment = {
            "nps": by.stacked("nps"),
            "csat": by.stacked("csat"),
            "means": by.joined("means", _MEAN_COLUMNS),
            "likert": by.joined("likert", _LIKERT_COLUMNS),
            "choices": by.stacked("choices"),
            "multi": by.stacked("multi"),
        }
    return result


def _present(groups: _Groups, name: str) -> list:
    """The levels of one key that have responses (e.g. the waves), in order."""
    if name not in groups.names or groups.codes is None:
        return []
    at = groups.names.index(name)
    sizes = groups.sizes
    per_group = np.bincount(groups.codes, minlength=groups.size).reshape(sizes)
    other = tuple(i for i in range(len(sizes)) if i != at)
    used = per_group.sum(axis=other) > 0 if other else per_group > 0
    return [level for level, ok in zip(groups.dims[at][1], used, strict=True) if ok]


def _analyse_scored(
    question: Question,
    fine: _Groups,
    memo: _Columns,
    found: list[_Found],
    crosstabs: dict[str, Crosstab],
    top: int,
) -> None:
    """NPS, CSAT, mean, distribution and crosstab of one scored question, for :func:`analyse`."""
    code = question.code
    values = memo.values(question)
    if question.type == "nps":
        counts = fine.count(_point_codes(values, 0, 11), 11)
        for f in found:
            f.add("nps", code, _nps_table(f.groups, fine.sum_to(counts, f.groups)))
        three = np.stack(
            [counts[:, :7].sum(axis=1), counts[:, 7:9].sum(axis=1), counts[:, 9:].sum(axis=1)],
            axis=1,
        )
        _cross(fine, crosstabs, code, three, nps_labels())
        return
    points = _point_counts(question, fine, memo)
    if points is not None:
        moments = _Moments.of_points(points)
        for f in found:
            coarse = points.to(fine, f.groups)
            f.add("csat", code, _csat_from_points(f.groups, coarse, top))
            if question.type == "likert":
                f.add("likert", code, _likert_table(f.groups, coarse, question))
        _cross(fine, crosstabs, code, points.counts, points.labels)
    else:
        scored = _on_scale(values, question)
        moments = _Moments.of_rows(scored, fine)
        if question.type == "rating":
            low, high = _scale(question, values)
            valid = np.isfinite(scored)
            with np.errstate(invalid="ignore"):
                hit = valid & (scored >= high - top + 1)
            n, x = fine.tally(valid), fine.tally(hit)
            for f in found:
                g = f.groups
                table = _csat_table(g, fine.sum_to(n, g), fine.sum_to(x, g), (low, high))
                f.add("csat", code, table)
    for f in found:
        f.add("means", code, _means_table(f.groups, moments.to(fine, f.groups), question))


def _cross(
    fine: _Groups,
    crosstabs: dict[str, Crosstab],
    code: str,
    counts: np.ndarray,
    labels: list,
    mentions: bool = False,
) -> None:
    """The segment × question crosstab, from counts by wave × segment."""
    if "segment" not in fine.names:
        return
    segments = fine.coarsen("segment")
    table = fine.sum_to(counts, segments)
    levels = list(segments.dims[0][1])
    if levels and isinstance(levels[-1], float) and math.isnan(levels[-1]):
        table, levels = table[:-1], levels[:-1]
    crosstabs[code] = _crosstab_result(table, levels, labels, mentions)


def _changes(found: _Found) -> pd.DataFrame:
    """Wave-over-wave changes of every NPS, CSAT and mean table by wave."""
    parts = []
    if "wave" in found.groups.names:
        measures = (("nps", "nps", "nps"), ("csat", "csat", "share"), ("mean", "means", "mean"))
        for measure, kind, column in measures:
            tables = found.tables.get(kind, {})
            if tables:
                table = pd.concat(
                    [t.assign(code=code) for code, t in tables.items()], ignore_index=True
                )
                changed = _change(table.assign(value=table[column]), measure)
                parts.append(changed.assign(measure=measure))
    return _concat(parts, ["measure", "code", "wave", *_CHANGE_COLUMNS])
