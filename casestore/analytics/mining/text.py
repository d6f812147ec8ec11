"""Words of a complaint (jieba) and the generic vocabulary that names no matter.

jieba is loaded lazily (about 1.5 s the first time in a process) and only here.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from casestore.analytics.mining.places import clean

TITLE_REPEAT = 2  # the title names the matter; count its words twice
BODY_CHARS = 400  # the opening of a story names the matter; long tails add noise and time

# Words every complaint may use: they name no matter (去掉套话). Used for naming and
# dropped from the word features (IDF would down-weight them anyway).
GENERIC_WORDS = frozenset(
    """
    反映 问题 希望 领导 您好 你好 尊敬 政府 相关 部门 解决 请求 我们 他们 你们 这个 那个 没有 已经 一个
    现在 进行 情况 要求 能够 可以 是否 什么 如何 为什么 怎么 请问 市长 书记 局长 主任 谢谢 非常 关于
    居民 业主 市民 群众 百姓 老百姓 本人 自己 大家 时候 目前 因为 所以 但是 而且 如果 还是 或者 以及
    这些 那些 这样 那样 一直 一些 很多 许多 每天 多次 一下 处理 重视 关注 调查 请求 恳请 呼吁 强烈
    希望 尽快 及时 严重 影响 造成 导致 存在 出现 发生 工作 有关 单位 人员 进行 通过 之后 以后 之前
    当地 附近 周边 周围 地方 时间 期间 今年 去年 明年 每年 近期 最近 为何 合理 合法 是不是 能不能
    投诉 举报 咨询 建议 询问 回复 答复 留言 网友 来信 感谢 麻烦 帮助 帮忙 支持 一定 应该 需要 不能
    不是 就是 还有 只有 其他 其它 所有 任何 有些 不少 一名 一位 一件 该 此 其 等 及 与 和 的 了 在 是
    小区 社区 加快 力度 步伐 刻不容缓 推进 进一步 落实 情况下
    西地省 A市 市 区 县 省
    """.split()
)
_TOKEN_OK = re.compile(r"^[\u4e00-\u9fa5A-Za-z][\u4e00-\u9fa5A-Za-z0-9]*$")
_PSEUDONYM = re.compile(r"^[A-Z]\d{0,2}$")  # "A2" of "A2区": a pseudonymised place, not a word
_CJK_RUN = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]+")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba() -> Any:
    with _lock:
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        return jieba


@lru_cache(maxsize=8192)
def _title_words(text: str) -> tuple[str, ...]:
    return tuple(_words(text))


def words(text: str) -> list[str]:
    """Content words of ``text`` (jieba precise mode, no HMM: faster, and new words
    such as place names are caught by the character and place features instead).
    Short texts (titles, read again for naming) are cached."""
    return list(_title_words(text)) if len(text) <= 80 else _words(text)


def _words(text: str) -> list[str]:
    tokens = _jieba().lcut(clean(text), HMM=False)
    return [
        t
        for t in tokens
        if len(t) >= 2 and t not in GENERIC_WORDS and _TOKEN_OK.match(t) and not _PSEUDONYM.match(t)
    ]


def char_bigrams(text: str) -> list[str]:
    """Character bigrams inside runs of letters/digits/CJK (never across punctuation)."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(clean(text)):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def case_text(title: str | None, body: str | None) -> tuple[str, str]:
    """(title, opening of the body) used for mining; a missing title falls back to the body."""
    body = clean(body or "")
    title = clean(title or "") or body[:40]
    return title, body[:BODY_CHARS]


def matter_words(title: str, body: str) -> list[str]:
    return words(title) * TITLE_REPEAT + words(body)


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
