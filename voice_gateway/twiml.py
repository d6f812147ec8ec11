"""Bot turns -> TwiML documents (pure functions; tested on the XML).

Every document either gathers the caller's next words, redirects to a URL that does, or
ends with <Hangup/>: a caller is never left in silence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from twilio.twiml.voice_response import Gather, VoiceResponse

from voice_gateway import prompts
from voice_gateway.bot_reply import BotReply
from voice_gateway.speech_text import DIGIT_WORDS, speakable_sentences


@dataclass(frozen=True)
class VoiceOptions:
    """How Twilio listens and speaks."""

    recognition_language: str = "cmn-Hans-CN"
    speech_language: str = "cmn-CN"
    voice: str = "Polly.Zhiyu"
    speech_timeout: str = "3"
    gather_timeout_s: int = 6
    hints: str = ""


@dataclass(frozen=True)
class CallUrls:
    """Absolute URLs given to Twilio; they must start with the public base URL."""

    gather: str
    no_input: str
    retry: str
    dial_status: str = ""
    whisper: str = ""
    hold: str = ""

    @classmethod
    def under(cls, public_base_url: str, prefix: str = "/twilio/voice") -> CallUrls:
        base = public_base_url.rstrip("/") + prefix
        return cls(
            gather=f"{base}/gather",
            no_input=f"{base}/no-input",
            retry=f"{base}/retry",
            dial_status=f"{base}/dial-status",
            whisper=f"{base}/whisper",
            hold=f"{base}/hold",
        )


@dataclass(frozen=True)
class TransferTarget:
    """Where staff answer: a phone number, a SIP address, or a Twilio queue."""

    kind: Literal["number", "sip", "queue"]
    address: str
    dial_timeout_s: int = 20


@dataclass(frozen=True)
class Handoff:
    """What staff are told about the call they take."""

    conversation_id: str
    reason: str
    reference: str | None = None


def _say_all(
    target: VoiceResponse | Gather, sentences: Sequence[str], options: VoiceOptions
) -> None:
    for sentence in sentences:
        target.say(sentence, voice=options.voice, language=options.speech_language)


def _speakable(lines: Sequence[str]) -> list[str]:
    return [s for line in lines for s in speakable_sentences(line)]


def speakable(lines: Sequence[str]) -> list[str]:
    """Gateway text as short sentences, numbers spelled out (see speech_text)."""
    return _speakable(lines)


def listen(
    sentences: Sequence[str],
    options: VoiceOptions,
    urls: CallUrls,
    *,
    single_key: bool = False,
    before: Sequence[str] = (),
) -> str:
    """Say `before` (not interruptible), then `sentences` inside a <Gather>; on silence go to no-input.

    `sentences` must already be speakable (see speech_text.speakable_sentences).
    """
    response = VoiceResponse()
    _say_all(response, before, options)
    gather = Gather(
        input="speech dtmf",
        action=urls.gather,
        method="POST",
        language=options.recognition_language,
        speech_timeout=options.speech_timeout,
        timeout=options.gather_timeout_s,
        hints=options.hints or None,
        # Complaints are kept verbatim, coarse words included.
        profanity_filter="false",
        # One key picks a choice at once; otherwise the caller ends digits with # or a pause.
        num_digits=1 if single_key else None,
    )
    _say_all(gather, sentences, options)
    response.append(gather)
    response.redirect(urls.no_input, method="POST")
    return str(response)


def goodbye(sentences: Sequence[str], options: VoiceOptions) -> str:
    """Say the last words and hang up."""
    response = VoiceResponse()
    _say_all(response, sentences, options)
    response.hangup()
    return str(response)


def please_wait(
    retry_url: str, options: VoiceOptions, *, first: bool = True, pause_s: int = 0
) -> str:
    """Rasa has not answered within the deadline: keep the caller company, then come back."""
    response = VoiceResponse()
    _say_all(
        response,
        _speakable([prompts.PLEASE_WAIT if first else prompts.STILL_WORKING]),
        options,
    )
    if pause_s > 0:
        response.pause(length=pause_s)
    response.redirect(retry_url, method="POST")
    return str(response)


def greeting(options: VoiceOptions, urls: CallUrls) -> str:
    """Welcome, recording notice (录音告知), first question."""
    return listen(
        _speakable([prompts.FIRST_QUESTION]),
        options,
        urls,
        before=_speakable(prompts.GREETING),
    )


def first_question() -> tuple[str, ...]:
    return tuple(_speakable([prompts.FIRST_QUESTION]))


def bot_turn(reply: BotReply, options: VoiceOptions, urls: CallUrls) -> str:
    """Speak a bot turn; then listen for the answer, or hang up when the bot ended the call."""
    if reply.hangup:
        return goodbye(reply.spoken or _speakable(prompts.GOODBYE), options)
    if not reply.spoken:
        return listen(_speakable([prompts.CONTINUE]), options, urls)
    # Statements are not interruptible, so a cough cannot cut off a case number; the caller
    # may answer as soon as the question itself starts.
    return listen(
        reply.sentences[-1:] + reply.choice_sentences,
        options,
        urls,
        single_key=bool(reply.buttons),
        before=reply.sentences[:-1],
    )


def reprompt(
    lead_in: str | Sequence[str],
    question: Sequence[str],
    options: VoiceOptions,
    urls: CallUrls,
    *,
    single_key: bool,
) -> str:
    """'没有听到您说话' / '没有听清' followed by the last question again."""
    lines = [lead_in] if isinstance(lead_in, str) else list(lead_in)
    return listen([*_speakable(lines), *question], options, urls, single_key=single_key)


def canned_goodbye(lines: Sequence[str], options: VoiceOptions) -> str:
    return goodbye(_speakable(lines), options)


def transfer(
    sentences: Sequence[str],
    target: TransferTarget,
    handoff: Handoff,
    options: VoiceOptions,
    urls: CallUrls,
) -> str:
    """Say the bot's words, then put the caller through; dial-status decides what follows."""
    response = VoiceResponse()
    _say_all(response, sentences, options)
    if target.kind == "queue":
        response.enqueue(
            target.address,
            action=urls.dial_status,
            method="POST",
            wait_url=urls.hold,
            wait_url_method="POST",
        )
        return str(response)
    dial = response.dial(action=urls.dial_status, method="POST", timeout=target.dial_timeout_s)
    if target.kind == "number":
        query = {"conversation": handoff.conversation_id, "reason": handoff.reason}
        if handoff.reference:
            query["reference"] = handoff.reference
        dial.number(target.address, url=f"{urls.whisper}?{urlencode(query)}", method="POST")
    else:
        headers = {"X-Xf-Conversation": handoff.conversation_id, "X-Xf-Reason": handoff.reason}
        if handoff.reference:
            headers["X-Xf-Reference"] = handoff.reference
        dial.sip(f"{target.address}?{urlencode(headers)}")
    return str(response)


