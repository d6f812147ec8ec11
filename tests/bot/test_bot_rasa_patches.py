"""The cached action-response validator behaves exactly like Rasa's own."""

from __future__ import annotations

import asyncio
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot  # noqa: F401  (applies the patches)
from bot import rasa_patches

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "district", "value": "金水区"}], "responses": []},
    {
        "events": [
            {"event": "active_loop", "name": None},
            {"event": "followup", "name": "complaint_form"},
        ],
        "responses": [{"text": "好的", "response": "utter_ask_phone"}],
    },
    {},
]
INVALID: list[dict[str, Any]] = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event needs a name
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["not an object"]},
]


def test_the_patch_is_installed_when_bot_is_imported() -> None:
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result


@pytest.mark.parametrize("response", VALID)
def test_valid_responses_pass_as_with_rasa(response: dict[str, Any]) -> None:
    jsonschema.validate(response, RemoteAction.action_response_format_spec())  # Rasa's way
    assert RemoteAction("action_x", None)._validate_action_result(response) is True


@pytest.mark.parametrize("response", INVALID)
def test_invalid_responses_fail_as_with_rasa(response: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as original:
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as patched:
        RemoteAction("action_x", None)._validate_action_result(response)
    assert patched.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in patched.value.message


def test_action_calls_reuse_connections() -> None:
    """Twenty calls through `EndpointConfig.request` share one keep-alive connection."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    peers: list[object] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        body = await request.json()
        return web.json_response({"events": [], "responses": [], "echo": body["n"]})

    async def scenario() -> list[int]:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            return [(await endpoint.request(json={"n": n}))["echo"] for n in range(20)]
        finally:
            await runner.cleanup()

    assert asyncio.run(scenario()) == list(range(20))
    assert len(peers) == 20
    assert len(set(peers)) == 1  # one TCP connection, not twenty
