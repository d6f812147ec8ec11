"""Whole calls through the simulator with a scripted Rasa and a recording case store:
transfer to staff, 人工 / key 0, empty bot replies, status callbacks."""

import time

import pytest

from tests.voice_gateway.voice_support import (
    AUTH_TOKEN,
    LOCAL_BASE_URL,
    PUBLIC_BASE_URL,
    ScriptedRasa,
    sign,
)
from voice_gateway.call_state import call_sid_hash, conversation_id
from voice_gateway.simulate import simulate_call

TRANSFER = [
    {"text": "好的，正在为您转接人工服务，请稍候。"},
    {"custom": {"transfer": {"reason": "request_human"}}},
]
ASK_ADDRESS = [{"text": "收到。请问事情发生在哪里？"}]
CONFIRM = [
    {
        "text": "以上信息正确吗？",
        "buttons": [
            {"title": "正确，提交", "payload": "/affirm"},
            {"title": "需要修改", "payload": "/deny"},
        ],
    }
]
FILED = [{"text": "已为您登记，案件编号XF202611260001。请问还有其他问题吗？"}]


def rasa_with(*replies):
    return ScriptedRasa(list(replies))


@pytest.fixture
def rasa_servers():
    servers = []

    def make(*replies):
        server = rasa_with(*replies)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def call(client, utterances, **kwargs):
    return simulate_call(
        LOCAL_BASE_URL, AUTH_TOKEN, PUBLIC_BASE_URL, utterances, client=client, **kwargs
    )


def reports(casestore, count):
    return casestore.wait_for(count)


def test_caller_asks_for_a_person_and_nobody_answers(make_client, rasa_servers, casestore):
    rasa = rasa_servers(TRANSFER)
    client = make_client(rasa_url=rasa.url, voice_transfer_number="+8637112345678")
    transcript = call(client, ["转人工"], caller="+8613800138000")

    assert rasa.messages == ["/request_human"]
    text = str(transcript)
    assert "好的，正在为您转接人工服务，请稍候。" in transcript.bot_sentences
    assert "（转接人工：+8637112345678）" in text
    assert transcript.bot_sentences[-2:] == [
        "工作人员暂时都在忙，您反映的内容已经记录，我们会尽快给您回电。",
        "感谢您的来电，再见。",
    ]
    assert transcript.ended_by == "bot"
    paths = [hook.url.removeprefix(PUBLIC_BASE_URL) for hook in transcript.webhooks]
    assert paths[-1] == "/twilio/voice/dial-status"

    bodies = reports(casestore, 2)
    assert [(b["reason"], b["outcome"]) for b in bodies] == [
        ("request_human", "transferring"),
        ("request_human", "callback_needed"),
    ]
    first = bodies[0]
    assert first["conversation_id"] == conversation_id(transcript.call_sid)
    assert first["call_sid_hash"] == call_sid_hash(transcript.call_sid)
    assert first["caller"] == "+8613800138000"
    assert first["channel"] == "hotline"
    assert first["transfer_target"] == "number"
    assert bodies[1]["call_status"] == "no-answer"
    path, _, headers = casestore.requests[0]
    assert path == "/api/v1/handoffs"
    assert headers["Authorization"] == "Bearer test-service-token"
    assert headers["Idempotency-Key"] == first["event_id"]
    # Transfer settled: the final status callback reports no dropped complaint.
    assert len(casestore.wait_for(3, timeout_s=0.3)) == 2


def test_staff_answers_hears_the_whisper_and_the_call_ends(make_client, rasa_servers, casestore):
    rasa = rasa_servers(
        [
            {"text": "请您不要慌，马上为您转接工作人员。"},
            {"custom": {"transfer": {"reason": "emergency", "reference": "XF202611260001"}}},
        ]
    )
    client = make_client(rasa_url=rasa.url, voice_transfer_number="+8637112345678")
    transcript = call(client, ["燃气泄漏了"], dial_status="completed")

    text = str(transcript)
    assert "紧急情况，请优先处理。" in text
    assert "X F，二零二六，幺幺二六，零零零幺" in text
    assert "（来电人与工作人员通话，通话结束）" in text
    assert "工作人员暂时都在忙" not in text
    bodies = reports(casestore, 2)
    assert [(b["reason"], b["outcome"]) for b in bodies] == [
        ("emergency", "transferring"),
        ("emergency", "connected"),
    ]
    assert bodies[0]["reference"] == "XF202611260001"


