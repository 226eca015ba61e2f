"""What every platform reader produces: a ``Parsed`` survey (codebook, answers, metadata)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...i18n import t
from ...text import padded
from ._columns import map_categories
from ._infer import Guess
from ._read import take_warnings

#: texts that mean "no answer" in Wenjuanxing exports (skipped, not shown, empty)
SKIPPED = {"-2", "-3", "(跳过)", "(空)", "（跳过）", "（空）"}

#: parts of a file name that say which of a pair of exports it is (not the survey's name)
_EXPORT_WORDS = re.compile(
    r"按选项文本|按选项序号|按文本|按序号|选项文本|选项序号|答卷数据|"
    r"(?<![A-Za-z])(?:all[_ ]?data[_ ]?(?:readable|original)|readable|original|"
    r"choice[_ ]?text|numeric[_ ]?values?|numeric|values|labels|text|codes?|coded)(?![A-Za-z])",
    re.I,
)


@dataclass
class Parsed:
    """One export read into the data contract's shape, before it is stored.

    ``coded``: codes of questions whose answers are choice numbers with unknown texts (a
    coded export). ``ordered``: codes whose option order comes from the platform itself (not
    from the order answers first appear), so it may reorder the stored options.
    """

    platform: str
    title: str = ""
    questions: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, pd.Series] = field(default_factory=dict)
    meta: pd.DataFrame = field(default_factory=pd.DataFrame)
    coded: set[str] = field(default_factory=set)
    ordered: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    dropped: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # what reading the file found to say (an encoding it guessed)
        self.warnings[:0] = take_warnings()

    def add(
        self,
        code: str,
        text: str,
        kind: str,
        options: list[str] | None = None,
        answers: pd.Series | None = None,
        parent: str = "",
        *,
        coded: bool = False,
        ordered: bool = False,
    ) -> str:
        code = self._free(code)
        options = [o.strip() for o in (options or []) if o and o.strip()]
        self.questions.append(
            {
                "code": code,
                "text": _clean(text),
                "type": kind,
                "options": list(dict.fromkeys(options)),
                "parent": parent,
                "position": len(self.questions) + 1,
            }
        )
        if answers is not None and kind != "matrix":
            self.answers[code] = answers.reset_index(drop=True)
        if coded:
            self.coded.add(code)
        if ordered:
            self.ordered.add(code)
        return code

    def guess(self, code: str, text: str, guess: Guess, parent: str = "", **flags: bool) -> str:
        code = self.add(code, text, guess.type, guess.options, guess.answers, parent, **flags)
        if guess.non_answers:  # "Don't know", -99 beside a scale: missing, never averaged
            self.details.setdefault("non_answers", {}).setdefault(code, guess.non_answers)
        if guess.merged:  # spellings made one option (a preview shows them)
            self.details.setdefault("merged", {})[code] = guess.merged
            shown = "; ".join(
                f"{' / '.join(repr(o) for o in others)} → {best!r}"
                for best, others in list(guess.merged.items())[:5]
            )
            self.warnings.append(t("surveys.values.merged", code=code, merged=shown))
        return code

    def _free(self, code: str) -> str:
        code = _clean(code)[:150] or "Q"
        taken = {q["code"] for q in self.questions} | set(META_COLUMNS)
        if code not in taken:
            return code
        n = 2
        while f"{code}_{n}" in taken:
            n += 1
        return f"{code}_{n}"

    def frame(self) -> pd.DataFrame:
        """Metadata and answers, one row per response (the wide form ``save_responses`` takes).
        Counts the complete and incomplete responses in ``details``."""
        if "complete" in self.meta:
            done = int(self.meta["complete"].astype(bool).sum())
            if "incomplete" not in self.details and len(self.meta) > done:
                self.warnings.append(t("surveys.layouts.incomplete", n=len(self.meta) - done))
            self.details["complete"] = done
            self.details["incomplete"] = len(self.meta) - done
        parts = {c: self.meta[c].reset_index(drop=True) for c in META_COLUMNS if c in self.meta}
        parts.update(self.answers)
        return pd.DataFrame(parts, copy=False)  # a block per column: no copy of a million rows

    def keep_rows(self, mask: np.ndarray) -> None:
        """Keep only these rows (e.g. those with a respondent id)."""
        if mask.all():
            return
        self.dropped += int((~mask).sum())
        self.meta = self.meta.loc[mask].reset_index(drop=True)
        for code, series in self.answers.items():
            self.answers[code] = series.loc[mask].reset_index(drop=True)


META_COLUMNS = ("respondent", "submitted_at", "duration_s", "source", "complete")


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def texts(column: pd.Series) -> pd.Series:
    """A column's text, trimmed (a Categorical, missing when empty)."""
    cats = column.cat.categories
    if cats.dtype == "str" and not len(cats):
        return column
    if cats.dtype == "str" and not padded(cats).any():
        return column  # nothing to trim (the most common case: told from the bytes)
    if cats.dtype == "str" and bool((cats.str.strip() == cats).all()) and not (cats == "").any():
        return column  # (nothing to trim either: checked at once)
    return map_categories(column, lambda c: c.strip() or None)


def meta(
    rows: int,
    respondent: pd.Series | None = None,
    submitted_at: pd.Series | None = None,
    duration_s: pd.Series | None = None,
    source: pd.Series | None = None,
    complete: pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    """The metadata columns of ``rows`` responses; respondents default to row numbers,
    ``complete`` to True (every response finished)."""
    if respondent is None:
        respondent = pd.Series([str(n) for n in range(1, rows + 1)], dtype=object)
    return pd.DataFrame(
        {
            "respondent": respondent.reset_index(drop=True),
            "submitted_at": (
                submitted_at.reset_index(drop=True)
                if submitted_at is not None
                else pd.Series(pd.NaT, index=range(rows), dtype="datetime64[us, UTC]")
            ),
            "duration_s": (
                duration_s.reset_index(drop=True)
                if duration_s is not None
                else pd.Series(np.nan, index=range(rows), dtype="float64")
            ),
            "source": (
                source.reset_index(drop=True)
                if source is not None
                else pd.Series(pd.Categorical.from_codes(np.zeros(rows, np.int8), [""]))
            ),
            "complete": (
                pd.Series(np.asarray(complete, dtype=bool))
                if complete is not None
                else pd.Series(True, index=range(rows), dtype=bool)
            ),
        }
    )


def survey_name(path: Path, title: str = "") -> str:
    """The survey's name from its title, else from the file name without the words that
    say which export of a pair it is (so both files of a pair name the same survey)."""
    name = _clean(title)
    if not name:
        stem = _EXPORT_WORDS.sub(" ", path.stem)
        name = _clean(re.sub(r"[_\-.]+", " ", stem))
    return name[:200]
