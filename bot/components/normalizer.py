"""Text normalisation before tokenisation (文本规范化).

Full-width → half-width, traditional → simplified, spoken digits → digits, so
that the tokenizer, the regexes and the gazetteer all see one spelling of what
citizens and speech recognition write in many.
"""

from __future__ import annotations

import logging
from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.base import StatelessComponent
from zhtext import normalize, spoken_digits_to_digits

logger = logging.getLogger(__name__)

ORIGINAL_TEXT = "original_text"


def normalize_for_nlu(text: str) -> str:
    """The one spelling the rest of the pipeline works on."""
    return spoken_digits_to_digits(normalize(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormalizer(StatelessComponent):
    """Rewrites the message text in place; keeps the original for reference."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalize(example, keep_offsets=bool(example.get(ENTITIES)))
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message, keep_offsets=False)
        return messages

    @staticmethod
    def _normalize(message: Message, keep_offsets: bool) -> None:
        text: Optional[str] = message.get(TEXT)
        if not text:
            return
        normalized = normalize_for_nlu(text)
        if normalized == text:
            return
        if keep_offsets and len(normalized) != len(text):
            # Annotated training examples must keep their entity offsets.
            logger.debug("Kept an annotated example unnormalised (length changed).")
            return
        message.set(ORIGINAL_TEXT, text)
        message.set(TEXT, normalized)
