"""Twilio Voice webhooks. Routes translate HTTP <-> CallEvent/TwiML; CallFlow decides."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException

from voice_gateway import prompts, twiml
from voice_gateway.call_flow import CallEvent, CallFlow
from voice_gateway.settings import Settings
from voice_gateway.signature import (
    SIGNATURE_HEADER,
    SignedForm,
    is_valid_signature,
    public_url,
)
from voice_gateway.signature import SIGNATURE_SETTINGS_HEADER as SIGNATURE_SETTINGS
from voice_gateway.twiml import Handoff

log = logging.getLogger(__name__)

PREFIX = "/twilio/voice"
router = APIRouter(prefix=PREFIX)


class TwiMLResponse(Response):
    media_type = "application/xml"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_flow(request: Request) -> CallFlow:
    flow: CallFlow = request.app.state.call_flow
    return flow


async def signed_form(
    request: Request, settings: Annotated[Settings, Depends(get_settings)]
) -> SignedForm:
    """The webhook's form fields, only if Twilio signed them; otherwise 403 before anything else."""
    try:
        form = SignedForm.from_form(await request.form())
    except (MultiPartException, StarletteHTTPException, ValueError, UnicodeDecodeError):
        # A malformed or oversized body (Starlette raises a 400 for a field over its size
        # limit) is treated like a forged one.
        form = None
    url = public_url(settings.voice_public_base_url, request.url.path, request.url.query)
    if form is None or not is_valid_signature(
        settings.twilio_auth_token.get_secret_value(),
        url,
        form,
        request.headers.get(SIGNATURE_HEADER),
        request.headers.get(SIGNATURE_SETTINGS),
    ):
        log.warning("rejected %s: missing or invalid %s", request.url.path, SIGNATURE_HEADER)
        raise HTTPException(status_code=403, detail="请求签名无效，已拒绝。")
    return form


def call_event(form: Annotated[SignedForm, Depends(signed_form)]) -> CallEvent:
    call_sid = form.first("CallSid").strip()
    if not call_sid:
        raise HTTPException(status_code=422, detail="缺少通话标识 CallSid。")
    return CallEvent(
        call_sid=call_sid,
        caller=form.first("From"),
        called=form.first("To"),
        speech=form.first("SpeechResult"),
        digits=form.first("Digits"),
        call_status=form.first("CallStatus"),
        call_duration=form.first("CallDuration"),
        dial_call_status=form.first("DialCallStatus"),
        queue_result=form.first("QueueResult"),
        queue_time=form.first("QueueTime"),
    )


Call = Annotated[CallEvent, Depends(call_event)]
Flow = Annotated[CallFlow, Depends(get_flow)]


async def _speak(request: Request, step: Callable[[], Awaitable[str] | str]) -> TwiMLResponse:
    """Run one step; any unexpected failure still gets a polite spoken answer, never a 500."""
    try:
        result = step()
        xml = await result if not isinstance(result, str) else result
    except Exception:
        log.exception("voice webhook %s failed", request.url.path)
        settings = get_settings(request)
        options = twiml.VoiceOptions(
            voice=settings.voice_name, speech_language=settings.voice_language_speech
        )
        xml = twiml.canned_goodbye(prompts.ERROR_GOODBYE, options)
    return TwiMLResponse(content=xml)


@router.post("/incoming", response_class=TwiMLResponse)
async def incoming(request: Request, call: Call, flow: Flow) -> TwiMLResponse:
    """Entry webhook: what the Twilio number's "A call comes in" points to."""
    return await _speak(request, lambda: flow.incoming(call))


@router.post("/gather", response_class=TwiMLResponse)
async def gather(request: Request, call: Call, flow: Flow) -> TwiMLResponse:
    """<Gather> action: the caller's speech (SpeechResult) or keys (Digits)."""
    return await _speak(request, lambda: flow.gather(call))


@router.post("/retry", response_class=TwiMLResponse)
async def retry(request: Request, call: Call, flow: Flow) -> TwiMLResponse:
    """After "请稍候": pick up Rasa's late answer, or re-send the caller's words."""
    return await _speak(request, lambda: flow.retry(call))


@router.post("/no-input", response_class=TwiMLResponse)
async def no_input(request: Request, call: Call, flow: Flow) -> TwiMLResponse:
    """Reached when a <Gather> ends without input."""
    return await _speak(request, lambda: flow.no_input(call))


@router.post("/dial-status", response_class=TwiMLResponse)
async def dial_status(request: Request, call: Call, flow: Flow) -> TwiMLResponse:
    """<Dial>/<Enqueue> action: hang up after staff spoke, else the fallback message."""
    return await _speak(request, lambda: flow.dial_status(call))


@router.post("/whisper", response_class=TwiMLResponse)
async def whisper(
    request: Request,
    call: Call,
    flow: Flow,
    conversation: str = "",
    reason: str = "",
    reference: str | None = None,
) -> TwiMLResponse:
    """<Number url>: told to the staff member before the caller is connected.

    The query (conversation, reason, reference) was written by this gateway and is covered
    by the signature; CallSid here is the staff leg, not the caller's call.
    """
    handoff = Handoff(conversation_id=conversation, reason=reason, reference=reference)
    try:
        xml = flow.whisper(handoff)
    except Exception:
        log.exception("whisper failed")
        xml = '<?xml version="1.0" encoding="UTF-8"?><Response />'  # just connect
    return TwiMLResponse(content=xml)


@router.post("/hold", response_class=TwiMLResponse)
async def hold(request: Request, call: Call, flow: Flow) -> TwiMLResponse:
    """<Enqueue waitUrl>: a short hold message; <Leave/> after VOICE_QUEUE_MAX_WAIT_S."""
    return await _speak(request, lambda: flow.hold(call))


@router.post("/status", response_class=TwiMLResponse)
async def status(call: Call, flow: Flow) -> TwiMLResponse:
    """Call status callback (set it on the number): records it, reports a dropped complaint."""
    try:
        flow.status(call)
    except Exception:
        log.exception("status callback failed")
    return TwiMLResponse(content='<?xml version="1.0" encoding="UTF-8"?><Response />')
