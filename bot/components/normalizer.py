"""Text normalisation before tokenisation (文本规范化).

Full-width → half-width, traditional → simplified, spoken digits → digits, so
that the tokenizer, the regexes and the gazetteer all see one spelling of what
citizens and speech recognition write in many.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from zhtext import normalize, spoken_digits_to_digits

logger = logging.getLogger(__name__)

ORIGINAL_TEXT = "original_text"


def normalize_for_nlu(text: str) -> str:
    """The one spelling the rest of the pipeline works on."""
    return spoken_digits_to_digits(normalize(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormalizer(GraphComponent):
    """Rewrites the message text in place; keeps the original for reference."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TextNormalizer:
        return cls()

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
