"""Survey analysis: exact on hand-computed cases, robust to missing answers and odd dtypes."""

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from commlib.errors import CommlibError, NotFound
from commlib.i18n import language
from commlib.surveys.analysis import (
    Z95,
    AnalysisError,
    analyse,
    choices,
    crosstab,
    csat,
    drivers,
    keywords,
    likert,
    means,
    multi_select,
    nps,
    questions,
    response_rate,
    wave_change,
    waves,
    wilson_interval,
)
from commlib.surveys.text import STOPWORDS_EN, STOPWORDS_ZH, keyword_counts, tokens

SAT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
TEAMS = ["财务部", "IT部"]
CHANNELS = ["邮件", "电话", "微信"]


def book(*rows: tuple) -> pd.DataFrame:
    """A codebook from (code, type, options) rows."""
    return pd.DataFrame(
        [
            {"code": c, "text": f"题目 {c}", "type": k, "options": o, "parent": "", "position": i}
            for i, (c, k, o) in enumerate(rows, 1)
        ]
    )


CODEBOOK = book(
    ("Q1", "likert", SAT),
    ("Q2", "nps", []),
    ("Q3", "likert", SAT),
    ("Q4", "single", TEAMS),
    ("Q5", "multi", CHANNELS),
    ("Q6", "text", []),
    ("Q7", "rating", ["1", "5"]),
    ("Q8", "numeric", []),
)


def frame_of(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "response_id": np.arange(1, n + 1),
        "survey_id": np.ones(n, dtype=int),
        "wave": pd.Series(["W1"] * n, dtype="str"),
    }
    base.update(columns)
    return pd.DataFrame(base)


# --- NPS ----------------------------------------------------------------------------------


def test_nps_of_ten_answers_with_its_interval():
    scores = [10, 9, 9, 9, 8, 8, 7, 6, 2, 10]  # 5 promoters, 3 passives, 2 detractors
    row = nps(frame_of(Q2=np.array(scores, dtype=float)), CODEBOOK).iloc[0]
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (10, 5, 3, 2)
    assert row["nps"] == pytest.approx(30.0)
    # var = (0.5 + 0.2 - 0.3²) / 10 = 0.061; SE = 100·√0.061 = 24.698 points
    assert row["se"] == pytest.approx(100 * math.sqrt(0.061))
    assert row["se"] == pytest.approx(24.6982, abs=1e-4)
    assert row["ci_low"] == pytest.approx(30 - 1.959964 * 24.6982, abs=1e-3)  # −18.41
    assert row["ci_high"] == pytest.approx(78.408, abs=1e-3)
    assert row["share_promoters"] == 0.5


def test_nps_ignores_missing_and_off_scale_answers_and_clips_the_interval():
    scores = [10, 10, 9, 9, 8, 7, 6, 5, 3, 0, np.nan, 11, -1]
    row = nps(frame_of(Q2=np.array(scores, dtype=float)), CODEBOOK, "Q2").iloc[0]
    assert (row["n"], row["nps"]) == (10, 0.0)
    assert row["se"] == pytest.approx(100 * math.sqrt(0.08))  # var = (0.4 + 0.4 − 0²) / 10
    everyone = nps(frame_of(Q2=np.array([10.0, 9, 10])), CODEBOOK).iloc[0]
    assert (everyone["nps"], everyone["ci_low"], everyone["ci_high"]) == (100, 100, 100)


def test_nps_by_segment_and_wave():
    df = frame_of(
        Q2=np.array([10, 0, 9, 7, 10, np.nan], dtype=float),
        Q4=pd.Categorical(["IT部", "IT部", "财务部", None, "财务部", "IT部"], categories=TEAMS),
    )
    df["wave"] = pd.Series(["W2", "W2", "W2", "W1", "W1", "W1"], dtype="str")
    table = nps(df, CODEBOOK, segment="Q4", wave_col="wave")
    assert list(table["wave"]) == ["W2", "W2", "W1", "W1"]  # frame order; empty groups left out
    assert list(table["segment"].fillna("-")) == ["财务部", "IT部", "财务部", "-"]
    assert list(table["nps"]) == [100.0, 0.0, 100.0, 0.0]
    assert list(table["n"]) == [1, 2, 1, 1]
    assert waves(df) == ["W2", "W1"]


