"""Naming a group of cases: place + problem (e.g. "A5区魅力之城小区 油烟扰民").

- Place: the place key most members name (a shorter tail such as "魅力之城" wins
  over a brand-prefixed "万科魅力之城" that only some write), written as most
  members write it ("…小区"), with the district most members name in front.
- Problem: the distinctive words of the members' titles (title frequency in the
  group × rarity over all mined titles); the member title that carries most of
  them, stripped of the place and of filler ("反映", "关于…的问题"), says it in
  the citizens' own words. Falls back to the words themselves.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from casestore.analytics.mining.places import key_tails
from casestore.analytics.mining.vectors import MiningText

MAX_PROBLEM_CHARS = 16
_FILLER_HEAD = re.compile(
    r"^(?:关于|反映|投诉|举报|咨询|建议|请问|请求|请|希望|强烈|紧急|恳请|再次|有关|对|在|的|市|省|县|区|[,，、:：\s])+"
)
_FILLER_TAIL = re.compile(r"(?:的问题|问题|的情况|的投诉|的建议|的咨询|一事)?[!！?？。，,.、\s]*$")
_ADMIN = re.compile(r"[\u4e00-\u9fa5]{2}省|[A-Z]\d{0,2}[市区县]")


class DocFrequency(Protocol):
    def get(self, word: str, default: int = 0, /) -> int: ...


@dataclass(frozen=True)
class IssueName:
    name: str
    place: str | None
    problem: str
    district: str | None
    place_keys: list[str]
    terms: list[str]


def _place(docs: Sequence[MiningText]) -> tuple[str | None, list[str]]:
    tails: Counter[str] = Counter()
    for doc in docs:
        tails.update({t for key in doc.places.keys for t in key_tails(key)})
    if not tails:
        roads = Counter(k for doc in docs for k in doc.places.road_keys)
        if roads and roads.most_common(1)[0][1] * 2 >= len(docs):
            road = roads.most_common(1)[0][0]
            return road, [road]
        return None, []
    top = tails.most_common(1)[0][1]
    if top * 2 < len(docs) and len(docs) > 2:
        return None, sorted(tails)  # no place most members agree on
    key = max((t for t, c in tails.items() if c >= 0.6 * top), key=lambda t: (len(t), tails[t]))
    written = Counter(
        m.name
        for doc in docs
        for m in doc.places.mentions
        if m.kind != "road" and m.key.endswith(key)
    )
    with_tail = sum(c for name, c in written.items() if name.endswith(("小区", "社区")))
    display = key
    if with_tail * 2 > sum(written.values()) and not key.endswith(("小区", "社区")):
        display = key + ("小区" if any(n.endswith("小区") for n in written) else "社区")
    return display, sorted({t for t, c in tails.items() if c * 2 >= top})


def _district(docs: Sequence[MiningText], districts: Sequence[str | None]) -> str | None:
    counted: Counter[str] = Counter()
    for doc, known in zip(docs, districts, strict=True):
        counted.update({known} if known else set(doc.places.districts[:1]))
    if not counted:
        return None
    name, count = counted.most_common(1)[0]
    return name if count * 2 >= len(docs) else None


def problem_terms(
    titles_words: Sequence[list[str]], title_df: DocFrequency, n_titles: int, exclude: str
) -> list[str]:
    """Distinctive title words of a group: members using it × IDF over all mined titles."""
    counted: Counter[str] = Counter()
    for words in titles_words:
        counted.update(set(words))
    scores = {
        # Frequency in the group first (what most members say), rarity second.
        word: count**1.5 * (math.log((1 + n_titles) / (1 + title_df.get(word, 0))) + 1.0)
        for word, count in counted.items()
        if word not in exclude and not _ADMIN.fullmatch(word)
    }
    ranked = sorted(scores, key=lambda w: (-scores[w], w))
    return ranked[:5]


def _strip_places(title: str, doc: MiningText) -> str:
    for mention in sorted(doc.places.mentions, key=lambda m: -len(m.name)):
        title = title.replace(mention.name, " ")
    for district in doc.places.districts:
        title = title.replace(district, " ")
    title = _ADMIN.sub(" ", title)
    title = re.sub(r"\s+", "", title)
    title = _FILLER_HEAD.sub("", title)
    return _FILLER_TAIL.sub("", title)


def _problem(docs: Sequence[MiningText], terms: list[str]) -> str:
    """The shortest wording, among the members' titles, that carries the most top terms."""
    weights = {t: len(terms) - i for i, t in enumerate(terms)}
    best, best_score = "", -1.0
    for doc in docs:
        for phrase in re.split(r"[，,。!！?？；;：:]", _strip_places(doc.title, doc)):
            phrase = _FILLER_TAIL.sub("", _FILLER_HEAD.sub("", phrase))
            if not 2 <= len(phrase) <= MAX_PROBLEM_CHARS:
                continue
            score = sum(w for t, w in weights.items() if t in phrase) - 0.3 * len(phrase)
            if score > best_score:
                best, best_score = phrase, score
    if best and any(t in best for t in terms[:3]):
        return best
    return "、".join(terms[:3]) or best or "（未能概括）"


def name_issue(
    docs: Sequence[MiningText],
    titles_words: Sequence[list[str]],
    title_df: DocFrequency,
    n_titles: int,
    known_districts: Sequence[str | None],
) -> IssueName:
    place, keys = _place(docs)
    district = _district(docs, known_districts)
    # Words of the place itself ("魅力", "之城") name no problem.
    roads = {m.name for d in docs for m in d.places.mentions if m.kind == "road"}
    exclude = " ".join([place or "", district or "", *roads, *(d for d in known_districts if d)])
    terms = problem_terms(titles_words, title_df, n_titles, exclude)
    problem = _problem(docs, terms)
    full_place = place
    if district and place and district not in place:
        full_place = district + place
    elif district and not place:
        full_place = district
    name = f"{full_place} {problem}" if full_place else problem
    return IssueName(name[:300], full_place, problem[:200], district, keys, terms)
