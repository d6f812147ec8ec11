"""Not understood twice in a row → a person is offered (spec: handoff)."""

from __future__ import annotations

import asyncio
import socket

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionHandleFallback, misunderstood_in_a_row
from actions.settings import get_settings


def _user(intent: str, **extra) -> dict:
    return {"event": "user", "text": "…", "parse_data": {"intent": {"name": intent}, **extra}}


def _tracker(*events: dict) -> Tracker:
    latest = events[-1]["parse_data"] if events else {}
    return Tracker("t", {}, latest, list(events), False, None, None, "action_listen")


def _replies(tracker: Tracker) -> list[str]:
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionHandleFallback().run(dispatcher, tracker, {}))
    return [m.get("text") or m.get("response") for m in dispatcher.messages]


def test_counts_only_the_latest_run_of_fallbacks() -> None:
    assert (
        misunderstood_in_a_row(
            _tracker(_user("nlu_fallback"), _user("greet"), _user("nlu_fallback"))
        )
        == 1
    )
    assert (
        misunderstood_in_a_row(
            _tracker(_user("greet"), _user("nlu_fallback"), _user("nlu_fallback"))
        )
        == 2
    )


@pytest.fixture
def no_staff_queue(monkeypatch: pytest.MonkeyPatch):
    """The case store (and so the staff queue) unreachable: a closed port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("CASESTORE_URL", f"http://127.0.0.1:{port}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_second_miss_in_a_row_offers_a_person(no_staff_queue) -> None:
    first = _replies(_tracker(_user("greet"), _user("nlu_fallback")))
    assert first == ["utter_default"]
    # with no staff queue reachable, the citizen is told how to reach a person
    second = _replies(_tracker(_user("nlu_fallback"), _user("nlu_fallback")))
    assert "转人工" in second[0] and "12345" in second[0]


def test_unreadable_input_gets_its_own_reason() -> None:
    replies = _replies(_tracker(_user("nlu_fallback", input_problem="no_text")))
    assert replies == ["我只能看懂文字，请用文字描述您要反映的问题。"]


def test_on_the_phone_the_second_miss_transfers_the_call() -> None:
    events = [_user("nlu_fallback"), _user("nlu_fallback")]
    events[-1]["metadata"] = {"channel": "hotline", "caller": "+8613912345678"}
    tracker = _tracker(*events)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionHandleFallback().run(dispatcher, tracker, {}))
    assert dispatcher.messages[-1]["custom"] == {"transfer": {"reason": "misunderstood"}}


def _said(intent: str, said: str) -> Tracker:
    event = {"event": "user", "text": said, "parse_data": {"intent": {"name": intent}}}
    return Tracker("t", {}, event["parse_data"], [event], False, None, None, "action_listen")


def test_an_unprompted_statement_read_as_an_answer_starts_the_complaint() -> None:
    said = "金水区花园路那个酒吧 每到周五周六晚上音响放得震天响 一直闹到后半夜"
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleFallback().run(dispatcher, _said("inform", said), {}))
    assert {"event": "slot", "name": "description", "value": said} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert events[-1] == {"event": "followup", "name": "complaint_form", "timestamp": None}
    assert dispatcher.messages == []


@pytest.mark.parametrize("said", ["村东头大桥底下", "免贵姓欧阳 叫欧阳文斌"])
def test_a_short_answer_out_of_place_is_still_not_understood(said: str) -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleFallback().run(dispatcher, _said("inform", said), {}))
    assert [m.get("response") for m in dispatcher.messages] == ["utter_default"]
    assert events[-1]["event"] == "rewind"
