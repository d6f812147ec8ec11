"""Citizens' names (姓名识别): what follows 我叫 / 我姓 / 姓名, or a bare name.

A name is taken only where the citizen introduces it (我叫李红梅, 免贵姓刘,
姓名王建民, 名字写马晓燕) or answers with nothing but a name (孙建军). Whether
the words are a name is jieba's part-of-speech lexicon's call (`nr`), so
我是外卖小哥 or 我是新密市的 are not names. The statistical model often cut
names in half (红梅 for 李红梅); these rules are exact where they apply.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.base import StatelessComponent

_HAN = "\u4e00-\u9fa5"
#: 我叫 X / 姓名 X: X is a name (2–3 characters) if jieba says so.
_INTRODUCED = re.compile(
    rf"(?:我叫|我的名字(?:是|叫)|名字(?:是|叫|写|就写)?|姓名(?:是|叫|写)?|联系人(?:是)?)[:：]?\s*"
    rf"(?=[{_HAN}]{{2}})"
)
#: 我是 X / 本人 X: weaker (我是环卫工人), so X must be a 3-character name.
_SELF = re.compile(rf"(?:我是|本人)\s*(?=[{_HAN}]{{3}})")
#: 我姓 X / 免贵姓 X: the surname alone.
_SURNAME = re.compile(r"(?:我姓|免贵姓|贵姓|本人姓)\s*([^\W\d_啥什谁哪怎])")
_ANSWER_PUNCT = re.compile(r"[\s，,。.！!？?]")


@lru_cache(maxsize=4096)
def _pos(text: str) -> Tuple[Tuple[str, str], ...]:
    import jieba.posseg  # lazily: the lexicon loads on first use, not at import

    return tuple((w.word, w.flag) for w in jieba.posseg.cut(text))


def _is_name(candidate: str, strict: bool) -> bool:
    """Every word of the candidate is a person-name word (`nr`).

    Strictly, a 2-character single word does not count: tagged `nr`, it is
    as often a word (谢谢) as a name.
    """
    words = _pos(candidate)
    if not words or not all(flag.startswith("nr") for _, flag in words):
        return False
    return not (strict and len(words) == 1 and len(candidate) < 3)


def _name_at(text: str, start: int, strict: bool, lengths=(3, 2)) -> Optional[str]:
    for length in lengths:
        candidate = text[start : start + length]
        if len(candidate) == length and re.fullmatch(rf"[{_HAN}]+", candidate):
            if _is_name(candidate, strict):
                return candidate
    return None


def find_person_names(text: str) -> List[Tuple[int, int, str]]:
    """(start, end, name) of names the citizen gives for themselves."""
    text = text or ""
    found: List[Tuple[int, int, str]] = []
    for match in _SURNAME.finditer(text):
        found.append((match.start(1), match.end(1), match.group(1)))
    for pattern, strict, lengths in ((_INTRODUCED, False, (3, 2)), (_SELF, True, (3,))):
        for match in pattern.finditer(text):
            name = _name_at(text, match.end(), strict, lengths)
            if name:
                found.append((match.end(), match.end() + len(name), name))
    bare = _bare_name(text)
    if bare and not found:
        found.append(bare)
    return sorted(set(found))


def _bare_name(text: str) -> Optional[Tuple[int, int, str]]:
    """A reply that is a name and nothing else (孙建军, 王秀英)."""
    stripped = _ANSWER_PUNCT.sub("", text)
    if not re.fullmatch(rf"[{_HAN}]{{2,3}}", stripped) or not _is_name(stripped, strict=True):
        return None
    start = text.find(stripped)
    return (start, start + len(stripped), stripped) if start >= 0 else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PersonNameExtractor(StatelessComponent, EntityExtractorMixin):
    """Adds `person_name` entities found by `find_person_names`."""

    @classmethod
    def create(cls, *args: Any, **kwargs: Any) -> PersonNameExtractor:
        _pos("张三")  # load jieba's part-of-speech lexicon with the model, not on a turn
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found: List[Dict[str, Any]] = [
                {"entity": "person_name", "value": value, "start": start, "end": end}
                for start, end, value in find_person_names(message.get(TEXT) or "")
            ]
            if found:
                message.set(
                    ENTITIES,
                    message.get(ENTITIES, []) + self.add_extractor_name(found),
                    add_to_output=True,
                )
        return messages
