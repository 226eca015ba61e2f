"""Risks: the risk register, its scoring, its review over time, and its charts.

    from commlib.risks import RiskRegister, exposure, exposure_chart, risk_matrix_chart

Scoring (``scoring.py``): score = probability x impact; the level from a configurable
5x5 :class:`RiskMatrix` (default: <=4 low, 5–9 medium, 10–16 high, >=20 critical);
expected monetary value. Review (``review.py``): overdue reviews, score history, weekly
exposure (the burndown) and top movers, rebuilt from the store's history. Both are pure
functions over the store's DataFrames. Charts (``charts.py``) turn them into altair
charts; the widget (``widgets.py``) adds and edits risks through the store.
"""

from .charts import exposure_chart, risk_matrix_chart, score_history_chart
from .listing import risk_list
from .review import exposure, overdue_reviews, score_history, top_movers
from .scoring import (
    DEFAULT_MATRIX,
    LEVELS,
    PROBABILITY_BANDS,
    PROBABILITY_PERCENT,
    RiskMatrix,
    expected_value,
    level,
    matrix_cells,
    score,
    score_risks,
)
from .widgets import RiskRegister

__all__ = [
    "DEFAULT_MATRIX",
    "LEVELS",
    "PROBABILITY_BANDS",
    "PROBABILITY_PERCENT",
    "RiskMatrix",
    "RiskRegister",
    "expected_value",
    "exposure",
    "exposure_chart",
    "level",
    "matrix_cells",
    "overdue_reviews",
    "risk_list",
    "risk_matrix_chart",
    "score",
    "score_history",
    "score_history_chart",
    "score_risks",
    "top_movers",
]
