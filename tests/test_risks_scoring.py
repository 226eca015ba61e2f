"""Risk scoring: scores, levels on the default and custom matrices, EMV, cells — by hand."""

import math

import pandas as pd
import pytest

from commlib import InvalidRecord
from commlib.i18n import language
from commlib.risks import (
    DEFAULT_MATRIX,
    LEVELS,
    PROBABILITY_PERCENT,
    RiskMatrix,
    expected_value,
    level,
    matrix_cells,
    score,
    score_risks,
)
from commlib.risks.scoring import level_label, scale_label

from .conftest import fill

#: weighs impact more than the default: anything with impact 5 is critical
IMPACT_HEAVY = (
    ("low", "low", "medium", "high", "critical"),  # probability 1, impact 1..5
    ("low", "low", "medium", "high", "critical"),
    ("low", "medium", "medium", "high", "critical"),
    ("low", "medium", "high", "high", "critical"),
    ("medium", "medium", "high", "critical", "critical"),  # probability 5
)


# --- score and level --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "i", "expected_score", "expected_level"),
    [
        (1, 1, 1, "low"),
        (1, 4, 4, "low"),
        (2, 2, 4, "low"),
        (1, 5, 5, "medium"),
        (2, 3, 6, "medium"),
        (3, 3, 9, "medium"),
        (2, 5, 10, "high"),
        (3, 4, 12, "high"),
        (4, 4, 16, "high"),
        (4, 5, 20, "critical"),
        (5, 4, 20, "critical"),
        (5, 5, 25, "critical"),
    ],
)
def test_score_and_level_on_the_default_matrix(p, i, expected_score, expected_level):
    assert score(p, i) == expected_score
    assert level(p, i) == expected_level
    assert DEFAULT_MATRIX.level(p, i) == expected_level


def test_the_default_matrix_has_the_usual_number_of_cells_per_level():
    cells = DEFAULT_MATRIX.cells()
    assert len(cells) == 25
    # low: 1x1..1x4, 2x1, 2x2, 3x1, 4x1; critical: 4x5, 5x4, 5x5
    assert cells["level"].value_counts().to_dict() == {
        "low": 8,
        "medium": 7,
        "high": 7,
        "critical": 3,
    }
    assert RiskMatrix.from_thresholds() == DEFAULT_MATRIX


def test_custom_thresholds():
    strict = RiskMatrix.from_thresholds(medium=4, high=8, critical=15)
    assert strict.level(1, 3) == "low"  # 3
    assert strict.level(2, 2) == "medium"  # 4
    assert strict.level(2, 4) == "high"  # 8
    assert strict.level(3, 5) == "critical"  # 15
    assert level(3, 5) == "high"  # the default differs
    assert level(3, 5, strict) == "critical"


def test_a_full_grid():
    heavy = RiskMatrix(IMPACT_HEAVY)
    assert heavy.level(1, 5) == "critical"  # default: medium
    assert heavy.level(5, 1) == "medium"  # default: medium too
    assert heavy.level(4, 3) == "high"
    assert heavy.level(2, 2) == "low"
    assert heavy.cells().query("probability == 1 and impact == 5")["level"].item() == "critical"


def test_grids_may_be_lists():
    assert RiskMatrix([list(row) for row in IMPACT_HEAVY]) == RiskMatrix(IMPACT_HEAVY)


@pytest.mark.parametrize(
    ("grid", "words"),
    [
        (IMPACT_HEAVY[:4], "5 rows"),
        ((*IMPACT_HEAVY[:4], ("low",) * 4), "5 rows"),
        ((*IMPACT_HEAVY[:4], ("low", "low", "low", "low", "severe")), "unknown level"),
        ((*IMPACT_HEAVY[:4], ("low",) * 5), "may not fall"),  # P5 below P4
        ((("high", "low", "low", "low", "low"), *IMPACT_HEAVY[1:]), "may not fall"),
    ],
)
def test_bad_grids_say_what_is_wrong(grid, words):
    with pytest.raises(InvalidRecord, match=words):
        RiskMatrix(grid)


@pytest.mark.parametrize("cuts", [(5, 5, 20), (10, 5, 20), (1, 10, 20), (5, 10, 26)])
def test_thresholds_must_rise(cuts):
    with pytest.raises(InvalidRecord, match="thresholds must rise"):
        RiskMatrix.from_thresholds(*cuts)


def test_values_off_the_scale_are_refused():
    with pytest.raises(InvalidRecord, match="1 to 5"):
        level(0, 3)
    with pytest.raises(InvalidRecord, match="1 to 5"):
        DEFAULT_MATRIX.level(3, 6)