def test_nps_of_nothing():
    empty = frame_of(Q2=np.array([], dtype=float))
    row = nps(empty, CODEBOOK).iloc[0]
    assert row["n"] == 0 and math.isnan(row["nps"]) and math.isnan(row["ci_low"])
    assert nps(empty, CODEBOOK, wave_col="wave").empty
    with pytest.raises(NotFound, match="nps"):
        nps(frame_of(Q1=[1.0]), book(("Q1", "likert", SAT)))


# --- CSAT ---------------------------------------------------------------------------------


def test_csat_top_two_box_with_a_wilson_interval():
    answers = [5, 4, 4, 5, 4, 4, 5, 3, 2, 1, np.nan]  # 7 of 10 are 4 or 5
    row = csat(frame_of(Q1=np.array(answers, dtype=float)), CODEBOOK, "Q1").iloc[0]
    assert (row["n"], row["top_box"], row["share"]) == (10, 7, 0.7)
    # Wilson: (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
    assert row["ci_low"] == pytest.approx(0.39677, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.89221, abs=1e-5)
    low, high = wilson_interval([0, 10], [10, 10])
    assert low[0] == 0 and high[1] == pytest.approx(1)


def test_csat_generalises_to_top_k_of_any_scale():
    answers = np.array([7, 6, 5, 5, 1, 7, 2], dtype=float)
    table = book(("R", "rating", ["1", "7"]))
    row = csat(frame_of(R=answers), table, "R", top=3).iloc[0]  # 5, 6 or 7
    assert (row["n"], row["top_box"]) == (7, 5)
    row = csat(frame_of(R=answers), table, "R", top=1).iloc[0]
    assert row["top_box"] == 2
    fractional = frame_of(R=np.array([4.5, 3.5, 5, 2], dtype=float))
    row = csat(fractional, book(("R", "rating", ["1", "5"])), "R").iloc[0]
    assert (row["n"], row["top_box"]) == (4, 2)  # 4.5 and 5 are >= 4
    ten = frame_of(R=np.array([10, 9, 8, 3], dtype=float))
    assert csat(ten, book(("R", "rating", [])), "R").attrs["scale"] == (1, 10)


def test_csat_on_likert_given_as_option_texts():
    texts = pd.Categorical(["满意", "非常满意", "一般", None, "不满意"], categories=SAT)
    row = csat(frame_of(Q1=texts), CODEBOOK, "Q1").iloc[0]
    assert (row["n"], row["top_box"]) == (4, 2)


# --- likert, means, choices, multi ------------------------------------------------------------


def test_likert_distribution_in_option_order_with_mean():
    df = frame_of(
        Q1=np.array([1, 2, 2, 5, 5, 5, np.nan, 0], dtype=float),
        Q3=np.array([3, 3, 3, 3, np.nan, np.nan, np.nan, np.nan]),
    )
    table = likert(df, CODEBOOK)
    q1 = table[table["code"] == "Q1"]
    assert list(q1["option"]) == SAT
    assert list(q1["value"]) == [1, 2, 3, 4, 5]
    assert list(q1["count"]) == [1, 2, 0, 0, 3]
    assert list(q1["share"]) == pytest.approx([1 / 6, 2 / 6, 0, 0, 3 / 6])
    assert set(q1["n"]) == {6} and q1["mean"].iloc[0] == pytest.approx(20 / 6)
    assert q1["item"].iloc[0] == "题目 Q1"
    assert list(table[table["code"] == "Q3"]["count"]) == [0, 0, 4, 0, 0]


