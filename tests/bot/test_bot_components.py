"""The custom NLU components on real Rasa messages (no server needed)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.guard import InputGuard, input_problem
from bot.components.normalizer import TextNormalizer, normalize_for_nlu
from bot.components.resolver import resolve_entities


def _message(text: str, **data) -> Message:
    return Message(data={"text": text, **data})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("我的電話是幺三八零零幺三八零零零", "我的电话是13800138000"),
        ("ＸＦ２０２６１１２６０００１", "XF202611260001"),
        ("鄭州市金水區花園路", "郑州市金水区花园路"),
    ],
)
def test_normalizer_rewrites_text_for_the_pipeline(raw: str, expected: str) -> None:
    message = _message(raw)
    TextNormalizer().process([message])
    assert message.get("text") == expected
    assert message.get("original_text") == raw
    assert normalize_for_nlu(raw) == expected


def test_normalizer_leaves_place_names_with_digit_characters_alone() -> None:
    message = _message("二七区一马路十八里河")
    TextNormalizer().process([message])
    assert message.get("text") == "二七区一马路十八里河"
    assert message.get("original_text") is None


def test_normalizer_keeps_annotated_examples_whose_length_would_change() -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    text = "我叫  张三"  # whitespace collapse would move the entity
    example = _message(
        text, entities=[{"start": 4, "end": 6, "value": "张三", "entity": "person_name"}]
    )
    TextNormalizer().process_training_data(TrainingData([example]))
    assert example.get("text") == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("😀😀", "no_text"),
        ("hello there", "not_chinese"),
        ("ok", None),
        ("XF202611260001", None),
        ("我要投诉", None),
        ("13800138000", None),
    ],
)
def test_input_problem(text: str, problem) -> None:
    assert input_problem(text) == problem


def test_guard_turns_unreadable_input_into_fallback_with_a_reason() -> None:
    message = _message(
        "😀",
        intent={"name": "greet", "confidence": 0.9},
        intent_ranking=[{"name": "greet", "confidence": 0.9}],
    )
    InputGuard().process([message])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("input_problem") == "no_text"


@pytest.mark.parametrize(
    ("intent", "confidence", "expected"),
    [
        ("request_human", 0.93, "request_human"),
        ("thank", 0.85, "thank"),
        # unsure, or a matter that needs Chinese: "please write in Chinese"
        ("request_human", 0.6, "nlu_fallback"),
        ("file_complaint", 0.97, "nlu_fallback"),
    ],
)
def test_guard_keeps_sure_english_small_talk(intent: str, confidence: float, expected: str) -> None:
    message = _message(
        "can I talk to a real person",
        intent={"name": "nlu_fallback", "confidence": 0.45},
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.45},
            {"name": intent, "confidence": confidence},
            {"name": "greet", "confidence": 0.01},
        ],
    )
    InputGuard().process([message])
    assert message.get("intent")["name"] == expected
    assert message.get("intent_ranking")[0]["name"] == expected
    assert (message.get("input_problem") == "not_chinese") == (expected == "nlu_fallback")


def test_guard_treats_a_long_message_as_a_story() -> None:
    story = "我家楼下的饭店每天晚上油烟很大，" * 10
    message = _message(
        story,
        intent={"name": "nlu_fallback", "confidence": 0.4},
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "bot_challenge", "confidence": 0.3},
            {"name": "file_complaint", "confidence": 0.2},
        ],
    )
    InputGuard().process([message])
    assert message.get("intent")["name"] == "file_complaint"


def test_short_small_talk_is_left_alone() -> None:
    message = _message("你好", intent={"name": "greet", "confidence": 0.9}, intent_ranking=[])
    InputGuard().process([message])
    assert message.get("intent")["name"] == "greet"


def test_resolver_prefers_exact_extractors_and_the_longer_span() -> None:
    entities = [
        {
            "entity": "case_number",
            "value": "XF202611260001",
            "start": 3,
            "end": 17,
            "extractor": "RegexEntityExtractor",
        },
        {
            "entity": "case_number",
            "value": "202611260001",
            "start": 5,
            "end": 17,
            "extractor": "RegexEntityExtractor",
        },
        {
            "entity": "district",
            "value": "金水",
            "start": 0,
            "end": 2,
            "extractor": "DIETClassifier",
        },
        {
            "entity": "district",
            "value": "金水区",
            "start": 0,
            "end": 3,
            "extractor": "GazetteerEntityExtractor",
        },
        {
            "entity": "organization",
            "value": "物业公司",
            "start": 20,
            "end": 24,
            "extractor": "DIETClassifier",
        },
    ]
    kept = resolve_entities(entities)
    # the model keeps what only it finds (organisations); times are rule-only
    assert [(e["entity"], e["value"]) for e in kept] == [
        ("district", "金水区"),
        ("case_number", "XF202611260001"),
        ("organization", "物业公司"),
    ]
