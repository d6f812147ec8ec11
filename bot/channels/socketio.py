"""socket.io web chat channel (网页聊天).

Rasa 3.6's own channel has three gaps this subclass closes:

- it calls `sio.enter_room()` without awaiting it; with python-socketio ≥ 5.10
  that coroutine never runs, the browser never joins its session's room, and
  every bot reply is lost (RasaHQ/rasa#13027);
- its server lives in one process, so a message pushed through another Rasa
  instance (a staff reply injected via the tracker events API, 人工接管) never
  reaches a browser connected elsewhere: with `redis_url` (or the
  `SOCKETIO_REDIS_URL` environment variable) every instance shares rooms
  through Redis pub/sub (python-socketio's AsyncRedisManager);
- it cannot tell the browser that a message was written by a person: a bot
  event whose `custom` payload is `{"staff": {"name": …}}` is emitted as one
  frame with `sender: "staff"`.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

logger = logging.getLogger(__name__)

STAFF_KEY = "staff"


def _staff_of(custom: Any) -> Optional[Dict[str, Any]]:
    if isinstance(custom, dict) and isinstance(custom.get(STAFF_KEY), dict):
        return custom[STAFF_KEY]
    return None


class StaffAwareSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, plus staff messages marked as such."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        staff = _staff_of(kwargs.get("custom"))
        if staff is None:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        # one frame, never split: what the staff member typed is shown as typed
        await self._send_message(
            recipient_id,
            {"text": text, "sender": "staff", "staff_name": str(staff.get("name") or "")},
        )

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        if _staff_of(json_message) is not None:
            return  # already carried by the text frame
        await super().send_custom_json(recipient_id, json_message, **kwargs)


class PersistentSocketIOInput(SocketIOInput):
    """Rasa's socketio channel with working session rooms, shared across instances."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> PersistentSocketIOInput:
        credentials = credentials or {}
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", False),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
        )
        channel.redis_url = credentials.get("redis_url") or os.environ.get("SOCKETIO_REDIS_URL", "")
        return channel

    redis_url: str = ""

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return None
        return StaffAwareSocketIOOutput(self.sio, self.bot_message_evt)

    def _server(self) -> AsyncServer:
        if self.redis_url:
            manager = AsyncRedisManager(self.redis_url, channel="xf-socketio")
            logger.info("socket.io rooms shared through Redis")
            return AsyncServer(async_mode="sanic", cors_allowed_origins=[], client_manager=manager)
        return AsyncServer(async_mode="sanic", cors_allowed_origins=[])

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = self._server()
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        namespace = self.namespace

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: Dict, auth: Optional[Dict]) -> bool:
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token")
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Optional[Dict]) -> None:
            data = data or {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"], namespace=namespace)
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Dict) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                if not data.get("session_id"):
                    logger.warning("socket.io message without a session id ignored")
                    return
                sender_id = str(data["session_id"])
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            message = UserMessage(
                str(data.get("message", "")),
                StaffAwareSocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
            )
            await on_new_message(message)

        return webhook