def whisper(handoff: Handoff, options: VoiceOptions) -> str:
    """Told to the staff member who answers, before the caller is connected."""
    lines = [prompts.WHISPER_INTRO, prompts.WHISPER_REASONS.get(handoff.reason, "")]
    if handoff.reference:
        lines.append(f"编号{handoff.reference}。")
    lines.append(f"会话尾号{spell_out(handoff.conversation_id[-4:])}。")
    lines.append(prompts.WHISPER_CONNECT)
    response = VoiceResponse()
    _say_all(response, _speakable([line for line in lines if line]), options)
    return str(response)


def spell_out(code: str) -> str:
    """Letters and digits one by one ("a1" -> "A 幺"), for a reference that is no number."""
    return " ".join(DIGIT_WORDS[int(c)] if c.isdigit() else c.upper() for c in code)


def hold(options: VoiceOptions, *, leave: bool, pause_s: int = 15) -> str:
    """Enqueue waitUrl: a short hold message, or <Leave/> once the caller waited long enough."""
    response = VoiceResponse()
    if leave:
        response.leave()
        return str(response)
    _say_all(response, _speakable([prompts.QUEUE_HOLD]), options)
    response.pause(length=pause_s)
    return str(response)


def after_transfer(options: VoiceOptions, *, answered: bool) -> str:
    """Dial/Enqueue action: staff spoke with the caller (hang up), or nobody answered."""
    if answered:
        response = VoiceResponse()
        response.hangup()
        return str(response)
    return canned_goodbye(prompts.TRANSFER_FALLBACK, options)
