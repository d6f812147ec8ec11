"""Handing a conversation to a person (转人工) and back (交还).

On the hotline the voice gateway transfers the call when a bot message
carries the custom payload `{"transfer": {"reason": …}}`. In web chat the
conversation goes into the staff console's queue (the case store's
hand-off API) with the bot's guess of intent, category and place; a staff
member takes it over there, and hands it back with `action_handback`.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.casestore_client import CaseRejected, CaseStoreClient, CaseStoreUnavailable
from actions.conversation import is_hotline
from actions.settings import get_settings

logger = logging.getLogger(__name__)

MIN_TEXT_FOR_GUESS = 8
REASON_BY_INTENT = {
    "request_human": "request_human",
    "emergency": "emergency",
    "nlu_fallback": "misunderstood",
}


def handoff_reason(tracker: Tracker) -> str:
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    return REASON_BY_INTENT.get(intent, "request_human")


def transfer_call(dispatcher: CollectingDispatcher, reason: str, say: bool = True) -> None:
    """Asks the voice gateway to put the caller through to staff."""
    if say:
        dispatcher.utter_message(text="好的，正在为您转接人工坐席，请稍候。")
    dispatcher.utter_message(json_message={"transfer": {"reason": reason}})


def _latest_user_event(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event
    return {}


def _substance(tracker: Tracker) -> Dict[str, Any]:
    """Parse of the citizen's longest message: the story, not "转人工" or "电话不对，是…"."""
    said = [
        e
        for e in tracker.events
        if e.get("event") == "user" and len(e.get("text") or "") >= MIN_TEXT_FOR_GUESS
    ]
    if not said:
        return {}
    longest = max(said, key=lambda e: len(e.get("text") or ""))
    return longest.get("parse_data") or {}


def handoff_report(tracker: Tracker, reason: str) -> Dict[str, Any]:
    """The queue entry: who, why, and what the bot has understood so far."""
    substance = _substance(tracker) or tracker.latest_message or {}
    category = substance.get("category") or {}
    place = "".join(
        part
        for part in (tracker.get_slot("district"), tracker.get_slot("street"))
        if isinstance(part, str)
    )
    seen = f"{tracker.sender_id}|{_latest_user_event(tracker).get('timestamp')}|{reason}"
    return {
        "event_id": hashlib.sha256(seen.encode("utf-8")).hexdigest()[:48],
        "conversation_id": tracker.sender_id,
        "channel": "web_chat",
        "reason": reason,
        "outcome": "waiting",
        "guess": {
            "intent": (substance.get("intent") or {}).get("name"),
            "category": category.get("name") if isinstance(category, dict) else None,
            "place": place or None,
        },
    }


async def queue_for_staff(tracker: Tracker, reason: str) -> bool:
    """Puts a web conversation into the staff queue; False when that is not possible now."""
    try:
        await CaseStoreClient(get_settings()).report_handoff(handoff_report(tracker, reason))
    except (CaseStoreUnavailable, CaseRejected) as error:
        logger.warning("hand-off could not be queued: %s", type(error).__name__)
        return False
    return True


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reason = handoff_reason(tracker)
        if is_hotline(tracker):
            # after an emergency the numbers 110/119/120 were just said
            transfer_call(dispatcher, reason, say=reason != "emergency")
        elif await queue_for_staff(tracker, reason):
            dispatcher.utter_message(response="utter_handoff_queued")
        elif reason != "emergency":
            dispatcher.utter_message(response="utter_handoff_unavailable")
        return []


def ask_again(tracker: Tracker, domain: DomainDict) -> Optional[Dict[str, Any]]:
    """The question the form was waiting for, to repeat after a hand-back."""
    active = (tracker.active_loop or {}).get("name")
    slot = tracker.get_slot("requested_slot")
    if not active or not slot:
        return None
    if slot == "phone_number" and tracker.get_slot("caller_phone"):
        return None  # the hotline never hands back a chat
    response = f"utter_ask_{slot}"
    if response in (domain.get("responses") or {}):
        return {"response": response}
    return None


class ActionHandback(Action):
    """交还: the staff member left; the bot continues where the form was."""

    def name(self) -> str:
        return "action_handback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        question = ask_again(tracker, domain)
        if question is None:
            dispatcher.utter_message(response="utter_handback")
        else:
            dispatcher.utter_message(response="utter_handback_continue")
            dispatcher.utter_message(**question)
        return []
