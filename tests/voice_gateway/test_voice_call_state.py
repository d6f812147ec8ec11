from voice_gateway.call_flow import NoInputStep, mask_phone, no_input_step
from voice_gateway.call_state import CallState, InMemoryCallStateStore, conversation_id


def test_conversation_id_is_derived_from_callsid_only():
    sid = "CA0123456789abcdef0123456789abcdef"
    assert conversation_id(sid) == conversation_id(sid)
    assert conversation_id(sid).startswith("call-")
    assert len(conversation_id(sid)) == len("call-") + 16
    assert conversation_id(sid) != conversation_id(sid[:-1] + "0")


def test_store_expires_idle_calls():
    now = [0.0]
    store = InMemoryCallStateStore(ttl_s=60, clock=lambda: now[0])
    store.save("CA1", CallState(no_input_count=1))
    assert store.get("CA1").no_input_count == 1
    now[0] = 61
    assert store.get("CA1") == CallState()
    assert len(store) == 0


def test_no_input_policy():
    assert no_input_step(1, reprompts=1) is NoInputStep.REPROMPT
    assert no_input_step(2, reprompts=1) is NoInputStep.GOODBYE
    assert no_input_step(1, reprompts=0) is NoInputStep.GOODBYE


def test_no_input_ladder_by_default_reprompts_then_offers_a_person_then_ends():
    assert [no_input_step(n, reprompts=2) for n in (1, 2, 3)] == [
        NoInputStep.REPROMPT,
        NoInputStep.OFFER_HUMAN,
        NoInputStep.GOODBYE,
    ]


def test_mid_complaint_means_the_bot_still_asks_and_no_case_number_was_read():
    assert not CallState().mid_complaint  # hung up before saying anything
    assert CallState(turns=2, bot_asked=True).mid_complaint
    assert not CallState(turns=2, bot_asked=True, case_number_read=True).mid_complaint
    assert not CallState(turns=2, bot_asked=False).mid_complaint


def test_phone_numbers_are_masked_for_logs():
    assert mask_phone("+8613800138000") == "861****8000"
    assert mask_phone("") == "****"
