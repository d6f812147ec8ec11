"""Whole webhooks through the simulator, with Rasa down, hung, or never needed."""

import json
import time

import pytest

from tests.voice_gateway.voice_support import (
    AUTH_TOKEN,
    LOCAL_BASE_URL,
    PUBLIC_BASE_URL,
    HangingServer,
    sign,
)
from voice_gateway.call_state import conversation_id
from voice_gateway.simulate import simulate_call


def call(client, utterances, **kwargs):
    return simulate_call(
        LOCAL_BASE_URL, AUTH_TOKEN, PUBLIC_BASE_URL, utterances, client=client, **kwargs
    )


def test_rasa_down_caller_hears_please_wait_then_an_apology_never_a_500(
    make_client, closed_port_url
):
    client = make_client(rasa_url=closed_port_url, voice_max_rasa_retries=2)
    transcript = call(client, ["我要投诉工地噪音"])

    assert transcript.ended_by == "bot"
    assert all(hook.status_code == 200 for hook in transcript.webhooks)
    said = transcript.bot_sentences
    assert "请稍候。" in said
    assert any("非常抱歉" in s for s in said)
    assert said[-1].endswith("再见。")
    paths = [hook.url.removeprefix(PUBLIC_BASE_URL) for hook in transcript.webhooks]
    assert paths == [
        "/twilio/voice/incoming",
        "/twilio/voice/gather",
        "/twilio/voice/retry",
        "/twilio/voice/retry",
    ]
    assert max(hook.seconds for hook in transcript.webhooks) < 3.0


def test_hung_rasa_is_answered_within_the_deadline_and_not_sent_twice(make_client, hanging_rasa):
    client = make_client(
        rasa_url=hanging_rasa.url, voice_reply_deadline_s=0.5, voice_max_rasa_retries=2
    )
    transcript = call(client, ["我要投诉金水区工地噪音"], caller="+8613800138000")

    gather_and_retries = transcript.webhooks[1:]
    assert len(gather_and_retries) == 3
    for hook in gather_and_retries:
        assert 0.4 < hook.seconds < 2.0
    assert transcript.bot_sentences.count("请稍候。") == 1
    assert "正在为您处理，请再稍候。" in transcript.bot_sentences
    assert transcript.ended_by == "bot"
    # The one request in flight was awaited on each retry, not re-sent.
    assert hanging_rasa.connections == 1
    body = json.loads(hanging_rasa.requests[0])
    assert body == {
        "sender": conversation_id(transcript.call_sid),
        "message": "我要投诉金水区工地噪音",
        "metadata": {
            "channel": "hotline",
            "caller": "+8613800138000",
            "call_sid": transcript.call_sid,
        },
    }
    assert body["sender"].startswith("call-")
    assert "13800138000" not in body["sender"]


def test_failed_request_is_resent_with_the_same_words(make_client):
    port_holder = HangingServer()
    port = port_holder.port
    port_holder.close()  # Rasa is down when the caller speaks...
    client = make_client(rasa_url=f"http://127.0.0.1:{port}", voice_max_rasa_retries=3)
    sid = "CA" + "2" * 32

    def post(path, **extra):
        params = {"CallSid": sid, "From": "+8613800138000", **extra}
        return client.post(path, data=params, headers=sign(PUBLIC_BASE_URL + path, params))

    assert post("/twilio/voice/incoming").status_code == 200
    first = post("/twilio/voice/gather", SpeechResult="楼下饭店油烟太大")
    assert "请稍候" in first.text
    assert "/twilio/voice/retry" in first.text

    rasa = HangingServer(port)  # ...and back (but slow) when Twilio comes back to retry
    try:
        second = post("/twilio/voice/retry")
        assert "稍候" in second.text
        deadline = time.monotonic() + 2
        while not rasa.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert json.loads(rasa.requests[0])["message"] == "楼下饭店油烟太大"
    finally:
        rasa.close()


def test_no_input_ladder_reprompts_then_offers_a_person_then_says_goodbye(
    make_client, hanging_rasa
):
    client = make_client(rasa_url=hanging_rasa.url)
    transcript = call(client, ["<silence>", "<silence>", "<silence>"])

    said = transcript.bot_sentences
    assert said[:3] == [
        "您好，这里是郑州市幺二三四五政务服务热线智能助手。",
        "本次通话将被录音。",
        "请简要说出您要反映的问题。",
    ]
    assert said[3:5] == ["不好意思，没有听到您说话。", "请简要说出您要反映的问题。"]
    assert said[5:7] == ["如需人工服务，请说“人工”或按0键。", "请简要说出您要反映的问题。"]
    assert said[-1] == "再见。"
    assert any("再次拨打幺二三四五" in s for s in said)
    assert transcript.ended_by == "bot"
    assert hanging_rasa.connections == 0


def test_no_input_reprompts_setting_one_means_one_reprompt_then_goodbye(make_client, hanging_rasa):
    client = make_client(rasa_url=hanging_rasa.url, voice_no_input_reprompts=1)
    said = call(client, ["<silence>", "<silence>"]).bot_sentences
    assert said[3:5] == ["不好意思，没有听到您说话。", "请简要说出您要反映的问题。"]
    assert not any("人工" in s for s in said)
    assert said[-1] == "再见。"


def test_speech_after_a_silence_resets_the_count(make_client, hanging_rasa):
    client = make_client(rasa_url=hanging_rasa.url, voice_max_rasa_retries=1)
    transcript = call(client, ["<silence>", "我要投诉", "<silence>"])
    assert hanging_rasa.connections == 1
    assert "不好意思，没有听到您说话。" in transcript.bot_sentences


def test_unrecognised_speech_asks_again(make_client, hanging_rasa):
    client = make_client(rasa_url=hanging_rasa.url)
    path = "/twilio/voice/gather"
    params = {"CallSid": "CA" + "3" * 32, "SpeechResult": "  ", "Digits": ""}
    response = client.post(path, data=params, headers=sign(PUBLIC_BASE_URL + path, params))
    assert response.status_code == 200
    assert "抱歉，我没有听清，请您再说一遍。" in response.text
    assert "<Gather" in response.text
    assert hanging_rasa.connections == 0


def test_unexpected_failure_still_gets_a_spoken_apology(make_client, monkeypatch):
    client = make_client()

    def broken(_call):
        raise RuntimeError("boom")

    monkeypatch.setattr(client.app.state.call_flow, "incoming", broken)
    transcript = call(client, [])
    assert transcript.webhooks[0].status_code == 200
    assert transcript.bot_sentences[0] == "非常抱歉，系统出现了故障。"
    assert transcript.ended_by == "bot"


def test_status_callback_forgets_the_call(make_client):
    client = make_client()
    store = client.app.state.call_flow._store
    transcript = call(client, ["<silence>"])  # the simulator hangs up, then posts completed
    assert transcript.ended_by == "caller"
    assert len(store) == 0


@pytest.mark.parametrize("bad", ["wrong-token"])
def test_simulator_against_wrong_token_ends_with_error(make_client, bad):
    client = make_client()
    transcript = simulate_call(LOCAL_BASE_URL, bad, PUBLIC_BASE_URL, ["你好"], client=client)
    assert transcript.ended_by == "error"
    assert transcript.webhooks[0].status_code == 403
