"""What happens on each Twilio webhook of a call (the gateway's service layer).

Routes translate HTTP to CallEvent and back; this module decides; twiml.py renders.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Protocol

from voice_gateway import prompts, twiml
from voice_gateway.bot_reply import (
    REQUEST_HUMAN,
    BotReply,
    choose_button,
    parse_bot_messages,
    wants_a_person,
)
from voice_gateway.call_log import CallLog
from voice_gateway.call_state import (
    CallState,
    CallStateStore,
    PendingTransfer,
    PendingUtterance,
    call_sid_hash,
    conversation_id,
)
from voice_gateway.casestore_client import (
    HandoffOutcome,
    HandoffReason,
    TargetKind,
    mask_phone,
)
from voice_gateway.rasa_client import InFlightTurns
from voice_gateway.twiml import CallUrls, Handoff, VoiceOptions

__all__ = ["CallEvent", "CallFlow", "CallPolicy", "NoInputStep", "mask_phone", "no_input_step"]

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 5000
CHANNEL = "hotline"
# Twilio CallStatus values after which no more webhooks come for the call.
FINAL_CALL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# <Dial> DialCallStatus / <Enqueue> QueueResult meaning staff spoke with the caller.
ANSWERED = frozenset({"completed", "answered", "bridged"})
# Empty bot answers in a row before the gateway gives up on the bot for this call.
MAX_EMPTY_REPLIES = 2


@dataclass(frozen=True)
class CallEvent:
    """The parts of a Twilio voice webhook the gateway uses."""

    call_sid: str
    caller: str = ""
    called: str = ""
    speech: str = ""
    digits: str = ""
    call_status: str = ""
    call_duration: str = ""
    # <Dial> action: DialCallStatus; <Enqueue> action: QueueResult; waitUrl: QueueTime.
    dial_call_status: str = ""
    queue_result: str = ""
    queue_time: str = ""


class NoInputStep(Enum):
    REPROMPT = "reprompt"
    OFFER_HUMAN = "offer_human"
    GOODBYE = "goodbye"


def no_input_step(count: int, reprompts: int) -> NoInputStep:
    """What to do after the caller's `count`-th silence in a row.

    Default (2 reprompts): ask again, then offer a person and ask again, then goodbye.
    """
    if count > reprompts:
        return NoInputStep.GOODBYE
    if count == reprompts and reprompts >= 2:
        return NoInputStep.OFFER_HUMAN
    return NoInputStep.REPROMPT


class HandoffReporter(Protocol):
    """The case store client (casestore_client.CaseStoreClient); never blocks."""

    def report_handoff(
        self,
        conversation_id: str,
        call_sid_hash: str,
        reason: HandoffReason,
        channel: str = ...,
        caller: str = ...,
        *,
        outcome: HandoffOutcome = ...,
        reference: str | None = ...,
        transfer_target: TargetKind | None = ...,
        call_status: str | None = ...,
    ) -> object: ...

    def report_call_ended(
        self,
        conversation_id: str,
        status: str,
        partial: bool,
        *,
        call_sid_hash: str = ...,
        caller: str = ...,
        channel: str = ...,
        reference: str | None = ...,
    ) -> object: ...


@dataclass(frozen=True)
class CallPolicy:
    reply_deadline_s: float = 8.0
    max_rasa_retries: int = 3
    no_input_reprompts: int = 2
    queue_max_wait_s: int = 90


class CallFlow:
    def __init__(
        self,
        store: CallStateStore,
        turns: InFlightTurns,
        options: VoiceOptions,
        urls: CallUrls,
        policy: CallPolicy,
        reporter: HandoffReporter,
        transfer_target: twiml.TransferTarget | None = None,
        call_log: CallLog | None = None,
    ) -> None:
        self._store = store
        self._turns = turns
        self._options = options
        self._urls = urls
        self._policy = policy
        self._reporter = reporter
        self._target = transfer_target
        self.call_log = call_log or CallLog()

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

    # -- transfer to staff -------------------------------------------------------------------

    def dial_status(self, call: CallEvent) -> str:
        """<Dial>/<Enqueue> action: staff took the call, or nobody answered (fallback)."""
        state = self._store.get(call.call_sid)
        result = call.dial_call_status or call.queue_result
        answered = result in ANSWERED
        transfer = state.transfer or PendingTransfer(reason="request_human")
        log.info(
            "call %s: transfer (%s) ended: %s",
            conversation_id(call.call_sid),
            transfer.reason,
            result or "unknown",
        )
        self._report(
            call.call_sid,
            state.caller or call.caller,
            _reason(transfer.reason),
            "connected" if answered else "callback_needed",
            reference=transfer.reference,
            call_status=result or None,
        )
        self._store.drop(call.call_sid)
        return twiml.after_transfer(self._options, answered=answered)

    def whisper(self, handoff: Handoff) -> str:
        return twiml.whisper(handoff, self._options)

    def hold(self, call: CallEvent) -> str:
        waited = int(call.queue_time) if call.queue_time.isdigit() else 0
        return twiml.hold(self._options, leave=waited >= self._policy.queue_max_wait_s)

    # -- status callbacks --------------------------------------------------------------------

    def status(self, call: CallEvent) -> None:
        conversation = conversation_id(call.call_sid)
        self.call_log.record(conversation, call.call_status, call.call_duration, call.caller)
        if call.call_status not in FINAL_CALL_STATUSES:
            return
        state = self._store.get(call.call_sid)
        if state.pending is not None and not self._turns.running(call.call_sid):
            log.warning(
                "call %s ended (%s) with an utterance Rasa never answered",
                conversation,
                call.call_status,
            )
        if state.mid_complaint:
            log.info("call %s ended (%s) mid-complaint", conversation, call.call_status)
            self._reporter.report_call_ended(
                conversation,
                call.call_status,
                partial=True,
                call_sid_hash=call_sid_hash(call.call_sid),
                caller=state.caller or call.caller,
                reference=state.transfer.reference if state.transfer else None,
            )
        # A request still running is left to finish: Rasa keeps what the caller said.
        self._store.drop(call.call_sid)

    # -- internals ---------------------------------------------------------------------------

    def _message_for_rasa(self, call: CallEvent, state: CallState) -> str:
        digits, speech = call.digits.strip(), call.speech.strip()
        if digits:
            button = choose_button(state.last_buttons, digits=digits)
            if button:
                return button.payload
            return REQUEST_HUMAN if wants_a_person(digits=digits) else digits
        if speech:
            button = choose_button(state.last_buttons, speech=speech)
            if button:
                return button.payload
            return REQUEST_HUMAN if wants_a_person(speech=speech) else speech[:MAX_MESSAGE_CHARS]
        return ""

    def _send(self, call_sid: str, state: CallState) -> None:
        assert state.pending is not None
        metadata = {"channel": CHANNEL, "caller": state.caller, "call_sid": call_sid}
        self._turns.start(call_sid, conversation_id(call_sid), state.pending.message, metadata)

    async def _answer(self, call_sid: str, state: CallState) -> str:
        """Wait for Rasa up to the deadline; speak its answer, or say "请稍候" and come back."""
        outcome = await self._turns.wait(call_sid, self._policy.reply_deadline_s)
        if outcome.messages is not None:
            return self._bot_turn(call_sid, state, parse_bot_messages(outcome.messages))

        assert state.pending is not None
        attempts = state.pending.attempts + 1
        if attempts > self._policy.max_rasa_retries:
            log.error(
                "call %s: Rasa unavailable after %d attempts (%s)",
                conversation_id(call_sid),
                attempts,
                outcome.error or "still running",
            )
            return self._bot_unavailable(
                call_sid, state, prompts.UNAVAILABLE_TRANSFER, prompts.UNAVAILABLE_GOODBYE
            )
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

    def _bot_turn(self, call_sid: str, state: CallState, reply: BotReply) -> str:
        state = replace(
            state,
            pending=None,
            case_number_read=state.case_number_read or reply.case_number_read,
        )
        if reply.transfer is not None:
            return self._transfer(
                call_sid,
                state,
                reply.spoken,
                reply.transfer.reason,
                reply.transfer.reference,
            )
        if reply.is_empty:
            return self._empty_reply(call_sid, state)
        if reply.hangup:
            self._store.drop(call_sid)
        else:
            self._store.save(
                call_sid,
                replace(
                    state,
                    last_question=reply.question or state.last_question,
                    last_buttons=reply.buttons,
                    empty_replies=0,
                    bot_asked=reply.asks,
                ),
            )
        return twiml.bot_turn(reply, self._options, self._urls)

    def _empty_reply(self, call_sid: str, state: CallState) -> str:
        """Rasa answered but said nothing (e.g. the action server is down): never silence."""
        count = state.empty_replies + 1
        log.warning("call %s: empty bot reply (%d in a row)", conversation_id(call_sid), count)
        if count < MAX_EMPTY_REPLIES:
            state = replace(state, empty_replies=count)
            self._store.save(call_sid, state)
            return self._listen_again(state, prompts.EMPTY_REPLY)
        return self._bot_unavailable(
            call_sid, state, prompts.EMPTY_REPLY_TRANSFER, prompts.EMPTY_REPLY_GOODBYE
        )

    def _bot_unavailable(
        self,
        call_sid: str,
        state: CallState,
        transfer_lines: Sequence[str],
        goodbye_lines: Sequence[str],
    ) -> str:
        """The bot cannot go on: put the caller through to a person, or say goodbye politely."""
        if self._target is not None:
            return self._transfer(
                call_sid, state, twiml.speakable(transfer_lines), "bot_unavailable", None
            )
        self._report(call_sid, state.caller, "bot_unavailable", "callback_needed")
        self._store.drop(call_sid)
        return twiml.canned_goodbye(goodbye_lines, self._options)

    def _transfer(
        self,
        call_sid: str,
        state: CallState,
        said: Sequence[str],
        reason: str,
        reference: str | None,
    ) -> str:
        conversation = conversation_id(call_sid)
        if self._target is None:
            # Be honest, ask staff to call back, and let the bot carry on.
            log.warning("call %s: transfer (%s) but no target configured", conversation, reason)
            self._report(
                call_sid, state.caller, _reason(reason), "callback_needed", reference=reference
            )
            state = replace(state, empty_replies=0, bot_asked=True)
            self._store.save(call_sid, state)
            lines = [*prompts.NO_TRANSFER_TARGET]
            if reason == "emergency":
                lines.insert(0, prompts.EMERGENCY_ADVICE)
            question = state.last_question or twiml.first_question()
            return twiml.listen(
                question,
                self._options,
                self._urls,
                single_key=bool(state.last_buttons),
                before=[*said, *twiml.speakable(lines)],
            )
        log.info("call %s: transfer (%s) to %s", conversation, reason, self._target.kind)
        self._report(
            call_sid,
            state.caller,
            _reason(reason),
            "transferring",
            reference=reference,
            transfer_target=self._target.kind,
        )
        self._store.save(
            call_sid,
            replace(state, transfer=PendingTransfer(reason=reason, reference=reference)),
        )
        handoff = Handoff(conversation_id=conversation, reason=reason, reference=reference)
        said = said or twiml.speakable([prompts.TRANSFERRING])  # never a silent transfer
        return twiml.transfer(said, self._target, handoff, self._options, self._urls)

    def _report(
        self,
        call_sid: str,
        caller: str,
        reason: HandoffReason,
        outcome: HandoffOutcome,
        *,
        reference: str | None = None,
        transfer_target: TargetKind | None = None,
        call_status: str | None = None,
    ) -> None:
        try:
            self._reporter.report_handoff(
                conversation_id(call_sid),
                call_sid_hash(call_sid),
                reason,
                CHANNEL,
                caller,
                outcome=outcome,
                reference=reference,
                transfer_target=transfer_target or (self._target.kind if self._target else "none"),
                call_status=call_status,
            )
        except Exception:  # a report must never cost the caller the call
            log.exception("call %s: handoff report failed", conversation_id(call_sid))

    def _silence(self, call_sid: str, state: CallState, lead_in: str) -> str:
        count = state.no_input_count + 1
        step = no_input_step(count, self._policy.no_input_reprompts)
        if step is NoInputStep.GOODBYE:
            if state.mid_complaint:
                self._reporter.report_call_ended(
                    conversation_id(call_sid),
                    "no-input",
                    partial=True,
                    call_sid_hash=call_sid_hash(call_sid),
                    caller=state.caller,
                )
            self._store.drop(call_sid)
            return twiml.canned_goodbye(prompts.NO_INPUT_GOODBYE, self._options)
        state = replace(state, no_input_count=count)
        self._store.save(call_sid, state)
        if step is NoInputStep.OFFER_HUMAN:
            return self._listen_again(state, prompts.OFFER_HUMAN)
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


def _reason(reason: str) -> HandoffReason:
    known: dict[str, HandoffReason] = {
        "request_human": "request_human",
        "emergency": "emergency",
        "misunderstood": "misunderstood",
        "bot_unavailable": "bot_unavailable",
    }
    return known.get(reason, "request_human")
