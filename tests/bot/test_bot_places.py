"""Place entities from the real gazetteer (built by `make gazetteer`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.places import GazetteerEntityExtractor

GAZETTEER = Path("var/gazetteer/zhengzhou.json")


@pytest.fixture(scope="module")
def extractor(tmp_path_factory: pytest.TempPathFactory) -> GazetteerEntityExtractor:
    if not GAZETTEER.exists():
        pytest.fail("var/gazetteer/zhengzhou.json is missing: run `make gazetteer`")
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("places")
    trained = GazetteerEntityExtractor({"gazetteer_file": str(GAZETTEER)}, storage, resource)
    trained.train(TrainingData())
    # Load it back the way the Rasa server does: from the model, not the file.
    return GazetteerEntityExtractor.load({}, storage, resource, None)  # type: ignore[arg-type]


def _places(extractor: GazetteerEntityExtractor, text: str):
    message = Message(data={"text": text})
    extractor.process([message])
    return [(e["entity"], e["value"]) for e in message.get("entities", [])]


def test_official_names_and_aliases_become_official_names(extractor) -> None:
    assert _places(extractor, "管城区南关街道的路灯坏了") == [
        ("district", "管城回族区"),
        ("street", "南关街道"),
    ]
    assert ("district", "金水区") in _places(extractor, "我要投诉，金水区花园路街道有个工地")


def test_development_zones_are_places(extractor) -> None:
    assert ("district", "郑东新区") in _places(extractor, "郑东新区的公交太少")
    assert ("district", "郑州航空港经济综合实验区") in _places(extractor, "航空港区有人占地")


def test_other_cities_give_no_zhengzhou_place(extractor) -> None:
    assert _places(extractor, "讲个笑话吧") == []


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("郑东新区祭城路街道", True),
        ("是郑州经开区九龙镇", True),
        ("地方在上街区济源路街道", True),
        ("管城南关街道", True),
        ("金水区", True),
        ("我住上街区", True),
        ("金水区花园路街道有个工地半夜施工", False),
        ("北京朝阳区", False),
        ("我要投诉", False),
    ],
)
def test_a_bare_place_answers_where(extractor, text: str, bare: bool) -> None:
    """A place alone answers the form's "where": `inform`, whatever the model guessed."""
    from bot.components.answers import BareAnswerClassifier

    message = Message(data={"text": text, "intent": {"name": "file_complaint", "confidence": 0.7}})
    extractor.process([message])
    BareAnswerClassifier().process([message])
    assert (message.get("intent")["name"] == "inform") is bare


@pytest.mark.parametrize(
    ("text", "model_entity", "kept"),
    [
        ("老人八十岁了能领啥补贴", ("street", "八十岁", 2, 5), False),
        ("我在外地 开封市", ("district", "开封市", 5, 8), False),
        ("在新乡那边", ("street", "新乡", 1, 3), False),
        ("金水河边上有人倒垃圾", ("district", "金水", 0, 2), False),
        ("我家在管城区", ("district", "管城区", 3, 6), True),
    ],
)
def test_model_places_the_gazetteer_does_not_know_are_dropped(
    extractor, text: str, model_entity, kept: bool
) -> None:
    entity, value, start, end = model_entity
    found = {
        "entity": entity,
        "value": value,
        "start": start,
        "end": end,
        "extractor": "DIETClassifier",
    }
    message = Message(data={"text": text, "entities": [found]})
    extractor.process([message])
    model = [e for e in message.get("entities", []) if e.get("extractor") == "DIETClassifier"]
    assert (model == [found]) is kept
