"""Fixtures: every app test runs against SQLite (temp file) and PostgreSQL (temp database).

PostgreSQL comes from XF_TEST_PG_ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres);
a fresh database ``xf_test_<random>`` is created per session and dropped after. If it is
unreachable the PostgreSQL tests fail; set XF_SKIP_PG=1 to skip them instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from casestore.core.clock import Clock, utc_now
from casestore.core.settings import Settings
from casestore.main import create_app
from tests.casestore.casestore_support import SAMPLE_GAZETTEER, TOKEN

PG_ADMIN_URL = os.environ.get(
    "XF_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def temporary_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its SQLAlchemy URL, drops it afterwards."""
    name = f"xf_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _require_pg() -> None:
    if os.environ.get("XF_SKIP_PG") == "1":
        pytest.skip("PostgreSQL tests skipped (XF_SKIP_PG=1)")


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str]:
    _require_pg()
    try:
        manager = temporary_pg_database()
        url = manager.__enter__()
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc}. Start it, or set XF_SKIP_PG=1 to skip."
        )
    try:
        yield url
    finally:
        manager.__exit__(None, None, None)


def _reset_pg_schema(url: str) -> None:
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database per test, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'casestore.db'}"
    url: str = request.getfixturevalue("pg_session_url")
    _reset_pg_schema(url)
    return url


@pytest.fixture
def make_settings(database_url: str, tmp_path: Path) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "xf_env": "development",
            "database_url": database_url,
            "casestore_service_token": TOKEN,
            "gazetteer_file": SAMPLE_GAZETTEER,
            "web_dir": tmp_path / "no-web",
            "casestore_demo_staff": False,
            "supervise_interval_seconds": 0,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return build


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """Start the real app (migrations + seeding in the lifespan); closed after the test."""
    clients: list[TestClient] = []

    def start(app_settings: Settings | None = None, clock: Clock = utc_now) -> TestClient:
        client = TestClient(create_app(app_settings or settings, clock=clock))
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
