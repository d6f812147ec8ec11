"""A second opinion on the intent: character n-grams and a linear model (意图复核).

DIET learns from sparse word and character features with a small transformer;
on messages written by people who never saw the training data it and a plain
TF-IDF character n-gram + logistic regression model make different mistakes.
Their weighted average is better than either alone. DIET's share (0.3 in
config.yml) was chosen on the six held-out sets whose errors had been read
(old … fresh5: macro-F1 on their union 0.961 with the linear model alone,
0.965 half and half, 0.975 at 0.3); `bench/nlu_eval.py` measures the result on
fresh6, which was not used for it.

Runs right after DIET and before the FallbackClassifier, which then applies
its threshold to the averaged confidence. Trains in seconds on the same NLU
examples (already normalised by the TextNormalizer) and keeps its model
inside the Rasa model.
"""

from __future__ import annotations

import logging
import pickle
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.base import PersistedComponent

logger = logging.getLogger(__name__)

MODEL_FILE_NAME = "char_ngram_intents.pkl"
RANKING_LENGTH = 10


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CharNgramIntentClassifier(PersistedComponent):
    """Averages DIET's intent probabilities with a character n-gram linear model."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # the share of DIET in the average; the rest is the linear model's
            "diet_weight": 0.3,
            "min_ngram": 1,
            "max_ngram": 3,
            # inverse regularisation of the logistic regression
            "C": 20.0,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[Tuple[Any, Any]] = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self._model = model

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(TEXT)]
        labels = [e.get(INTENT) for e in examples]
        if len(set(labels)) < 2:
            logger.warning("Fewer than two intents: the character n-gram model is not trained.")
            return self._resource
        vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(self._config["min_ngram"], self._config["max_ngram"]),
            sublinear_tf=True,
        )
        features = vectorizer.fit_transform([e.get(TEXT) for e in examples])
        classifier = LogisticRegression(C=self._config["C"], max_iter=3000)
        classifier.fit(features, labels)
        self._model = (vectorizer, classifier)
        with self._model_storage.write_to(self._resource) as directory:
            with open(directory / MODEL_FILE_NAME, "wb") as handle:
                pickle.dump(self._model, handle)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CharNgramIntentClassifier:
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                with open(directory / MODEL_FILE_NAME, "rb") as handle:
                    model = pickle.load(handle)  # written by train() into this model only
        except (ValueError, OSError) as error:
            logger.warning("No character n-gram intent model in the Rasa model (%s).", error)
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        vectorizer, classifier = self._model
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            text = message.get(TEXT) or ""
            if not ranking or not text.strip():
                continue
            probabilities = classifier.predict_proba(vectorizer.transform([text]))[0]
            averaged = self._average(ranking, classifier.classes_, probabilities)
            message.set(INTENT, dict(averaged[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, averaged, add_to_output=True)
        return messages

    def _average(
        self, ranking: List[Dict[str, Any]], classes: Any, probabilities: Any
    ) -> List[Dict[str, Any]]:
        """DIET's ranking (renormalised over what it lists) averaged with the linear model's."""
        diet = {r["name"]: float(r.get("confidence") or 0.0) for r in ranking if r.get("name")}
        total = sum(diet.values()) or 1.0
        weight = float(self._config["diet_weight"])
        linear = {str(name): float(p) for name, p in zip(classes, probabilities, strict=True)}
        names = set(diet) | set(linear)
        averaged = [
            {
                "name": name,
                "confidence": weight * diet.get(name, 0.0) / total
                + (1.0 - weight) * linear.get(name, 0.0),
            }
            for name in names
        ]
        averaged.sort(key=lambda r: r["confidence"], reverse=True)
        return averaged[:RANKING_LENGTH]
