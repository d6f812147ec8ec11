"""Transfer to staff, rendered: <Dial>/<Number>/<Sip>/<Enqueue>, whisper, hold, fallback."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.voice_gateway.test_voice_twiml import OPTIONS, URLS, assert_voice, parse, spoken
from voice_gateway import twiml
from voice_gateway.bot_reply import Transfer, parse_bot_messages, wants_a_person

HANDOFF = twiml.Handoff(
    conversation_id="call-0123456789abcdef", reason="emergency", reference="XF202611260001"
)
SAID = ["好的，正在为您转接人工服务，请稍候。"]


def test_dial_to_a_number_with_whisper_and_status_action():
    target = twiml.TransferTarget("number", "+8637112345678", dial_timeout_s=20)
    root = parse(twiml.transfer(SAID, target, HANDOFF, OPTIONS, URLS))
    assert [child.tag for child in root] == ["Say", "Dial"]
    assert_voice(root)
    assert spoken(root) == SAID[0]
    dial = root.find("Dial")
    assert dial is not None
    assert dial.get("action") == "https://voice.example.org/twilio/voice/dial-status"
    assert dial.get("method") == "POST"
    assert dial.get("timeout") == "20"
    number = dial.find("Number")
    assert number is not None
    assert number.text == "+8637112345678"
    assert number.get("method") == "POST"
    whisper = urlsplit(number.get("url") or "")
    assert f"{whisper.scheme}://{whisper.netloc}{whisper.path}" == (
        "https://voice.example.org/twilio/voice/whisper"
    )
    assert parse_qs(whisper.query) == {
        "conversation": ["call-0123456789abcdef"],
        "reason": ["emergency"],
        "reference": ["XF202611260001"],
    }


def test_dial_to_sip_passes_the_conversation_as_a_header():
    target = twiml.TransferTarget("sip", "sip:staff@pbx.example.gov.cn", dial_timeout_s=25)
    root = parse(twiml.transfer(SAID, target, HANDOFF, OPTIONS, URLS))
    dial = root.find("Dial")
    assert dial is not None
    assert dial.get("action") == "https://voice.example.org/twilio/voice/dial-status"
    assert dial.get("timeout") == "25"
    sip = dial.find("Sip")
    assert sip is not None
    uri, _, headers = (sip.text or "").partition("?")
    assert uri == "sip:staff@pbx.example.gov.cn"
    assert parse_qs(headers) == {
        "X-Xf-Conversation": ["call-0123456789abcdef"],
        "X-Xf-Reason": ["emergency"],
        "X-Xf-Reference": ["XF202611260001"],
    }


def test_dial_without_reference_omits_it():
    target = twiml.TransferTarget("sip", "sip:staff@pbx.example")
    handoff = twiml.Handoff(conversation_id="call-0123456789abcdef", reason="request_human")
    sip = parse(twiml.transfer([], target, handoff, OPTIONS, URLS)).find("Dial/Sip")
    assert sip is not None
    assert "X-Xf-Reference" not in (sip.text or "")


def test_enqueue_to_a_named_queue_with_hold_music_url():
    target = twiml.TransferTarget("queue", "xf-hotline")
    root = parse(twiml.transfer(SAID, target, HANDOFF, OPTIONS, URLS))
    assert [child.tag for child in root] == ["Say", "Enqueue"]
    enqueue = root.find("Enqueue")
    assert enqueue is not None
    assert enqueue.text == "xf-hotline"
    assert enqueue.get("action") == "https://voice.example.org/twilio/voice/dial-status"
    assert enqueue.get("method") == "POST"
    assert enqueue.get("waitUrl") == "https://voice.example.org/twilio/voice/hold"
    assert enqueue.get("waitUrlMethod") == "POST"


def test_whisper_tells_staff_the_reason_and_reference():
    root = parse(twiml.whisper(HANDOFF, OPTIONS))
    assert [child.tag for child in root] == ["Say"] * len(root)
    assert_voice(root)
    text = spoken(root)
    assert text.startswith("您好，这是幺二三四五热线转接的来电。")
    assert "紧急情况" in text
    assert "X F，二零二六，幺幺二六，零零零幺" in text
    assert "会话尾号A B C D E F" not in text  # only the last four
    assert "会话尾号C D E F。" in text
    assert text.endswith("现在为您接通。")


def test_hold_message_then_leave_after_the_longest_wait():
    waiting = parse(twiml.hold(OPTIONS, leave=False, pause_s=15))
    assert [child.tag for child in waiting] == ["Say", "Pause"]
    assert spoken(waiting) == "工作人员正在接听其他来电，请您稍候，不要挂机。"
    assert waiting.find("Pause").get("length") == "15"  # type: ignore[union-attr]
    assert [child.tag for child in parse(twiml.hold(OPTIONS, leave=True))] == ["Leave"]


def test_unanswered_transfer_gets_the_fallback_and_a_polite_hangup():
    root = parse(twiml.after_transfer(OPTIONS, answered=False))
    assert [child.tag for child in root] == ["Say", "Say", "Hangup"]
    assert spoken(root) == (
        "工作人员暂时都在忙，您反映的内容已经记录，我们会尽快给您回电。感谢您的来电，再见。"
    )
    assert [child.tag for child in parse(twiml.after_transfer(OPTIONS, answered=True))] == [
        "Hangup"
    ]


def test_transfer_payload_is_parsed_and_choices_are_dropped():
    reply = parse_bot_messages(
        [
            {"text": "好的，正在为您转接人工服务。", "buttons": [{"title": "是", "payload": "/a"}]},
            {"custom": {"transfer": {"reason": "emergency", "reference": "XF202611260001"}}},
        ]
    )
    assert reply.transfer == Transfer(reason="emergency", reference="XF202611260001")
    assert reply.buttons == ()
    assert not reply.is_empty


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"reason": "whatever"}, Transfer("request_human", None)),
        ({"reason": "misunderstood", "reference": "a b<c>"}, Transfer("misunderstood", None)),
        (True, Transfer("request_human", None)),
    ],
)
def test_odd_transfer_payloads_are_made_safe(payload, expected):
    assert parse_bot_messages([{"custom": {"transfer": payload}}]).transfer == expected


def test_case_number_in_bot_text_is_noticed():
    assert parse_bot_messages([{"text": "案件编号XF202611260001。"}]).case_number_read
    assert not parse_bot_messages([{"text": "请问您的姓名？"}]).case_number_read


@pytest.mark.parametrize("speech", ["人工", "转人工", "我要转人工。", "人工服务", "找人工客服"])
def test_asking_for_a_person(speech):
    assert wants_a_person(speech=speech)


@pytest.mark.parametrize("speech", ["人工湖边有人钓鱼", "我要投诉", "工人欠薪"])
def test_not_asking_for_a_person(speech):
    assert not wants_a_person(speech=speech)


def test_key_zero_asks_for_a_person_other_digits_do_not():
    assert wants_a_person(digits="0")
    assert not wants_a_person(digits="0371")
    assert not wants_a_person(digits="1")
