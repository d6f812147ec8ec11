"""Writes rasa_events_sample.json: broker messages made by Rasa 3.6's own event classes.

Run once in the Rasa environment (not a test; the svc environment has no Rasa):
    RASA_TELEMETRY_ENABLED=false .venv/rasa/bin/python tests/casestore/rasa_events_sample_gen.py
Each message is what ``TrackerStore._stream_new_events`` publishes:
``json.dumps({"sender_id": …, **event.as_dict()})``. The expected figures of each
conversation sit next to its messages.
"""

import json
from pathlib import Path

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)

T0 = 1_780_000_000.0  # shifted by the tests to "now"
clock = [T0]


def t(step=1.5):
    clock[0] += step
    return round(clock[0], 6)


def user(text, intent, conf, channel, entities=(), metadata=None):
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": conf},
        "entities": list(entities),
        "intent_ranking": [{"name": intent, "confidence": conf}],
        "category": {"name": "城乡建设", "confidence": 0.8, "ranking": []},
    }
    return UserUttered(
        text,
        parse["intent"],
        list(entities),
        parse,
        timestamp=t(),
        input_channel=channel,
        message_id=f"m{int(clock[0] * 1000)}",
        metadata=metadata or {},
    )


def act(name, policy="RulePolicy", conf=1.0):
    return ActionExecuted(name, policy=policy, confidence=conf, timestamp=t(0.2))


def start():
    return [act("action_session_start"), SessionStarted(timestamp=t(0.01)), act("action_listen")]


convs = []
# 1. web chat, case registered, no hand-off (contained)
web = "0f3c9e1a6b2d4e7f8a9b0c1d2e3f4a5b"
ev = start() + [
    user(
        "我要投诉，金水区花园路街道有个工地半夜还在施工，我电话13812345678",
        "file_complaint",
        0.97,
        "socketio",
        [
            {
                "entity": "phone_number",
                "value": "13812345678",
                "start": 30,
                "end": 41,
                "extractor": "RegexEntityExtractor",
            },
            {
                "entity": "district",
                "value": "金水区",
                "start": 5,
                "end": 8,
                "extractor": "GazetteerEntityExtractor",
            },
        ],
    ),
    act("action_capture_complaint"),
    SlotSet("description", "我要投诉，金水区花园路街道有个工地半夜还在施工", timestamp=t(0.01)),
    SlotSet("phone_number", "13812345678", timestamp=t(0.01)),
    act("complaint_form"),
    ActiveLoop("complaint_form", timestamp=t(0.01)),
    SlotSet("requested_slot", "person_name", timestamp=t(0.01)),
    BotUttered(
        "请问您怎么称呼？",
        {
            "elements": None,
            "quick_replies": None,
            "buttons": None,
            "attachment": None,
            "image": None,
            "custom": None,
        },
        {"utter_action": "utter_ask_person_name"},
        timestamp=t(0.1),
    ),
    act("action_listen"),
    user(
        "我叫张三",
        "inform",
        0.91,
        "socketio",
        [{"entity": "person_name", "value": "张三", "start": 2, "end": 4}],
    ),
    act("complaint_form"),
    SlotSet("person_name", "张三", timestamp=t(0.01)),
    ActiveLoop(None, timestamp=t(0.01)),
    act("action_confirm_summary"),
    BotUttered(
        "您反映的是……对吗？",
        {"buttons": [{"title": "对，提交", "payload": "/affirm"}]},
        {},
        timestamp=t(0.1),
    ),
    act("action_listen"),
    user("对", "affirm", 0.99, "socketio"),
    act("action_submit_complaint"),
    BotUttered("已登记，编号XF202611260001，查询码123456", {"custom": None}, {}, timestamp=t(0.1)),
    SlotSet("description", None, timestamp=t(0.01)),
    act("action_listen"),
]
convs.append(
    {
        "sender_id": web,
        "expect": {
            "channel": "web_chat",
            "user_turns": 3,
            "submitted": True,
            "handoff": False,
            "fallbacks": 0,
        },
        "events": ev,
    }
)

# 2. phone call: the caller asks for a person (hand-off by transfer)
call = "call-6f1e0c2b9a8d7e6f"
clock[0] += 200
ev = start() + [
    user(
        "幺三八幺二三四五六七八 我要找人工",
        "request_human",
        0.88,
        "rest",
        [],
        {"caller": "+8613812345678"},
    ),
    act("action_handoff"),
    BotUttered("好的，正在为您转接人工坐席，请稍候。", {}, {}, timestamp=t(0.1)),
    BotUttered(None, {"custom": {"transfer": {"reason": "request_human"}}}, {}, timestamp=t(0.1)),
    act("action_listen"),
]
convs.append(
    {
        "sender_id": call,
        "expect": {
            "channel": "hotline",
            "user_turns": 1,
            "submitted": False,
            "handoff": True,
            "fallbacks": 0,
        },
        "events": ev,
    }
)

# 3. web chat: two misunderstandings, staff takes over (pause/resume)
web2 = "a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2"
clock[0] += 100
ev = start() + [
    user("😀😀", "nlu_fallback", 1.0, "socketio"),
    act("action_handle_fallback"),
    BotUttered("我只能看懂文字", {}, {}, timestamp=t(0.1)),
    act("action_listen"),
    user("asdf qwer", "nlu_fallback", 0.42, "socketio"),
    act("action_handle_fallback"),
    UserUtteranceReverted(timestamp=t(0.01)),
    act("action_listen"),
    ConversationPaused(timestamp=t(20)),
    BotUttered("您好，我是工作人员", {"custom": {"staff": "city.operator"}}, {}, timestamp=t(5)),
    user("路灯坏了", "file_complaint", 0.77, "socketio"),
    ConversationResumed(timestamp=t(30)),
    act("action_handback"),
    act("action_listen"),
]
convs.append(
    {
        "sender_id": web2,
        "expect": {
            "channel": "web_chat",
            "user_turns": 3,
            "submitted": False,
            "handoff": True,
            "fallbacks": 2,
        },
        "events": ev,
    }
)

# 4. the first citizen comes back later: a new session of the same sender
clock[0] += 3 * 3600
ev = start() + [
    user(
        "查询 XF202611260001",
        "query_case",
        0.95,
        "socketio",
        [{"entity": "case_number", "value": "XF202611260001"}],
    ),
    act("case_lookup_form"),
    ActiveLoop("case_lookup_form", timestamp=t(0.01)),
    act("action_listen"),
]
convs.append(
    {
        "sender_id": web,
        "expect": {
            "channel": "web_chat",
            "user_turns": 1,
            "submitted": False,
            "handoff": False,
            "fallbacks": 0,
        },
        "events": ev,
    }
)

out = {
    "about": "Rasa 3.6.21 tracker-store broker messages ({'sender_id': …, **event.as_dict()}), "
    "made once with rasa.shared.core.events; timestamps are shifted by the tests.",
    "conversations": [
        {
            "sender_id": c["sender_id"],
            "expect": c["expect"],
            "messages": [
                json.dumps({"sender_id": c["sender_id"], **e.as_dict()}, ensure_ascii=True)
                for e in c["events"]
            ],
        }
        for c in convs
    ],
}
Path(__file__).with_name("rasa_events_sample.json").write_text(
    json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
)
