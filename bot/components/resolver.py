"""Entity resolution: one entity per span (实体消歧).

Rule-based extractors (regular expressions for numbers, the gazetteer for
places, the time grammar, introduced names) are exact; the statistical model
generalises. Where both found something on overlapping text, the rule-based
entity wins; the model keeps what only it found (names said without 我叫,
organisations, addresses).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot.components.base import StatelessComponent

RULE_BASED = {
    "RegexEntityExtractor",
    "GazetteerEntityExtractor",
    "TimeEntityExtractor",
    "PersonNameExtractor",
}
#: Numbers are only ever taken from the regular expressions: a model guess at
#: a phone or case number is worse than none. Times only from the time grammar:
#: the model tagged durations and random words as times.
RULE_ONLY_ENTITIES = {"phone_number", "id_number", "case_number", "query_code", "time"}


#: Numbers whose value loses spaces and dashes (the regexes also match
#: 138 3712 6649 and xf20231107 0093) and is upper-cased (…003X, XF…).
GROUPED_NUMBER_ENTITIES = {"phone_number", "id_number", "query_code", "case_number"}


def _blank(entity: Dict[str, Any]) -> bool:
    return not str(entity.get("value") or "").strip()


def resolve_entities(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Drops model entities that overlap a rule-based one, and exact repeats.

    Between rule-based entities, an introduced name wins over a time inside
    it (名字是韩国庆: not the holiday 国庆), and a full name over the bare
    surname said before it (免贵姓张 叫张翠英). Blank values and the model's
    one-character names are dropped; phone/id/query-code and case-number
    values lose spaces and dashes (an ID's check letter and XF in upper case).
    """
    entities = [e for e in entities if not _blank(e)]
    for e in entities:
        if e.get("entity") in GROUPED_NUMBER_ENTITIES and isinstance(e.get("value"), str):
            e["value"] = re.sub(r"[\s-]", "", e["value"]).upper()  # 4101…003x → …003X
    # a one-character "name" from the model (三 in a sum) is no name
    entities = [
        e
        for e in entities
        if not (
            e.get("entity") == "person_name"
            and e.get("extractor") not in RULE_BASED
            and len(str(e.get("value")).strip()) < 2
        )
    ]
    names = [e for e in entities if e.get("extractor") == "PersonNameExtractor"]
    entities = [
        e
        for e in entities
        if not (
            e.get("entity") == "time"
            and any(n["start"] < e["end"] and e["start"] < n["end"] for n in names)
        )
    ]
    full_names = [str(n.get("value")) for n in names if len(str(n.get("value"))) >= 2]
    entities = [
        e
        for e in entities
        if not (
            e.get("extractor") == "PersonNameExtractor"
            and len(str(e.get("value"))) == 1
            and any(f.startswith(str(e.get("value"))) for f in full_names)
        )
    ]
    exact = [e for e in entities if e.get("extractor") in RULE_BASED]
    # "XF202611260001" also contains the bare-digits form: keep the longer.
    exact = [
        e
        for e in exact
        if not any(
            o is not e
            and o["entity"] == e["entity"]
            and o["start"] <= e["start"]
            and e["end"] <= o["end"]
            and (o["end"] - o["start"]) > (e["end"] - e["start"])
            for o in exact
        )
    ]
    learned = [
        e
        for e in entities
        if e.get("extractor") not in RULE_BASED and e.get("entity") not in RULE_ONLY_ENTITIES
    ]

    def overlaps(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
        return a["start"] < b["end"] and b["start"] < a["end"]

    kept: List[Dict[str, Any]] = []
    seen = set()
    for entity in exact + [e for e in learned if not any(overlaps(e, x) for x in exact)]:
        key = (entity["entity"], entity["start"], entity["end"])
        if key in seen:
            continue
        seen.add(key)
        kept.append(entity)
    return sorted(kept, key=lambda e: (e["start"], e["end"]))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class EntityResolver(StatelessComponent):
    """Applies `resolve_entities` to every parsed message."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES)
            if entities:
                message.set(ENTITIES, resolve_entities(entities), add_to_output=True)
        return messages
