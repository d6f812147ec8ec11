"""The complaint form's validators on real rasa-sdk trackers and the real gazetteer."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint import ValidateComplaintForm, required_form_slots


def _tracker(text: str, slots: dict | None = None, intent: str = "inform") -> Tracker:
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}]
    latest = {"text": text, "intent": {"name": intent}, "entities": []}
    return Tracker("t", slots or {}, latest, events, False, None, None, "action_listen")


def _validate(slot: str, value, text: str, slots: dict | None = None, intent: str = "inform"):
    dispatcher = CollectingDispatcher()
    method = getattr(ValidateComplaintForm(), f"validate_{slot}")
    result = method(value, dispatcher, _tracker(text, slots, intent), {})
    return result, [m.get("text") for m in dispatcher.messages]


def test_required_slots_follow_the_kind_of_matter() -> None:
    assert required_form_slots("complaint", False) == [
        "description",
        "district",
        "street",
        "occurred_time",
        "request_text",
        "phone_number",
        "person_name",
    ]
    assert required_form_slots("consultation", True) == ["description"]
    assert "occurred_time" not in required_form_slots("suggestion", False)


def test_district_aliases_become_official_names() -> None:
    result, said = _validate("district", "管城区", "在管城区")
    assert result == {"district": "管城回族区"} and said == []


def test_a_street_named_as_the_district_answer_fills_both() -> None:
    result, _ = _validate("district", "花园路街道", "花园路街道")
    assert result == {"district": "金水区", "street": "花园路街道"}


def test_a_place_in_another_city_gets_a_helpful_hint() -> None:
    result, said = _validate("district", "朝阳区", "北京朝阳区")
    assert result["district"] is None
    assert "北京" in said[0] and "郑州市" in said[0]


def test_not_knowing_the_district_gets_a_gentle_hint() -> None:
    result, said = _validate("district", "不知道", "我也不知道是哪个区")
    assert result["district"] is None
    assert said[0].startswith("没关系") and "街道" in said[0]


def test_second_failed_answer_offers_a_person() -> None:
    result, said = _validate(
        "district", "火星区", "火星区", {"validation_failures": {"district": 1}}
    )
    assert result["district"] is None and "转人工" in said[0]


def test_a_road_names_its_street_office_and_the_words_stay_as_address() -> None:
    said_text = "农业路和文化路交叉口"
    result, said = _validate("street", said_text, said_text, {"district": "金水区"})
    assert result == {"street": "文化路街道", "address": said_text} and said == []


def test_unknown_place_is_kept_as_the_address_not_rejected() -> None:
    said_text = "绿城广场东边那个小区"
    result, said = _validate("street", said_text, said_text, {"district": "金水区"})
    assert result == {"street": "不详", "address": said_text} and said == []


def test_phone_number_spoken_or_anonymous_or_the_calling_number() -> None:
    result, _ = _validate(
        "phone_number",
        "13800138000",
        "我叫张三，电话13800138000",
        {"requested_slot": "phone_number"},
    )
    assert result == {"phone_number": "13800138000", "person_name": "张三"}
    result, _ = _validate("phone_number", "匿名", "我要匿名", {"requested_slot": "phone_number"})
    assert result == {"anonymous": True, "phone_number": None, "person_name": None}
    result, _ = _validate(
        "phone_number",
        "是",
        "是",
        {"requested_slot": "phone_number", "caller_phone": "13912345678"},
        intent="affirm",
    )
    assert result == {"phone_number": "13912345678"}
    result, said = _validate(
        "phone_number", "1380013", "1380013", {"requested_slot": "phone_number"}
    )
    assert result["phone_number"] is None and "11位" in said[0]


FILLED = {
    "description": "金水区花园路街道有个工地半夜还在施工",
    "purpose": "complaint",
    "district": "金水区",
    "street": "花园路街道",
    "occurred_time": "昨天晚上十二点",
    "request_text": "希望停止夜间施工",
    "phone_number": "13800138000",
    "person_name": "张三",
    "anonymous": False,
    "awaiting_confirmation": True,
}


def _correct(text: str, entities: list | None = None) -> tuple[list, list]:
    import asyncio

    from actions.submission import ActionApplyCorrection

    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}}}]
    latest = {"text": text, "intent": {"name": "inform"}, "entities": entities or []}
    tracker = Tracker("t", dict(FILLED), latest, events, False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ActionApplyCorrection().run(dispatcher, tracker, {}))
    return result, dispatcher.messages


def test_a_correction_reads_back_in_the_same_action_and_keeps_the_new_value() -> None:
    events, messages = _correct("电话不对，是13900139000")
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"phone_number": "13900139000", "awaiting_confirmation": True}
    # no follow-up action: one the rules do not know would make the policies fall back
    # and revert the correction
    assert all(e["event"] != "followup" for e in events)
    assert len(messages) == 1 and "13900139000" in messages[0]["text"]
    assert "13800138000" not in messages[0]["text"]


def test_a_new_district_without_its_street_goes_back_to_the_form() -> None:
    entities = [{"entity": "district", "value": "二七区", "start": 2, "end": 5}]
    events, messages = _correct("不对，二七区", entities)
    assert {"event": "followup", "name": "complaint_form", "timestamp": None} in events
    assert messages == []