def test_means_with_a_t_interval_and_welch_between_waves():
    first, second = [1, 2, 3, 4, 5], [2, 4, 4, 5, 5, 5]
    df = frame_of(Q1=np.array(first + second, dtype=float))
    df["wave"] = pd.Series(["W1"] * 5 + ["W2"] * 6, dtype="str")
    table = means(df, CODEBOOK, "Q1", wave_col="wave")
    row = table.iloc[0]
    assert (row["n"], row["mean"], row["sd"]) == (5, 3.0, pytest.approx(math.sqrt(2.5)))
    half = stats.t.ppf(0.975, 4) * math.sqrt(2.5) / math.sqrt(5)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(3 - half), pytest.approx(3 + half))
    change = wave_change(df, CODEBOOK, "Q1", measure="mean").iloc[1]
    welch = stats.ttest_ind(second, first, equal_var=False)
    assert change["change"] == pytest.approx(25 / 6 - 3)
    assert change["statistic"] == pytest.approx(welch.statistic)
    assert change["p_value"] == pytest.approx(welch.pvalue)


def test_choices_keep_option_order_and_other_answers():
    answers = pd.Series(["IT部", "财务部", "IT部", None, "外包"], dtype="str")
    table = choices(frame_of(Q4=answers), CODEBOOK, "Q4")
    assert list(table["option"]) == ["财务部", "IT部", "外包"]
    assert list(table["count"]) == [1, 2, 1] and set(table["n"]) == {4}


def test_multi_select_counts_respondents_who_answered():
    picks = pd.Series(
        [["邮件", "微信"], ["邮件"], [], np.nan, ["微信", "微信"], ["钉钉"]], dtype=object
    )
    table = multi_select(frame_of(Q5=picks), CODEBOOK, "Q5").set_index("option")
    assert list(table.index) == ["邮件", "电话", "微信", "钉钉"]
    assert list(table["count"]) == [2, 0, 2, 1]  # a repeated pick counts once
    assert set(table["answered"]) == {5}  # the empty list answered, NaN did not
    assert table.loc["邮件", "share"] == pytest.approx(2 / 5)


def test_categorical_and_object_dtypes_agree():
    values = [1, 5, 4, 4, np.nan, 2]
    as_float = frame_of(Q1=np.array(values, dtype=float))
    as_category = frame_of(Q1=pd.Categorical(values))
    as_text = frame_of(Q1=pd.Series([None if v != v else SAT[int(v) - 1] for v in values]))
    expected = likert(as_float, CODEBOOK)
    for other in (as_category, as_text):
        pd.testing.assert_frame_equal(likert(other, CODEBOOK), expected)


# --- crosstab -------------------------------------------------------------------------------


def two_by_two(a: int, b: int, c: int, d: int) -> pd.DataFrame:
    rows = ["IT部"] * (a + b) + ["财务部"] * (c + d)
    cols = ["邮件"] * a + ["电话"] * b + ["邮件"] * c + ["电话"] * d
    return pd.DataFrame(
        {
            "team": pd.Categorical(rows, categories=["IT部", "财务部"]),
            "channel": pd.Series(cols, dtype="str"),
        }
    )


