"""Voice gateway app: `uvicorn --factory voice_gateway.main:create_app --port 8080`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from voice_gateway import prompts
from voice_gateway.call_flow import CallFlow, CallPolicy
from voice_gateway.call_log import CallLog
from voice_gateway.call_state import InMemoryCallStateStore
from voice_gateway.casestore_client import CaseStoreClient, casestore_http_client
from voice_gateway.hints import hints_for
from voice_gateway.rasa_client import InFlightTurns, RasaClient, rasa_http_client
from voice_gateway.routes import router
from voice_gateway.settings import Settings
from voice_gateway.twiml import CallUrls, TransferTarget, VoiceOptions

log = logging.getLogger(__name__)

# How often reports that failed (case store down) are re-sent.
HANDOFF_RETRY_EVERY_S = 30.0


def transfer_target(settings: Settings) -> TransferTarget | None:
    """The configured staff target (settings allow at most one), or None."""
    timeout = settings.voice_dial_timeout_s
    if settings.voice_transfer_number:
        return TransferTarget("number", settings.voice_transfer_number, timeout)
    if settings.voice_transfer_sip:
        return TransferTarget("sip", settings.voice_transfer_sip, timeout)
    if settings.voice_transfer_queue:
        return TransferTarget("queue", settings.voice_transfer_queue, timeout)
    return None


async def _retry_handoffs(casestore: CaseStoreClient, every_s: float) -> None:
    while True:
        await asyncio.sleep(every_s)
        if len(casestore.retry_list):
            with contextlib.suppress(Exception):
                await casestore.flush()


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
        async with (
            rasa_http_client(settings.rasa_timeout_s) as http,
            casestore_http_client(settings.casestore_timeout_s) as casestore_http,
        ):
            turns = InFlightTurns(RasaClient(http, settings.rasa_url))
            casestore = CaseStoreClient(
                casestore_http,
                settings.casestore_url,
                settings.casestore_service_token.get_secret_value(),
            )
            app.state.casestore = casestore
            target = transfer_target(settings)
            app.state.call_flow = CallFlow(
                store=InMemoryCallStateStore(ttl_s=settings.voice_call_state_ttl_s),
                turns=turns,
                options=options,
                urls=CallUrls.under(settings.voice_public_base_url),
                policy=CallPolicy(
                    reply_deadline_s=settings.voice_reply_deadline_s,
                    max_rasa_retries=settings.voice_max_rasa_retries,
                    no_input_reprompts=settings.voice_no_input_reprompts,
                    queue_max_wait_s=settings.voice_queue_max_wait_s,
                ),
                reporter=casestore,
                transfer_target=target,
                call_log=CallLog(),
            )
            retrying = asyncio.create_task(_retry_handoffs(casestore, HANDOFF_RETRY_EVERY_S))
            log.info(
                "voice gateway ready: public %s, Rasa %s, staff transfer %s",
                settings.voice_public_base_url,
                settings.rasa_url,
                f"{target.kind}" if target else "not configured (callers are told)",
            )
            try:
                yield
            finally:
                retrying.cancel()
                turns.cancel_all()
                await casestore.drain(timeout_s=1.0)
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(casestore.flush(), timeout=2.0)
                if len(casestore.retry_list):
                    log.error(
                        "%d handoff reports not delivered (case store unreachable) are lost",
                        len(casestore.retry_list),
                    )

    app = FastAPI(title="Voice gateway (12345 hotline)", lifespan=lifespan)
    app.state.settings = settings
    app.include_router(router)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
