"""The complaint form (信访登记): capture the story, ask what is missing, validate."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import zhtext
from actions import places, text
from actions.conversation import last_user_metadata, last_user_text

logger = logging.getLogger(__name__)

FORM_SLOTS = [
    "description",
    "purpose",
    "district",
    "street",
    "community",
    "address",
    "occurred_time",
    "request_text",
    "anonymous",
    "person_name",
    "phone_number",
    "organization",
    "awaiting_confirmation",
    "submission_key",
    "validation_failures",
]
PURPOSE_BY_INTENT = {
    "file_complaint": "complaint",
    "give_suggestion": "suggestion",
    "ask_policy": "consultation",
}
MAX_FAILURES = 2


def required_form_slots(purpose: Optional[str], anonymous: Optional[bool]) -> List[str]:
    """What the form asks, in order, for this kind of matter."""
    purpose = purpose or "complaint"
    needed = ["description"]
    if purpose != "consultation":
        needed += ["district", "street"]
    if purpose == "complaint":
        needed += ["occurred_time", "request_text"]
    if not anonymous:
        needed += ["phone_number", "person_name"]
    return needed


def slot_values(tracker: Tracker) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in FORM_SLOTS}


class ActionCaptureComplaint(Action):
    """Keeps the first message verbatim and fills what it already says."""

    def name(self) -> str:
        return "action_capture_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        said = last_user_text(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        purpose = PURPOSE_BY_INTENT.get(intent or "", "complaint")
        events: List[EventType] = [
            SlotSet("purpose", purpose),
            SlotSet("awaiting_confirmation", False),
            SlotSet("validation_failures", {}),
        ]
        caller = last_user_metadata(tracker).get("caller")
        if caller:
            events.append(SlotSet("caller_phone", zhtext.extract_phone(str(caller)) or None))
        minimum = 4 if purpose == "consultation" else 6
        if not text.is_story(said, minimum):
            return events
        events.append(SlotSet("description", said))
        street = tracker.get_slot("street")
        if street and not tracker.get_slot("district"):
            owner = places.city().district_of_street(street)
            if owner:
                events.append(SlotSet("district", owner.name))
        if not tracker.get_slot("occurred_time") and text.find_time(said):
            events.append(SlotSet("occurred_time", text.find_time(said)))
        if text.find_request(said):
            events.append(SlotSet("request_text", text.find_request(said)))
        if not tracker.get_slot("person_name") and text.find_name(said):
            events.append(SlotSet("person_name", text.find_name(said)))
        return events


class ValidateComplaintForm(FormValidationAction):
    """Asks only for what is missing and checks every answer."""

    def name(self) -> str:
        return "validate_complaint_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        return required_form_slots(tracker.get_slot("purpose"), tracker.get_slot("anonymous"))

    # --- helpers -------------------------------------------------------------
    def _failed(
        self,
        slot: str,
        hint: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> Dict[str, Any]:
        failures = dict(tracker.get_slot("validation_failures") or {})
        failures[slot] = failures.get(slot, 0) + 1
        if failures[slot] >= MAX_FAILURES:
            dispatcher.utter_message(
                text=hint + "如果不方便回答，可以发送“转人工”，或拨打12345热线。"
            )
        else:
            dispatcher.utter_message(text=hint)
        return {slot: None, "validation_failures": failures}

    # --- validators ----------------------------------------------------------
    def validate_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = last_user_text(tracker) or str(value or "")
        if len(text.substantive_content(said)) < 2:
            return self._failed(
                "description",
                "请再具体说说发生了什么，比如什么地方、什么问题、影响到了谁。",
                dispatcher,
                tracker,
            )
        return {"description": said}

    def validate_district(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        official = places.official_district(str(value or ""))
        if official:
            return {"district": official}
        said = last_user_text(tracker)
        street = places.city().canonical_street(said) if said else None
        owner = places.city().district_of_street(street.name) if street else None
        if street and owner:
            return {"district": owner.name, "street": street.name}
        other = places.city().other_city_place(said) if said else None
        name = places.city_name()
        if other:
            hint = f"这里是{name}的信访渠道，{other.city}的事项请向当地反映。如果问题发生在{name}，请告诉我是哪个区县（市）。"
        elif said and text.does_not_know(said):
            hint = "没关系。请告诉我大概在哪个区县（市），例如金水区、二七区；说出街道、乡镇的名字也可以。"
        else:
            hint = f"没有找到这个区县。请说出{name}的区县（市）名称，例如：金水区、中原区、新郑市、郑东新区。"
        return self._failed("district", hint, dispatcher, tracker)

    def validate_street(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = str(value or "")
        district = tracker.get_slot("district")
        street = places.city().canonical_street(said, district=district)
        if street is not None:
            result: Dict[str, Any] = {"street": street.name}
            if not district:
                result["district"] = street.district
            if said.strip() not in {street.name, *street.aliases}:
                result["address"] = said.strip()  # 农业路和文化路交叉口: keep the detail
            return result
        if text.does_not_know(said) or not text.substantive_content(said):
            return {"street": text.UNKNOWN_STREET}
        # A road, a compound, a landmark, or a street of another district:
        # keep the citizen's words as the address rather than guess.
        return {"street": text.UNKNOWN_STREET, "address": said}

    def validate_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = str(value or "").strip()
        return {"address": said if text.looks_like_address(said) else None}

    def validate_occurred_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = str(value or "").strip()
        if not text.substantive_content(said):
            return self._failed(
                "occurred_time",
                "请说一下大概的时间，例如“昨天晚上”“上周五”或“一直存在”。",
                dispatcher,
                tracker,
            )
        return {"occurred_time": text.shorten(said, 60)}

    def validate_request_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = str(value or "").strip()
        if len(text.substantive_content(said)) < 2:
            return self._failed(
                "request_text",
                "请简单说说您希望怎么处理，例如“希望停止夜间施工”。",
                dispatcher,
                tracker,
            )
        return {"request_text": said}

    def validate_phone_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = last_user_text(tracker)
        if text.wants_anonymity(said):
            return {"anonymous": True, "phone_number": None, "person_name": None}
        caller = tracker.get_slot("caller_phone")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if caller and (text.means_same_number(said) or intent == "affirm"):
            return {"phone_number": caller}
        phone = zhtext.extract_phone(str(value or "")) or zhtext.extract_phone(said)
        if not phone and tracker.get_slot("requested_slot") != "phone_number":
            return {"phone_number": None}  # a stray number in a story: ask later
        if not phone:
            return self._failed(
                "phone_number",
                "这个号码好像不完整。请提供11位手机号码，或带区号的固定电话，例如13800138000。",
                dispatcher,
                tracker,
            )
        result: Dict[str, Any] = {"phone_number": phone}
        name = tracker.get_slot("person_name") or text.find_name(said)
        if not name:
            leftover = said.replace(phone, "")
            name = text.bare_name(leftover.replace("电话", "").replace("手机", ""))
        if name:
            result["person_name"] = name
        return result

    def validate_person_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = str(value or "")
        if text.wants_anonymity(last_user_text(tracker)):
            return {"person_name": "匿名"}
        name = text.find_name(said) or text.bare_name(said)
        if not name and 1 <= len(said.strip()) <= 10:
            name = said.strip()
        if not name:
            return self._failed(
                "person_name", "请告诉我怎么称呼您，例如“张先生”或您的姓名。", dispatcher, tracker
            )
        return {"person_name": name}


class ActionAskPhoneNumber(Action):
    """Asks for a contact number; on the hotline, offers the calling number."""

    def name(self) -> str:
        return "action_ask_phone_number"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        caller = tracker.get_slot("caller_phone")
        if caller:
            dispatcher.utter_message(
                text="您的个人信息会严格保密，如希望匿名反映，请说“匿名”。"
                f"联系电话用您现在的来电号码，尾号{caller[-4:]}，可以吗？可以请说“是”，或者说出其他电话号码。"
            )
        else:
            dispatcher.utter_message(response="utter_ask_phone_number")
        return []