def test_chi_square_on_a_two_by_two_table():
    result = crosstab(two_by_two(10, 20, 30, 40), None, "team", "channel")
    assert result.counts.to_numpy().tolist() == [[20, 10], [40, 30]]  # columns sorted
    # expected [[18, 12], [42, 28]]: χ² = 4/18 + 4/12 + 4/42 + 4/28 = 0.793651
    assert result.chi2 == pytest.approx(0.793651, abs=1e-6)
    assert result.dof == 1
    assert result.cramers_v == pytest.approx(math.sqrt(0.793651 / 100), abs=1e-6)
    reference = stats.chi2_contingency([[10, 20], [30, 40]], correction=False)
    assert result.chi2 == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)
    assert result.p_value == pytest.approx(0.3730, abs=1e-4)
    assert not result.small_expected and result.warning is None
    assert result.row_shares.loc["IT部"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert "Cramér's V = 0.09" in result.summary()


def test_small_expected_counts_are_flagged_in_the_current_language():
    result = crosstab(two_by_two(1, 2, 3, 0), None, "team", "channel")
    assert result.small_expected
    assert "expected" in result.warning
    with language("zh"):
        zh = crosstab(two_by_two(1, 2, 3, 0), None, "team", "channel")
    assert "期望频数" in zh.warning


def test_crosstab_of_likert_nps_and_multi_columns():
    df = frame_of(
        Q4=pd.Categorical(["IT部", "财务部", "IT部", "财务部", None], categories=TEAMS),
        Q1=np.array([5, 4, np.nan, 1, 5], dtype=float),
        Q2=np.array([10, 0, 8, 9, 10], dtype=float),
        Q5=pd.Series([["邮件", "电话"], ["邮件"], [], np.nan, ["微信"]], dtype=object),
    )
    by_q1 = crosstab(df, CODEBOOK, "Q4", "Q1")
    assert list(by_q1.counts.columns) == SAT
    assert by_q1.counts.loc["IT部", "非常满意"] == 1 and by_q1.n == 3
    by_q2 = crosstab(df, CODEBOOK, "Q4", "Q2")
    assert by_q2.counts.loc["IT部"].tolist() == [0, 1, 1]  # 10 and 8
    assert by_q2.counts.loc["财务部"].tolist() == [1, 0, 1]  # 0 and 9
    by_q5 = crosstab(df, CODEBOOK, "Q4", "Q5")
    assert by_q5.mentions and by_q5.counts.loc["IT部"].tolist() == [1, 1, 0]
    assert by_q5.n == 3 and "picks" in by_q5.warning
    both = crosstab(df, CODEBOOK, "Q5", "Q5")
    assert np.diag(both.counts.to_numpy()).tolist() == [2, 1, 1]
    with pytest.raises(AnalysisError, match="Q6"):
        crosstab(frame_of(Q4=["IT部"], Q6=["好"]), CODEBOOK, "Q4", "Q6")


def test_crosstab_without_two_categories_has_no_test():
    result = crosstab(two_by_two(5, 5, 0, 0), None, "team", "channel")
    assert result.dof == 0 and math.isnan(result.p_value)
    assert "No test" in result.summary()


# --- wave over wave ----------------------------------------------------------------------------


def two_waves(column: str, first: list, second: list) -> pd.DataFrame:
    df = frame_of(**{column: np.array(first + second, dtype=float)})
    df["wave"] = pd.Series(["W1"] * len(first) + ["W2"] * len(second), dtype="str")
    return df


def test_csat_change_is_a_two_proportion_z_test():
    df = two_waves("Q1", [5] * 7 + [1] * 3, [4] * 3 + [2] * 7)
    table = wave_change(df, CODEBOOK, "Q1", measure="csat")
    assert list(table["wave"]) == ["W1", "W2"]
    first, second = table.iloc[0], table.iloc[1]
    assert math.isnan(first["p_value"]) and math.isnan(first["change"])
    assert second["change"] == pytest.approx(-0.4)
    # pooled p = 0.5: SE = √(0.25·(1/10 + 1/10)) = 0.22361, z = −1.78885
    assert second["statistic"] == pytest.approx(-1.78885, abs=1e-5)
    assert second["p_value"] == pytest.approx(0.07364, abs=1e-5)


def test_nps_change_uses_the_nps_variance():
    df = two_waves("Q2", [10, 9, 9, 9, 8, 8, 7, 6, 2, 10], [10, 10, 9, 9, 8, 7, 6, 5, 3, 0])
    change = wave_change(df, CODEBOOK, "Q2").iloc[1]
    se1, se2 = 100 * math.sqrt(0.061), 100 * math.sqrt(0.08)
    assert change["change"] == pytest.approx(-30)
    assert change["statistic"] == pytest.approx(-30 / math.sqrt(se1**2 + se2**2))
    assert change["p_value"] == pytest.approx(2 * stats.norm.sf(30 / math.hypot(se1, se2)))


def test_wave_change_per_segment_and_errors():
    df = two_waves("Q1", [5, 4, 1, 2], [5, 5, 5, 1])
    df["team"] = pd.Series(["A", "B", "A", "B", "A", "B", "A", "B"], dtype="str")
    table = wave_change(df, CODEBOOK, "Q1", segment="team")
    assert list(table["segment"]) == ["A", "A", "B", "B"]
    assert list(table["wave"]) == ["W1", "W2", "W1", "W2"]
    assert table["change"].tolist()[1] == pytest.approx(2.0)  # A: 3 → 5
    with pytest.raises(AnalysisError, match="median"):
        wave_change(df, CODEBOOK, "Q1", measure="median")
    with pytest.raises(AnalysisError):
        wave_change(frame_of(Q4=["IT部"]), CODEBOOK, "Q4")


# --- drivers ---------------------------------------------------------------------------------


def test_drivers_match_scipy_and_least_squares():
    rng = np.random.default_rng(3)
    n = 400
    a = rng.integers(1, 6, n).astype(float)
    b = np.clip(np.round(a * 0.5 + rng.normal(2, 1, n)), 1, 5)
    overall = np.clip(np.round(0.6 * a + 0.3 * b + rng.normal(0, 0.8, n)), 1, 5)
    a[:20] = np.nan
    overall[-10:] = np.nan
    df = frame_of(Q1=overall, Q3=a, Q7=b)
    table = drivers(df, CODEBOOK, "Q1").set_index("code")
    assert list(table.index) == ["Q3", "Q7"] and list(table["rank"]) == [1, 2]
    for code, x in (("Q3", a), ("Q7", b)):
        both = ~np.isnan(x) & ~np.isnan(overall)
        pearson = stats.pearsonr(x[both], overall[both])
        spearman = stats.spearmanr(x[both], overall[both])
        row = table.loc[code]
        assert row["n"] == both.sum()
        assert row["pearson_r"] == pytest.approx(pearson.statistic, abs=1e-12)
        assert row["pearson_p"] == pytest.approx(pearson.pvalue, rel=1e-6)
        assert row["spearman_rho"] == pytest.approx(spearman.statistic, abs=1e-12)
        assert row["spearman_p"] == pytest.approx(spearman.pvalue, rel=1e-6)
        assert row["mean"] == pytest.approx(np.nanmean(x))
    complete = ~np.isnan(a) & ~np.isnan(overall)
    z = [(v[complete] - v[complete].mean()) / v[complete].std() for v in (a, b, overall)]
    betas, *_ = np.linalg.lstsq(np.column_stack(z[:2]), z[2], rcond=None)
    assert table.loc[["Q3", "Q7"], "beta"].tolist() == pytest.approx(betas.tolist())
    assert table.attrs["n_regression"] == complete.sum()
    fitted = np.column_stack(z[:2]) @ betas
    assert table.attrs["r2"] == pytest.approx(1 - ((z[2] - fitted) ** 2).sum() / (z[2] ** 2).sum())


def test_drivers_of_fractional_scores_use_the_rows():
    x = np.array([1.5, 2.0, 3.5, 4.0, 5.0, np.nan])
    y = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 3.0])
    table = drivers(frame_of(Q1=y, Q7=x), book(("Q1", "likert", SAT), ("Q7", "rating", [])), "Q1")
    both = ~np.isnan(x)
    assert table.loc[0, "pearson_r"] == pytest.approx(stats.pearsonr(x[both], y[both])[0])
    assert table.loc[0, "spearman_rho"] == pytest.approx(stats.spearmanr(x[both], y[both])[0])
    assert table.loc[0, "beta"] == pytest.approx(table.loc[0, "pearson_r"])  # one item: β = r
    two = frame_of(Q1=y[:3], Q7=x[:3], Q3=np.array([1.0, 2.0, 2.0]))
    assert drivers(two, CODEBOOK, "Q1")["beta"].isna().all()  # 3 answers, 2 items: too few


