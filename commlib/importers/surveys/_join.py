"""Importing into a survey that is already stored: twins, re-imports, grown exports.

A coded export (choice numbers) and its readable twin (choice texts) of the same survey hold
the same respondents. Whichever comes second is matched to the stored one by respondent id:

- stored codes, new texts: each code's text is learnt from the respondents both files hold;
  the stored question takes the texts (options ordered by code) and its stored answers are
  rewritten from codes to texts;
- stored texts, new codes: the codes are translated to the stored texts, and the options are
  put in code order (the platform's own order).

A question whose option order comes from the platform (``Parsed.ordered``) reorders the
stored options the same way. Any other difference (a re-import of a grown export whose
type guess changed) is settled by converting the new answers to the stored type; answers
that cannot be converted are left out, with a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...i18n import t
from ...models import Question, Survey
from ...store import Store
from ...surveys import data
from ._base import Parsed

#: respondents of both files looked at to learn the codes' texts
SAMPLE = 5000
_CHOICES = ("single", "multi", "rank")


def reconcile(store: Store, survey: Survey, parsed: Parsed) -> list[str]:
    """Settle ``parsed`` with what is stored for ``survey``; returns the codes joined."""
    stored = {q.code: q for q in data.questions_of(store, [survey])}
    _fill_texts(store, survey, parsed, stored)
    shared = [q for q in parsed.questions if q["code"] in stored and q["type"] != "matrix"]
    if not shared:
        return []
    pairs = _Pairs(store, survey, parsed)
    joined: list[str] = []
    rewrites: dict[str, Callable[[Any], Any]] = {}
    for q in shared:
        code = q["code"]
        old = stored[code]
        new_codes = code in parsed.coded or _numbers(q["type"], q["options"])
        if _numbers(old.type, old.options) and _texts(q["type"], q["options"]):
            rewrite = _learn(store, old, q, parsed, pairs)
            if rewrite is not None:
                rewrites[code] = rewrite
                joined.append(code)
                continue
        if new_codes and _texts(old.type, old.options) and _teach(store, old, q, parsed, pairs):
            joined.append(code)
            continue
        if old.type == "single" and q["type"] in data.LIST_TYPES:
            rewrites[code] = _as_list(store, old, q)
            continue
        _conform(store, old, q, parsed)
    if rewrites:
        _rewrite(store, survey, rewrites)
    return joined


def _all_digits(options: list[str]) -> bool:
    return bool(options) and all(o.strip().lstrip("-").isdigit() for o in options)


def _numbers(kind: str, options: list[str]) -> bool:
    """Answers that are numbers: choice numbers (a coded export) or ratings."""
    return (kind in _CHOICES and _all_digits(options)) or kind in ("rating", "numeric")


def _texts(kind: str, options: list[str]) -> bool:
    """Choices worded as text (what a readable export gives)."""
    return kind in (*_CHOICES, "likert") and bool(options) and not _all_digits(options)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("inf")


# --- the respondents both files hold -----------------------------------------------------


class _Pairs:
    """Stored and new answers of the respondents both hold (a sample of them)."""

    def __init__(self, store: Store, survey: Survey, parsed: Parsed) -> None:
        self.store = store
        self.survey = survey
        self.parsed = parsed
        self._stored: dict[str, dict[str, Any]] | None = None
        self._positions: np.ndarray | None = None

    def _load(self) -> None:
        if self._stored is not None:
            return
        respondents = self.parsed.meta["respondent"].astype(str)
        wanted = respondents.drop_duplicates().tolist()
        self._stored = found = data.stored_answers(self.store, self.survey.id, wanted, limit=SAMPLE)
        index = pd.Index(respondents)
        self._positions = index.get_indexer_for(list(found)) if found else np.array([], int)

    def get(self, code: str) -> list[tuple[list[Any], list[Any]]]:
        """(stored items, new items) per shared respondent who answered both."""
        self._load()
        assert self._stored is not None and self._positions is not None
        series = self.parsed.answers.get(code)
        if series is None or not len(self._positions):
            return []
        result = []
        for who, position in zip(self._stored, self._positions, strict=True):
            if position < 0:
                continue
            old = _items(self._stored[who].get(code))
            new = _items(series.iloc[position])
            if old and new:
                result.append((old, new))
        return result


def _items(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [_plain(value)]


def _plain(value: Any) -> Any:
    """Numbers as ints when whole, texts as they are (so 3, 3.0 and "3" pair alike)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _mapping(pairs: list[tuple[list[Any], list[Any]]]) -> dict[str, Any]:
    """Each stored item -> the new item it goes with most often (one to one)."""
    together: Counter[tuple[str, Any]] = Counter()
    for old, new in pairs:
        for a in old:
            for b in new:
                together[(str(a), _key(b))] += 1
    mapping: dict[str, Any] = {}
    taken: set[Any] = set()
    for (a, b), _n in sorted(together.items(), key=lambda item: -item[1]):
        if a not in mapping and b not in taken:
            mapping[a] = b
            taken.add(b)
    return {a: _unkey(b) for a, b in mapping.items()}


