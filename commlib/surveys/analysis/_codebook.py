"""The codebook as the analysis reads it: one :class:`Item` per question, found by code.

    >>> questions(codebook)["Q1"].scored_options     # the points of a likert scale
    >>> item_of(frame, codebook, "Q1", ("likert",))  # NotFound / AnalysisError when it is not

A column the codebook does not describe (``source``, a segment added by hand) is read by
its dtype: a Categorical is a single choice, numbers are numeric, lists a multi choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from ...errors import AnalysisError, NotFound
from ...i18n import t
from .._values import is_non_answer

#: question types with a numeric score
SCORED = ("likert", "rating", "numeric", "nps")


@dataclass(frozen=True)
class Item:
    """One codebook row, with ``options`` as a tuple (empty when the codebook has none).

    A plain value for the analysis, not the stored ``commlib.Question`` record.
    """

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


def questions(codebook: pd.DataFrame | None) -> dict[str, Item]:
    """``code -> Item`` for every codebook row, in codebook order."""
    if codebook is None or codebook.empty:
        return {}
    n = len(codebook)
    columns = [
        codebook[c].tolist() if c in codebook.columns else [None] * n
        for c in ("code", "text", "type", "options")
    ]
    found = {}
    for code, text, kind, options in zip(*columns, strict=True):
        found[str(code)] = Item(
            code=str(code),
            text=text if isinstance(text, str) else "",
            type=kind if isinstance(kind, str) and kind else "single",
            options=tuple(map(str, options)) if isinstance(options, list | tuple) else (),
        )
    return found


def _guess(series: pd.Series, code: str) -> Item:
    """A column the codebook does not describe (``source``, a segment added by hand)."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        kind = "single"
    elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        kind = "numeric"
    else:
        first = series.dropna().head(1)
        kind = "multi" if len(first) and isinstance(first.iloc[0], list | tuple) else "single"
    return Item(code=code, text="", type=kind)


def item_of(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    types: Sequence[str] | None = None,
    book: Mapping[str, Item] | None = None,
) -> Item:
    """The item of column ``code``: its codebook row, else guessed from the column's dtype.

    Raises ``NotFound`` when the frame has no such column and ``AnalysisError`` when its
    type is not one of ``types``; ``book`` is ``questions(codebook)`` when already made.
    """
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


def question_codes(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    codes: str | Iterable[str] | None,
    types: Sequence[str],
) -> list[str]:
    """The given codes, or every codebook question of ``types`` that has a column."""
    if codes is None:
        return [c for c, q in questions(codebook).items() if q.type in types and c in frame]
    return [codes] if isinstance(codes, str) else list(codes)


def column_of(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or ``NotFound`` naming the columns there are."""
    if name not in frame.columns:
        raise NotFound(
            t(
                "surveys.analysis.error.no_column",
                column=name,
                known=", ".join(map(str, frame.columns)),
            )
        )
    return frame[name]