def test_queue_transfer_plays_hold_then_falls_back(make_client, rasa_servers, casestore):
    rasa = rasa_servers(TRANSFER)
    client = make_client(rasa_url=rasa.url, voice_transfer_queue="xf-hotline")
    transcript = call(client, ["#0"])

    assert rasa.messages == ["/request_human"]
    said = transcript.bot_sentences
    assert "工作人员正在接听其他来电，请您稍候，不要挂机。" in said
    assert said[-1] == "感谢您的来电，再见。"
    assert "（转接人工：排队 xf-hotline）" in str(transcript)
    assert reports(casestore, 2)[1]["call_status"] == "leave"


def test_without_a_target_the_caller_is_told_and_the_bot_goes_on(
    make_client, rasa_servers, casestore
):
    rasa = rasa_servers(
        ASK_ADDRESS,
        [
            {"text": "好的，为您转接人工。"},
            {"custom": {"transfer": {"reason": "emergency"}}},
        ],
    )
    client = make_client(rasa_url=rasa.url)
    transcript = call(client, ["我要投诉噪音", "人工"])

    said = transcript.bot_sentences
    at = said.index("好的，为您转接人工。")
    assert said[at + 1 :] == [
        "如果情况紧急，请直接拨打幺幺零、幺幺九或幺二零。",
        "抱歉，现在暂时无法为您转接人工服务，已请工作人员稍后给您回电。",
        "我们先继续为您办理。",
        "请问事情发生在哪里？",
    ]
    assert transcript.ended_by == "caller"  # the script ran out while the bot was listening
    bodies = reports(casestore, 2)
    assert (bodies[0]["reason"], bodies[0]["outcome"], bodies[0]["transfer_target"]) == (
        "emergency",
        "callback_needed",
        "none",
    )
    # The caller then hung up mid-complaint: the status callback reports it for a callback.
    assert (bodies[1]["reason"], bodies[1]["partial"]) == ("dropped_call", True)


def test_key_zero_with_choices_is_a_person_and_one_is_the_first_choice(make_client, rasa_servers):
    rasa = rasa_servers(CONFIRM, CONFIRM, FILED)
    client = make_client(rasa_url=rasa.url)
    call(client, ["确认", "#0", "#1"])
    assert rasa.messages == ["确认", "/request_human", "/affirm"]


def test_an_empty_reply_apologises_and_repeats_the_question(make_client, rasa_servers, casestore):
    rasa = rasa_servers(ASK_ADDRESS, [], ASK_ADDRESS, [], [])
    client = make_client(rasa_url=rasa.url)
    transcript = call(client, ["我要投诉噪音", "金水区", "金水区花园路", "还在吗", "喂"])

    said = transcript.bot_sentences
    first = said.index("抱歉，系统刚才没有回应。")
    assert said[first + 1] == "请问事情发生在哪里？"
    # One good answer resets the count; two empty ones in a row end the call politely.
    assert said.count("抱歉，系统刚才没有回应。") == 2
    assert said[-3:] == [
        "非常抱歉，系统暂时无法为您办理。",
        "我们已记下您的来电，工作人员会尽快给您回电。",
        "感谢您的来电，再见。",
    ]
    assert transcript.ended_by == "bot"
    assert rasa.messages == ["我要投诉噪音", "金水区", "金水区花园路", "还在吗", "喂"]
    body = reports(casestore, 1)[0]
    assert (body["reason"], body["outcome"]) == ("bot_unavailable", "callback_needed")


def test_two_empty_replies_with_a_target_put_the_caller_through(
    make_client, rasa_servers, casestore
):
    rasa = rasa_servers([], [])
    client = make_client(rasa_url=rasa.url, voice_transfer_sip="sip:staff@pbx.example")
    transcript = call(client, ["我要投诉噪音", "喂"])
    said = transcript.bot_sentences
    assert "正在为您转接人工服务，请稍候。" in said
    assert "（转接人工：sip:staff@pbx.example?X-Xf-Conversation=" in str(transcript)
    assert reports(casestore, 1)[0]["reason"] == "bot_unavailable"


