"""Only webhooks Twilio signed get through; everything else is 403 and never reaches Rasa."""

import pytest

from tests.voice_gateway.voice_support import PUBLIC_BASE_URL, sign

ENTRY = "/twilio/voice/incoming"
PARAMS = {
    "CallSid": "CA" + "1" * 32,
    "From": "+8613800138000",
    "To": "+8637112345000",
    "CallStatus": "in-progress",
    "SpeechResult": "我要投诉工地噪音",
}


@pytest.fixture
def client(make_client, hanging_rasa):
    return make_client(rasa_url=hanging_rasa.url)


def test_signed_entry_webhook_is_answered_with_twiml(client):
    response = client.post(ENTRY, data=PARAMS, headers=sign(PUBLIC_BASE_URL + ENTRY, PARAMS))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert "<Gather" in response.text


def test_query_string_is_part_of_the_signed_url(client):
    url = PUBLIC_BASE_URL + ENTRY + "?tenant=zz"
    response = client.post(ENTRY + "?tenant=zz", data=PARAMS, headers=sign(url, PARAMS))
    assert response.status_code == 200
    unsigned_query = client.post(
        ENTRY + "?tenant=zz", data=PARAMS, headers=sign(PUBLIC_BASE_URL + ENTRY, PARAMS)
    )
    assert unsigned_query.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/twilio/voice/incoming",
        "/twilio/voice/gather",
        "/twilio/voice/retry",
        "/twilio/voice/no-input",
        "/twilio/voice/status",
        "/twilio/voice/dial-status",
        "/twilio/voice/whisper",
        "/twilio/voice/whisper?conversation=call-0123456789abcdef&reason=emergency",
        "/twilio/voice/hold",
    ],
)
@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"X-Twilio-Signature": ""}, id="empty"),
        pytest.param({"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}, id="garbage"),
        pytest.param(
            sign(PUBLIC_BASE_URL + "/twilio/voice/gather", PARAMS, "other-token"),
            id="wrong-token",
        ),
        pytest.param(
            sign("https://evil.example.net/twilio/voice/gather", PARAMS),
            id="other-host",
        ),
        pytest.param(sign(PUBLIC_BASE_URL + "/twilio/voice/other", PARAMS), id="other-path"),
        pytest.param(
            sign(
                PUBLIC_BASE_URL + "/twilio/voice/gather",
                {**PARAMS, "SpeechResult": "x"},
            ),
            id="tampered",
        ),
    ],
)
def test_bad_signatures_get_403_and_rasa_is_never_called(
    client, hanging_rasa, casestore, path, headers
):
    response = client.post(path, data=PARAMS, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "请求签名无效，已拒绝。"}
    assert hanging_rasa.connections == 0
    assert casestore.requests == []


@pytest.mark.parametrize(
    "path", ["/twilio/voice/dial-status", "/twilio/voice/hold", "/twilio/voice/status"]
)
def test_new_endpoints_answer_when_signed(client, path):
    params = {**PARAMS, "DialCallStatus": "no-answer", "QueueTime": "5"}
    response = client.post(path, data=params, headers=sign(PUBLIC_BASE_URL + path, params))
    assert response.status_code == 200
    assert response.text.startswith("<?xml")


def test_whisper_query_is_covered_by_the_signature(client):
    path = "/twilio/voice/whisper"
    query = "conversation=call-0123456789abcdef&reason=emergency"
    signed = client.post(
        f"{path}?{query}", data=PARAMS, headers=sign(f"{PUBLIC_BASE_URL}{path}?{query}", PARAMS)
    )
    assert signed.status_code == 200
    assert "紧急" in signed.text
    forged = client.post(
        f"{path}?conversation=call-ffffffffffffffff&reason=emergency",
        data=PARAMS,
        headers=sign(f"{PUBLIC_BASE_URL}{path}?{query}", PARAMS),
    )
    assert forged.status_code == 403


def test_gather_signed_for_the_local_url_is_rejected(client, hanging_rasa):
    """Twilio signs the public URL; a signature over the internal address is not Twilio's."""
    path = "/twilio/voice/gather"
    response = client.post(path, data=PARAMS, headers=sign("http://testserver" + path, PARAMS))
    assert response.status_code == 403
    assert hanging_rasa.connections == 0


def test_signed_webhook_without_callsid_is_a_clear_422(client):
    params = {"From": "+8613800138000"}
    response = client.post(ENTRY, data=params, headers=sign(PUBLIC_BASE_URL + ENTRY, params))
    assert response.status_code == 422
    assert response.json() == {"detail": "缺少通话标识 CallSid。"}


def test_json_body_is_rejected_like_a_forgery(client, hanging_rasa):
    response = client.post(ENTRY, json=PARAMS, headers=sign(PUBLIC_BASE_URL + ENTRY, PARAMS))
    assert response.status_code == 403
    assert hanging_rasa.connections == 0
