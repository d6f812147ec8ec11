"""Maintenance commands: ``python -m casestore.cli <command>``.

- ``migrate``            alembic upgrade head
- ``seed-units``         unit directory from the gazetteer + departments
- ``supervise-overdue``  one 督办 scan (idempotent; cron-friendly)
- ``create-user``        a staff account (password read from the environment or a prompt)
- ``hot-issues``         the top hot issues (热点问题) as JSON lines, mining first when needed
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from datetime import UTC, datetime

from casestore.core.db import make_engine, make_sessionmaker
from casestore.core.migrate import upgrade_head
from casestore.core.settings import Settings
from casestore.units.service import load_city_places, seed_units


def migrate(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        upgrade_head(engine)
    finally:
        engine.dispose()
    print("database migrated to head")


def seed(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        city = load_city_places(
            settings.gazetteer_file,
            settings.fallback_city_code,
            settings.fallback_city_name,
        )
        with make_sessionmaker(engine)() as session:
            count = seed_units(session, city)
            session.commit()
    finally:
        engine.dispose()
    print(f"{count} units seeded for {city.city_name}")


def supervise(settings: Settings) -> None:
    from casestore.cases.supervision import supervise_overdue
    from casestore.main import build_services, prepare_database

    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine, prepare_database(settings, engine))
        report = supervise_overdue(services)
    finally:
        engine.dispose()
    print(
        f"督办 scan: {report.supervised} supervised, {report.rating_overdue} rating overdue, "
        f"{report.skipped} skipped"
    )


def create_user_command(settings: Settings, args: argparse.Namespace) -> None:
    from casestore.auth.service import create_user
    from casestore.cases.constants import Role
    from casestore.units.models import Unit

    password = os.environ.get("CASESTORE_NEW_USER_PASSWORD") or getpass.getpass("password: ")
    if len(password) < 8:
        raise SystemExit("password must have at least 8 characters")
    engine = make_engine(settings.database_url)
    try:
        upgrade_head(engine)
        with make_sessionmaker(engine)() as session:
            if session.get(Unit, args.unit) is None:
                raise SystemExit(f"unknown unit code {args.unit!r}")
            create_user(
                session,
                username=args.username,
                display_name=args.name or args.username,
                password=password,
                role=Role(args.role),
                unit_code=args.unit,
                now=datetime.now(UTC),
            )
            session.commit()
    finally:
        engine.dispose()
    print(f"user {args.username} ({args.role}) created at {args.unit}")


def hot_issues_command(settings: Settings, limit: int, refresh: bool) -> None:
    """Top hot issues city-wide, one JSON object per line (mines first when stale or asked)."""
    from casestore.analytics.hot_issues import mine, top_hot_issues
    from casestore.cases.lifecycle import Actor
    from casestore.main import build_services, prepare_database

    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine, prepare_database(settings, engine))
        if refresh:
            mine(services)
        actor = Actor("staff", "cli", "admin", services.tree.root_code)
        result = top_hot_issues(services, actor, limit)
    finally:
        engine.dispose()
    for item in result.items:
        print(json.dumps(item.model_dump(mode="json"), ensure_ascii=False))
    if not result.items:  # stdout stays pure JSON lines; the hint goes to stderr
        print(
            "no hot issues yet: the database has no groups of related cases "
            "(import history with `make import-cases FILE=…`)",
            file=sys.stderr,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m casestore.cli", description="case store maintenance"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="alembic upgrade head")
    commands.add_parser("seed-units", help="seed the unit directory")
    commands.add_parser("supervise-overdue", help="flag overdue cases for 督办 (idempotent)")
    user = commands.add_parser("create-user", help="create a staff account")
    user.add_argument("username")
    user.add_argument(
        "--role", required=True, choices=["operator", "handler", "supervisor", "admin"]
    )
    user.add_argument("--unit", required=True, help="unit code, e.g. 410105")
    user.add_argument("--name", help="display name")
    importer = commands.add_parser("import-cases", help="bulk import JSONL/CSV (idempotent)")
    importer.add_argument("file")
    importer.add_argument("--limit", type=int, default=None)
    exporter = commands.add_parser("export-cases", help="export cases as CSV")
    exporter.add_argument("file", help="output CSV path ('-' for stdout)")
    exporter.add_argument("--state", action="append")
    exporter.add_argument("--unit")
    hot = commands.add_parser("hot-issues", help="top hot issues as JSON lines")
    hot.add_argument("--limit", type=int, default=10)
    hot.add_argument("--refresh", action="store_true", help="mine all cases afresh first")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    settings = Settings()
    settings.ensure_safe_for_environment()
    if args.command == "migrate":
        migrate(settings)
    elif args.command == "seed-units":
        seed(settings)
    elif args.command == "supervise-overdue":
        supervise(settings)
    elif args.command == "create-user":
        create_user_command(settings, args)
    elif args.command == "hot-issues":
        hot_issues_command(settings, max(1, args.limit), args.refresh)
    elif args.command == "import-cases":
        from casestore.cases.importer import import_command

        import_command(settings, args.file, args.limit)
    else:
        from casestore.cases.importer import export_command

        export_command(settings, args.file, args.state, args.unit)


if __name__ == "__main__":
    main()
