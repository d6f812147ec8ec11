"""Voice gateway app: `uvicorn --factory voice_gateway.main:create_app --port 8080`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from voice_gateway import prompts
from voice_gateway.call_flow import CallFlow, CallPolicy
from voice_gateway.call_state import InMemoryCallStateStore
from voice_gateway.hints import hints_for
from voice_gateway.rasa_client import InFlightTurns, RasaClient, rasa_http_client
from voice_gateway.routes import router
from voice_gateway.settings import Settings
from voice_gateway.twiml import CallUrls, VoiceOptions

log = logging.getLogger(__name__)


def voice_options(settings: Settings) -> VoiceOptions:
    return VoiceOptions(
        recognition_language=settings.voice_language_recognition,
        speech_language=settings.voice_language_speech,
        voice=settings.voice_name,
        speech_timeout=settings.voice_speech_timeout,
        gather_timeout_s=settings.voice_gather_timeout_s,
        hints=hints_for(
            prompts.DOMAIN_HINTS,
            settings.gazetteer_file,
            max_entries=settings.voice_hints_max_entries,
        ),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()  # production refuses dev defaults here, at startup
    options = voice_options(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with rasa_http_client(settings.rasa_timeout_s) as http:
            turns = InFlightTurns(RasaClient(http, settings.rasa_url))
            app.state.call_flow = CallFlow(
                store=InMemoryCallStateStore(ttl_s=settings.voice_call_state_ttl_s),
                turns=turns,
                options=options,
                urls=CallUrls.under(settings.voice_public_base_url),
                policy=CallPolicy(
                    reply_deadline_s=settings.voice_reply_deadline_s,
                    max_rasa_retries=settings.voice_max_rasa_retries,
                    no_input_reprompts=settings.voice_no_input_reprompts,
                ),
            )
            log.info(
                "voice gateway ready: public %s, Rasa %s",
                settings.voice_public_base_url,
                settings.rasa_url,
            )
            try:
                yield
            finally:
                turns.cancel_all()

    app = FastAPI(title="Voice gateway (12345 hotline)", lifespan=lifespan)
    app.state.settings = settings
    app.include_router(router)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
