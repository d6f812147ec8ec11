"""Application factory: ``uvicorn --factory casestore.main:create_app --port 8000``.

Importing this module does no work; the database is migrated, the unit
directory seeded and the engine created in the lifespan, at startup.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from casestore.auth.lookup_guard import OpenLookupGuard
from casestore.cases.router import router as cases_router
from casestore.cases.service import CaseServices
from casestore.core.clock import Clock, utc_now
from casestore.core.db import make_engine, make_sessionmaker
from casestore.core.errors import install_exception_handlers
from casestore.core.logging import get_logger
from casestore.core.migrate import upgrade_head
from casestore.core.security import KeyedHasher, PersonalDataCipher
from casestore.core.settings import Settings
from casestore.system_router import router as system_router
from casestore.units.routing import PlaceIndex
from casestore.units.service import load_city_places, seed_units

logger = get_logger(__name__)


def prepare_database(settings: Settings, engine: Engine) -> PlaceIndex:
    """Migrate to head and seed the unit directory; returns the place index for routing."""
    upgrade_head(engine)
    city = load_city_places(
        settings.gazetteer_file,
        settings.fallback_city_code,
        settings.fallback_city_name,
    )
    with make_sessionmaker(engine)() as session:
        seed_units(session, city)
        session.commit()
    return PlaceIndex(city)


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> FastAPI:
    settings = settings or Settings()
    settings.ensure_safe_for_environment()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        try:
            places = prepare_database(settings, engine)
            app.state.case_services = CaseServices(
                sessions=make_sessionmaker(engine),
                places=places,
                cipher=PersonalDataCipher(settings.data_keys),
                hasher=KeyedHasher(settings.casestore_hash_key.get_secret_value()),
                clock=clock,
                tz=settings.tz,
                accept_days=settings.accept_days,
            )
            logger.info("case store ready (%s, %s)", settings.xf_env, engine.dialect.name)
            yield
        finally:
            engine.dispose()

    app = FastAPI(title="信访件库 case store", version="1", lifespan=lifespan)
    app.state.settings = settings
    app.state.lookup_guard = OpenLookupGuard()
    install_exception_handlers(app)
    app.include_router(system_router)
    app.include_router(cases_router)
    # Last, so every API route wins over the static catch-all at "/".
    if settings.web_dir.is_dir():
        app.mount("/", StaticFiles(directory=settings.web_dir, html=True), name="web")
    return app


def __getattr__(name: str) -> Any:
    """``uvicorn casestore.main:app`` also works: the app is built on first access."""
    if name == "app":
        app = create_app()
        globals()["app"] = app
        return app
    raise AttributeError(name)
