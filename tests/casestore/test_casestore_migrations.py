"""Schema only through Alembic: up from empty, idempotent, and matching the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from casestore.core.db import Base, make_engine
from casestore.core.migrate import upgrade_head
from casestore.core.settings import Settings
from casestore.models import Case  # noqa: F401  (registers tables)


def test_upgrade_from_empty_creates_the_schema_and_matches_models(
    settings: Settings,
) -> None:
    engine = make_engine(settings.database_url)
    try:
        assert inspect(engine).get_table_names() == []
        upgrade_head(engine)
        upgrade_head(engine)  # a second run is a no-op
        tables = set(inspect(engine).get_table_names())
        assert {
            "units",
            "cases",
            "case_events",
            "case_number_counters",
            "alembic_version",
        } <= tables
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_cli_migrate_and_seed(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from casestore import cli

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GAZETTEER_FILE", str(settings.gazetteer_file))
    monkeypatch.setenv("XF_ENV", "development")
    cli.main(["migrate"])
    cli.main(["seed-units"])
    cli.main(["seed-units"])
    out = capsys.readouterr().out
    assert "migrated" in out
    assert "91 units seeded for 郑州市" in out  # 11 places + 16 departments x 5 governments
