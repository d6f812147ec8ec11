"""The character n-gram second opinion on the intent (bot/components/ensemble.py)."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.ensemble import CharNgramIntentClassifier

EXAMPLES = {
    "emergency": ["楼顶有人要跳下去", "有人要跳楼了快来", "隔壁着火了冒黑烟", "厨房着火了"],
    "give_suggestion": ["建议多开几路公交", "建议路口装红绿灯", "希望公园多放长椅", "建议增加路灯"],
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> CharNgramIntentClassifier:
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("ensemble")
    config = CharNgramIntentClassifier.get_default_config()
    examples = [
        Message(data={"text": text, "intent": intent})
        for intent, texts in EXAMPLES.items()
        for text in texts
    ]
    CharNgramIntentClassifier(config, storage, resource).train(TrainingData(examples))
    # loaded back from the model, as the Rasa server does
    return CharNgramIntentClassifier.load(config, storage, resource, None)  # type: ignore[arg-type]


def _parse(component: CharNgramIntentClassifier, text: str, ranking: list) -> Message:
    message = Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})
    component.process([message])
    return message


def test_a_confident_second_opinion_overturns_an_unsure_diet(trained) -> None:
    ranking = [
        {"name": "give_suggestion", "confidence": 0.55},
        {"name": "emergency", "confidence": 0.45},
    ]
    message = _parse(trained, "有人站在楼顶说要跳下去", ranking)
    assert message.get("intent")["name"] == "emergency"
    ranked = message.get("intent_ranking")
    assert ranked[0] == message.get("intent")
    assert abs(sum(r["confidence"] for r in ranked) - 1.0) < 1e-6
    assert [r["confidence"] for r in ranked] == sorted(
        (r["confidence"] for r in ranked), reverse=True
    )


def test_a_sure_diet_agreeing_with_the_linear_model_is_kept(trained) -> None:
    ranking = [
        {"name": "give_suggestion", "confidence": 1.0},
        {"name": "emergency", "confidence": 0.0},
    ]
    message = _parse(trained, "建议多装几个路灯", ranking)
    intent = message.get("intent")
    assert intent["name"] == "give_suggestion"
    assert 0.5 < intent["confidence"] <= 1.0


def test_messages_without_a_ranking_or_text_are_left_alone(trained) -> None:
    message = Message(data={"text": "   ", "intent": {"name": "greet", "confidence": 1.0}})
    trained.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 1.0}
