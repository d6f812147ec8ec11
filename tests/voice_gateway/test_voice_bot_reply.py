import pytest

from voice_gateway.bot_reply import Button, choose_button, parse_bot_messages

BUTTONS = (Button("确认", "/affirm"), Button("修改", "/deny"))


def test_texts_are_spoken_in_order_and_buttons_become_choices():
    reply = parse_bot_messages(
        [
            {"recipient_id": "call-x", "text": "好的。"},
            {"recipient_id": "call-x", "image": "https://example.org/a.png"},
            {
                "recipient_id": "call-x",
                "text": "信息对吗？",
                "buttons": [
                    {"title": "确认", "payload": "/affirm"},
                    {"title": "修改", "payload": "/deny"},
                ],
            },
        ]
    )
    assert reply.sentences == ("好的。", "信息对吗？")
    assert reply.buttons == BUTTONS
    assert reply.spoken[-2:] == ("确认，请说一，或按1键。", "修改，请说二，或按2键。")
    assert reply.question == ("信息对吗？", *reply.spoken[-2:])
    assert not reply.hangup


def test_custom_hangup_payload_ends_the_call():
    reply = parse_bot_messages([{"text": "感谢来电，再见。"}, {"custom": {"hangup": True}}])
    assert reply.hangup
    assert reply.sentences == ("感谢来电，再见。",)


@pytest.mark.parametrize("custom", [{"hangup": "yes"}, {"other": True}, "hangup"])
def test_other_custom_payloads_do_not_hang_up(custom):
    assert not parse_bot_messages([{"text": "好", "custom": custom}]).hangup


def test_garbage_messages_are_ignored():
    reply = parse_bot_messages([None, 3, {"text": None}, {"buttons": "x"}, {"text": "好的"}])
    assert reply.sentences == ("好的",)
    assert reply.buttons == ()


def test_question_without_question_mark_is_the_last_sentence():
    assert parse_bot_messages([{"text": "请说出地址。请说具体位置"}]).question == ("请说具体位置",)


@pytest.mark.parametrize(
    ("digits", "speech", "payload"),
    [
        ("1", "", "/affirm"),
        ("2", "", "/deny"),
        ("3", "", None),
        ("13800138000", "", None),
        ("", "一", "/affirm"),
        ("", "二。", "/deny"),
        ("", "第二个", "/deny"),
        ("", "我选1", "/affirm"),
        ("", "两", "/deny"),
        ("", "确认。", "/affirm"),
        ("", "三", None),
        ("", "地点不对，是二七区", None),
    ],
)
def test_keypad_and_spoken_choices_map_back_to_payloads(digits, speech, payload):
    button = choose_button(BUTTONS, digits=digits, speech=speech)
    assert (button.payload if button else None) == payload


def test_no_buttons_no_choice():
    assert choose_button((), digits="1") is None
