"""Handing a conversation to a person (转人工).

On the hotline the voice gateway transfers the call when a bot message
carries the custom payload `{"transfer": {"reason": …}}`. In web chat the
citizen is told honestly how to reach a person until staff take over chats
in the console.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import is_hotline

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
        elif reason != "emergency":
            dispatcher.utter_message(response="utter_handoff")
        return []
