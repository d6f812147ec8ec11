"""Every action from every state: allowed moves succeed, all others are refused (409)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casestore.cases.constants import CaseState
from casestore.cases.lifecycle import (
    ACTIONS,
    CITIZEN,
    SYSTEM,
    SYSTEM_ACTOR,
    Actor,
    TransitionInput,
    TransitionNotAllowed,
)
from casestore.cases.models import CaseEvent
from casestore.cases.workflow import run_action
from tests.casestore.casestore_support import (
    CITY,
    HUAYUANLU,
    create_case,
    force_case,
    load_case,
    services_of,
)

ADMIN = Actor("staff", "admin", "admin", CITY)
FULL_INPUT = TransitionInput(
    reason="理由", note="意见", target_unit=HUAYUANLU, rating="satisfied", days=5, approved=True
)


def _actor_for(action: str) -> Actor:
    spec = ACTIONS[action]
    if CITIZEN in spec.actors:
        return Actor("citizen", "citizen")
    if spec.actors == {SYSTEM}:
        return SYSTEM_ACTOR
    return ADMIN


def _prepare(client: TestClient, state: CaseState, action: str) -> str:
    today = services_of(client).context().today
    fields: dict[str, Any] = {
        "state": state.value,
        "review_request_by": today + timedelta(days=10),
        "recheck_request_by": today + timedelta(days=10),
        "rate_by": today - timedelta(days=1),
        "rating_overdue": True,
        "rating": "satisfied",
        "replied_unit_code": HUAYUANLU,
        "due_by": today + timedelta(days=5),
        "handle_by": today + timedelta(days=5),
        "extension_status": None,
    }
    if action == "close":
        fields["recheck_request_by"] = today - timedelta(days=1)
    if action == "approve_extension":
        fields.update(extension_status="requested", extension_days=5)
    if action == "mark_rating_overdue":
        fields["rating_overdue"] = False
    if action == "merge":
        fields["repeat_of"] = create_case(client)["number"]  # an open case to join
    number: str = create_case(client)["number"]
    force_case(client, number, **fields)
    return number


def _event_count(client: TestClient, number: str) -> int:
    case = load_case(client, number)
    with services_of(client).sessions() as session:
        return (
            session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.case_id == case.id))
            or 0
        )


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_state_for_action(client: TestClient, action: str) -> None:
    spec = ACTIONS[action]
    services = services_of(client)
    for state in CaseState:
        number = _prepare(client, state, action)
        before = load_case(client, number)
        if state in spec.from_states:
            run_action(services, number, action, _actor_for(action), FULL_INPUT)
            after = load_case(client, number)
            expected = spec.to_state.value if spec.to_state else state.value
            assert after.state == expected, (action, state)
            assert after.version == before.version + 1
            assert after.events[-1].kind == action
            assert after.events[-1].from_state == state.value
        else:
            with pytest.raises(TransitionNotAllowed):
                run_action(services, number, action, _actor_for(action), FULL_INPUT)
            after = load_case(client, number)
            assert (after.state, after.version) == (before.state, before.version), (action, state)
            assert len(after.events) == len(before.events)


def test_the_table_matches_the_domain_diagram() -> None:
    S = CaseState
    moves = {
        name: ({s.value for s in spec.from_states}, spec.to_state)
        for name, spec in ACTIONS.items()
        if spec.to_state is not None
    }
    assert moves["accept"] == ({"registered"}, S.ACCEPTED)
    assert moves["reject"] == ({"registered"}, S.REJECTED)
    assert moves["assign"] == ({"accepted"}, S.ASSIGNED)
    assert moves["return"] == ({"assigned", "in_progress"}, S.ACCEPTED)
    assert moves["sign"] == ({"assigned"}, S.IN_PROGRESS)
    assert moves["reply"] == ({"in_progress"}, S.REPLIED)
    assert moves["rate"] == ({"replied"}, S.RATED)
    assert moves["request_review"] == ({"replied", "rated"}, S.REVIEW_REQUESTED)
    assert moves["review"] == ({"review_requested"}, S.REVIEWED)
    assert moves["request_recheck"] == ({"reviewed"}, S.RECHECK_REQUESTED)
    assert moves["recheck"] == ({"recheck_requested"}, S.RECHECKED)
    assert moves["close"][1] == S.CLOSED
    open_states = {
        "registered",
        "accepted",
        "assigned",
        "in_progress",
        "review_requested",
        "recheck_requested",
    }
    assert {s.value for s in ACTIONS["supervise"].from_states} == open_states
    assert {s.value for s in ACTIONS["urge"].from_states} == open_states
    assert ACTIONS["request_extension"].from_states == {S.IN_PROGRESS}


def test_close_waits_for_the_citizens_deadlines(client: TestClient) -> None:
    services = services_of(client)
    today = services.context().today
    number = create_case(client)["number"]
    force_case(client, number, state="replied", rating_overdue=False, rate_by=today)
    with pytest.raises(TransitionNotAllowed, match="尚未评价"):
        run_action(services, number, "close", ADMIN, TransitionInput())
    force_case(
        client,
        number,
        state="rated",
        rating="unsatisfied",
        review_request_by=today + timedelta(days=3),
    )
    with pytest.raises(TransitionNotAllowed, match="复查期限未过"):
        run_action(services, number, "close", ADMIN, TransitionInput())
    force_case(client, number, review_request_by=today - timedelta(days=1))
    run_action(services, number, "close", ADMIN, TransitionInput())
    assert load_case(client, number).state == "closed"


def test_review_request_after_the_deadline_is_refused(client: TestClient) -> None:
    services = services_of(client)
    today = services.context().today
    number = create_case(client)["number"]
    force_case(
        client,
        number,
        state="replied",
        replied_unit_code=HUAYUANLU,
        review_request_by=today - timedelta(days=1),
    )
    with pytest.raises(TransitionNotAllowed, match="已超过申请复查期限"):
        run_action(
            services,
            number,
            "request_review",
            Actor("citizen", "c"),
            TransitionInput(reason="不服"),
        )
