"""Two Rasa servers on the production profile share conversations and socket.io rooms.

The production shape of `launcher/prod.py` on free ports: two Rasa servers
(PostgreSQL tracker store, Redis lock store, RabbitMQ event broker, socket.io
rooms through Redis), one action server and the case store on PostgreSQL, nginx
in front — on this machine's PostgreSQL, Redis and RabbitMQ, with throw-away
databases and queue. Starting two Rasa servers takes about two minutes on two
cores, so those tests run only with XF_PROD_TESTS=1 (`make test-prod`); the
generated nginx config and the pool settings are checked always.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import aiohttp
import httpx
import pytest
import socketio
from conversation_support import CASE_NUMBER

from casestore.core.db import pool_settings
from launcher.prod import ProdPorts, ProdSystem, drop_scratch_storage, nginx_config, prod_system
from launcher.stack import ROOT

needs_prod = pytest.mark.skipif(
    os.environ.get("XF_PROD_TESTS") != "1",
    reason="two Rasa servers take ~2 min to start: run with XF_PROD_TESTS=1 (make test-prod)",
)

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
RASA_TOKEN = "two-instances-rasa-token"
SERVICE_TOKEN = "two-instances-service-token"
COMPLAINT = [
    "我要投诉，金水区花园路街道有个工地半夜还在施工，吵得睡不着",
    "昨天晚上十二点",
    "希望停止夜间施工",
    "我叫张三，电话13800138000",
    "对",
]


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProdSystem]:
    model = os.environ.get("XF_TEST_MODEL")
    if not model or not (ROOT / model).exists():
        pytest.fail("XF_TEST_MODEL must name a trained test model; run the suite with `make test`.")
    suffix = uuid.uuid4().hex[:8]
    rasa_db, cases_db, queue = f"xf_rasa_{suffix}", f"xf_cases_{suffix}", f"xf_events_{suffix}"
    work = tmp_path_factory.mktemp("prod")
    system = prod_system(
        model,
        work,
        ProdPorts.free(rasa_instances=2, action_instances=1),
        env={
            "RASA_DB_NAME": rasa_db,
            "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{cases_db}",
            "RABBITMQ_QUEUE": queue,
            "RASA_TOKEN": RASA_TOKEN,
            "CASESTORE_SERVICE_TOKEN": SERVICE_TOKEN,
            "ACTIONS_OUTBOX_RETRY_S": "1",
        },
        log_dir=work / "logs",
        voice=False,
    )
    try:
        system.start()
        system.wait_healthy(timeout=420)
        yield system
    finally:
        system.stop()
        drop_scratch_storage([rasa_db, cases_db], queue, PG_ADMIN)


def _say(rasa_url: str, sender: str, message: str) -> str:
    response = httpx.post(
        f"{rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    response.raise_for_status()
    return "\n".join(m.get("text", "") for m in response.json() if m.get("text"))


@needs_prod
def test_a_conversation_alternating_between_instances_completes(prod: ProdSystem) -> None:
    sender = f"two-{uuid.uuid4().hex[:10]}"
    instances = [prod.rasa_instance_url(0), prod.rasa_instance_url(1)]
    replies = [_say(instances[turn % 2], sender, text) for turn, text in enumerate(COMPLAINT)]
    assert "什么时候" in replies[0], replies
    assert "诉求" in replies[1], replies
    assert "电话" in replies[2], replies
    assert "金水区花园路街道" in replies[3] and "13800138000" in replies[3], replies
    number = CASE_NUMBER.search(replies[4])
    assert number, replies

    listing = httpx.get(
        f"{prod.url('casestore')}/api/v1/cases",
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=10,
    ).json()
    mine = [c for c in listing["items"] if c.get("conversation_id") == sender]
    assert [c["number"] for c in mine] == [number.group(0)], "exactly one case, the one told"

    tracker = httpx.get(
        f"{instances[0]}/conversations/{sender}/tracker",
        params={"token": RASA_TOKEN},
        timeout=10,
    ).json()
    users = [e["text"] for e in tracker["events"] if e.get("event") == "user"]
    assert users == COMPLAINT, "every turn stored once, in order, whichever instance took it"


class SocketCitizen:
    """The citizen page's socket.io client (long-polling), keeping cookies."""

    def __init__(self) -> None:
        self.session_id = uuid.uuid4().hex
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.http: aiohttp.ClientSession | None = None
        self.sio: socketio.AsyncClient | None = None

    async def connect(self, url: str) -> None:
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.sio = socketio.AsyncClient(
            reconnection=False, handle_sigint=False, http_session=self.http
        )
        confirmed = asyncio.Event()

        async def on_bot(data: Any) -> None:
            self.messages.put_nowait(data if isinstance(data, dict) else {"text": str(data)})

        async def on_confirm(data: Any) -> None:
            confirmed.set()

        self.sio.on("bot_uttered", on_bot)
        self.sio.on("session_confirm", on_confirm)
        await self.sio.connect(url, transports=["polling"], socketio_path="socket.io")
        await self.sio.emit("session_request", {"session_id": self.session_id})
        await asyncio.wait_for(confirmed.wait(), timeout=20)

    async def say(self, text: str) -> dict[str, Any]:
        assert self.sio is not None
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})
        return await asyncio.wait_for(self.messages.get(), timeout=60)

    async def next_message(self, timeout: float = 20) -> dict[str, Any]:
        return await asyncio.wait_for(self.messages.get(), timeout=timeout)

    async def close(self) -> None:
        if self.sio is not None:
            try:
                await asyncio.wait_for(self.sio.disconnect(), timeout=2)
            except (TimeoutError, socketio.exceptions.SocketIOError):
                pass
        if self.http is not None:
            await self.http.close()