def test_rasa_down_with_a_target_transfers_instead_of_hanging_up(
    make_client, closed_port_url, casestore
):
    client = make_client(
        rasa_url=closed_port_url,
        voice_max_rasa_retries=1,
        voice_transfer_number="+8637112345678",
    )
    transcript = call(client, ["我要投诉"])
    assert "非常抱歉，系统暂时无法处理您的来电。" in transcript.bot_sentences
    assert "（转接人工：+8637112345678）" in str(transcript)
    assert reports(casestore, 1)[0]["reason"] == "bot_unavailable"


def post(client, path, sid, **extra):
    params = {"CallSid": sid, "From": "+8613800138000", **extra}
    return client.post(path, data=params, headers=sign(PUBLIC_BASE_URL + path, params))


def test_call_dropped_mid_complaint_is_reported_with_its_status(
    make_client, rasa_servers, casestore
):
    rasa = rasa_servers(ASK_ADDRESS)
    client = make_client(rasa_url=rasa.url)
    sid = "CA" + "5" * 32
    post(client, "/twilio/voice/incoming", sid)
    post(client, "/twilio/voice/gather", sid, SpeechResult="我要投诉工地噪音")
    post(client, "/twilio/voice/status", sid, CallStatus="completed", CallDuration="42")

    body = reports(casestore, 1)[0]
    assert body == {
        "event_id": body["event_id"],
        "conversation_id": conversation_id(sid),
        "call_sid_hash": call_sid_hash(sid),
        "reason": "dropped_call",
        "outcome": "callback_needed",
        "channel": "hotline",
        "caller": "+8613800138000",
        "reference": None,
        "transfer_target": None,
        "call_status": "completed",
        "partial": True,
        "occurred_at": body["occurred_at"],
    }
    entries = client.app.state.call_flow.call_log.get(conversation_id(sid))
    assert [(e.status, e.duration_s, e.caller) for e in entries] == [
        ("completed", 42, "861****8000")
    ]


def test_call_ended_after_the_case_number_is_not_a_dropped_complaint(
    make_client, rasa_servers, casestore
):
    rasa = rasa_servers(FILED)
    client = make_client(rasa_url=rasa.url)
    sid = "CA" + "6" * 32
    post(client, "/twilio/voice/incoming", sid)
    post(client, "/twilio/voice/gather", sid, SpeechResult="对")
    post(client, "/twilio/voice/status", sid, CallStatus="completed")
    time.sleep(0.3)
    assert casestore.requests == []


@pytest.mark.parametrize("status", ["busy", "failed", "no-answer", "canceled", "completed"])
def test_every_final_status_is_recorded(make_client, casestore, status):
    client = make_client()
    sid = "CA" + "7" * 32
    assert post(client, "/twilio/voice/status", sid, CallStatus=status).status_code == 200
    log = client.app.state.call_flow.call_log
    assert [e.status for e in log.get(conversation_id(sid))] == [status]
    time.sleep(0.1)
    assert casestore.requests == []  # nothing was said: no complaint to call back about


def test_call_log_is_bounded():
    from voice_gateway.call_log import CallLog

    log = CallLog(max_calls=3, max_entries_per_call=2)
    for n in range(5):
        for status in ("ringing", "in-progress", "completed"):
            log.record(f"call-{n}", status, "", "+8613800138000")
    assert len(log) == 3
    assert log.get("call-0") == []
    assert [e.status for e in log.get("call-4")] == ["in-progress", "completed"]


def test_case_store_down_never_slows_a_webhook(make_client, rasa_servers, hanging_rasa):
    rasa = rasa_servers(TRANSFER)
    # A case store that accepts connections and never answers.
    client = make_client(
        rasa_url=rasa.url,
        casestore_url=hanging_rasa.url,
        voice_transfer_number="+8637112345678",
    )
    transcript = call(client, ["转人工"])
    assert transcript.ended_by == "bot"
    assert max(hook.seconds for hook in transcript.webhooks) < 1.0


def test_a_bare_transfer_payload_still_tells_the_caller(make_client, rasa_servers):
    rasa = rasa_servers([{"custom": {"transfer": {"reason": "misunderstood"}}}])
    client = make_client(rasa_url=rasa.url, voice_transfer_queue="xf-hotline")
    transcript = call(client, ["嗯嗯啊啊"], dial_status="completed")
    assert transcript.bot_sentences[3] == "正在为您转接人工服务，请稍候。"
