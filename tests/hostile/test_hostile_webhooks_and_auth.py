"""Hostile callers against the real services, in-process.

What tests/voice_gateway/test_voice_signature.py, tests/casestore/test_casestore_bad_input.py
and test_casestore_authorization.py already cover is not repeated; this adds replayed and
re-pointed Twilio webhooks, bodies a parser chokes on, values the database refuses, forged
staff tokens, probing across units and the look-up attempt limits seen over HTTP.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from casestore.auth.models import AuditEntry
from casestore.auth.tokens import AUDIENCE
from tests.casestore.casestore_support import (
    AUTH,
    FENGCHANLU,
    GUANCHENG,
    HUAYUANLU,
    JINSHUI,
    MakeClient,
    MakeSettings,
    case_body,
    create_case,
    force_case,
    load_case,
    services_of,
    staff_headers,
)
from tests.voice_gateway.voice_support import (
    AUTH_TOKEN,
    LOCAL_BASE_URL,
    PUBLIC_BASE_URL,
    HangingServer,
    JsonServer,
    ScriptedRasa,
    sign,
)
from voice_gateway.main import create_app as create_voice_app
from voice_gateway.settings import Settings as VoiceSettings

CHINESE = re.compile(r"[\u4e00-\u9fff]")
GATHER = "/twilio/voice/gather"
CALL = {
    "CallSid": "CA" + "7" * 32,
    "From": "+8613800138000",
    "To": "+8637112345000",
    "CallStatus": "in-progress",
    "SpeechResult": "我要查询案件",
}


def refused_in_chinese(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert CHINESE.search(body["detail"]), body
    assert "Traceback" not in response.text
    return body


# ---- voice gateway: forged and replayed webhooks ----------------------------------------


@pytest.fixture
def casestore_stub() -> Iterator[JsonServer]:
    server = JsonServer()
    yield server
    server.close()


def _voice_client(tmp_path: Path, casestore: JsonServer, rasa_url: str) -> TestClient:
    settings = VoiceSettings(
        casestore_url=casestore.url,
        casestore_service_token=SecretStr("test-service-token"),
        xf_env="development",
        twilio_auth_token=SecretStr(AUTH_TOKEN),
        voice_public_base_url=PUBLIC_BASE_URL,
        rasa_url=rasa_url,
        rasa_timeout_s=5.0,
        voice_reply_deadline_s=0.5,
        gazetteer_file=tmp_path / "no-gazetteer.json",
    )
    return TestClient(create_voice_app(settings), base_url=LOCAL_BASE_URL)


@pytest.fixture
def hanging_rasa() -> Iterator[HangingServer]:
    server = HangingServer()
    yield server
    server.close()


@pytest.fixture
def voice(
    tmp_path: Path, casestore_stub: JsonServer, hanging_rasa: HangingServer
) -> Iterator[TestClient]:
    with _voice_client(tmp_path, casestore_stub, hanging_rasa.url) as client:
        yield client


def _sha256_signature(url: str, params: dict[str, str]) -> str:
    payload = url + "".join(k + params[k] for k in sorted(params))
    digest = hmac.new(AUTH_TOKEN.encode(), payload.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _assert_nothing_got_through(
    response: Any, hanging_rasa: HangingServer, casestore: JsonServer
) -> None:
    assert response.status_code == 403, response.text
    assert response.json() == {"detail": "请求签名无效，已拒绝。"}
    assert hanging_rasa.connections == 0
    assert casestore.requests == []


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        pytest.param(GATHER, [*CALL.items(), ("Digits", "0")], id="param-added"),
        pytest.param(GATHER, [*CALL.items(), ("SpeechResult", "转人工")], id="param-repeated"),
        pytest.param(GATHER, [(k, v) for k, v in CALL.items() if k != "From"], id="param-dropped"),
        pytest.param(GATHER, [*{**CALL, "CallSid": "CA" + "8" * 32}.items()], id="other-call"),
        pytest.param("/twilio/voice/status", [*CALL.items()], id="other-endpoint"),
        pytest.param(GATHER + "?retry=1", [*CALL.items()], id="query-added"),
    ],
)
def test_a_captured_webhook_replayed_with_changes_is_refused(
    voice: TestClient,
    hanging_rasa: HangingServer,
    casestore_stub: JsonServer,
    path: str,
    fields: list[tuple[str, str]],
) -> None:
    """The signature of a real /gather request, sent again with something changed."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **sign(PUBLIC_BASE_URL + GATHER, CALL),
    }
    response = voice.post(path, content=urlencode(fields).encode(), headers=headers)
    _assert_nothing_got_through(response, hanging_rasa, casestore_stub)


