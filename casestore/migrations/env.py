"""Alembic environment for the case store.

Programmatic runs (``casestore.core.migrate.upgrade_head``) pass a connection in
``config.attributes["connection"]``; the ``alembic -c casestore/alembic.ini``
command line falls back to DATABASE_URL from the settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

import casestore.models  # noqa: F401  (registers every table on Base.metadata)
from casestore.core.db import Base, make_engine
from casestore.core.settings import Settings

# An arbitrary constant: serialises concurrent migrators on PostgreSQL.
_PG_MIGRATION_LOCK = 4_410_100


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(Settings().database_url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) mode is not supported; run against a database")
run_migrations_online()
