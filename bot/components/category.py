"""Category of the citizen's matter (诉求分类) on every parse result.

Adds a top-level `category` {name, confidence, ranking} over the level-1
categories of the taxonomy (product.md). The shipped model is trained on the
project's own seed data (`bot/category/data/`); a city that has retrained it
on its archive (`python -m bot.category.retrain`) sets `model_file` to the
result, and the model is copied into the Rasa model, which stays
self-contained.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.category import model as category_model
from bot.category import seed
from bot.components.base import PersistedComponent

logger = logging.getLogger(__name__)

CATEGORY = "category"
MODEL_FILE_NAME = "category.pkl"


def _seed_fingerprint() -> str:
    """Changes when the seed data or the model code change, so Rasa retrains."""
    digest = hashlib.sha256()
    for path in (
        seed.SEED_FILE,
        seed.TAXONOMY_FILE,
        Path(seed.__file__),
        Path(category_model.__file__),
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CategoryClassifier(PersistedComponent):
    """Sets `category` on every message; never fails the parse."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # a model written by `python -m bot.category.retrain`; None → seed data
            "model_file": None,
            "seed_fingerprint": _seed_fingerprint(),
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[category_model.CategoryModel] = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self._model = model

    def train(self, training_data: TrainingData) -> Resource:
        model_file = self._config.get("model_file")
        if model_file:
            self._model = category_model.CategoryModel.load(Path(model_file))
        else:
            self._model = category_model.train_seed_model()
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory / MODEL_FILE_NAME)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CategoryClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                model = category_model.CategoryModel.load(directory / MODEL_FILE_NAME)
        except (ValueError, OSError) as error:
            logger.warning("No category model in the Rasa model (%s).", error)
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message in messages:
            try:
                category = self._model.rank(message.get(TEXT) or "")
            except Exception:  # a category is extra information: never fail the parse
                logger.exception("Category classification failed.")
                continue
            message.set(CATEGORY, category, add_to_output=True)
        return messages
