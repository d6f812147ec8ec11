"""Performance fixes to Rasa 3.6 internals, applied when `bot` is imported.

Every Rasa process of this project imports `bot` (the NLU components and the
socket.io channel live here), so the fixes reach `rasa run`, `rasa test` and
`rasa shell` alike.

1. Action server responses. `RemoteAction._validate_action_result` calls
   `jsonschema.validate(result, schema)` on every custom action, which checks
   the *schema* against the JSON Schema 2020-12 meta-schema each time before
   validating the response. Profiling one Rasa server under 100 citizens showed
   a third of its CPU in jsonschema, half of that in the meta-schema check. The
   fix validates with one validator built once; responses are still validated
   against the same schema, with the same error.
2. Connections to the action server. `EndpointConfig.request` opens a new
   aiohttp session, and so a new TCP connection, for every action call (9 %
   of the CPU under load). The fix keeps one connection pool per event loop;
   idle connections are dropped after 4 s, before the action server's (Sanic)
   or nginx's keep-alive timeout can close them under a request.
3. A turn that fails is not kept. Rasa logs a custom action that fails (the
   action server is down, times out or errs) as done without its events and
   goes on predicting; after a failed `action_submit_complaint` no rule
   matches, the fallback action (also custom) fails ten times, the circuit
   breaker trips without an `action_listen`, and since Rasa counts that limit
   back to the last `action_listen`, every later message trips it again: the
   conversation is stuck for good. Now a failed custom action ends the turn
   with an error, so the tracker is not saved (it stays as it was before the
   citizen's message), and the citizen is told to send the message again; the
   same for any other error in the turn (e.g. Redis, the lock store, down).
   The submission is idempotent, so a re-sent confirmation registers once.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import weakref
from typing import Any, Optional

logger = logging.getLogger(__name__)

_APPLIED = False


@functools.cache
def _action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not per response
    return cls(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """Same contract as Rasa's: True, or raises `jsonschema.ValidationError`."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


_CONNECTORS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()
KEEPALIVE_S = 4.0


def _session(self: Any) -> Any:
    """Rasa's `EndpointConfig.session`, on a shared connection pool."""
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop yet: the session makes its own connector
        connector = None
    else:
        connector = _CONNECTORS.get(loop)
        if connector is None or connector.closed:
            connector = aiohttp.TCPConnector(limit=100, keepalive_timeout=KEEPALIVE_S)
            _CONNECTORS[loop] = connector
    auth = None
    if self.basic_auth:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=connector,
        connector_owner=connector is None,
    )


# what the citizen reads (or hears) when a turn could not be processed
TURN_FAILED_TEXT = "抱歉，系统有点忙，您刚才的话没有处理成功，请稍后再发一次。"


class TurnFailed(Exception):
    """A custom action could not run: the turn is dropped, not half-kept."""


_FAILED_ACTION: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar(
    "xf_failed_action", default=None
)


def _remote_run(original: Any) -> Any:
    @functools.wraps(original)
    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        from rasa.core.actions.action import ActionExecutionRejection

        try:
            return await original(self, *args, **kwargs)
        except ActionExecutionRejection:  # a form rejecting its slots: normal dialogue
            raise
        except Exception:
            _FAILED_ACTION.set(self.name())
            raise

    return run


def _run_action(original: Any) -> Any:
    @functools.wraps(original)
    async def run_action(self: Any, action: Any, *args: Any, **kwargs: Any) -> Any:
        token = _FAILED_ACTION.set(None)
        try:
            result = await original(self, action, *args, **kwargs)
            failed = _FAILED_ACTION.get()
        finally:
            _FAILED_ACTION.reset(token)
        if failed:
            raise TurnFailed(f"custom action {failed} failed")
        return result

    return run_action


def _handle_message(original: Any) -> Any:
    @functools.wraps(original)
    async def handle_message(self: Any, message: Any) -> Any:
        try:
            return await original(self, message)
        except Exception as error:  # nothing of the turn was saved
            logger.error(
                "Turn of %s not processed (%s: %s); the citizen is asked to send it again",
                str(message.sender_id)[:8],
                type(error).__name__,
                str(error)[:200],
            )
            if message.output_channel is not None:
                try:
                    await message.output_channel.send_text_message(
                        message.sender_id, TURN_FAILED_TEXT
                    )
                except Exception:
                    logger.exception("The turn-failed message could not be sent")
            return None

    return handle_message


def apply() -> None:
    """Installs the fixes once; without Rasa installed (the services env) it does nothing."""
    global _APPLIED
    if _APPLIED:
        return
    try:
        from rasa.core.actions.action import RemoteAction
        from rasa.core.agent import Agent
        from rasa.core.processor import MessageProcessor
        from rasa.utils.endpoints import EndpointConfig
    except ImportError:
        return
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    EndpointConfig.session = _session  # type: ignore[method-assign]
    RemoteAction.run = _remote_run(RemoteAction.run)  # type: ignore[method-assign]
    MessageProcessor._run_action = _run_action(MessageProcessor._run_action)  # type: ignore[method-assign]
    Agent.handle_message = _handle_message(Agent.handle_message)  # type: ignore[method-assign]
    _APPLIED = True
    logger.debug("Rasa patches applied: validator, pooled connections, failed turns dropped")
