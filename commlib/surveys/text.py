"""Keywords of open-text answers, in Chinese and English.

Chinese runs of text are cut into words with jieba (its default dictionary, which ships inside
the package; words added with ``jieba.add_word`` are used too); English words are lower-cased
runs of letters (``don't`` and ``e-mail`` stay one word). Stop words of both languages
(:data:`STOPWORDS_ZH`, :data:`STOPWORDS_EN`) and words shorter than ``min_length`` characters
are left out.

    >>> keyword_counts(["交付很及时", "交付延迟了", "服务很好"], top=3)
      keyword  count  responses     share
    0      交付      2          2  0.666667
    1      及时      1          1  0.333333
    2      延迟      1          1  0.333333

Speed: every distinct answer is tokenised once (answers are counted first), and every distinct
run of Chinese characters is cut once and remembered, so short answers that repeat ("无",
"很满意") cost nothing after the first time. jieba itself handles ~250,000 characters a second.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping

import pandas as pd

from ..cjk import HAN, cut

#: an English word, lower-case: letters, then letters/digits, inner ' or - joining parts
WORD = re.compile(r"[a-z][a-z0-9]*(?:['-][a-z0-9]+)*")
#: the columns of :func:`keyword_counts`
COLUMNS = ["keyword", "count", "responses", "share"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS_EN = _words(
    """
    a about above after again against all almost also although always am among an and another
    any anyone anything are aren't around as at away be because been before being below between
    both but by can can't cannot could couldn't did didn't do does doesn't doing don't done down
    during each either else enough etc even ever every few for from further get gets getting got
    had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
    himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself
    just least less let's like lot lots made make many may me might more most much must mustn't
    my myself na n/a nil no none nor not nothing now of off often on once one only or other
    others otherwise ought our ours ourselves out over own per perhaps please quite rather re
    really same says shan't she she'd she'll she's should shouldn't since so some something
    sometimes still such than that that's the their theirs them themselves then there there's
    therefore these they they'd they'll they're they've thing things this those though through
    thus to too under until up upon us use used using very via was wasn't we we'd we'll we're
    we've well were weren't what what's whatever when when's where where's whether which while
    who who's whom whose why why's will with within without won't would wouldn't yes yet you
    you'd you'll you're you've your yours yourself yourselves
    """
)

STOPWORDS_ZH = _words(
    """
    的 地 得 了 着 过 和 与 及 以及 或 或者 而 而且 并 并且 但 但是 可是 不过 然而 因为 所以
    因此 如果 假如 虽然 尽管 然后 于是 还是 还有 以后 之后 之前 以前 对于 关于 通过 由于 根据
    按照 为了 除了 是 在 有 没 没有 不 不是 就 都 也 还 又 再 才 只 只是 就是 也是 都是 还是
    很 太 挺 更 最 较 比较 非常 特别 十分 相当 极其 稍微 有点 有些 一些 一点 一下 一直 一般
    一定 一样 一起 一个 一种 一次 这 那 这个 那个 这些 那些 这样 那样 这里 那里 这么 那么
    此 其 其他 其它 其中 另外 此外 以上 以下 之类 等 等等 什么 怎么 怎样 如何 为什么 为何
    哪 哪些 哪个 多少 几 我 我们 你 你们 您 您们 他 他们 她 她们 它 它们 大家 自己 咱们 人家
    我的 你的 您的 他的 我们的 贵方 贵司 吧 吗 呢 啊 呀 哦 嗯 啦 么 嘛 哈 哈哈 吧 被 把 让 给
    从 向 对 为 以 于 由 将 跟 比 至 到 中 内 外 上 下 前 后 时 时候 现在 目前 已经 曾经 正在
    可以 可能 能 能够 会 要 需要 应该 应当 必须 希望 觉得 感觉 认为 以为 知道 表示 进行 做
    做到 方面 情况 地方 东西 事情 总体 整体 总的来说 总之 总的 基本 基本上 还好 暂无 无 暂时
    没什么 无意见 没意见 没有意见 谢谢 感谢 非常感谢 好的 可以的 是的 不错的 已 而已 罢了
    啥 咋 个 次 些 位 项 种 块 点
    """
)

#: both lists: the default for :func:`keyword_counts`
STOPWORDS = STOPWORDS_EN | STOPWORDS_ZH


def tokens(
    text: str,
    *,
    min_length: int = 2,
    stopwords: Collection[str] | None = None,
) -> list[str]:
    """The keywords of one answer, in no particular order, repeats kept.

    Chinese runs go through jieba, English words are lower-cased; words in ``stopwords``
    (default :data:`STOPWORDS`) or shorter than ``min_length`` characters are dropped.
    """
    stop = STOPWORDS if stopwords is None else stopwords
    lowered = text.lower().replace("’", "'")
    words = [w for run in HAN.findall(lowered) for w in cut(run)]
    words += WORD.findall(lowered)
    return [w for w in words if len(w) >= min_length and w not in stop]


def keyword_counts(
    texts: Iterable[object] | Mapping[str, int],
    *,
    top: int | None = 20,
    min_length: int = 2,
    stopwords: Collection[str] | None = None,
    extra_stopwords: Iterable[str] = (),
) -> pd.DataFrame:
    """The ``top`` keywords of a set of answers (``None``: all of them).

    ``texts`` are the answers, or a mapping ``answer -> how many gave it``.

    Columns: ``keyword``, ``count`` (times used), ``responses`` (answers using it at least
    once) and ``share`` (``responses`` / answers with any text, 0..1). Sorted by responses,
    then count, then keyword. Missing and blank answers are not counted; ``attrs["answers"]``
    holds the number of answers with text. ``stopwords`` replaces the default lists,
    ``extra_stopwords`` adds to them (a client's or product's name, say).
    """
    stop = frozenset(STOPWORDS if stopwords is None else stopwords) | {
        w.lower() for w in extra_stopwords
    }
    if isinstance(texts, Mapping):
        given = texts.items()
    else:
        series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
        given = series.value_counts(dropna=True, sort=False).items()
    distinct: Counter[str] = Counter()
    for text, weight in given:
        text = str(text).strip()
        if text and weight:
            distinct[text] += int(weight)
    count: Counter[str] = Counter()
    responses: Counter[str] = Counter()
    for text, weight in distinct.items():
        found = Counter(tokens(text, min_length=min_length, stopwords=stop))
        for word, times in found.items():
            count[word] += times * weight
            responses[word] += weight
    result = pd.DataFrame(
        {
            "keyword": pd.Series(list(count), dtype=object),
            "count": pd.Series(list(count.values()), dtype="int64"),
            "responses": pd.Series([responses[w] for w in count], dtype="int64"),
        }
    )
    result = result.sort_values(
        ["responses", "count", "keyword"], ascending=[False, False, True], kind="stable"
    )
    if top is not None:
        result = result.head(top)
    result = result.reset_index(drop=True)
    answers = sum(distinct.values())
    result["share"] = result["responses"] / answers if answers else 0.0
    result.attrs["answers"] = answers
    return result[COLUMNS]
