"""Place entities from the city gazetteer (属地识别).

Finds district, street and community names (official names and aliases) by
longest match against the gazetteer built from the national division codes,
and returns the official name as the entity value, so 管城区 arrives as
管城回族区. A street named without its district is resolved only when it is
unique in the city.

It also checks the statistical model's place entities: a district or street
value the gazetteer does not know (八十岁, 新乡, 开封市, 南路) is dropped, so
only places of this city reach the form. The form's own check of the words
still tells a citizen who names another city where to turn.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import gazetteer
from bot.components.base import PersistedComponent

logger = logging.getLogger(__name__)

GAZETTEER_FILE_NAME = "gazetteer.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class GazetteerEntityExtractor(PersistedComponent, EntityExtractorMixin):
    """Extracts `district`, `street` and `community` from the gazetteer."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"gazetteer_file": os.environ.get("GAZETTEER_FILE", "var/gazetteer/zhengzhou.json")}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        places: Optional[gazetteer.Gazetteer] = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self._places = places

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the gazetteer into the model, so the model is self-contained."""
        source = Path(self._config["gazetteer_file"])
        data = json.loads(source.read_text(encoding="utf-8"))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / GAZETTEER_FILE_NAME).write_text(
                json.dumps(data, ensure_ascii=False), encoding="utf-8"
            )
        self._places = gazetteer.load(source)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GazetteerEntityExtractor:
        with model_storage.read_from(resource) as directory:
            places = gazetteer.load(directory / GAZETTEER_FILE_NAME)
        return cls(config, model_storage, resource, places)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._places is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            known = [e for e in message.get(ENTITIES, []) if self._known_or_not_a_place(e, text)]
            if len(known) != len(message.get(ENTITIES, [])):
                message.set(ENTITIES, known, add_to_output=True)
            found = self._extract(text)
            if found:
                message.set(
                    ENTITIES,
                    message.get(ENTITIES, []) + self.add_extractor_name(found),
                    add_to_output=True,
                )
        return messages

    def _known_or_not_a_place(self, entity: Dict[str, Any], text: str) -> bool:
        """False for a model district/street that is no place of this city (or a road, a landmark)."""
        assert self._places is not None
        value = str(entity.get("value") or "")
        if entity.get("entity") in ("district", "street"):
            start, end = entity.get("start"), entity.get("end")
            if isinstance(start, int) and isinstance(end, int):
                if not self._places.names_a_place_here(text, start, end):
                    return False
        if entity.get("entity") == "district":
            return self._places.canonical_district(value) is not None
        if entity.get("entity") == "street":
            return bool(self._places.street_candidates(value))
        return True

    def _extract(self, text: str) -> List[Dict[str, Any]]:
        assert self._places is not None
        return [
            {
                "entity": entity,
                "value": canonical,
                "start": start,
                "end": end,
                "confidence_entity": 1.0,
            }
            for entity, canonical, start, end in self._places.find_places(
                text, roads_are_addresses=True
            )
        ]
