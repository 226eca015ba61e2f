"""A survey's results in plain words, for the client: questions by their text, shares as
percentages, changes between waves said in words, keywords as whole words. The analyst's
tables (test statistics, p-values, every measure) stay in ``analyse``'s result.

    >>> result = analyse(frame, book)
    >>> summary = client_summary(frame, book, result, lang="en")
    >>> summary.changes     # "clearly higher than the last wave" / "about the same as ..."
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import pandas as pd

from ..cjk import HAN
from ..i18n import language, t
from .analysis import SurveyAnalysis, questions
from .text import STOPWORDS, WORD

#: a change is "clear" when its test's two-sided p-value is below this
SIGNIFICANT = 0.05
#: the jieba part-of-speech tags of words that mean something on their own: nouns, verbs,
#: adjectives, idioms and fixed phrases (not adverbs, conjunctions or "distinguishing" words
#: such as 主要)
_MEANINGFUL = ("n", "v", "a", "i", "l", "j")
#: words too general to tell a client anything
CLIENT_STOPWORDS = frozenset({"主要", "问题", "方面", "还需", "有点", "整体", "需要", "希望"})
#: the measures a client reads in the changes (means of scores stay with the analyst)
_CLIENT_MEASURES = ("nps", "csat")


@cache
def _posseg():  # jieba's posseg module
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg


@cache
def _run_words(run: str) -> tuple[str, ...]:
    return tuple(
        pair.word
        for pair in _posseg().lcut(run)
        if len(pair.word) >= 2 and pair.flag.startswith(_MEANINGFUL)
    )


def whole_words(text: str) -> list[str]:
    """The words of one answer a reader recognises: Chinese words of two or more characters
    that jieba tags as nouns, verbs, adjectives or set phrases (so no fragments such as 性强
    from 实操性强), English words; stop words left out. Repeats kept."""
    lowered = str(text).lower().replace("’", "'")
    words = [w for run in HAN.findall(lowered) for w in _run_words(run)]
    words += [w for w in WORD.findall(lowered) if len(w) >= 2]
    stop = STOPWORDS | CLIENT_STOPWORDS
    return [w for w in words if w not in stop]


def client_keywords(frame: pd.DataFrame, book: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """The ``top`` whole words of each open-text question: ``question`` (its text),
    ``keyword``, ``responses`` (answers using it) and ``share`` of the answers with text."""
    rows = []
    for code, question in questions(book).items():
        if question.type != "text" or code not in frame:
            continue
        answers = [str(v).strip() for v in frame[code].dropna() if str(v).strip()]
        used: dict[str, int] = {}
        for answer in answers:
            for word in set(whole_words(answer)):
                used[word] = used.get(word, 0) + 1
        ranked = sorted(used.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        rows += [
            {"question": question.label, "keyword": w, "responses": n, "share": n / len(answers)}
            for w, n in ranked
        ]
    return pd.DataFrame(rows, columns=["question", "keyword", "responses", "share"])


def verdict(change: float, p_value: float) -> str:
    """A change against the last wave in words, in the current language."""
    if math.isnan(p_value) or p_value >= SIGNIFICANT or change == 0:
        return t("surveys.client.same")
    return t("surveys.client.higher") if change > 0 else t("surveys.client.lower")


def _shown(measure: str, value: float) -> str:
    if measure == "csat":
        return f"{100 * value:.0f}%"
    return f"{value:+.0f}" if value else "0"


@dataclass(frozen=True)
class ClientSurvey:
    """The tables of a survey for a client (see :func:`client_summary`)."""

    nps: pd.DataFrame
    csat: pd.DataFrame
    changes: pd.DataFrame
    multi: pd.DataFrame
    keywords: pd.DataFrame


def _column(table: pd.DataFrame, name: str) -> pd.Series:
    """A column of an analysis table; an empty one when the table has none (an analysis with
    nothing to show keeps only its ``code`` column)."""
    if name in table:
        return table[name]
    return pd.Series([None] * len(table), index=table.index, dtype=object)


def client_summary(
    frame: pd.DataFrame, book: pd.DataFrame, result: SurveyAnalysis, *, lang: str | None = None
) -> ClientSurvey:
    """``result`` (of ``analyse(frame, book)``) as a client reads it, in ``lang``:

    - ``nps``: question text, wave, answers, NPS in whole points, share of promoters and of
      detractors;
    - ``csat``: question text, wave, answers, share satisfied (top two boxes);
    - ``changes``: for NPS and satisfaction, the latest wave against the one before, in
      words ("clearly higher than the last wave" when the test says so at 5%, "about the
      same" otherwise): no statistics, no p-values;
    - ``multi``: question text, wave, option, share of those who answered;
    - ``keywords``: whole words of the open answers (:func:`client_keywords`).
    """
    texts = {code: q.label for code, q in questions(book).items()}

    def named(table: pd.DataFrame) -> pd.Series:
        return table["code"].map(lambda c: texts.get(c, c))

    nps = result.nps
    nps_table = pd.DataFrame(
        {
            "question": named(nps),
            "wave": _column(nps, "wave"),
            "n": _column(nps, "n"),
            "nps": _column(nps, "nps").round().astype("Int64"),
            "share_promoters": _column(nps, "share_promoters"),
            "share_detractors": _column(nps, "share_detractors"),
        }
    )
    csat = result.csat
    csat_table = pd.DataFrame(
        {
            "question": named(csat),
            "wave": _column(csat, "wave"),
            "n": _column(csat, "n"),
            "satisfied_share": _column(csat, "share"),
        }
    )
    changes = result.changes
    with language(lang):
        rows = []
        if not changes.empty:
            kept = changes[changes["measure"].isin(_CLIENT_MEASURES) & changes["previous"].notna()]
            for _, row in kept.groupby(["measure", "code"], sort=False).tail(1).iterrows():
                rows.append(
                    {
                        "question": texts.get(row["code"], row["code"]),
                        "measure": row["measure"],
                        "wave": row.get("wave"),
                        "previous": _shown(row["measure"], float(row["previous"])),
                        "value": _shown(row["measure"], float(row["value"])),
                        "verdict": verdict(float(row["change"]), float(row["p_value"])),
                    }
                )
        change_table = pd.DataFrame(
            rows, columns=["question", "measure", "wave", "previous", "value", "verdict"]
        )
    multi = result.multi
    multi_table = pd.DataFrame(
        {
            "question": named(multi),
            "wave": _column(multi, "wave"),
            "option": _column(multi, "option"),
            "share": _column(multi, "share"),
        }
    )
    return ClientSurvey(
        nps=nps_table,
        csat=csat_table,
        changes=change_table,
        multi=multi_table,
        keywords=client_keywords(frame, book),
    )
