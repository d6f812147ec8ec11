"""Engine, sessions and the declarative base (SQLAlchemy 2.0 style, portable types)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic batch migrations on SQLite can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in Python, naive UTC in the database (same on SQLite and PostgreSQL)."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (psycopg2 is not installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(database_url: str) -> Engine:
    """Create the engine; for SQLite also create the folder of the database file."""
    url = make_url(normalize_database_url(database_url))
    if url.get_backend_name() == "sqlite":
        return _make_sqlite_engine(url)
    # hide_parameters: SQL errors must never carry personal data into logs.
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **pool_settings())


def pool_settings() -> dict[str, int]:
    """Connection pool of a server database, from the environment (SQLAlchemy's defaults).

    `DATABASE_POOL_SIZE` (5) connections kept open, `DATABASE_MAX_OVERFLOW` (10) more
    under load, `DATABASE_POOL_TIMEOUT` (30 s) to wait for one, `DATABASE_POOL_RECYCLE`
    (-1: never) seconds after which a connection is replaced.
    """
    names = {
        "pool_size": "DATABASE_POOL_SIZE",
        "max_overflow": "DATABASE_MAX_OVERFLOW",
        "pool_timeout": "DATABASE_POOL_TIMEOUT",
        "pool_recycle": "DATABASE_POOL_RECYCLE",
    }
    return {key: int(os.environ[name]) for key, name in names.items() if os.environ.get(name)}


def _make_sqlite_engine(url: Any) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock at BEGIN: concurrent writers then queue on the busy
        # timeout instead of failing on a read-to-write lock upgrade. This makes
        # case-number allocation safe on SQLite; PostgreSQL uses row locks instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """FastAPI dependency body: one session per request, always closed."""
    with factory() as session:
        yield session
