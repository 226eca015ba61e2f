"""Risk scoring: score, level and expected monetary value, as pure functions.

    >>> score(4, 3)
    12
    >>> DEFAULT_MATRIX.level(4, 3)
    'high'
    >>> expected_value(3, 120_000)          # 40% x 120,000
    48000.0
    >>> score_risks(store.frame("risks", project))   # + score, level, emv columns

**Score** is probability x impact, both on 1–5, so 1–25.

**Level** comes from a :class:`RiskMatrix`: a 5x5 grid giving each (probability, impact)
cell one of ``low``, ``medium``, ``high``, ``critical``. The default,
:data:`DEFAULT_MATRIX`, cuts the score at the usual PMBOK-style bands:

======== ============= =====================================
level    score         cells
======== ============= =====================================
low      1–4           e.g. 1x4, 2x2
medium   5–9           e.g. 1x5, 2x3, 3x3
high     10–16         e.g. 2x5, 3x4, 4x4
critical 20–25         4x5, 5x4, 5x5
======== ============= =====================================

Other policies: ``RiskMatrix.from_thresholds(medium=4, high=8, critical=15)`` (other cuts of
the score) or ``RiskMatrix(levels=...)`` (any 5x5 grid, e.g. one that weighs impact more).

**EMV** (expected monetary value) = the probability a level stands for x the cost impact.
:data:`PROBABILITY_PERCENT` maps each level to the middle of its band:

===== ========== ===============
level band       used for EMV
===== ========== ===============
1     below 10%  5%
2     10–30%     20%
3     30–50%     40%
4     50–70%     60%
5     above 70%  85%
===== ========== ===============

Pass ``percent={1: 0.1, ...}`` (shares, 0–1) to use your own calibration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from ..errors import InvalidRecord, Problem
from ..i18n import t

#: the levels, lowest first
LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
#: the 1–5 scale of probability and impact
SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)
#: statuses of a risk that is still live (counts in exposure, reviews, the matrix)
LIVE: tuple[str, ...] = ("open", "mitigating")

#: the band of likelihood each probability level stands for (hints in forms and charts)
PROBABILITY_BANDS: dict[int, str] = {1: "<10%", 2: "10–30%", 3: "30–50%", 4: "50–70%", 5: ">70%"}
#: the share used for EMV per probability level: the middle of its band
PROBABILITY_PERCENT: dict[int, float] = {1: 0.05, 2: 0.20, 3: 0.40, 4: 0.60, 5: 0.85}


@dataclass(frozen=True)
class RiskMatrix:
    """Which level each cell of the 5x5 probability x impact grid is.

    ``levels[p - 1][i - 1]`` is the level of probability ``p`` and impact ``i``; each is one
    of :data:`LEVELS`. A level may not fall as probability or impact rises (a typo in a
    hand-written grid would otherwise go unnoticed).
    """

    levels: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        grid = tuple(tuple(row) for row in self.levels)
        object.__setattr__(self, "levels", grid)
        if len(grid) != 5 or any(len(row) != 5 for row in grid):
            raise _bad_matrix(grid, t("risks.error.matrix_shape"))
        unknown = sorted({v for row in grid for v in row} - set(LEVELS))
        if unknown:
            raise _bad_matrix(unknown, t("risks.error.matrix_level", levels=", ".join(LEVELS)))
        rank = [[LEVELS.index(v) for v in row] for row in grid]
        for p in range(5):
            for i in range(5):
                if (p and rank[p][i] < rank[p - 1][i]) or (i and rank[p][i] < rank[p][i - 1]):
                    raise _bad_matrix(
                        f"P{p + 1} x I{i + 1} = {grid[p][i]}", t("risks.error.matrix_order")
                    )

    @classmethod
    def from_thresholds(cls, medium: int = 5, high: int = 10, critical: int = 20) -> RiskMatrix:
        """A matrix that cuts the score: ``score >= medium`` is medium, and so on."""
        if not 1 < medium < high < critical <= 25:
            raise _bad_matrix(f"{medium}, {high}, {critical}", t("risks.error.matrix_thresholds"))
        cuts = ((critical, "critical"), (high, "high"), (medium, "medium"))

        def level(value: int) -> str:
            return next((name for cut, name in cuts if value >= cut), "low")

        return cls(tuple(tuple(level(p * i) for i in SCALE) for p in SCALE))

    def level(self, probability: int, impact: int) -> str:
        """The level of one cell (probability and impact on 1–5)."""
        if probability not in SCALE or impact not in SCALE:
            raise InvalidRecord(
                [Problem("probability/impact", (probability, impact), t("risks.error.scale"))]
            )
        return self.levels[probability - 1][impact - 1]

    def cells(self) -> pd.DataFrame:
        """The 25 cells: ``probability``, ``impact``, ``score``, ``level``."""
        return pd.DataFrame(
            [
                {"probability": p, "impact": i, "score": p * i, "level": self.level(p, i)}
                for p in SCALE
                for i in SCALE
            ]
        )


def _bad_matrix(value: object, message: str) -> InvalidRecord:
    return InvalidRecord([Problem("matrix", value, message, where="RiskMatrix")])


#: the default: <=4 low, 5–9 medium, 10–16 high, >=20 critical
DEFAULT_MATRIX = RiskMatrix.from_thresholds(medium=5, high=10, critical=20)


def score(probability: int, impact: int) -> int:
    """Probability x impact (1–25)."""
    return int(probability) * int(impact)


def level(probability: int, impact: int, matrix: RiskMatrix = DEFAULT_MATRIX) -> str:
    """The level of a risk on ``matrix``: ``low``, ``medium``, ``high`` or ``critical``."""
    return matrix.level(int(probability), int(impact))


def expected_value(
    probability: int,
    cost: float | None,
    percent: Mapping[int, float] = PROBABILITY_PERCENT,
) -> float | None:
    """EMV: the share ``percent[probability]`` of ``cost``; ``None`` without a cost."""
    if cost is None or pd.isna(cost):
        return None
    return float(percent[int(probability)]) * float(cost)


#: the columns :func:`score_risks` adds
SCORE_COLUMNS: dict[str, str] = {"score": "int64", "level": "object", "emv": "float64"}


def score_risks(
    risks: pd.DataFrame,
    matrix: RiskMatrix = DEFAULT_MATRIX,
    percent: Mapping[int, float] = PROBABILITY_PERCENT,
) -> pd.DataFrame:
    """A copy of a risks frame with ``score`` (P x I), ``level`` and ``emv`` (NaN: no cost).

    ``risks`` is ``store.frame("risks", project)`` (or any frame with ``probability``,
    ``impact`` and, optionally, ``cost_impact``).
    """
    df = risks.copy()
    if df.empty:
        for column, dtype in SCORE_COLUMNS.items():
            df[column] = pd.Series(dtype=dtype)
        return df
    p = df["probability"].astype(int)
    i = df["impact"].astype(int)
    df["score"] = (p * i).astype("int64")
    df["level"] = pd.Series(
        [matrix.level(a, b) for a, b in zip(p, i, strict=True)], index=df.index, dtype=object
    )
    cost = df["cost_impact"] if "cost_impact" in df else pd.Series(float("nan"), index=df.index)
    share = p.map(lambda v: float(percent[v]))
    df["emv"] = (share * pd.to_numeric(cost, errors="coerce")).astype("float64")
    return df


def matrix_cells(
    risks: pd.DataFrame,
    matrix: RiskMatrix = DEFAULT_MATRIX,
    *,
    statuses: Iterable[str] | None = LIVE,
) -> pd.DataFrame:
    """The 25 cells of the grid with the risks in each, for a heatmap.

    Columns: ``probability``, ``impact``, ``score``, ``level``, ``count``, ``ids`` (list of
    risk ids, ascending), ``titles`` (their titles, same order). Only risks whose status is
    in ``statuses`` count (default: open and mitigating; ``None``: every risk).
    """
    cells = matrix.cells()
    chosen = risks
    if statuses is not None and not risks.empty:
        chosen = risks[risks["status"].isin(list(statuses))]
    found: dict[tuple[int, int], list[tuple[int, str]]] = {}
    if not chosen.empty:
        for rid, title, p, i in zip(
            chosen["id"], chosen["title"], chosen["probability"], chosen["impact"], strict=True
        ):
            found.setdefault((int(p), int(i)), []).append((int(rid), str(title)))
    ids: list[list[int]] = []
    titles: list[list[str]] = []
    for p, i in zip(cells["probability"], cells["impact"], strict=True):
        members = sorted(found.get((p, i), []))
        ids.append([m[0] for m in members])
        titles.append([m[1] for m in members])
    cells["count"] = [len(v) for v in ids]
    cells["ids"] = pd.Series(ids, dtype=object)
    cells["titles"] = pd.Series(titles, dtype=object)
    return cells


# --- labels -----------------------------------------------------------------------------


def level_label(name: str) -> str:
    """A level's name in the current language (``high`` -> 高)."""
    return {
        "low": t("risks.level.low"),
        "medium": t("risks.level.medium"),
        "high": t("risks.level.high"),
        "critical": t("risks.level.critical"),
    }[name]


def scale_label(value: int) -> str:
    """The word for a point of the 1–5 scale (1 -> Very low ... 5 -> Very high)."""
    return {
        1: t("risks.scale.very_low"),
        2: t("risks.scale.low"),
        3: t("risks.scale.medium"),
        4: t("risks.scale.high"),
        5: t("risks.scale.very_high"),
    }[int(value)]
