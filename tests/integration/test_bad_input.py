"""Bad input gets a clear answer, never an error or silence."""

from __future__ import annotations

import httpx
import pytest
from conversation_support import CASE_NUMBER, QUERY_CODE, Citizen


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "没有收到文字"),
        ("   ", "没有收到文字"),
        ("😀😡👍", "文字"),
        ("I want to complain about noise", "中文"),
        ("tell me a joke", "中文"),
    ],
)
def test_unreadable_messages_get_a_helpful_answer(stack, message: str, expected: str) -> None:
    citizen = Citizen(stack.rasa_url)
    assert expected in citizen.say(message), citizen.transcript


def test_a_5000_character_story_becomes_a_case(stack) -> None:
    days = "一二三四五六七八九十"
    story = "我要投诉，金水区花园路街道有个工地半夜还在施工。" + "".join(
        f"第{days[i % 10]}天晚上{i % 12 + 1}点，搅拌车进出了{i}趟，渣土撒了一路，孩子第二天上学没精神。"
        for i in range(200)
    )
    story = story[:5000]
    citizen = Citizen(stack.rasa_url)
    reply = citizen.say(story)
    # the read-back mentions every topic, so it is recognised first
    answers = {"核对": "对", "什么时候": "一直都这样", "诉求": "希望停止夜间施工", "电话": "匿名"}
    for _ in range(6):
        if CASE_NUMBER.search(reply):
            break
        answer = next((a for key, a in answers.items() if key in reply), None)
        assert answer, citizen.transcript
        reply = citizen.say(answer)
    number, code = CASE_NUMBER.search(reply), QUERY_CODE.search(reply)
    assert number and code, citizen.transcript
    assert any("匿名" in line for line in citizen.transcript)
    case = httpx.post(
        f"{stack.casestore_url}/api/v1/cases/lookup",
        json={"number": number.group(0), "query_code": code.group(1)},
        timeout=10,
    )
    assert case.status_code == 200


def test_malformed_rest_payload_is_a_client_error(stack) -> None:
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert 400 <= response.status_code < 500


def test_case_store_rejects_bad_lookups_with_4xx(stack) -> None:
    url = f"{stack.casestore_url}/api/v1/cases/lookup"
    unknown = httpx.post(url, json={"number": "XF209901010001", "query_code": "123456"}, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["detail"]
    malformed = httpx.post(url, json={"number": 5}, timeout=10)
    assert malformed.status_code == 422 and malformed.json()["detail"]
