"""What happens on each Twilio webhook of a call (the gateway's service layer).

Routes translate HTTP to CallEvent and back; this module decides; twiml.py renders.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from enum import Enum

from voice_gateway import prompts, twiml
from voice_gateway.bot_reply import choose_button, parse_bot_messages
from voice_gateway.call_state import (
    CallState,
    CallStateStore,
    PendingUtterance,
    conversation_id,
)
from voice_gateway.rasa_client import InFlightTurns
from voice_gateway.twiml import CallUrls, VoiceOptions

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 5000
CHANNEL = "hotline"
# Twilio CallStatus values after which no more webhooks come for the call.
FINAL_CALL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


@dataclass(frozen=True)
class CallEvent:
    """The parts of a Twilio voice webhook the gateway uses."""

    call_sid: str
    caller: str = ""
    called: str = ""
    speech: str = ""
    digits: str = ""
    call_status: str = ""


class NoInputStep(Enum):
    REPROMPT = "reprompt"
    # Later: OFFER_HUMAN after the second silence (conversation.md, "Voice specifics").
    GOODBYE = "goodbye"


def no_input_step(count: int, reprompts: int) -> NoInputStep:
    """What to do after the caller's `count`-th silence in a row."""
    return NoInputStep.REPROMPT if count <= reprompts else NoInputStep.GOODBYE


def mask_phone(number: str) -> str:
    """For logs: keep the first 3 and last 4 digits."""
    digits = "".join(c for c in number if c.isdigit())
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "****"


@dataclass(frozen=True)
class CallPolicy:
    reply_deadline_s: float = 8.0
    max_rasa_retries: int = 3
    no_input_reprompts: int = 1


class CallFlow:
    def __init__(
        self,
        store: CallStateStore,
        turns: InFlightTurns,
        options: VoiceOptions,
        urls: CallUrls,
        policy: CallPolicy,
    ) -> None:
        self._store = store
        self._turns = turns
        self._options = options
        self._urls = urls
        self._policy = policy

    def incoming(self, call: CallEvent) -> str:
        log.info("call %s from %s", conversation_id(call.call_sid), mask_phone(call.caller))
        self._turns.forget(call.call_sid)
        self._store.save(
            call.call_sid,
            CallState(caller=call.caller, last_question=twiml.first_question()),
        )
        return twiml.greeting(self._options, self._urls)

    async def gather(self, call: CallEvent) -> str:
        state = self._store.get(call.call_sid)
        message = self._message_for_rasa(call, state)
        if not message:
            return self._silence(call.call_sid, state, prompts.NOT_UNDERSTOOD)
        state = replace(
            state.heard_caller(),
            caller=state.caller or call.caller,
            pending=PendingUtterance(message=message),
            turns=state.turns + 1,
        )
        self._store.save(call.call_sid, state)
        self._send(call.call_sid, state)
        return await self._answer(call.call_sid, state)

    async def retry(self, call: CallEvent) -> str:
        state = self._store.get(call.call_sid)
        if state.pending is None:
            # Nothing waiting (a repeated retry): ask the last question again.
            return self._listen_again(state, prompts.CONTINUE)
        if not self._turns.has(call.call_sid):
            self._send(call.call_sid, state)  # the last attempt failed: re-send the same words
        return await self._answer(call.call_sid, state)

    def no_input(self, call: CallEvent) -> str:
        return self._silence(call.call_sid, self._store.get(call.call_sid), prompts.NO_INPUT)

    def status(self, call: CallEvent) -> None:
        if call.call_status not in FINAL_CALL_STATUSES:
            return
        state = self._store.get(call.call_sid)
        if state.pending is not None and not self._turns.running(call.call_sid):
            log.warning(
                "call %s ended (%s) with an utterance Rasa never answered",
                conversation_id(call.call_sid),
                call.call_status,
            )
        # A request still running is left to finish: Rasa keeps what the caller said.
        self._store.drop(call.call_sid)

    def _message_for_rasa(self, call: CallEvent, state: CallState) -> str:
        digits, speech = call.digits.strip(), call.speech.strip()
        if digits:
            button = choose_button(state.last_buttons, digits=digits)
            return button.payload if button else digits
        if speech:
            button = choose_button(state.last_buttons, speech=speech)
            return button.payload if button else speech[:MAX_MESSAGE_CHARS]
        return ""

    def _send(self, call_sid: str, state: CallState) -> None:
        assert state.pending is not None
        metadata = {"channel": CHANNEL, "caller": state.caller, "call_sid": call_sid}
        self._turns.start(call_sid, conversation_id(call_sid), state.pending.message, metadata)

    async def _answer(self, call_sid: str, state: CallState) -> str:
        """Wait for Rasa up to the deadline; speak its answer, or say "请稍候" and come back."""
        outcome = await self._turns.wait(call_sid, self._policy.reply_deadline_s)
        if outcome.messages is not None:
            reply = parse_bot_messages(outcome.messages)
            if reply.hangup:
                self._store.drop(call_sid)
            else:
                self._store.save(
                    call_sid,
                    replace(
                        state,
                        pending=None,
                        last_question=reply.question or state.last_question,
                        last_buttons=reply.buttons,
                    ),
                )
            return twiml.bot_turn(reply, self._options, self._urls)

        assert state.pending is not None
        attempts = state.pending.attempts + 1
        if attempts > self._policy.max_rasa_retries:
            log.error(
                "call %s: Rasa unavailable after %d attempts (%s); ending the call",
                conversation_id(call_sid),
                attempts,
                outcome.error or "still running",
            )
            self._store.drop(call_sid)
            return twiml.canned_goodbye(prompts.UNAVAILABLE_GOODBYE, self._options)
        if outcome.error:
            log.warning(
                "call %s: Rasa request failed: %s",
                conversation_id(call_sid),
                outcome.error,
            )
        self._store.save(
            call_sid, replace(state, pending=replace(state.pending, attempts=attempts))
        )
        return twiml.please_wait(
            self._urls.retry,
            self._options,
            first=attempts == 1,
            # After a failure, give Rasa a moment before the re-send rather than looping at once.
            pause_s=1 if outcome.error else 0,
        )

    def _silence(self, call_sid: str, state: CallState, lead_in: str) -> str:
        count = state.no_input_count + 1
        if no_input_step(count, self._policy.no_input_reprompts) is NoInputStep.GOODBYE:
            self._store.drop(call_sid)
            return twiml.canned_goodbye(prompts.NO_INPUT_GOODBYE, self._options)
        state = replace(state, no_input_count=count)
        self._store.save(call_sid, state)
        return self._listen_again(state, lead_in)

    def _listen_again(self, state: CallState, lead_in: str) -> str:
        question = state.last_question or twiml.first_question()
        return twiml.reprompt(
            lead_in,
            question,
            self._options,
            self._urls,
            single_key=bool(state.last_buttons),
        )