def _key(value: Any) -> Any:
    return ("n", value) if isinstance(value, int | float) else ("s", str(value))


def _unkey(key: Any) -> Any:
    return key[1]


# --- "other, please specify" texts of respondents already stored --------------------------

#: a question that holds the free text of an "other, please specify" option
_OTHER_CODE = re.compile(r"_other(?:_\d+)?$|其他|其它|please specify|请注明", re.I)


def _fill_texts(store: Store, survey: Survey, parsed: Parsed, stored: dict[str, Question]) -> None:
    """The free texts of "other, please specify" answers that the stored responses lack.

    A coded export keeps only the choice (``1`` under 其他); its readable twin, imported
    after it, holds the texts, but its responses are the stored ones (duplicates, not
    added again): the texts are written into the stored responses of the same respondents.
    A stored text that differs from the file's is kept, and a warning names the question.
    """
    codes = [
        q["code"]
        for q in parsed.questions
        if q["type"] == "text"
        and (_OTHER_CODE.search(q["code"]) or _OTHER_CODE.search(q.get("text") or ""))
        and (q["code"] not in stored or stored[q["code"]].type == "text")
        and q["code"] in parsed.answers
    ]
    if not codes or not len(parsed.meta):
        return
    respondents = parsed.meta["respondent"].astype(str).tolist()
    wanted: dict[str, dict[str, str]] = {}
    for code in codes:
        series = parsed.answers[code]
        for who, value in zip(respondents, series.tolist(), strict=False):
            if isinstance(value, str) and value.strip():
                wanted.setdefault(who, {})[code] = value.strip()
    if not wanted:
        return
    conflicts: set[str] = set()

    def fill(row: dict[str, Any]) -> bool:
        answers = row["answers"]
        given = wanted.get(row["respondent"], {})
        missing = {c: v for c, v in given.items() if answers.get(c) in (None, "")}
        conflicts.update(c for c, v in given.items() if c not in missing and answers[c] != v)
        answers.update(missing)
        return bool(missing)

    data.rewrite_answers(store, survey.id, fill, respondents=wanted)  # type: ignore[arg-type]
    for code in sorted(conflicts):
        parsed.warnings.append(t("surveys.values.other_lost", code=code))


# --- stored codes, new texts --------------------------------------------------------------


def _learn(
    store: Store, old: Question, q: dict[str, Any], parsed: Parsed, pairs: _Pairs
) -> Callable[[Any], Any] | None:
    """Give a stored question of numbers (choice numbers, ratings) the new file's texts;
    returns the rewrite of its stored answers."""
    mapping = _mapping(pairs.get(q["code"]))
    if not mapping:
        return None
    kind = q["type"]
    options = list(q["options"])
    if kind in _CHOICES:
        code_of = {v: _number(k) for k, v in mapping.items() if isinstance(v, str)}
        options.sort(key=lambda o: code_of.get(o, float("inf")))
        if old.type in _CHOICES:
            options += [o for o in old.options if o not in mapping and o not in options]
    q["options"] = options
    changes: dict[str, Any] = {"type": kind, "options": options}
    if q["text"] and data._PLACEHOLDER_TEXT.match(old.text.strip()):
        changes["text"] = q["text"]
    store.update("questions", old.id, **changes)
    return _translator(mapping, kind, len(options))


