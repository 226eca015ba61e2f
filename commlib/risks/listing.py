"""The risk list a client reads: each live risk with its level, owner, mitigation, how its
score moved over the last weeks and when it is reviewed next.

    >>> risk_list(store.frame("risks", p), store.history(p), today=today, lang="en")
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ..i18n import language, t
from .review import score_history
from .scoring import DEFAULT_MATRIX, LIVE, RiskMatrix, level_label

#: how far back the trend looks
TREND_DAYS = 28


def trend(before: int | None, now: int) -> str:
    """``↑``/``↓``/``→`` with a word, in the current language; ``before`` is ``None`` for a
    risk raised inside the window (it reads as new)."""
    if before is None:
        return t("risks.trend.new")
    if now > before:
        return t("risks.trend.up")
    return t("risks.trend.down") if now < before else t("risks.trend.same")


def risk_list(
    risks: pd.DataFrame,
    history: pd.DataFrame | None,
    *,
    today: date,
    lang: str | None = None,
    weeks: int = TREND_DAYS // 7,
    matrix: RiskMatrix = DEFAULT_MATRIX,
) -> pd.DataFrame:
    """Open and mitigating risks, highest score first, labelled in ``lang``: title, level,
    owner, mitigation, trend (the score today against ``weeks`` weeks before, from the
    store's history: ``↑`` higher, ``↓`` lower, ``→`` the same, or new) and review date."""
    with language(lang):
        labels = [
            t("field.title"),
            t("table.column.level"),
            t("field.owner"),
            t("field.mitigation"),
            t("risks.column.trend"),
            t("field.review_due"),
        ]
        if risks.empty:
            return pd.DataFrame(columns=labels)
        live = risks[risks["status"].isin(LIVE)]
        if live.empty:
            return pd.DataFrame(columns=labels)
        steps = score_history(live, history, until=today, matrix=matrix)
        start = pd.Timestamp(today - timedelta(days=7 * weeks), tz="UTC")
        rows = []
        for r in live.itertuples(index=False):
            mine = steps[steps["risk_id"] == int(r.id)]
            earlier = mine[mine["at"] <= start]
            before = int(earlier["score"].iloc[-1]) if len(earlier) else None
            p, i = int(r.probability), int(r.impact)
            due = pd.to_datetime(r.review_due, errors="coerce")
            rows.append(
                (
                    -p * i,
                    int(r.id),
                    [
                        r.title,
                        level_label(matrix.level(p, i)),
                        r.owner or "",
                        r.mitigation or "",
                        trend(before, p * i),
                        "" if pd.isna(due) else due.date().isoformat(),
                    ],
                )
            )
        rows.sort(key=lambda row: row[:2])
        return pd.DataFrame([row[2] for row in rows], columns=labels)