def test_the_captured_webhook_itself_is_answered(voice: TestClient) -> None:
    """Sent unchanged, the same signature passes: the refusals above are about the change."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **sign(PUBLIC_BASE_URL + GATHER, CALL),
    }
    response = voice.post(GATHER, content=urlencode([*CALL.items()]).encode(), headers=headers)
    assert response.status_code == 200, response.text
    assert response.text.startswith("<?xml")


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(
            {
                **sign(PUBLIC_BASE_URL + GATHER, CALL),
                "X-Twilio-Webhooks-Signature-Settings": "key=k1,algorithm=HMAC_SHA256",
            },
            id="sha1-signature-claimed-as-sha256",
        ),
        pytest.param(
            {
                "X-Twilio-Signature": "",
                "X-Twilio-Webhooks-Signature-Settings": "algorithm=none",
            },
            id="algorithm-none",
        ),
        pytest.param(
            {
                **sign(PUBLIC_BASE_URL + GATHER, CALL),
                "X-Twilio-Webhooks-Signature-Settings": "algorithm=MD5",
            },
            id="unknown-algorithm",
        ),
        pytest.param(
            sign(PUBLIC_BASE_URL.replace("https://", "http://") + GATHER, CALL), id="http-scheme"
        ),
    ],
)
def test_the_signature_settings_header_cannot_weaken_the_check(
    voice: TestClient,
    hanging_rasa: HangingServer,
    casestore_stub: JsonServer,
    headers: dict[str, str],
) -> None:
    response = voice.post(GATHER, data=CALL, headers=headers)
    _assert_nothing_got_through(response, hanging_rasa, casestore_stub)


def test_a_real_sha256_signature_is_accepted(voice: TestClient) -> None:
    """The header is honoured when the signature really is HMAC-SHA256 (so the refusals above
    are about the forgery, not about the header)."""
    headers = {
        "X-Twilio-Signature": _sha256_signature(PUBLIC_BASE_URL + "/twilio/voice/incoming", CALL),
        "X-Twilio-Webhooks-Signature-Settings": "key=k1,algorithm=HMAC_SHA256",
    }
    response = voice.post("/twilio/voice/incoming", data=CALL, headers=headers)
    assert response.status_code == 200, response.text
    assert "<Gather" in response.text


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        pytest.param(
            b"CallSid=CA1&SpeechResult=" + b"x" * (5 * 1024 * 1024),
            "application/x-www-form-urlencoded",
            id="5MB-form",
        ),
        pytest.param(
            b"CallSid=CA1&SpeechResult=%FF%FE%C3%28",
            "application/x-www-form-urlencoded",
            id="bad-utf8",
        ),
        pytest.param(
            b"CallSid=CA1&SpeechResult=\xff\xfe",
            "application/x-www-form-urlencoded",
            id="raw-bytes",
        ),
        pytest.param(
            b"--b\r\nContent-Disposition: form-data; name=CallSid\r\n\r\nCA1\r\n",
            "multipart/form-data; boundary=b",
            id="truncated-multipart",
        ),
        pytest.param(
            b"--b\r\nContent-Disposition: form-data; name=f; filename=a.wav\r\n\r\n"
            + b"\0" * (2 * 1024 * 1024)
            + b"\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
            id="2MB-file",
        ),
        pytest.param(b"<Call/>", "application/xml", id="xml"),
    ],
)
def test_oversized_or_malformed_webhook_bodies_are_refused_not_crashed(
    voice: TestClient,
    hanging_rasa: HangingServer,
    casestore_stub: JsonServer,
    content: bytes,
    content_type: str,
) -> None:
    headers = {"Content-Type": content_type, **sign(PUBLIC_BASE_URL + GATHER, CALL)}
    response = voice.post(GATHER, content=content, headers=headers)
    _assert_nothing_got_through(response, hanging_rasa, casestore_stub)


def test_bot_text_cannot_inject_twiml(tmp_path: Path, casestore_stub: JsonServer) -> None:
    """Whatever the bot says (it may echo the caller) is spoken text, never TwiML verbs."""
    hostile = "A&B <Dial>+19005550100</Dial> ]]> \"' </Say><Hangup/><Say>"
    rasa = ScriptedRasa([[{"text": hostile}, {"text": "请问还有什么可以帮您？"}]])
    try:
        with _voice_client(tmp_path, casestore_stub, rasa.url) as client:
            params = {**CALL, "SpeechResult": "<Dial>110</Dial> & 查询"}
            response = client.post(
                GATHER, data=params, headers=sign(PUBLIC_BASE_URL + GATHER, params)
            )
    finally:
        rasa.close()
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.text)
    tags = {element.tag for element in root.iter()}
    assert "Dial" not in tags and "Hangup" not in tags, response.text
    spoken = " ".join(element.text or "" for element in root.iter("Say"))
    assert "A&B <Dial>" in spoken and "</Say><Hangup/><Say>" in spoken  # said, not obeyed
    assert rasa.messages == ["<Dial>110</Dial> & 查询"]


# ---- case store: bodies and values that break parsers or the database --------------------


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", 400, id="deep-list"),
        pytest.param(
            b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json", 400, id="deep-object"
        ),
        pytest.param(
            b'{"description": "\xff\xfe\xc3\x28"}', "application/json", 400, id="bad-utf8"
        ),
        pytest.param(b'{"description": "x"}', "text/plain", 422, id="text-plain"),
        pytest.param(b"<case/>", "application/xml", 422, id="xml"),
        pytest.param(
            b"--b\r\nContent-Disposition: form-data; name=f; filename=a\r\n\r\nx\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
            422,
            id="multipart",
        ),
    ],
)
def test_bodies_a_parser_chokes_on_get_a_chinese_4xx(
    client: TestClient, content: bytes, content_type: str, status: int
) -> None:
    response = client.post(
        "/api/v1/cases", content=content, headers={**AUTH, "Content-Type": content_type}
    )
    refused_in_chinese(response, status)
    assert client.get("/api/v1/cases", headers=AUTH).json()["total"] == 0


def test_a_5mb_description_is_refused_without_echo(client: TestClient) -> None:
    body = case_body(description="字" * (5 * 1024 * 1024 // 3))
    response = client.post("/api/v1/cases", json=body, headers=AUTH)
    detail = refused_in_chinese(response, 422)["detail"]
    assert "20000" in detail
    assert len(response.content) < 2_000  # the input is never echoed back
    listed = client.get("/api/v1/cases", headers=AUTH).json()
    assert listed["total"] == 0


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/api/v1/cases?offset=9223372036854775808", "service"),
        ("/api/v1/handoffs?offset=9223372036854775808", "service"),
        ("/api/v1/staff/handoffs/99999999999999999999999", "staff"),
        ("/api/v1/staff/cases/XF%00", "staff"),
        ("/api/v1/staff/cases?category=%00&district=%00", "staff"),
        ("/open311/v2/requests.json?service_code=%00", "none"),
        ("/open311/v2/requests/%00.json", "none"),
    ],
)
def test_values_the_database_refuses_are_not_server_errors(
    client: TestClient, path: str, who: str
) -> None:
    """Regression: a huge integer (SQLite OverflowError, PostgreSQL bigint) or a NUL character
    (PostgreSQL text) in a path or query used to be a 500."""
    headers = {
        "service": AUTH,
        "staff": staff_headers(client, "probe-admin", "admin", "410100"),
        "none": {},
    }[who]
    response = client.get(path, headers=headers)
    assert response.status_code < 500, response.text
    if response.status_code == 422 and not path.startswith("/open311"):
        refused_in_chinese(response, 422)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("start_date=2026-01-01", 200),  # no offset: read in the case time zone (was a 500)
        ("start_date=2026-01-01T00:00:00&end_date=2099-01-01T00:00:00Z", 200),
        ("start_date=0001-01-01T00:00:00%2B14:00", 400),  # was a 500 (overflow)
        ("end_date=9999-12-31T23:59:59-14:00", 400),
        ("end_date=0001-01-02T00:00:00Z", 400),  # the default window would start before year 1
    ],
)
def test_open311_dates_are_read_or_refused(client: TestClient, query: str, status: int) -> None:
    number = create_case(client)["number"]
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == status, response.text
    if status == 200:
        assert number in {r["service_request_id"] for r in response.json()}
    else:
        assert response.json()[0]["code"] == 400
        assert "超出范围" in response.json()[0]["description"]


def test_open311_deeply_nested_json_is_a_400(client: TestClient) -> None:
    response = client.post(
        "/open311/v2/requests.json",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json() == [{"code": 400, "description": "请求体不是合法的 JSON"}]


def test_a_login_with_a_nul_character_is_refused_and_audited(
    make_settings: MakeSettings, make_client: MakeClient
) -> None:
    client = make_client(make_settings(casestore_demo_staff=True, casestore_demo_password="pw-1"))
    response = client.post("/api/v1/auth/token", data={"username": "ad\x00min", "password": "pw-1"})
    assert refused_in_chinese(response, 401)["detail"] == "用户名或密码不正确"
    with services_of(client).sessions() as session:
        actors = session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "login")).all()
    assert actors == ["staff:ad\ufffdmin"]


def test_a_handoff_report_with_a_nul_character_is_not_a_server_error(client: TestClient) -> None:
    report = {
        "event_id": "evt-nul",
        "conversation_id": "call-\x00",
        "channel": "hotline",
        "reason": "request_human",
        "outcome": "transferring",
    }
    response = client.post("/api/v1/handoffs", json=report, headers=AUTH)
    assert response.status_code in (201, 422), response.text  # SQLite keeps it, PostgreSQL cannot


# ---- forged staff tokens ---------------------------------------------------------------


def _token(secret: str, **claims: Any) -> dict[str, str]:
    now = datetime.now(UTC)
    payload = {
        "sub": "admin",
        "role": "admin",
        "unit": "410100",
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        **claims,
    }
    return {"Authorization": f"Bearer {jwt.encode(payload, secret, algorithm='HS256')}"}


def test_forged_staff_tokens_are_refused(client: TestClient) -> None:
    staff_headers(client, "admin", "admin", "410100")
    secret = client.app.state.settings.casestore_jwt_secret.get_secret_value()  # type: ignore[attr-defined]
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(
        json.dumps({"sub": "admin", "role": "admin", "unit": "410100", "aud": AUDIENCE}).encode()
    )
    forged = {
        "alg-none": {"Authorization": f"Bearer {header}.{body.rstrip(b'=').decode()}."},
        "other-secret": _token("guessed-secret"),
        "expired": _token(secret, exp=int(datetime.now(UTC).timestamp()) - 60),
        "other-audience": _token(secret, aud="someone-else"),
        "unknown-user": _token(secret, sub="ghost"),
    }
    for name, headers in forged.items():
        response = client.get("/api/v1/staff/cases", headers=headers)
        assert response.status_code == 401, (name, response.text)
        assert CHINESE.search(response.json()["detail"]), name
    assert client.get("/api/v1/staff/cases", headers=_token(secret)).status_code == 200


def test_role_and_unit_come_from_the_account_not_the_token(client: TestClient) -> None:
    """A handler's genuine token with the role and unit claims edited is still a handler."""
    number = create_case(client, location={"district": "管城回族区", "street": "东大街"})["number"]
    staff_headers(client, "street.h", "handler", HUAYUANLU)
    secret = client.app.state.settings.casestore_jwt_secret.get_secret_value()  # type: ignore[attr-defined]
    inflated = _token(secret, sub="street.h", role="admin", unit="410100")
    assert client.get("/api/v1/auth/me", headers=inflated).json()["role"] == "handler"
    version = load_case(client, number).version
    response = client.post(
        f"/api/v1/staff/cases/{number}/accept", json={"version": version}, headers=inflated
    )
    refused_in_chinese(response, 403)
    assert client.get(f"/api/v1/staff/cases/{number}", headers=inflated).status_code == 403
    assert load_case(client, number).version == version


