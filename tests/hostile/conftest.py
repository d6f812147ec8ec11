"""The case store fixtures of tests/casestore (real app, SQLite and PostgreSQL) for hostile tests."""

from tests.casestore.conftest import (  # noqa: F401 - pytest finds fixtures by name here
    client,
    database_url,
    make_client,
    make_settings,
    pg_session_url,
    settings,
)
