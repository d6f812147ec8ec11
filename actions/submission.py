"""Read-back, submission, correction and cancellation of a complaint (确认与登记)."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import zhtext
from actions import places, text
from actions.casestore_client import CaseRejected, CaseStoreClient, CaseStoreUnavailable
from actions.complaint import FORM_SLOTS, required_form_slots, slot_values
from actions.conversation import is_hotline, last_user_text
from actions.outbox import Outbox
from actions.settings import get_settings

logger = logging.getLogger(__name__)


def build_case_payload(tracker: Tracker, key: str) -> Dict[str, Any]:
    """The case store's CaseCreate body from the form's slots."""
    slots = slot_values(tracker)
    channel = "hotline" if tracker.get_slot("caller_phone") else "web_chat"
    street = slots["street"] if slots["street"] != text.UNKNOWN_STREET else None
    anonymous = bool(slots["anonymous"])
    return {
        "idempotency_key": key,
        "channel": channel,
        "purpose": slots["purpose"] or "complaint",
        "description": slots["description"],
        "summary": "\n".join(text.case_facts(slots)),
        "request": slots["request_text"],
        "occurred_at_text": slots["occurred_time"],
        "location": {
            "district": slots["district"],
            "street": street,
            "community": slots["community"],
            "address": slots["address"],
        },
        "complainant": {
            "anonymous": anonymous,
            "name": None if anonymous else slots["person_name"],
            "phone": None if anonymous else slots["phone_number"],
            "id_number": None,
        },
        "category": None,
        "conversation_id": tracker.sender_id,
    }


class ActionConfirmSummary(Action):
    """Reads back the complaint and waits for 对 (复述确认)."""

    def name(self) -> str:
        return "action_confirm_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        read_back(dispatcher, slot_values(tracker))
        key = tracker.get_slot("submission_key") or uuid.uuid4().hex
        return [SlotSet("awaiting_confirmation", True), SlotSet("submission_key", key)]


def read_back(dispatcher: CollectingDispatcher, slots: Dict[str, Any]) -> None:
    """The summary with 对/需要修改 buttons (复述确认)."""
    dispatcher.utter_message(
        text=text.summary_text(slots),
        buttons=[
            {"title": "对，提交", "payload": "/affirm"},
            {"title": "需要修改", "payload": "/deny"},
        ],
    )


class ActionSubmitComplaint(Action):
    """Registers the case; if the case store is down, keeps it in the outbox."""

    def name(self) -> str:
        return "action_submit_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        settings = get_settings()
        key = tracker.get_slot("submission_key") or uuid.uuid4().hex
        payload = build_case_payload(tracker, key)
        outbox = Outbox(settings.outbox_path)
        outbox.put(key, tracker.sender_id, payload)
        try:
            receipt = await CaseStoreClient(settings).create_case(payload)
        except CaseStoreUnavailable as error:
            outbox.failed(key, str(error))
            ask = "说" if is_hotline(tracker) else "发送"
            dispatcher.utter_message(
                text="您的反映已完整记录。登记系统暂时繁忙，系统会自动完成登记，"
                f"不需要您重新反映。请稍后{ask}“查询”获取信访件编号和查询码。"
            )
            return self._reset()
        except CaseRejected as error:
            outbox.failed(key, str(error))
            logger.error("case store rejected a submission: %s", error.status)
            dispatcher.utter_message(
                text="您的反映已记录，但登记时遇到问题，工作人员会人工核对后登记。"
                "您也可以拨打12345热线。"
            )
            return self._reset()
        outbox.delivered(key, receipt.as_dict())
        dispatcher.utter_message(text=text.receipt_text(receipt.as_dict()))
        return self._reset() + [SlotSet("case_number", None), SlotSet("query_code", None)]

    @staticmethod
    def _reset() -> List[EventType]:
        return [SlotSet(name, None) for name in FORM_SLOTS if name != "purpose"] + [
            SlotSet("awaiting_confirmation", False),
            SlotSet("purpose", "complaint"),
        ]


class ActionApplyCorrection(Action):
    """Fixes only the slot the citizen corrects at read-back (更正)."""

    def name(self) -> str:
        return "action_apply_correction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        said = last_user_text(tracker)
        entities = {
            e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities", [])
        }
        events: List[EventType] = []
        district = places.official_district(entities.get("district") or "")
        if district:
            events.append(SlotSet("district", district))
            street = tracker.get_slot("street")
            owner = places.city().district_of_street(street) if street else None
            if "street" not in entities and street and (owner is None or owner.name != district):
                events += [SlotSet("street", None), SlotSet("address", None)]
        for entity, slot in (
            ("street", "street"),
            ("time", "occurred_time"),
            ("person_name", "person_name"),
        ):
            if entities.get(entity):
                events.append(SlotSet(slot, entities[entity]))
        phone = zhtext.extract_phone(said)
        if phone:
            events.append(SlotSet("phone_number", phone))
        events += self._keyword_corrections(said, already=bool(events))
        if not events:
            dispatcher.utter_message(response="utter_ask_correction")
            return []
        slots = slot_values(tracker)
        slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
        missing = [
            name
            for name in required_form_slots(slots["purpose"], slots["anonymous"])
            if not slots.get(name)
        ]
        if missing:  # e.g. a new district without a street: the form asks for it
            return events + [
                SlotSet("awaiting_confirmation", False),
                FollowupAction("complaint_form"),
            ]
        # Read back here, in the same action: a follow-up action after this one is in no
        # rule, so the policies would fall back and revert the whole correction.
        read_back(dispatcher, slots)
        return events + [SlotSet("awaiting_confirmation", True)]

    @staticmethod
    def _keyword_corrections(said: str, already: bool) -> List[EventType]:
        """'时间不对，是上周五' / '诉求改成……' style corrections without entities."""
        if already:
            return []
        match = re.search(
            r"(时间|诉求|要求|地址|位置|姓名|名字)[^，,。]*?[，,]?\s*(?:是|改成|改为|应该是)(.+)$",
            said,
        )
        if not match:
            return []
        slot = {
            "时间": "occurred_time",
            "诉求": "request_text",
            "要求": "request_text",
            "地址": "address",
            "位置": "address",
            "姓名": "person_name",
            "名字": "person_name",
        }[match.group(1)]
        return [SlotSet(slot, match.group(2).strip(" 。"))]


class ActionCancelComplaint(Action):
    """The citizen gave up: forget the draft and say so."""

    def name(self) -> str:
        return "action_cancel_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_complaint_cancelled")
        return (
            [ActiveLoop(None), SlotSet("requested_slot", None)]
            + ActionSubmitComplaint._reset()
            + [SlotSet("case_number", None), SlotSet("query_code", None)]
        )