# ---- probing across units ----------------------------------------------------------------


def test_a_district_operator_cannot_reach_another_districts_case(client: TestClient) -> None:
    """金水区 staff against a 管城回族区 case: no detail, no filter, no export, no action."""
    theirs = create_case(client, location={"district": "管城回族区", "street": "东大街"})["number"]
    ours = create_case(client)["number"]
    op = staff_headers(client, "jinshui.op", "operator", JINSHUI)

    detail = client.get(f"/api/v1/staff/cases/{theirs}", headers=op)
    refused_in_chinese(detail, 403)
    assert "13812341234" not in detail.text
    by_district = client.get("/api/v1/staff/cases?district=管城回族区", headers=op).json()
    assert by_district["items"] == [] and by_district["total"] == 0
    refused_in_chinese(client.get(f"/api/v1/staff/cases.csv?unit={GUANCHENG}", headers=op), 403)
    exported = client.get("/api/v1/staff/cases.csv", headers=op).text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert ours in {row["number"] for row in rows} and theirs not in {row["number"] for row in rows}

    version = load_case(client, theirs).version
    refused_in_chinese(
        client.post(f"/api/v1/staff/cases/{theirs}/accept", json={"version": version}, headers=op),
        403,
    )
    # Merging our case into theirs, or assigning ours to their district, is refused too.
    force_case(client, ours, state="accepted")
    our_version = load_case(client, ours).version
    merge = client.post(
        f"/api/v1/staff/cases/{ours}/merge",
        json={"version": our_version, "target_number": theirs},
        headers=op,
    )
    assert merge.status_code in (403, 404, 422), merge.text
    assign = client.post(
        f"/api/v1/staff/cases/{ours}/assign",
        json={"version": our_version, "unit_code": GUANCHENG},
        headers=op,
    )
    assert assign.status_code in (403, 422), assign.text
    assert CHINESE.search(assign.json()["detail"])
    assert (load_case(client, ours).state, load_case(client, ours).version) == (
        "accepted",
        our_version,
    )
    assert load_case(client, theirs).version == version


