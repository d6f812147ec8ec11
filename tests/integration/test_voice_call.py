"""A whole hotline call: simulated Twilio -> voice gateway -> Rasa -> actions -> case store.

Runs only where tests/integration/conftest.py provides the session-scoped `stack` fixture
(attributes rasa_url, voice_url, casestore_url, twilio_auth_token, voice_public_base_url).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from voice_gateway.simulate import CallTranscript, simulate_call

FIRST_WORDS = "我要投诉金水区花园路街道有个工地半夜施工太吵了"
CALLER_ID = "+8613900139000"
SPOKEN_PHONE = "幺三八零零幺三八零零零"  # 13800138000
NAME = "张三"

# (words in the bot's question, what the caller answers); the first match wins.
ANSWERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("是否正确", "正确吗", "对吗", "确认", "核对", "有没有问题", "无误"), "对"),
    (("电话", "手机", "号码", "联系方式"), SPOKEN_PHONE),
    (("姓名", "名字", "称呼"), NAME),
    (("什么时候", "时间", "何时", "几点"), "昨天晚上十二点"),
    (("诉求", "希望", "要求", "想要", "如何处理", "怎么处理"), "希望停止夜间施工"),
    (
        ("具体地址", "详细地址", "具体位置", "什么位置", "哪里", "地址"),
        "花园路和农业路交叉口东北角的工地",
    ),
)
MAX_TURNS = 15
_CHOICE = re.compile(r"请说.+或按\d键")
_DIGIT_VALUE = {w: str(i) for i, w in enumerate("零一二三四五六七八九")} | {
    "幺": "1",
    "两": "2",
}
_SPOKEN_DIGITS = "零幺一二三四五六七八九两"
CASE_NUMBER = re.compile(rf"X F[，,\s]*((?:[{_SPOKEN_DIGITS}][，,\s]*){{12}})")
QUERY_CODE = re.compile(rf"查询码[是为：:\s]*((?:[{_SPOKEN_DIGITS}][，,\s]*){{6}})")


@pytest.fixture
def voice_stack(request: pytest.FixtureRequest) -> Any:
    try:
        return request.getfixturevalue("stack")
    except pytest.FixtureLookupError:
        pytest.skip("needs the `stack` fixture of tests/integration/conftest.py")


def spoken_to_digits(spoken: str) -> str:
    return "".join(_DIGIT_VALUE[c] for c in spoken if c in _DIGIT_VALUE)


def last_question(transcript: CallTranscript) -> str:
    """The bot's last sentence before the caller's turn, skipping the spoken button choices."""
    said: list[str] = []
    for line in reversed(transcript.lines):
        if line.speaker == "caller":
            break
        if line.speaker == "bot" and not _CHOICE.search(line.text):
            said.append(line.text)
    return said[0] if said else ""


class ScriptedCaller:
    """Answers what the bot asks, in whatever order the form asks it."""

    def __init__(self) -> None:
        self.turns = 0

    def __call__(self, transcript: CallTranscript) -> str | None:
        self.turns += 1
        if self.turns == 1:
            return FIRST_WORDS
        if self.turns > MAX_TURNS:
            return None
        if CASE_NUMBER.search(transcript.bot_text):
            return "没有了，谢谢，再见" if self.turns < MAX_TURNS else None
        question = last_question(transcript)
        if "姓名" in question and "电话" in question:
            return f"我叫{NAME}，电话{SPOKEN_PHONE}"
        for keywords, answer in ANSWERS:
            if any(k in question for k in keywords):
                return answer
        return "对"


def test_complaint_by_phone_is_registered_and_the_case_number_read_digit_by_digit(
    voice_stack,
):
    transcript = simulate_call(
        voice_stack.voice_url,
        voice_stack.twilio_auth_token,
        voice_stack.voice_public_base_url,
        ScriptedCaller(),
        caller=CALLER_ID,
    )
    heard = f"\n{transcript}"

    assert transcript.ended_by in ("bot", "caller", "end"), heard
    for hook in transcript.webhooks:
        assert hook.status_code == 200, heard
        assert hook.seconds < 15.0, heard
    for sentence in transcript.bot_sentences:
        assert not re.search(r"\d{5,}|XF\d", sentence), f"number not spelled out: {sentence}{heard}"

    case_match = CASE_NUMBER.search(transcript.bot_text)
    assert case_match, f"no case number read digit by digit{heard}"
    number = "XF" + spoken_to_digits(case_match.group(1))
    assert re.fullmatch(r"XF\d{12}", number), heard

    code_match = QUERY_CODE.search(transcript.bot_text)
    assert code_match, f"no query code read digit by digit{heard}"
    query_code = spoken_to_digits(code_match.group(1))

    # What the caller heard is enough to find the case: the digits were read correctly.
    response = httpx.post(
        voice_stack.casestore_url.rstrip("/") + "/api/v1/cases/lookup",
        json={"number": number, "query_code": query_code},
        timeout=10.0,
        trust_env=False,
    )
    assert response.status_code == 200, f"{response.text}{heard}"
    assert response.json()["number"] == number
