"""The production storage switch: a Rasa server on endpoints.prod.yml.

PostgreSQL tracker store, Redis lock store and RabbitMQ event broker, all
running on this machine (and on CI's). The conversation goes through the
session stack's action server and case store.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from conversation_support import CASE_NUMBER, Citizen, file_example_complaint

from launcher.stack import Service, Stack, free_port

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="module")
def prod_rasa(stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    suffix = uuid.uuid4().hex[:8]
    database, queue = f"xf_rasa_{suffix}", f"xf_events_{suffix}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    port = free_port()
    rasa = stack.stack.services["rasa"]
    command = [
        *rasa.command[: rasa.command.index("--port")],
        "--port",
        str(port),
        "--credentials",
        "credentials.yml",
        "--endpoints",
        "endpoints.prod.yml",
    ]
    env = dict(rasa.env)
    env.update(
        {
            "ACTION_ENDPOINT_URL": f"{stack.actions_url}/webhook",
            "RASA_DB_HOST": "127.0.0.1",
            "RASA_DB_PORT": "5432",
            "RASA_DB_USER": "postgres",
            "RASA_DB_PASSWORD": "",
            "RASA_DB_NAME": database,
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": "6379",
            "REDIS_DB": "1",
            "RABBITMQ_HOST": "127.0.0.1",
            "RABBITMQ_USER": "guest",
            "RABBITMQ_PASSWORD": "guest",
            "RABBITMQ_QUEUE": queue,
        }
    )
    prod = Stack(
        [Service("rasa-prod", command, f"http://127.0.0.1:{port}/", env)],
        log_dir=tmp_path_factory.mktemp("prod-rasa"),
    )
    prod.start()
    try:
        prod.wait_healthy(timeout=300)
        yield {"url": f"http://127.0.0.1:{port}", "database": database, "queue": queue}
    finally:
        prod.stop()
        _rabbitmqctl("delete_queue", queue)
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _rabbitmqctl(*args: str) -> str:
    tool = shutil.which("rabbitmqctl")
    if tool is None:
        pytest.fail(
            "rabbitmqctl is needed to inspect the RabbitMQ queue (Debian package rabbitmq-server)"
        )
    return subprocess.run([tool, "-q", *args], capture_output=True, text=True, timeout=60).stdout


def test_conversation_is_stored_in_postgresql_and_published_to_rabbitmq(prod_rasa) -> None:
    citizen = Citizen(prod_rasa["url"])
    receipt = file_example_complaint(citizen)
    assert CASE_NUMBER.search(receipt), citizen.transcript

    url = f"postgresql://postgres@127.0.0.1:5432/{prod_rasa['database']}"
    with psycopg.connect(url) as db:
        (stored,) = db.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s", (citizen.sender,)
        ).fetchone()
    assert stored >= 10, "every turn's events are in the PostgreSQL tracker store"

    deadline = time.monotonic() + 20
    published = 0
    while time.monotonic() < deadline and published < 10:
        published = _queue_length(prod_rasa["queue"])
        time.sleep(1)
    assert published >= 10, "every event is published to the RabbitMQ queue"


def _queue_length(queue: str) -> int:
    for line in _rabbitmqctl("list_queues", "name", "messages").splitlines():
        name, _, count = line.partition("\t")
        if name == queue:
            return int(count or 0)
    return 0
