"""The case store client: fire-and-forget, short timeouts, failures kept for retry."""

import asyncio
import logging
import time

import httpx
import pytest

from tests.voice_gateway.voice_support import HangingServer, JsonServer, free_port
from voice_gateway.casestore_client import (
    CaseStoreClient,
    InMemoryRetryList,
    casestore_http_client,
)


def run(coro):
    return asyncio.run(coro)


async def with_client(url, body, *, token="tok", timeout_s=0.5, retry_list=None):
    async with casestore_http_client(timeout_s) as http:
        client = CaseStoreClient(http, url, token, retry_list=retry_list)
        return await body(client)


def test_handoff_body_and_headers(casestore):
    async def body(client):
        event = client.report_handoff(
            "call-0123456789abcdef",
            "ab" * 32,
            "emergency",
            caller="+8613800138000",
            reference="XF202611260001",
            transfer_target="sip",
        )
        await client.drain()
        return event

    event = run(with_client(casestore.url, body))
    path, sent, headers = casestore.requests[0]
    assert path == "/api/v1/handoffs"
    assert headers["Authorization"] == "Bearer tok"
    assert headers["Idempotency-Key"] == event.event_id
    assert sent == {
        "event_id": event.event_id,
        "conversation_id": "call-0123456789abcdef",
        "call_sid_hash": "ab" * 32,
        "reason": "emergency",
        "outcome": "transferring",
        "channel": "hotline",
        "caller": "+8613800138000",
        "reference": "XF202611260001",
        "transfer_target": "sip",
        "call_status": None,
        "partial": False,
        "occurred_at": event.occurred_at,
    }
    assert event.occurred_at.endswith("Z")


def test_call_ended_body(casestore):
    async def body(client):
        client.report_call_ended("call-0123456789abcdef", "completed", partial=True)
        await client.drain()

    run(with_client(casestore.url, body))
    sent = casestore.bodies[0]
    assert (sent["reason"], sent["outcome"], sent["call_status"], sent["partial"]) == (
        "dropped_call",
        "callback_needed",
        "completed",
        True,
    )


def test_report_returns_at_once_even_when_the_store_hangs(caplog):
    hanging = HangingServer()
    try:

        async def body(client):
            started = time.perf_counter()
            client.report_handoff("call-1", "h", "request_human", caller="+8613800138000")
            returned = time.perf_counter() - started
            await client.drain(timeout_s=2.0)
            return returned, len(client.retry_list)

        with caplog.at_level(logging.INFO):
            returned, kept = run(with_client(hanging.url, body, timeout_s=0.3))
    finally:
        hanging.close()
    assert returned < 0.05
    assert kept == 1
    assert "13800138000" not in caplog.text
    assert "138****8000" in caplog.text or "861****8000" in caplog.text


def test_failed_reports_are_kept_and_flushed_when_the_store_is_back():
    port = free_port()

    async def body(client):
        client.report_handoff("call-1", "h", "request_human")
        client.report_call_ended("call-1", "completed", partial=True)
        await client.drain()
        assert len(client.retry_list) == 2
        server = JsonServer()
        try:
            client._url = server.url + "/api/v1/handoffs"  # the store comes back
            delivered = await client.flush()
            return delivered, len(client.retry_list), server.bodies
        finally:
            server.close()

    delivered, left, bodies = run(with_client(f"http://127.0.0.1:{port}", body))
    assert delivered == 2
    assert left == 0
    assert [b["reason"] for b in bodies] == ["request_human", "dropped_call"]


@pytest.mark.parametrize(("status", "kept"), [(404, 1), (503, 1), (401, 0), (422, 0), (409, 0)])
def test_which_answers_are_retried(status, kept):
    server = JsonServer(lambda path, body: (status, {"detail": "x"}))
    try:

        async def body(client):
            client.report_handoff("call-1", "h", "misunderstood")
            await client.drain()
            return len(client.retry_list)

        assert run(with_client(server.url, body)) == kept
    finally:
        server.close()


def test_retry_list_is_bounded():
    from voice_gateway.casestore_client import HandoffEvent

    retry = InMemoryRetryList(max_events=2)
    for n in range(3):
        retry.add(HandoffEvent(f"call-{n}", "h", "dropped_call", "callback_needed"))
    assert [e.conversation_id for e in retry.take_all()] == ["call-1", "call-2"]
    assert len(retry) == 0


def test_without_a_running_loop_the_report_waits_for_the_next_flush():
    http = httpx.AsyncClient()
    client = CaseStoreClient(http, "http://127.0.0.1:1", "tok")
    client.report_handoff("call-1", "h", "request_human")
    assert len(client.retry_list) == 1
    run(http.aclose())
