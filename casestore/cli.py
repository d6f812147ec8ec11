"""Maintenance commands: ``python -m casestore.cli migrate | seed-units``."""

from __future__ import annotations

import argparse
import logging

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m casestore.cli", description="case store maintenance"
    )
    parser.add_argument("command", choices=["migrate", "seed-units"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    settings = Settings()
    settings.ensure_safe_for_environment()
    if args.command == "migrate":
        migrate(settings)
    else:
        seed(settings)


if __name__ == "__main__":
    main()