# --- keywords ------------------------------------------------------------------------------


def test_chinese_keywords_with_jieba():
    texts = ["交付很及时，项目经理沟通顺畅", "交付延迟了，希望改进", "项目经理很专业", None, "  "]
    table = keyword_counts(texts)
    assert table.attrs["answers"] == 3
    found = table.set_index("keyword")
    assert found.loc["交付", "count"] == 2 and found.loc["交付", "responses"] == 2
    assert found.loc["交付", "share"] == pytest.approx(2 / 3)
    assert found.loc["项目经理", "responses"] == 2
    assert "希望" not in found.index and "很" not in found.index  # stop words
    assert table["keyword"].iloc[0] in {"交付", "项目经理"}


def test_english_keywords_lower_case_without_stop_words():
    texts = [
        "The support team was great.",
        "Support was slow; support tickets waited for days",
        "Great UI, don't change it",
    ]
    table = keyword_counts(texts, top=3).set_index("keyword")
    assert list(table.index) == ["support", "great", "change"]
    assert table.loc["support", "count"] == 3 and table.loc["support", "responses"] == 2
    assert "the" in STOPWORDS_EN and "的" in STOPWORDS_ZH
    assert tokens("UI is OK", min_length=3) == []
    assert tokens("UI is OK", min_length=2) == ["ui", "ok"]
    more = keyword_counts(texts, extra_stopwords=["Support"]).set_index("keyword")
    assert "support" not in more.index


