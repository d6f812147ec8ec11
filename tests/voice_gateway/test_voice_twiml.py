"""TwiML rendering, asserted on the parsed XML."""

import re
import xml.etree.ElementTree as ET

from voice_gateway import twiml
from voice_gateway.bot_reply import parse_bot_messages
from voice_gateway.speech_text import is_emoji_or_pictograph

OPTIONS = twiml.VoiceOptions(
    recognition_language="cmn-Hans-CN",
    speech_language="cmn-CN",
    voice="Polly.Zhiyu",
    speech_timeout="3",
    gather_timeout_s=6,
    hints="投诉,金水区,花园路街道",
)
URLS = twiml.CallUrls.under("https://voice.example.org/")


def parse(xml: str) -> ET.Element:
    root = ET.fromstring(xml)
    assert root.tag == "Response"
    return root


def all_says(root: ET.Element) -> list[ET.Element]:
    return list(root.iter("Say"))


def spoken(root: ET.Element) -> str:
    return "".join(say.text or "" for say in all_says(root))


def assert_voice(root: ET.Element) -> None:
    says = all_says(root)
    assert says
    for say in says:
        assert say.get("voice") == "Polly.Zhiyu"
        assert say.get("language") == "cmn-CN"


def assert_listens(root: ET.Element) -> ET.Element:
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("input") == "speech dtmf"
    assert gather.get("language") == "cmn-Hans-CN"
    assert gather.get("action") == "https://voice.example.org/twilio/voice/gather"
    assert gather.get("method") == "POST"
    assert gather.get("speechTimeout") == "3"
    assert gather.get("timeout") == "6"
    assert gather.get("hints") == "投诉,金水区,花园路街道"
    assert gather.get("profanityFilter") == "false"
    # Silence falls through to the no-input URL: the caller is never left hanging.
    last = list(root)[-1]
    assert last.tag == "Redirect"
    assert last.text == "https://voice.example.org/twilio/voice/no-input"
    assert last.get("method") == "POST"
    return gather


def test_greeting_gives_recording_notice_then_asks_inside_gather():
    root = parse(twiml.greeting(OPTIONS, URLS))
    assert_voice(root)
    gather = assert_listens(root)
    before = [say.text for say in root.findall("Say")]
    assert any("录音" in (text or "") for text in before)
    assert "幺二三四五" in (before[0] or "")
    assert [say.text for say in gather.findall("Say")] == ["请简要说出您要反映的问题。"]
    assert gather.get("numDigits") is None


def test_bot_turn_reads_case_number_and_query_code_digit_by_digit():
    reply = parse_bot_messages(
        [{"text": "已为您登记。案件编号XF202611260001，查询码654321。请问还有其他问题吗？"}]
    )
    root = parse(twiml.bot_turn(reply, OPTIONS, URLS))
    assert_voice(root)
    gather = assert_listens(root)
    text = spoken(root)
    assert "X F，二零二六，幺幺二六，零零零幺" in text
    assert "六五四，三二幺" in text
    assert not re.search(r"\d{3,}", text)
    # Statements are said before the Gather; only the question can be interrupted.
    assert [s.text for s in gather.findall("Say")] == ["请问还有其他问题吗？"]
    assert "X F" in "".join(s.text or "" for s in root.findall("Say"))


def test_bot_turn_strips_emoji():
    reply = parse_bot_messages([{"text": "收到😊！请问事情发生在哪里？🏠"}])
    text = spoken(parse(twiml.bot_turn(reply, OPTIONS, URLS)))
    assert text == "收到！请问事情发生在哪里？"
    assert not any(is_emoji_or_pictograph(c) for c in text)


def test_buttons_become_spoken_numbered_choices_with_single_key_gather():
    reply = parse_bot_messages(
        [
            {
                "text": "以上信息正确吗？",
                "buttons": [
                    {"title": "正确，提交", "payload": "/affirm"},
                    {"title": "需要修改", "payload": "/deny"},
                ],
            }
        ]
    )
    gather = assert_listens(parse(twiml.bot_turn(reply, OPTIONS, URLS)))
    assert gather.get("numDigits") == "1"
    assert [s.text for s in gather.findall("Say")] == [
        "以上信息正确吗？",
        "正确，提交，请说一，或按1键。",
        "需要修改，请说二，或按2键。",
    ]


def test_hangup_payload_says_goodbye_and_hangs_up():
    reply = parse_bot_messages([{"text": "感谢您的来电，再见。"}, {"custom": {"hangup": True}}])
    root = parse(twiml.bot_turn(reply, OPTIONS, URLS))
    assert [child.tag for child in root] == ["Say", "Hangup"]
    assert_voice(root)
    assert root.find("Gather") is None


def test_empty_bot_answer_never_leaves_silence():
    root = parse(twiml.bot_turn(parse_bot_messages([]), OPTIONS, URLS))
    gather = assert_listens(root)
    assert spoken(gather)


def test_please_wait_redirects_to_retry():
    root = parse(twiml.please_wait(URLS.retry, OPTIONS, first=True, pause_s=1))
    assert [child.tag for child in root] == ["Say", "Pause", "Redirect"]
    assert spoken(root) == "请稍候。"
    redirect = root.find("Redirect")
    assert redirect is not None
    assert redirect.text == "https://voice.example.org/twilio/voice/retry"
    assert redirect.get("method") == "POST"
    again = parse(twiml.please_wait(URLS.retry, OPTIONS, first=False))
    assert [child.tag for child in again] == ["Say", "Redirect"]


def test_reprompt_repeats_the_question():
    root = parse(
        twiml.reprompt(
            "不好意思，没有听到您说话。",
            ["请问您的联系电话是多少？"],
            OPTIONS,
            URLS,
            single_key=False,
        )
    )
    gather = assert_listens(root)
    assert [s.text for s in gather.findall("Say")] == [
        "不好意思，没有听到您说话。",
        "请问您的联系电话是多少？",
    ]


def test_no_hints_attribute_when_there_are_none():
    options = twiml.VoiceOptions(hints="")
    gather = parse(twiml.greeting(options, URLS)).find("Gather")
    assert gather is not None
    assert "hints" not in gather.attrib
