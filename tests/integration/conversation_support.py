"""Talking to the running Rasa server over its REST channel, as a citizen would."""

from __future__ import annotations

import re
import uuid

import httpx

CASE_NUMBER = re.compile(r"XF\d{12}")
QUERY_CODE = re.compile(r"查询码：(\d{6})")


class Citizen:
    """One web-chat conversation through `POST /webhooks/rest/webhook`."""

    def __init__(self, rasa_url: str) -> None:
        self.sender = f"test-{uuid.uuid4().hex[:12]}"
        self._url = f"{rasa_url}/webhooks/rest/webhook"
        self.transcript: list[str] = []

    def say(self, message: str) -> str:
        response = httpx.post(
            self._url, json={"sender": self.sender, "message": message}, timeout=60
        )
        response.raise_for_status()
        replies = [m.get("text", "") for m in response.json() if m.get("text")]
        self.transcript += [f">> {message}"] + [f"<< {r}" for r in replies]
        return "\n".join(replies)


def file_example_complaint(citizen: Citizen) -> str:
    """The walk-through of the README; returns the bot's final answer."""
    first = citizen.say("我要投诉，金水区花园路街道有个工地半夜还在施工，吵得睡不着")
    assert "什么时候" in first, citizen.transcript
    assert "诉求" in citizen.say("昨天晚上十二点"), citizen.transcript
    assert "电话" in citizen.say("希望停止夜间施工"), citizen.transcript
    summary = citizen.say("我叫张三，电话13800138000")
    assert "金水区花园路街道" in summary and "13800138000" in summary, citizen.transcript
    return citizen.say("对")
