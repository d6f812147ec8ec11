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
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from typing import Any

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


def apply() -> None:
    """Installs the fixes once; without Rasa installed (the services env) it does nothing."""
    global _APPLIED
    if _APPLIED:
        return
    try:
        from rasa.core.actions.action import RemoteAction
        from rasa.utils.endpoints import EndpointConfig
    except ImportError:
        return
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    EndpointConfig.session = _session  # type: ignore[method-assign]
    _APPLIED = True
    logger.debug("Rasa patches applied: cached action response validator, pooled connections")