def _translator(mapping: dict[str, Any], kind: str, k: int) -> Callable[[Any], Any]:
    def one(value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        found = mapping.get(str(value))
        if kind in _CHOICES:
            return found if isinstance(found, str) else str(value)
        if found is None or isinstance(found, str):
            return None
        if kind == "likert" and not 1 <= found <= k:
            return None
        return found

    def translate(value: Any) -> Any:
        if isinstance(value, list):
            return [one(v) for v in value]
        return one(value)

    return translate


def _rewrite(store: Store, survey: Survey, translators: dict[str, Callable[[Any], Any]]) -> None:
    """Rewrite the stored answers of some questions, a chunk of responses at a time."""

    def translate(row: dict[str, Any]) -> bool:
        answers = row["answers"]
        touched = False
        for code, change in translators.items():
            if answers.get(code) is not None:
                value = change(answers[code])
                if value is None:
                    answers.pop(code)
                else:
                    answers[code] = value
                touched = True
        return touched

    data.rewrite_answers(store, survey.id, translate)  # type: ignore[arg-type]


# --- stored texts, new codes --------------------------------------------------------------


def _teach(store: Store, old: Question, q: dict[str, Any], parsed: Parsed, pairs: _Pairs) -> bool:
    """Translate a coded question's new answers to the stored texts."""
    mapping = {str(k): v for k, v in _mapping([(n, o) for o, n in pairs.get(q["code"])]).items()}
    if not mapping:
        return False
    code = q["code"]
    options = list(old.options)
    if old.type in _CHOICES:
        code_of = {v: int(k) for k, v in mapping.items() if isinstance(v, str) and k.isdigit()}
        options.sort(key=lambda o: code_of.get(o, 10**9))
        if options != old.options:
            store.update("questions", old.id, options=options)
    translate = _translator(mapping, old.type, len(options))
    series = parsed.answers[code]
    parsed.answers[code] = _apply(series, translate, old.type)
    extra: list[str] = []
    if old.type in _CHOICES:
        found = parsed.answers[code].dropna()
        items = found.explode().dropna() if old.type in data.LIST_TYPES else found
        extra = sorted({str(v) for v in items} - set(options), key=_natural)
    q.update(type=old.type, options=[*options, *extra])
    q["text"] = old.text if old.text else q["text"]
    parsed.coded.discard(code)
    return True


def _natural(text: str) -> tuple[int, str]:
    return (int(text), "") if text.isdigit() else (10**9, text)


def _apply(series: pd.Series, translate: Callable[[Any], Any], kind: str) -> pd.Series:
    """``translate`` over a column's distinct values; the result in the contract's form."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = series.cat.categories
        table = np.empty(len(cats) + 1, dtype=object)
        table[:-1] = [translate(c) for c in cats]
        table[-1] = None
        codes = series.cat.codes.to_numpy().astype(np.int64)
        codes[codes < 0] = len(cats)
        values = pd.Series(table[codes], dtype=object, copy=False)
    else:
        cache: dict[Any, Any] = {}
        out = []
        for value in series.tolist():
            if value is None or (isinstance(value, float) and value != value):
                out.append(None)
                continue
            key = tuple(value) if isinstance(value, list) else value
            if key not in cache:
                cache[key] = translate(value)
            out.append(cache[key])
        values = pd.Series(out, dtype=object)
    if kind in data.NUMBER_TYPES:
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if kind == "single":
        return pd.Series(pd.Categorical(values))
    return values.where(values.notna(), np.nan)


def _as_list(store: Store, old: Question, q: dict[str, Any]) -> Callable[[Any], Any]:
    """A stored single choice that is really a multi-select (or ranking) whose answers so
    far held one option each: it takes the new type, and each answer becomes a list."""
    options = list(q["options"]) + [o for o in old.options if o not in q["options"]]
    store.update("questions", old.id, type=q["type"], options=options)
    q["options"] = options
    return lambda value: value if isinstance(value, list) else [value]


# --- anything else ------------------------------------------------------------------------


def _conform(store: Store, old: Question, q: dict[str, Any], parsed: Parsed) -> None:
    """Make the new question agree with the stored one (its type wins)."""
    code = q["code"]
    if old.type == q["type"]:
        if (
            code in parsed.ordered
            and old.type in _CHOICES
            and q["options"]
            and old.options != q["options"]
        ):
            rank = {o: i for i, o in enumerate(q["options"])}
            options = sorted(old.options, key=lambda o: rank.get(o, 10**9))
            options += [o for o in q["options"] if o not in options]
            if options != old.options:
                store.update("questions", old.id, options=options)
            q["options"] = options
        return
    series = parsed.answers.get(code)
    if series is None:
        q.update(type=old.type, options=list(old.options))
        return
    before = int(series.notna().sum())
    converted = _convert(series, q, old)
    lost = before - int(converted.notna().sum())
    parsed.answers[code] = converted
    options = list(old.options)
    if old.type in _CHOICES:
        found = converted.dropna()
        items = found.explode().dropna() if old.type in data.LIST_TYPES else found
        options += sorted({str(v) for v in items} - set(options))
    q.update(type=old.type, options=options)
    if lost:
        parsed.warnings.append(
            t("surveys.import.type_kept", code=code, kind=old.type, new=q.get("was", ""), n=lost)
        )


def _convert(series: pd.Series, q: dict[str, Any], old: Question) -> pd.Series:
    new_kind, new_options = q["type"], q["options"]

    def text_of(value: Any) -> Any:
        if isinstance(value, list):
            return None
        if isinstance(value, float | int | np.number):
            if new_kind == "likert" and float(value).is_integer():
                position = int(value)
                if 1 <= position <= len(new_options):
                    return new_options[position - 1]
            return str(int(value)) if float(value).is_integer() else str(value)
        return str(value)

    def convert(value: Any) -> Any:
        kind = old.type
        if kind in ("single", "text"):
            return text_of(value)
        if kind in data.LIST_TYPES:
            return value if isinstance(value, list) else [text_of(value)]
        if kind == "likert":
            text = text_of(value)
            if text in old.options:
                return old.options.index(text) + 1
            return None
        number = pd.to_numeric(text_of(value), errors="coerce")
        return None if pd.isna(number) else float(number)

    q["was"] = new_kind
    return _apply(series, convert, old.type)
