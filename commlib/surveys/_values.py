"""What an answer's text means before any statistic: no answer at all, or a declared
non-answer ("Don't know"), and how two spellings of one option compare.

Shared by the readers (``importers.surveys._infer``) and the analysis, which must agree: a missing
value is left out of every count; a non-answer may be counted as a choice but is never a
point of a scale, so it never enters a mean, CSAT, NPS or likert distribution.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: cell texts that mean "no answer" in any export, compared trimmed and case-blind (R's
#: ``NA``, Excel's ``#N/A``, a dash); blank and whitespace-only cells are missing too
MISSING_TEXTS = ("NA", "N/A", "#N/A", "-", "--", "—", "NaN")
MISSING_UPPER = frozenset(m.upper() for m in MISSING_TEXTS)
#: the skipped/empty marks of Chinese platforms (Wenjuanxing's readers blank them)
SKIPPED_TEXTS = ("(跳过)", "(空)", "（跳过）", "（空）")

#: labels that are no point of a scale: kept as options of a choice, never averaged
NON_ANSWERS = frozenset(
    {
        "don't know",
        "dont know",
        "do not know",
        "not sure / don't know",
        "don't know / not sure",
        "prefer not to say",
        "prefer not to answer",
        "rather not say",
        "n/a",
        "na",
        "not applicable",
        "n/a - not applicable",
        "no basis for evaluation",
        "no basis to judge",
        "no opinion",
        "cannot say",
        "can't say",
        "unable to answer",
        "不适用",
        "不清楚",
        "不知道",
        "无法评价",
        "无法回答",
        "拒绝回答",
        "不愿回答",
        "不想回答",
        "没有意见",
        "无意见",
    }
)

#: texts a header row puts under a question (SurveyMonkey's second row): never an answer
HEADER_TEXTS = frozenset({"response", "open-ended response", "responses"})


def normal(text: str) -> str:
    """A text as compared: NFKC (full-width letters, digits and spaces as plain ones),
    trimmed, runs of spaces as one."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@functools.lru_cache(maxsize=65536)
def key(text: str) -> str:
    """What two spellings of one option share: ``normal`` and case-blind."""
    return normal(text).casefold().replace("’", "'")


def is_missing(text: object) -> bool:
    """Whether a cell's text means no answer (blank, ``NA``, ``-``, ``(跳过)``...)."""
    if not isinstance(text, str):
        return False
    found = normal(text)
    return not found or found.upper() in MISSING_UPPER or found in SKIPPED_TEXTS


def is_non_answer(label: object) -> bool:
    """Whether a label is a declared non-answer ("Don't know", "Prefer not to say", "不适用",
    "N/A"...), a recode of it aside (``-1 Don't know``)."""
    if not isinstance(label, str):
        return False
    found = key(label).strip(" .。!！()（）")
    found = re.sub(r"^-?\d+\s*[-:=.]?\s*(?=\D)", "", found)
    return found in NON_ANSWERS
