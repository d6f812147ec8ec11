"""Looking up a case by number and query code (查询)."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import text
from actions.casestore_client import (
    CaseNotFound,
    CaseRejected,
    CaseStoreClient,
    CaseStoreUnavailable,
    TooManyAttempts,
    WrongQueryCode,
)
from actions.conversation import last_user_text
from actions.outbox import Outbox
from actions.settings import get_settings
from actions.submission import build_case_payload

PURPOSE_BY_INTENT = {
    "query_case": "query",
    "urge_case": "urge",
    "evaluate_case": "evaluate",
    "request_review": "review",
}
_CASE_NUMBER = re.compile(r"(?i)(?:XF)?\s*(20\d{10})(?!\d)")
_QUERY_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def canonical_case_number(value: str) -> str | None:
    """`xf 202611260001`, `XF202611260001` or the 12 digits alone → XF…"""
    match = _CASE_NUMBER.search((value or "").replace(" ", ""))
    return f"XF{match.group(1)}" if match else None


def canonical_query_code(value: str) -> str | None:
    match = _QUERY_CODE.search(value or "")
    return match.group(1) if match else None


class ActionStartLookup(Action):
    """Remembers why the citizen looks the case up; offers the receipt of this conversation."""

    def name(self) -> str:
        return "action_start_lookup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        events: List[EventType] = [
            SlotSet("lookup_purpose", PURPOSE_BY_INTENT.get(intent, "query"))
        ]
        if tracker.get_slot("case_number"):
            return events
        receipt, pending = await conversation_receipt(tracker)
        if receipt is not None:
            dispatcher.utter_message(text=text.receipt_text(receipt))
            events += [
                SlotSet("case_number", receipt["number"]),
                SlotSet("query_code", receipt["query_code"]),
            ]
        elif pending:
            dispatcher.utter_message(
                text="您刚才反映的事项还在登记中，完成后即可查询。请稍后再试。"
            )
            # the turn ends here: the look-up form would ask for a number the citizen
            # does not have yet, and take the next "查询" as a wrong one
            events.append(FollowupAction("action_listen"))
        return events


async def conversation_receipt(tracker: Tracker) -> Tuple[Optional[Dict[str, Any]], bool]:
    """(receipt, pending) of the complaint this conversation submitted last.

    First this action server's outbox. Every action server has its own, and the
    one asked may not be the one that took the submission (or that one died on
    it): then the complaint is rebuilt from the tracker — the slots when
    `action_submit_complaint` ran, with their idempotency key — kept in this
    outbox and sent now. The key makes that safe; the case store returns the
    case it already has. (None, False): this conversation submitted nothing.
    """
    settings = get_settings()
    outbox = Outbox(settings.outbox_path)
    latest = outbox.latest_for(tracker.sender_id)
    if latest and latest["delivered"]:
        return latest["receipt"], False
    submitted = submitted_complaint(tracker)
    if submitted is None:
        return None, latest is not None
    key, payload = submitted
    outbox.put(key, tracker.sender_id, payload)
    try:
        receipt = await CaseStoreClient(settings).create_case(payload)
    except (CaseStoreUnavailable, CaseRejected) as error:
        outbox.failed(key, str(error))
        return None, True
    outbox.delivered(key, receipt.as_dict())
    return receipt.as_dict(), False


def submitted_complaint(tracker: Tracker) -> Optional[Tuple[str, Dict[str, Any]]]:
    """(idempotency key, payload) of the last submission in the tracker's events."""
    slots: Dict[str, Any] = {}
    found: Optional[Dict[str, Any]] = None
    for event in tracker.events:
        kind = event.get("event")
        if kind == "slot":
            slots[str(event.get("name"))] = event.get("value")
        elif kind == "action" and event.get("name") == "action_submit_complaint":
            if slots.get("submission_key"):
                found = dict(slots)  # what the action saw: its own events come after
        elif kind in ("restart", "reset_slots"):
            slots, found = {}, None
    if found is None:
        return None
    then = Tracker(tracker.sender_id, found, {}, [], False, None, {}, None)
    key = str(found["submission_key"])
    return key, build_case_payload(then, key)


class ValidateCaseLookupForm(FormValidationAction):
    def name(self) -> str:
        return "validate_case_lookup_form"

    def validate_case_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        number = canonical_case_number(str(value or "")) or canonical_case_number(
            last_user_text(tracker)
        )
        if not number:
            dispatcher.utter_message(
                text="信访件编号是XF加12位数字，例如XF202611260001，请核对后再发给我。"
            )
            return {"case_number": None}
        return {"case_number": number}

    def validate_query_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        code = canonical_query_code(str(value or ""))
        if not code:
            dispatcher.utter_message(text="查询码是6位数字，请核对后再发给我。")
            return {"query_code": None}
        return {"query_code": code}


class ActionLookupCase(Action):
    """Answers from the case store: state, unit, deadline, last step."""

    def name(self) -> str:
        return "action_lookup_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        number = tracker.get_slot("case_number") or ""
        code = tracker.get_slot("query_code") or ""
        reset: List[EventType] = [SlotSet("case_number", None), SlotSet("query_code", None)]
        try:
            case = await CaseStoreClient(get_settings()).lookup(number, code, tracker.sender_id)
        except CaseNotFound:
            dispatcher.utter_message(text=f"没有找到编号为{number}的信访件，请核对编号后再查询。")
            return reset
        except WrongQueryCode:
            dispatcher.utter_message(text="查询码不正确，请核对登记时收到的6位查询码后再查询。")
            return reset
        except TooManyAttempts:
            dispatcher.utter_message(
                text="查询码核对失败的次数太多了，为保护您的信息，请过一会儿再查询，或拨打12345热线。"
            )
            return reset
        except CaseStoreUnavailable:
            dispatcher.utter_message(text="查询系统暂时繁忙，请稍后再试，或拨打12345热线查询。")
            return reset
        dispatcher.utter_message(text=case_status_text(case))
        if tracker.get_slot("lookup_purpose") in {"urge", "evaluate", "review"}:
            dispatcher.utter_message(response="utter_other_request_by_phone")
        return reset


def case_status_text(case: Dict[str, Any]) -> str:
    unit = case.get("responsible_unit") or {}
    lines = [
        f"信访件 {case.get('number')} 当前状态：{case.get('state_label') or case.get('state')}。",
        f"承办单位：{unit.get('name', '待确定')}。",
    ]
    if case.get("accept_by"):
        lines.append(f"受理告知期限：{text.format_date(case['accept_by'])}前。")
    last = case.get("last_event") or {}
    if last.get("label"):
        lines.append(f"最近进展：{str(last.get('at', ''))[:10]} {last['label']}。")
    note = str(last.get("note") or "").strip()
    if note:  # the reply itself, so that a caller hears it, not only a web reader
        heading = "答复意见" if "答复" in str(last.get("label") or "") else "说明"
        lines.append(f"{heading}：{note}")
    return "\n".join(lines)