def test_keywords_of_a_question_and_a_sample():
    answers = pd.Series(["交付及时", "交付延迟", None] * 50, dtype="str")
    table = keywords(frame_of(Q6=answers), CODEBOOK, "Q6", top=None)
    assert table.set_index("keyword").loc["交付", "responses"] == 100
    assert not table.attrs["sampled"]
    sampled = keywords(frame_of(Q6=answers), CODEBOOK, "Q6", sample=10, seed=1)
    assert sampled.attrs["sampled"] and sampled.attrs["answers"] == 10
    again = keywords(frame_of(Q6=answers), CODEBOOK, "Q6", sample=10, seed=1)
    pd.testing.assert_frame_equal(sampled, again)


def test_jieba_says_nothing_when_it_loads():
    code = (
        "from commlib.surveys.text import keyword_counts\n"
        "print(len(keyword_counts(['交付很及时'])))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "2"  # 交付, 及时
    assert "prefix dict" not in done.stderr and done.stderr.strip() == ""


# --- response rate, errors, the whole analysis -------------------------------------------------


def test_response_rate_where_invitations_are_known():
    df = frame_of(Q1=np.ones(5))
    df["survey_id"] = [1, 1, 1, 2, 2]
    surveys = pd.DataFrame(
        {"id": [1, 2, 3], "name": ["S"] * 3, "wave": ["W1", "W2", "W3"], "invited": [6, None, 0]}
    )
    table = response_rate(df, surveys)
    assert list(table["responses"]) == [3, 2, 0]
    assert table["rate"].iloc[0] == 0.5 and table["rate"].iloc[1:].isna().all()
    assert response_rate(df, {1: 10})["rate"].tolist() == [0.3]


def test_errors_name_the_column_and_the_fix():
    df = frame_of(Q1=[1.0])
    with pytest.raises(NotFound, match="Q9") as err:
        csat(df, CODEBOOK, "Q9")
    assert isinstance(err.value, CommlibError)
    with pytest.raises(AnalysisError, match="single"):
        choices(df, CODEBOOK, "Q1")
    assert questions(CODEBOOK)["Q5"].options == tuple(CHANNELS)


def survey(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 1, n)

    def scores(low: float, high: float, missing: float = 0.05) -> np.ndarray:
        v = np.clip(np.round(base + rng.normal(3, 1, n)), low, high)
        v[rng.random(n) < missing] = np.nan
        return v

    patterns = [[], ["邮件"], ["电话", "微信"], ["邮件", "微信"], ["邮件", "电话", "微信"]]
    multi = pd.Series([patterns[i] for i in rng.integers(0, 5, n)], dtype=object)
    multi[rng.random(n) < 0.1] = np.nan
    df = frame_of(
        Q1=scores(1, 5),
        Q2=np.clip(np.round(base * 2 + rng.normal(7, 1.5, n)), 0, 10),
        Q3=scores(1, 5),
        Q4=pd.Categorical.from_codes(rng.integers(-1, 2, n), categories=TEAMS),
        Q5=multi,
        Q6=pd.Series(np.array(["交付及时", "价格偏高", "沟通顺畅"])[rng.integers(0, 3, n)]),
        Q7=scores(1, 5),
        Q8=rng.poisson(3, n).astype(float),
    )
    df["wave"] = pd.Series(np.sort(np.array(["W1", "W2", "W3"])[rng.integers(0, 3, n)]))
    return df


def test_analyse_agrees_with_each_function():
    df = survey(3000)
    result = analyse(df, CODEBOOK, overall="Q1", segment="Q4", surveys={1: 6000})
    assert result.responses == 3000 and result.waves == ["W1", "W2", "W3"]
    same = pd.testing.assert_frame_equal
    same(result.nps.drop(columns="code"), nps(df, CODEBOOK, wave_col="wave"))
    same(
        result.by_segment["nps"].drop(columns="code"),
        nps(df, CODEBOOK, segment="Q4", wave_col="wave"),
    )
    same(result.likert, likert(df, CODEBOOK, wave_col="wave"))
    same(result.by_segment["likert"], likert(df, CODEBOOK, segment="Q4", wave_col="wave"))
    q7 = result.csat[result.csat["code"] == "Q7"].drop(columns="code").reset_index(drop=True)
    same(q7, csat(df, CODEBOOK, "Q7", wave_col="wave"), check_dtype=False)
    scored = result.means[result.means["code"] != "Q8"].reset_index(drop=True)
    same(scored, means(df, CODEBOOK, wave_col="wave"), check_dtype=False)
    q5 = result.multi.drop(columns="code")
    same(q5, multi_select(df, CODEBOOK, "Q5", wave_col="wave"))
    for code, table in result.crosstabs.items():
        alone = crosstab(df, CODEBOOK, "Q4", code)
        same(table.counts, alone.counts)
        assert table.chi2 == pytest.approx(alone.chi2)
    assert set(result.crosstabs) == {"Q1", "Q2", "Q3", "Q5", "Q7"}
    changes = result.changes.set_index(["measure", "code", "wave"])
    alone = wave_change(df, CODEBOOK, "Q2").set_index("wave")
    assert changes.loc[("nps", "Q2", "W3"), "p_value"] == pytest.approx(alone.loc["W3", "p_value"])
    same(result.drivers, drivers(df, CODEBOOK, "Q1"))
    words = result.keywords
    assert list(words.columns) == ["code", "keyword", "count", "responses", "share"]
    assert set(words["keyword"]) == {"交付", "及时", "价格", "偏高", "沟通", "顺畅"}
    same(words[words["code"] == "Q6"].drop(columns="code"), keywords(df, CODEBOOK, "Q6"))
    assert words.attrs["answers"] == {"Q6": keywords(df, CODEBOOK, "Q6").attrs["answers"]}
    assert result.response_rate["rate"].tolist() == [0.5]


def test_analyse_an_empty_survey_and_one_without_waves():
    empty = survey(0)
    result = analyse(empty, CODEBOOK, overall="Q1", segment="Q4")
    assert result.responses == 0 and result.waves == []
    assert result.nps.empty and result.likert.empty and result.changes.empty
    assert result.keywords.empty and "keyword" in result.keywords
    assert all(t.n == 0 for t in result.crosstabs.values())
    flat = analyse(survey(50).drop(columns="wave"), CODEBOOK, overall="Q1")
    assert len(flat.nps) == 1 and "wave" not in flat.nps and flat.changes.empty
    assert flat.by_segment == {} and flat.crosstabs == {}


def test_nps_interval_constant_is_the_normal_quantile():
    assert round(Z95, 6) == 1.959964