def test_a_street_handler_sees_only_their_street(client: TestClient) -> None:
    fengchan = create_case(client, location={"district": "金水区", "street": "丰产路街道"})[
        "number"
    ]
    huayuan = create_case(client)["number"]
    force_case(client, fengchan, state="assigned", responsible_unit_code=FENGCHANLU)
    force_case(client, huayuan, state="assigned", responsible_unit_code=HUAYUANLU)
    handler = staff_headers(client, "huayuan.h", "handler", HUAYUANLU)

    listed = client.get("/api/v1/staff/cases?limit=100", headers=handler).json()
    assert {item["number"] for item in listed["items"]} == {huayuan}
    refused_in_chinese(client.get(f"/api/v1/staff/cases/{fengchan}", headers=handler), 403)
    version = load_case(client, fengchan).version
    refused_in_chinese(
        client.post(
            f"/api/v1/staff/cases/{fengchan}/sign", json={"version": version}, headers=handler
        ),
        403,
    )
    assert load_case(client, fengchan).state == "assigned"
    signed = client.post(
        f"/api/v1/staff/cases/{huayuan}/sign",
        json={"version": load_case(client, huayuan).version},
        headers=handler,
    )
    assert signed.status_code == 200, signed.text


# ---- citizen look-up: attempt limits over HTTP --------------------------------------------


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_wrong_codes_count_per_client_across_case_numbers(
    make_settings: MakeSettings, make_client: MakeClient
) -> None:
    client = make_client(make_settings(lookup_max_failures_per_client=3))
    cases = [create_case(client) for _ in range(4)]
    for case in cases[:3]:
        response = client.post(
            "/api/v1/cases/lookup",
            json={"number": case["number"], "query_code": _wrong(case["query_code"])},
        )
        assert response.status_code == 403
    right = {"number": cases[3]["number"], "query_code": cases[3]["query_code"]}
    locked = client.post("/api/v1/cases/lookup", json=right)
    assert "次数过多" in refused_in_chinese(locked, 429)["detail"]
    elsewhere = TestClient(client.app, client=("198.51.100.7", 50000))
    assert elsewhere.post("/api/v1/cases/lookup", json=right).status_code == 200


def test_wrong_codes_count_per_number_across_endpoints_and_spellings(
    make_settings: MakeSettings, make_client: MakeClient
) -> None:
    """Guessing through 查询, 催办 and 评价, with the number spelled differently, is one count."""
    client = make_client(make_settings(lookup_max_failures_per_number=3))
    case = create_case(client)
    number, wrong = case["number"], _wrong(case["query_code"])
    attempts = [
        ("/api/v1/cases/lookup", number.lower()),
        ("/api/v1/cases/urge", number[2:]),
        ("/api/v1/cases/evaluate", f" {number} "),
    ]
    for path, spelled in attempts:
        body: dict[str, Any] = {"number": spelled, "query_code": wrong}
        if path.endswith("evaluate"):
            body["rating"] = "satisfied"
        response = client.post(path, json=body)
        assert response.status_code == 403, (path, response.text)
    from_another_client = TestClient(client.app, client=("198.51.100.8", 50000))
    locked = from_another_client.post(
        "/api/v1/cases/lookup", json={"number": number, "query_code": case["query_code"]}
    )
    refused_in_chinese(locked, 429)
    assert load_case(client, number).urge_count == 0
