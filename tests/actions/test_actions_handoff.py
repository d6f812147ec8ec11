"""Hand-off to a person: the transfer payload on the phone, honest text in web chat."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff


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


def test_web_chat_gets_the_honest_handoff_text() -> None:
    messages = _messages("request_human", {"channel": "web_chat"})
    assert [m["response"] for m in messages] == ["utter_handoff"]