@needs_prod
def test_a_staff_message_sent_through_b_reaches_a_browser_on_a(prod: ProdSystem) -> None:
    async def scenario() -> tuple[dict[str, Any], dict[str, Any], float]:
        citizen = SocketCitizen()
        await citizen.connect(prod.rasa_instance_url(0))
        try:
            first = await citizen.say(COMPLAINT[0])
            async with httpx.AsyncClient(timeout=20) as client:
                started = time.monotonic()
                response = await client.post(
                    f"{prod.rasa_instance_url(1)}/conversations/{citizen.session_id}/tracker/events",
                    params={
                        "token": RASA_TOKEN,
                        "execute_side_effects": "true",
                        "output_channel": "latest",
                    },
                    json=[
                        {
                            "event": "bot",
                            "text": "您好，我是接线员小王，我来帮您处理。",
                            "data": {"custom": {"staff": {"name": "小王"}}},
                            "metadata": {"staff": "city.operator", "staff_name": "小王"},
                        }
                    ],
                )
                response.raise_for_status()
            staff = await citizen.next_message()
            return first, staff, time.monotonic() - started
        finally:
            await citizen.close()

    first, staff, seconds = asyncio.run(scenario())
    assert "什么时候" in str(first.get("text")), first
    assert staff.get("text") == "您好，我是接线员小王，我来帮您处理。", staff
    assert staff.get("sender") == "staff" and staff.get("staff_name") == "小王", staff
    assert seconds < 5, f"the staff message took {seconds:.1f} s"


@needs_prod
def test_socketio_through_the_load_balancer_is_sticky(prod: ProdSystem) -> None:
    """Long-polling sessions spread over both instances, each request to its own."""

    async def one() -> tuple[str, str]:
        citizen = SocketCitizen()
        await citizen.connect(prod.url("rasa"))
        try:
            reply = await citizen.say(COMPLAINT[0])
            assert citizen.http is not None
            cookie = next((c.value for c in citizen.http.cookie_jar if c.key == "xf_lb"), "")
            return str(reply.get("text")), cookie
        finally:
            await citizen.close()

    async def many() -> list[tuple[str, str]]:
        return await asyncio.gather(*(one() for _ in range(6)))

    results = asyncio.run(many())
    assert all("什么时候" in text for text, _ in results), results
    assert len({cookie for _, cookie in results if cookie}) == 6, "each session its own key"


def test_generated_nginx_config_is_valid_and_sticky(tmp_path) -> None:
    ports = ProdPorts.fixed(rasa_instances=3, action_instances=2)
    config = nginx_config(ports, tmp_path)
    assert "hash $xf_lb_key consistent;" in config
    assert config.count("server 127.0.0.1:510") == 6, "three Rasa servers in both upstreams"
    assert config.count("server 127.0.0.1:515") == 2
    nginx = shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx not installed (make nginx)")
    (tmp_path / "nginx.conf").write_text(config, encoding="utf-8")
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / sub).mkdir(parents=True)
    checked = subprocess.run(
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(tmp_path / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr


def test_pool_settings_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_POOL_RECYCLE", raising=False)
    monkeypatch.delenv("DATABASE_POOL_TIMEOUT", raising=False)
    monkeypatch.setenv("DATABASE_POOL_SIZE", "12")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "4")
    assert pool_settings() == {"pool_size": 12, "max_overflow": 4}
