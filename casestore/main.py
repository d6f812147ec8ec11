"""Application factory: ``uvicorn --factory casestore.main:create_app --port 8000``.

Importing this module does no work; the database is migrated, the unit
directory seeded and the engine created in the lifespan, at startup.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from casestore.analytics.conversations_router import router as conversation_stats_router
from casestore.analytics.hot_router import router as hot_issues_router
from casestore.analytics.public_router import router as public_stats_router
from casestore.analytics.router import router as analytics_router
from casestore.auth.lookup_guard import RateLimitingLookupGuard
from casestore.auth.router import router as auth_router
from casestore.auth.service import ensure_demo_staff
from casestore.cases.deadlines import TimeLimits
from casestore.cases.repeats import RepeatPolicy
from casestore.cases.router import router as cases_router
from casestore.cases.service import CaseServices
from casestore.cases.staff_router import router as staff_router
from casestore.cases.supervision import supervise_overdue
from casestore.core.clock import Clock, utc_now
from casestore.core.db import make_engine, make_sessionmaker
from casestore.core.errors import install_exception_handlers
from casestore.core.logging import get_logger
from casestore.core.migrate import upgrade_head
from casestore.core.security import KeyedHasher, PersonalDataCipher
from casestore.core.settings import Settings
from casestore.handoffs.rasa_client import RasaClient
from casestore.handoffs.router import router as handoffs_router
from casestore.handoffs.staff_router import router as handoffs_staff_router
from casestore.open311.router import router as open311_router
from casestore.system_router import router as system_router
from casestore.units.routing import PlaceIndex
from casestore.units.rules import RoutingRules
from casestore.units.service import load_city_places, seed_units
from casestore.units.tree import UnitTree

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


def build_services(
    settings: Settings, engine: Engine, places: PlaceIndex, clock: Clock = utc_now
) -> CaseServices:
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        tree = UnitTree.load(session)
    return CaseServices(
        sessions=sessions,
        places=places,
        cipher=PersonalDataCipher(settings.data_keys),
        hasher=KeyedHasher(settings.casestore_hash_key.get_secret_value()),
        clock=clock,
        tz=settings.tz,
        limits=TimeLimits.from_settings(settings),
        tree=tree,
        rules=RoutingRules.load(settings.routing_rules_file),
        repeats=RepeatPolicy(
            window_days=settings.repeat_window_days,
            matter_similarity=settings.repeat_matter_similarity,
            person_similarity=settings.repeat_person_similarity,
        ),
    )


async def _supervise_periodically(services: CaseServices, interval: int) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(supervise_overdue, services)
        except Exception:  # the loop must survive a database hiccup
            logger.exception("督办 scan failed; retrying at the next interval")


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> FastAPI:
    settings = settings or Settings()
    settings.ensure_safe_for_environment()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        task: asyncio.Task[None] | None = None
        app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_token.get_secret_value())
        try:
            places = prepare_database(settings, engine)
            services = build_services(settings, engine, places, clock)
            app.state.case_services = services
            if settings.casestore_demo_staff:
                with services.sessions() as session:
                    ensure_demo_staff(
                        session,
                        services.tree,
                        settings.casestore_demo_password.get_secret_value(),
                        clock(),
                    )
                    session.commit()
            supervise_overdue(services)
            if settings.supervise_interval_seconds > 0:
                task = asyncio.create_task(
                    _supervise_periodically(services, settings.supervise_interval_seconds)
                )
            logger.info("case store ready (%s, %s)", settings.xf_env, engine.dialect.name)
            yield
        finally:
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
            await app.state.rasa.close()
            engine.dispose()

    app = FastAPI(title="信访件库 case store", version="1", lifespan=lifespan)
    app.state.settings = settings
    app.state.lookup_guard = RateLimitingLookupGuard(
        max_per_number=settings.lookup_max_failures_per_number,
        max_per_client=settings.lookup_max_failures_per_client,
        window_seconds=settings.lookup_window_seconds,
    )
    install_exception_handlers(app)
    app.include_router(system_router)
    app.include_router(auth_router)
    app.include_router(cases_router)
    app.include_router(staff_router)
    app.include_router(analytics_router)
    app.include_router(conversation_stats_router)
    app.include_router(hot_issues_router)
    app.include_router(public_stats_router)
    app.include_router(handoffs_router)
    app.include_router(handoffs_staff_router)
    app.include_router(open311_router)
    # Last, so every API route wins over the static catch-all at "/".
    if settings.console_dir.is_dir():
        app.mount(
            "/console", StaticFiles(directory=settings.console_dir, html=True), name="console"
        )
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
