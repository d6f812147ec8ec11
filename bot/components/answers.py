"""Messages whose intent their form alone decides (简短作答、查询编号).

孙建军 or 上个礼拜天 alone carry no wording the intent model can hold on to,
and it guessed affirm or urge_case for them. When the rule-based extractors
found a name or a time and nothing else is left but filler (就是, 我叫, 吧…),
the message answers a question: `inform`.

"查询XF202611260001" is nearly all case number, so the intent model's
answer for it varies from one training to the next (seen: nlu_fallback).
A case number found by the regex plus nothing but look-up words (查询, 进度,
帮我查一下…) is `query_case`.

A bare place (郑东新区祭城路街道, 是上街区济源路街道) answers "where": the
intent model, trained on many complaints that name places, read such answers
as new complaints. Places found by the gazetteer plus nothing but filler (在,
地方在, 那片…) are `inform`.

A bare phone, ID number or query code (我手机号 138 3712 6649, 身份证4101…)
answers "how do we reach you / what is your code": `inform`. A bare case
number without look-up words is left to the model (inside the look-up form
the form takes the number whatever the intent).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.base import StatelessComponent

ANSWER_ENTITIES = {"person_name", "time"}
RULE_EXTRACTORS = {"PersonNameExtractor", "TimeEntityExtractor"}
_FILLER = re.compile(
    r"(?:[\s，,。.！!？?、~]|就是|应该是|可能是|大概|大约|我叫|叫我|我姓|免贵姓|名字是|名字|姓名"
    r"|开始的|开始|那天|那会儿|的时候|左右|叫|姓|就|是|从|在|吧|啊|呀|嘞|哈|的)*"
)


PLACE_ENTITIES = {"district", "street"}
PLACE_EXTRACTOR = "GazetteerEntityExtractor"
_PLACE_FILLER = re.compile(
    r"(?:[\s，,。.！!？?、~:：]|郑州市|郑州|地方在|地方是|地点在|地点是|位置在|位置是|地址是|地址在"
    r"|就在|我在|我家在|我家|俺家|家住|住在|俺们|俺|我们|我|那片儿|那片|那边|这边|附近|一带|那儿|这儿|那里|这里"
    r"|应该是|就是|在|是|住|里|的|吧|啊|呀|嘞|哈)*"
)

LOOKUP_EXTRACTOR = "RegexEntityExtractor"
_LOOKUP_FILLER = re.compile(
    r"(?:[\s，,。.！!？?、:：~]|帮我|帮忙|麻烦|请问|请|我想|我要|想|要|查询|查一下|查查|查|看看"
    r"|看一下|一下|办理|进度|进展|情况|结果|信访件|案件|编号|号码|单号|我的|这个|现在|目前|啥|什么"
    r"|怎么样了|怎么样|咋样了|咋样|到哪了|到哪一步了|查询码|密码|和|跟|的|是|了|啊|吧|呀|哈)*"
)
_LOOKUP_WORD = re.compile(r"查|进度|进展|情况|怎么样|咋样|到哪")

NUMBER_ENTITIES = {"phone_number", "id_number", "query_code"}
_NUMBER_FILLER = re.compile(
    r"(?:[\s，,。.！!？?、:：~-]|我的|俺的|我|俺|手机号码|手机号|手机|电话号码|电话|联系电话|联系方式"
    r"|号码是|号码|身份证号码|身份证号|身份证|查询码|验证码|密码|打这个|打|留|就是|是|吧|啊|哈|的)*"
)


def _outside(text: str, spans: List[Tuple[int, int]]) -> str:
    """The characters of ``text`` outside the entity spans (the filler around them)."""
    return "".join(ch for i, ch in enumerate(text) if not any(s <= i < e for s, e in spans))


def is_bare_lookup(text: str, entities: List[Dict[str, Any]]) -> bool:
    """Whether the text is a regex-found case number (and query code) with only look-up words."""
    numbers = [e for e in entities if e.get("extractor") == LOOKUP_EXTRACTOR]
    if not any(e.get("entity") == "case_number" for e in numbers):
        return False
    spans = [
        (e["start"], e["end"]) for e in numbers if e.get("entity") in ("case_number", "query_code")
    ]
    rest = _outside(text, spans)
    return bool(_LOOKUP_WORD.search(rest)) and bool(_LOOKUP_FILLER.fullmatch(rest))


def is_bare_number(text: str, entities: List[Dict[str, Any]]) -> bool:
    """Whether the text is only a phone, ID number or query code and filler."""
    spans = [
        (e["start"], e["end"])
        for e in entities
        if e.get("entity") in NUMBER_ENTITIES and e.get("extractor") == LOOKUP_EXTRACTOR
    ]
    if not spans:
        return False
    rest = _outside(text, spans)
    return bool(_NUMBER_FILLER.fullmatch(rest))


def is_bare_answer(text: str, entities: List[Dict[str, Any]]) -> bool:
    """Whether the text is only rule-found names/times and filler."""
    spans = [
        (e["start"], e["end"])
        for e in entities
        if e.get("entity") in ANSWER_ENTITIES and e.get("extractor") in RULE_EXTRACTORS
    ]
    if not spans:
        return False
    rest = _outside(text, spans)
    return bool(_FILLER.fullmatch(rest))


def is_bare_place(text: str, entities: List[Dict[str, Any]]) -> bool:
    """Whether the text is only gazetteer-found places and filler."""
    spans = [
        (e["start"], e["end"])
        for e in entities
        if e.get("entity") in PLACE_ENTITIES and e.get("extractor") == PLACE_EXTRACTOR
    ]
    if not spans:
        return False
    rest = _outside(text, spans)
    return bool(_PLACE_FILLER.fullmatch(rest))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BareAnswerClassifier(StatelessComponent):
    """Sets `inform` for a bare name, time, place or number, `query_case` for a bare case number."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text, entities = message.get(TEXT) or "", message.get(ENTITIES) or []
            if is_bare_lookup(text, entities):
                _decide(message, "query_case")
            elif (
                is_bare_answer(text, entities)
                or is_bare_place(text, entities)
                or is_bare_number(text, entities)
            ):
                _decide(message, "inform")
        return messages


def _decide(message: Message, intent: str) -> None:
    ranking = message.get(INTENT_RANKING_KEY) or []
    decided = {"name": intent, "confidence": 1.0}
    message.set(INTENT, decided, add_to_output=True)
    rest = [r for r in ranking if r.get("name") != intent]
    message.set(INTENT_RANKING_KEY, [decided] + rest, add_to_output=True)
