"""A citizen files a complaint in web chat and looks it up: the real system end to end."""

from __future__ import annotations

import time

import httpx
from conversation_support import (
    CASE_NUMBER,
    QUERY_CODE,
    Citizen,
    file_example_complaint,
)


def test_complaint_becomes_a_case_with_number_and_query_code(stack) -> None:
    citizen = Citizen(stack.rasa_url)
    receipt = file_example_complaint(citizen)

    number = CASE_NUMBER.search(receipt)
    code = QUERY_CODE.search(receipt)
    assert number and code, citizen.transcript
    assert "花园路街道" in receipt and "前告知您是否受理" in receipt

    case = httpx.post(
        f"{stack.casestore_url}/api/v1/cases/lookup",
        json={"number": number.group(0), "query_code": code.group(1)},
        timeout=10,
    ).json()
    assert case["state"] == "registered"
    assert case["responsible_unit"]["level"] == "street"
    assert "花园路街道" in case["responsible_unit"]["name"]

    listing = httpx.get(
        f"{stack.casestore_url}/api/v1/cases",
        headers={"Authorization": f"Bearer {stack.service_token}"},
        timeout=10,
    ).json()
    stored = next(item for item in listing["items"] if item["number"] == number.group(0))
    assert "13800138000" not in str(stored), "phone must be masked in lists"


def test_citizen_queries_the_case_by_number_and_code(stack) -> None:
    filer = Citizen(stack.rasa_url)
    receipt = file_example_complaint(filer)
    number = CASE_NUMBER.search(receipt).group(0)
    code = QUERY_CODE.search(receipt).group(1)

    asker = Citizen(stack.rasa_url)
    ask_code = asker.say(f"查询 {number}")
    assert "查询码" in ask_code, asker.transcript
    answer = asker.say(code)
    assert number in answer and "已登记" in answer and "花园路街道" in answer, asker.transcript


def test_wrong_query_code_and_unknown_number_get_clear_answers(stack) -> None:
    filer = Citizen(stack.rasa_url)
    number = CASE_NUMBER.search(file_example_complaint(filer)).group(0)

    asker = Citizen(stack.rasa_url)
    asker.say(f"查询{number}")
    assert "查询码不正确" in asker.say("000000"), asker.transcript

    stranger = Citizen(stack.rasa_url)
    stranger.say("查询 XF209901010001")
    assert "没有找到" in stranger.say("123456"), stranger.transcript


def test_complaint_filed_while_case_store_is_down_is_kept_and_registered_later(stack) -> None:
    citizen = Citizen(stack.rasa_url)
    stack.stack.stop("casestore")
    try:
        answer = file_example_complaint(citizen)
    finally:
        stack.stack.start("casestore")
        stack.stack.wait_healthy(timeout=60, name="casestore")
    assert "已完整记录" in answer and "XF" not in answer, citizen.transcript

    # The action server's outbox retries every second in the test stack.
    deadline = time.monotonic() + 30
    registered = []
    while time.monotonic() < deadline and not registered:
        listing = httpx.get(
            f"{stack.casestore_url}/api/v1/cases",
            headers={"Authorization": f"Bearer {stack.service_token}"},
            timeout=10,
        ).json()
        registered = [c for c in listing["items"] if c.get("conversation_id") == citizen.sender]
        time.sleep(0.5)
    assert len(registered) == 1, "the queued complaint must be registered exactly once"

    reply = citizen.say("查询")
    code = QUERY_CODE.search(reply)
    assert registered[0]["number"] in reply and code, citizen.transcript
    assert "已登记" in reply, citizen.transcript


def test_hotline_caller_can_keep_the_calling_number_as_contact(stack) -> None:
    sender = "call-test-caller-number"
    url = f"{stack.rasa_url}/webhooks/rest/webhook"

    def say(message: str) -> str:
        body = {
            "sender": sender,
            "message": message,
            "metadata": {"channel": "hotline", "caller": "+8613912345678"},
        }
        response = httpx.post(url, json=body, timeout=60)
        return "\n".join(m.get("text", "") for m in response.json())

    say("我要投诉二七区大学路街道有个广场舞晚上十点还在放音乐")
    say("每天晚上")
    offer = say("希望晚上九点以后把音量调小")
    assert "来电号码" in offer and "5678" in offer, offer
    assert "称呼" in say("是"), "the calling number is taken; the name is asked next"
    summary = say("李女士")
    assert "13912345678" in summary and "李女士" in summary, summary


def test_a_correction_at_read_back_is_what_gets_registered(stack) -> None:
    citizen = Citizen(stack.rasa_url)
    citizen.say("我要投诉，金水区花园路街道有个工地半夜还在施工，吵得睡不着")
    citizen.say("昨天晚上十二点")
    citizen.say("希望停止夜间施工")
    assert "13800138000" in citizen.say("我叫张三，电话13800138000"), citizen.transcript

    corrected = citizen.say("电话不对，是13900139000")
    assert "13900139000" in corrected and "没太明白" not in corrected, citizen.transcript
    receipt = citizen.say("对")
    number = CASE_NUMBER.search(receipt)
    assert number, citizen.transcript

    token = httpx.post(
        f"{stack.casestore_url}/api/v1/auth/token",
        data={"username": "admin", "password": "dev-staff-password"},
        timeout=10,
    ).json()["access_token"]
    case = httpx.get(
        f"{stack.casestore_url}/api/v1/staff/cases/{number.group(0)}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert case["complainant"]["phone"] == "13900139000", case["complainant"]
