"""人工接管 in the case store: one holder at a time, registration from the draft, hand-back.

Phone hand-offs need no Rasa call (the call itself was transferred), so the
holder rules run here against the real database; the web-chat path with a
real Rasa server is in tests/integration/test_console_takeover.py. Here Rasa
is a closed port, to show that a takeover Rasa did not confirm is undone.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casestore.core.settings import Settings
from casestore.handoffs.takeover import transcript
from tests.casestore.casestore_support import AUTH, CITY, staff_headers


@pytest.fixture
def client(
    make_settings: Callable[..., Settings], make_client: Callable[..., TestClient]
) -> TestClient:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    return make_client(make_settings(rasa_url=f"http://127.0.0.1:{closed}"))


def _report(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {
        "event_id": "evt-1",
        "conversation_id": "call-0123456789abcdef",
        "channel": "hotline",
        "reason": "request_human",
        "outcome": "transferring",
        "caller": "+8613800138000",
        "guess": {"intent": "file_complaint", "category": "城乡建设", "place": "金水区"},
    }
    body.update(fields)
    response = client.post("/api/v1/handoffs", json=body, headers=AUTH)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


def test_only_one_staff_member_can_take_a_conversation(client: TestClient) -> None:
    handoff = _report(client)
    first = staff_headers(client, "op.wang", "operator", CITY)
    second = staff_headers(client, "op.li", "operator", CITY)

    taken = client.post(f"/api/v1/staff/handoffs/{handoff['id']}/claim", headers=first)
    assert taken.status_code == 200, taken.text
    assert taken.json()["holder"] == "op.wang" and taken.json()["status"] == "connected"

    refused = client.post(f"/api/v1/staff/handoffs/{handoff['id']}/claim", headers=second)
    assert refused.status_code == 409
    assert "op.wang" in refused.json()["detail"]

    again = client.post(f"/api/v1/staff/handoffs/{handoff['id']}/claim", headers=first)
    assert again.status_code == 200  # pressing 接管 twice is harmless

    queue = client.get("/api/v1/staff/handoffs", headers=second).json()
    assert queue["items"][0]["holder"] == "op.wang"
    assert queue["items"][0]["guess_category"] == "城乡建设"


def test_a_new_report_does_not_take_the_conversation_from_its_holder(client: TestClient) -> None:
    handoff = _report(client)
    holder = staff_headers(client, "op.wang", "operator", CITY)
    client.post(f"/api/v1/staff/handoffs/{handoff['id']}/claim", headers=holder)
    again = _report(client, event_id="evt-2", outcome="waiting")
    assert again["id"] == handoff["id"]
    assert again["status"] == "connected" and again["holder"] == "op.wang"


def test_handlers_cannot_take_over_and_strangers_cannot_see_the_queue(client: TestClient) -> None:
    handoff = _report(client)
    handler = staff_headers(client, "h.zhao", "handler", CITY)
    assert (
        client.post(f"/api/v1/staff/handoffs/{handoff['id']}/claim", headers=handler).status_code
        == 403
    )
    assert client.get("/api/v1/staff/handoffs").status_code == 401
    missing = staff_headers(client, "op.wang", "operator", CITY)
    assert client.post("/api/v1/staff/handoffs/999/claim", headers=missing).status_code == 404


def test_the_holder_registers_the_edited_draft_once_and_ends_the_call(client: TestClient) -> None:
    handoff = _report(client)
    holder = staff_headers(client, "op.wang", "operator", CITY)
    other = staff_headers(client, "op.li", "operator", CITY)
    draft = {
        "purpose": "complaint",
        "description": "金水区花园路街道某工地夜间施工噪音扰民",
        "district": "金水区",
        "street": "花园路街道",
        "name": "张先生",
        "phone": "13800138000",
        "category": "城乡建设",
    }
    path = f"/api/v1/staff/handoffs/{handoff['id']}"
    assert (
        client.post(f"{path}/case", json=draft, headers=holder).status_code == 409
    )  # not yet held
    client.post(f"{path}/claim", headers=holder)
    assert client.post(f"{path}/case", json=draft, headers=other).status_code == 409

    made = client.post(f"{path}/case", json=draft, headers=holder)
    assert made.status_code == 201, made.text
    case = made.json()
    assert case["number"].startswith("XF") and len(case["query_code"]) == 6
    assert case["handoff"]["case_number"] == case["number"]
    assert case["citizen_told"] is False  # a phone call: staff read the receipt out
    twice = client.post(f"{path}/case", json=draft, headers=holder).json()
    assert twice["number"] == case["number"]  # one conversation, one case

    staff_view = client.get(f"/api/v1/staff/cases/{case['number']}", headers=holder).json()
    assert staff_view["channel"] == "hotline"

    ended = client.post(f"{path}/release", headers=holder)
    assert ended.status_code == 200 and ended.json()["status"] == "closed"
    assert client.get("/api/v1/staff/handoffs", headers=holder).json()["total"] == 0
    assert client.post(f"{path}/claim", headers=other).status_code == 409


def test_an_empty_description_or_message_is_refused(client: TestClient) -> None:
    handoff = _report(client)
    holder = staff_headers(client, "op.wang", "operator", CITY)
    path = f"/api/v1/staff/handoffs/{handoff['id']}"
    client.post(f"{path}/claim", headers=holder)
    assert client.post(f"{path}/case", json={"description": ""}, headers=holder).status_code == 422
    assert client.post(f"{path}/messages", json={"text": ""}, headers=holder).status_code == 422
    bad_phone = client.post(
        f"{path}/case", json={"description": "路灯坏了", "phone": "abc"}, headers=holder
    )
    assert bad_phone.status_code == 422 and "电话号码格式不正确" in bad_phone.json()["detail"]
    phone = client.post(f"{path}/messages", json={"text": "您好"}, headers=holder)
    assert phone.status_code == 400 and "电话" in phone.json()["detail"]


def test_a_web_takeover_that_rasa_did_not_confirm_is_undone(client: TestClient) -> None:
    handoff = _report(client, channel="web_chat", conversation_id="abc123", caller=None)
    holder = staff_headers(client, "op.wang", "operator", CITY)
    refused = client.post(f"/api/v1/staff/handoffs/{handoff['id']}/claim", headers=holder)
    assert refused.status_code == 503 and "对话服务" in refused.json()["detail"]
    queue = client.get("/api/v1/staff/handoffs", headers=holder).json()["items"]
    assert queue[0]["holder"] is None and queue[0]["status"] == "waiting"

    detail = client.get(f"/api/v1/staff/handoffs/{handoff['id']}", headers=holder).json()
    assert detail["transcript_available"] is False
    assert detail["draft"]["category"] == "城乡建设"


def test_a_queue_entry_nobody_needs_can_be_closed(client: TestClient) -> None:
    handoff = _report(client, channel="web_chat", conversation_id="left-early", caller=None)
    operator = staff_headers(client, "op.wang", "operator", CITY)
    closed = client.post(f"/api/v1/staff/handoffs/{handoff['id']}/close", headers=operator)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_the_transcript_tells_citizen_bot_and_staff_apart() -> None:
    events = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "我要找人工", "timestamp": 2.0},
        {"event": "bot", "text": "好的，正在为您联系人工客服", "timestamp": 3.0},
        {"event": "bot", "text": None, "data": {"custom": {"transfer": {}}}, "timestamp": 3.1},
        {"event": "pause", "timestamp": 4.0},
        {
            "event": "bot",
            "text": "<b>您好</b>",
            "data": {"custom": {"staff": {"name": "王明"}}},
            "metadata": {"staff": "op.wang", "staff_name": "王明"},
            "timestamp": 5.0,
        },
    ]
    lines = transcript(events)
    assert [(line.who, line.text) for line in lines] == [
        ("user", "我要找人工"),
        ("bot", "好的，正在为您联系人工客服"),
        ("staff", "<b>您好</b>"),
    ]
    assert lines[2].staff_name == "王明"
