"""Chinese words: jieba, loaded on first use and quietly, each run of text cut once.

Used by the keyword counts of open-text answers (:mod:`commlib.surveys.text`) and by the
tables of :mod:`commlib.display`, which let long Chinese text wrap between words.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

#: runs of Chinese characters (CJK unified ideographs, extension A, compatibility)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@cache
def _jieba() -> jieba.Tokenizer:
    """jieba's default tokenizer, loaded without its "Building prefix dict..." log lines."""
    import jieba

    logger = jieba.default_logger
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        jieba.dt.initialize()
    finally:
        logger.setLevel(level)
    return jieba.dt


@lru_cache(maxsize=262_144)
def cut(run: str) -> tuple[str, ...]:
    """The words of one run of Chinese characters (cut once, remembered)."""
    return tuple(_jieba().lcut(run))
