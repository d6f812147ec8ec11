"""When the bot did not understand (未理解): say why, and offer a person."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import text
from actions.complaint import ActionCaptureComplaint
from actions.conversation import is_hotline, last_user_text
from actions.handoff import queue_for_staff, transfer_call

PROBLEM_REPLIES = {
    "empty": "我没有收到文字内容，请直接输入您要反映的问题。",
    "not_chinese": "目前我只能理解中文，请用中文描述您要反映的问题。",
    "no_text": "我只能看懂文字，请用文字描述您要反映的问题。",
}
OFFER_PERSON_AFTER = 2
#: Characters of substance that make an unprompted statement the matter itself
STATEMENT_MINIMUM = 15


def misunderstood_in_a_row(tracker: Tracker) -> int:
    """How many of the latest user messages in a row the NLU could not place."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != "nlu_fallback":
            break
        count += 1
    return count


class ActionHandleFallback(Action):
    """Says why a message was not understood; after two in a row, offers a person."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        problem = tracker.latest_message.get("input_problem")
        if problem in PROBLEM_REPLIES:
            dispatcher.utter_message(text=PROBLEM_REPLIES[problem])
            return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "inform" and self._unprompted_statement(tracker):
            # 金水区…那个酒吧 每到周末晚上音响震天响, told before any question:
            # the statement is the complaint itself, so the form starts with it.
            events = await ActionCaptureComplaint().run(dispatcher, tracker, domain)
            return events + [FollowupAction("complaint_form")]
        if intent != "nlu_fallback":
            # Understood, but nothing fits this point of the conversation:
            # say so and let the message not count (as Rasa's own fallback).
            dispatcher.utter_message(response="utter_default")
            return [UserUtteranceReverted()]
        if misunderstood_in_a_row(tracker) >= OFFER_PERSON_AFTER and is_hotline(tracker):
            dispatcher.utter_message(text="抱歉，我可能没听明白，我请工作人员来帮您。")
            transfer_call(dispatcher, "misunderstood", say=False)
        elif misunderstood_in_a_row(tracker) >= OFFER_PERSON_AFTER and await queue_for_staff(
            tracker, "misunderstood"
        ):
            dispatcher.utter_message(text="抱歉，我可能没理解对，我请工作人员来帮您，请稍候。")
        elif misunderstood_in_a_row(tracker) >= OFFER_PERSON_AFTER:
            dispatcher.utter_message(
                text="抱歉，我可能没理解对。您可以换个说法直接描述问题，"
                "发送“转人工”，或拨打12345热线与工作人员通话。"
            )
        else:
            dispatcher.utter_message(response="utter_default")
        return []

    @staticmethod
    def _unprompted_statement(tracker: Tracker) -> bool:
        """A long statement read as an answer while no question is open."""
        if (tracker.active_loop or {}).get("name") or tracker.get_slot("awaiting_confirmation"):
            return False
        return text.is_story(last_user_text(tracker), STATEMENT_MINIMUM)
