"""Bot turns -> TwiML documents (pure functions; tested on the XML).

Every document either gathers the caller's next words, redirects to a URL that does, or
ends with <Hangup/>: a caller is never left in silence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from twilio.twiml.voice_response import Gather, VoiceResponse

from voice_gateway import prompts
from voice_gateway.bot_reply import BotReply
from voice_gateway.speech_text import speakable_sentences


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

    @classmethod
    def under(cls, public_base_url: str, prefix: str = "/twilio/voice") -> CallUrls:
        base = public_base_url.rstrip("/") + prefix
        return cls(gather=f"{base}/gather", no_input=f"{base}/no-input", retry=f"{base}/retry")


def _say_all(
    target: VoiceResponse | Gather, sentences: Sequence[str], options: VoiceOptions
) -> None:
    for sentence in sentences:
        target.say(sentence, voice=options.voice, language=options.speech_language)


def _speakable(lines: Sequence[str]) -> list[str]:
    return [s for line in lines for s in speakable_sentences(line)]


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
    lead_in: str,
    question: Sequence[str],
    options: VoiceOptions,
    urls: CallUrls,
    *,
    single_key: bool,
) -> str:
    """'没有听到您说话' / '没有听清' followed by the last question again."""
    return listen([*_speakable([lead_in]), *question], options, urls, single_key=single_key)


def canned_goodbye(lines: Sequence[str], options: VoiceOptions) -> str:
    return goodbye(_speakable(lines), options)
