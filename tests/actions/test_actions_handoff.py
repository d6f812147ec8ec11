"""Hand-off to a person: the transfer payload on the phone, honest text in web chat."""

from __future__ import annotations

import asyncio
import socket

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandback, ActionHandoff, handoff_report
from actions.settings import get_settings


def _messages(intent: str, metadata: dict | None = None) -> list[dict]:
    event = {
        "event": "user",
        "text": "…",
        "parse_data": {"intent": {"name": intent}},
        "metadata": metadata or {},
    }
    tracker = Tracker("t", {}, event["parse_data"], [event], False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionHandoff().run(dispatcher, tracker, {}))
    return dispatcher.messages


def test_hotline_caller_asking_for_a_person_is_transferred() -> None:
    messages = _messages("request_human", {"channel": "hotline"})
    assert "转接人工" in messages[0]["text"]
    assert messages[-1]["custom"] == {"transfer": {"reason": "request_human"}}


def test_hotline_emergency_is_transferred_without_more_words() -> None:
    messages = _messages("emergency", {"channel": "hotline"})
    assert len(messages) == 1
    assert messages[0]["custom"] == {"transfer": {"reason": "emergency"}}


@pytest.fixture
def unreachable_case_store(monkeypatch: pytest.MonkeyPatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("CASESTORE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("CASESTORE_TIMEOUT_S", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_web_chat_without_a_reachable_queue_gets_the_honest_text(unreachable_case_store) -> None:
    messages = _messages("request_human", {"channel": "web_chat"})
    assert [m["response"] for m in messages] == ["utter_handoff_unavailable"]


def test_web_emergency_without_a_queue_adds_nothing_to_the_emergency_numbers(
    unreachable_case_store,
) -> None:
    assert _messages("emergency", {"channel": "web_chat"}) == []


def test_the_queue_entry_carries_the_bots_guess_and_no_personal_data() -> None:
    story = {
        "event": "user",
        "text": "金水区花园路街道有个工地半夜还在施工",
        "timestamp": 1.0,
        "parse_data": {
            "intent": {"name": "file_complaint", "confidence": 0.9},
            "category": {"name": "城乡建设", "confidence": 0.6},
        },
    }
    latest = {
        "intent": {"name": "request_human", "confidence": 0.97},
        "category": {"name": "劳动和社会保障", "confidence": 0.2},
    }
    event = {"event": "user", "text": "俺要找人", "timestamp": 1.5, "parse_data": latest}
    slots = {"district": "金水区", "street": "花园路街道", "phone_number": "13800138000"}
    tracker = Tracker("conv-1", slots, latest, [story, event], False, None, None, "action_listen")
    report = handoff_report(tracker, "request_human")
    assert report["conversation_id"] == "conv-1" and report["channel"] == "web_chat"
    assert report["guess"] == {
        "intent": "file_complaint",
        "category": "城乡建设",
        "place": "金水区花园路街道",
    }
    assert "13800138000" not in str(report)
    # the same message reported twice is one queue entry (idempotent event id)
    assert handoff_report(tracker, "request_human")["event_id"] == report["event_id"]


DOMAIN = {"responses": {"utter_ask_district": [{"text": "请问在哪个区？"}]}}


def _handback(slots: dict, active_loop: dict) -> list[dict]:
    tracker = Tracker("t", slots, {}, [], False, None, active_loop, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionHandback().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages


def test_handback_in_the_middle_of_the_form_asks_the_pending_question_again() -> None:
    messages = _handback({"requested_slot": "district"}, {"name": "complaint_form"})
    assert [m["response"] for m in messages] == ["utter_handback_continue", "utter_ask_district"]


def test_handback_outside_a_form_offers_more_help() -> None:
    assert [m["response"] for m in _handback({}, {})] == ["utter_handback"]
