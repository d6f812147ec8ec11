"""A reply that is nothing but a name or a time is an answer (简短作答).

孙建军 or 上个礼拜天 alone carry no wording the intent model can hold on to,
and it guessed affirm or urge_case for them. When the rule-based extractors
found a name or a time and nothing else is left but filler (就是, 我叫, 吧…),
the message answers a question: `inform`.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

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


def is_bare_answer(text: str, entities: List[Dict[str, Any]]) -> bool:
    """Whether the text is only rule-found names/times and filler."""
    spans = [
        (e["start"], e["end"])
        for e in entities
        if e.get("entity") in ANSWER_ENTITIES and e.get("extractor") in RULE_EXTRACTORS
    ]
    if not spans:
        return False
    rest = "".join(ch for i, ch in enumerate(text) if not any(s <= i < e for s, e in spans))
    return bool(_FILLER.fullmatch(rest))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BareAnswerClassifier(StatelessComponent):
    """Sets `inform` for a bare name or time (see `is_bare_answer`)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not is_bare_answer(message.get(TEXT) or "", message.get(ENTITIES) or []):
                continue
            ranking = message.get(INTENT_RANKING_KEY) or []
            inform = {"name": "inform", "confidence": 1.0}
            message.set(INTENT, inform, add_to_output=True)
            rest = [r for r in ranking if r.get("name") != "inform"]
            message.set(INTENT_RANKING_KEY, [inform] + rest, add_to_output=True)
        return messages
