"""Input guard: messages the NLU cannot understand get a reason (输入检查).

Empty text, emoji only, or text without any Chinese character or digit would
otherwise be forced into some intent. They become `nlu_fallback` with an
`input_problem` the fallback action turns into a helpful answer.

English small talk the model is sure of ("thank you", "are you a robot",
"can I talk to a real person") keeps its intent: a foreign caller who asks
for a person gets one. Anything else in English (a complaint, a question,
"tell me a joke") gets the "please write in Chinese" answer, since matters
are handled in Chinese.
"""

from __future__ import annotations

import re
from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.base import StatelessComponent

INPUT_PROBLEM = "input_problem"
#: A message this long is a story, never small talk: if the model calls it
#: small talk (its examples are short), it is treated as a complaint.
LONG_STORY_CHARS = 120
SHORT_INTENTS = {
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
    "out_of_scope",
    "stop",
    "inform",
    "request_human",
    "nlu_fallback",
}
STORY_INTENTS = [
    "file_complaint",
    "give_suggestion",
    "ask_policy",
    "litigation_matter",
    "emergency",
    "urge_case",
    "request_review",
    "evaluate_case",
    "query_case",
]
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_DIGIT = re.compile(r"\d")
# Short Latin words citizens use in Chinese chat; the model knows them.
_KNOWN_LATIN = {"ok", "okay", "yes", "no", "hi", "hello", "bye", "xf"}
#: Small talk whose English phrasing is trained and whose answer needs no
#: Chinese from the citizen; for these a non-Chinese message keeps the model's
#: intent. Not out_of_scope or inform: their answer needs Chinese.
ENGLISH_INTENTS = SHORT_INTENTS - {"out_of_scope", "inform", "nlu_fallback"}
ENGLISH_MIN_CONFIDENCE = 0.8


def input_problem(text: Optional[str]) -> Optional[str]:
    """Why a text cannot be understood, or None when it can."""
    stripped = (text or "").strip()
    if not stripped:
        return "empty"
    if _HAN.search(stripped):
        return None
    if re.fullmatch(r"(?i)\s*xf\s*\d{12}\s*", stripped) or _DIGIT.search(stripped):
        return None
    if stripped.lower().strip(" .!?！。") in _KNOWN_LATIN:
        return None
    if _LATIN_WORD.search(stripped):
        return "not_chinese"
    return "no_text"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputGuard(StatelessComponent):
    """Overrides the intent with `nlu_fallback` for text the model cannot read."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            problem = input_problem(message.get(TEXT))
            if problem is None:
                self._long_story(message)
                continue
            if problem == "not_chinese" and self._sure_english_small_talk(message):
                continue
            fallback = {"name": "nlu_fallback", "confidence": 1.0}
            message.set(INTENT, fallback, add_to_output=True)
            ranking = [fallback] + [
                r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != "nlu_fallback"
            ]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(INPUT_PROBLEM, problem, add_to_output=True)
        return messages

    @staticmethod
    def _sure_english_small_talk(message: Message) -> bool:
        """Keeps (and restores over a low-threshold fallback) a sure small-talk intent."""
        ranking = [
            r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != "nlu_fallback"
        ]
        if not ranking:
            return False
        best = max(ranking, key=lambda r: r.get("confidence") or 0.0)
        if best.get("name") not in ENGLISH_INTENTS:
            return False
        if (best.get("confidence") or 0.0) < ENGLISH_MIN_CONFIDENCE:
            return False
        message.set(INTENT, dict(best), add_to_output=True)
        rest = [r for r in message.get(INTENT_RANKING_KEY, []) if r is not best]
        message.set(INTENT_RANKING_KEY, [dict(best)] + rest, add_to_output=True)
        return True

    @staticmethod
    def _long_story(message: Message) -> None:
        """A long message is a story: take the model's best story intent."""
        intent = message.get(INTENT) or {}
        if len(message.get(TEXT) or "") < LONG_STORY_CHARS:
            return
        if intent.get("name") not in SHORT_INTENTS:
            return
        ranking = message.get(INTENT_RANKING_KEY, [])
        ranked = [r for r in ranking if r.get("name") in STORY_INTENTS]
        story = dict(ranked[0]) if ranked else {"name": "file_complaint", "confidence": 0.0}
        message.set(INTENT, story, add_to_output=True)
        rest = [r for r in ranking if r.get("name") != story["name"]]
        message.set(INTENT_RANKING_KEY, [story] + rest, add_to_output=True)