def test_matrix_errors_in_chinese():
    with language("zh"), pytest.raises(InvalidRecord, match="风险矩阵"):
        RiskMatrix(IMPACT_HEAVY[:2])


def test_level_and_scale_labels():
    assert [level_label(v) for v in LEVELS] == ["Low", "Medium", "High", "Critical"]
    with language("zh"):
        assert [level_label(v) for v in LEVELS] == ["低", "中", "高", "极高"]
        assert scale_label(1) == "很低" and scale_label(5) == "很高"
    assert scale_label(1) == "Very low" and scale_label(5) == "Very high"


# --- expected monetary value ------------------------------------------------------------


def test_expected_monetary_value():
    assert PROBABILITY_PERCENT == {1: 0.05, 2: 0.20, 3: 0.40, 4: 0.60, 5: 0.85}
    assert expected_value(3, 120_000) == pytest.approx(48_000)
    assert expected_value(1, 1_000) == pytest.approx(50)
    assert expected_value(5, 200) == pytest.approx(170)
    assert expected_value(2, 0) == 0
    assert expected_value(4, None) is None
    assert expected_value(4, float("nan")) is None
    mine = {1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7, 5: 0.9}
    assert expected_value(3, 120_000, mine) == pytest.approx(60_000)


# --- frames -----------------------------------------------------------------------------


def test_score_risks_adds_score_level_and_emv():
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "probability": [4, 2, 5],
            "impact": [5, 2, 3],
            "cost_impact": [100_000.0, None, 1_000.0],
            "notes": ["", "", ""],
        }
    )
    scored = score_risks(frame)
    assert scored["score"].tolist() == [20, 4, 15]
    assert scored["level"].tolist() == ["critical", "low", "high"]
    assert scored["emv"].iloc[0] == pytest.approx(60_000)
    assert math.isnan(scored["emv"].iloc[1])
    assert scored["emv"].iloc[2] == pytest.approx(850)
    assert "notes" in scored and "score" not in frame  # a copy, with every column kept
    heavy = score_risks(frame, RiskMatrix(IMPACT_HEAVY), {k: 0.5 for k in range(1, 6)})
    assert heavy["level"].tolist() == ["critical", "low", "high"]
    assert heavy["emv"].iloc[0] == pytest.approx(50_000)


def test_score_risks_without_a_cost_column_and_empty():
    scored = score_risks(pd.DataFrame({"probability": [3], "impact": [3]}))
    assert scored["score"].tolist() == [9] and math.isnan(scored["emv"].iloc[0])
    empty = score_risks(pd.DataFrame(columns=["probability", "impact"]))
    assert empty.empty and {"score", "level", "emv"} <= set(empty.columns)


def test_score_risks_on_a_store_frame(store):
    p = fill(store)
    scored = score_risks(store.frame("risks", p))
    # the risk was raised at 2 x 4 and raised to probability 4
    assert scored[["probability", "impact", "score", "level"]].iloc[0].tolist() == [
        4,
        4,
        16,
        "high",
    ]
    assert scored["emv"].iloc[0] == pytest.approx(0.6 * 12_500.5)


def test_matrix_cells_count_and_list_live_risks():
    frame = pd.DataFrame(
        {
            "id": [7, 3, 5, 9],
            "title": ["Late data", "Key user leaves", "Budget", "Old one"],
            "probability": [3, 3, 5, 3],
            "impact": [4, 4, 5, 4],
            "status": ["open", "mitigating", "open", "closed"],
        }
    )
    cells = matrix_cells(frame).set_index(["probability", "impact"])
    assert len(cells) == 25
    assert cells.loc[(3, 4), "count"] == 2
    assert cells.loc[(3, 4), "ids"] == [3, 7]  # ascending; the closed one left out
    assert cells.loc[(3, 4), "titles"] == ["Key user leaves", "Late data"]
    assert cells.loc[(3, 4), "level"] == "high"
    assert cells.loc[(5, 5), "ids"] == [5]
    assert cells["count"].sum() == 3
    every = matrix_cells(frame, statuses=None).set_index(["probability", "impact"])
    assert every.loc[(3, 4), "ids"] == [3, 7, 9]
    heavy = matrix_cells(frame, RiskMatrix(IMPACT_HEAVY)).set_index(["probability", "impact"])
    assert heavy.loc[(1, 5), "level"] == "critical"


def test_matrix_cells_of_no_risks():
    cells = matrix_cells(pd.DataFrame(columns=["id", "title", "probability", "impact", "status"]))
    assert len(cells) == 25 and cells["count"].sum() == 0
    assert all(ids == [] for ids in cells["ids"])
