"""The case detail tells staff which lifecycle actions they may take now (办理操作).

The console shows exactly these buttons, so the list must agree with what the
action endpoints accept: an offered action with complete input succeeds, an
action that is not offered is refused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casestore.cases.constants import CaseState
from casestore.cases.staff_router import STAFF_ACTIONS
from tests.casestore.casestore_support import (
    CITY,
    HUAYUANLU,
    JINSHUI,
    create_case,
    force_case,
    services_of,
    staff_headers,
)

Headers = dict[str, str]


def _detail(client: TestClient, headers: Headers, number: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/staff/cases/{number}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _offered(client: TestClient, headers: Headers, number: str) -> list[str]:
    return [a["action"] for a in _detail(client, headers, number)["actions"]]


def _in_state(client: TestClient, state: CaseState, unit: str = HUAYUANLU, **extra: Any) -> str:
    number: str = create_case(client)["number"]
    today = services_of(client).context().today
    fields: dict[str, Any] = {
        "state": state.value,
        "responsible_unit_code": unit,
        "due_by": today + timedelta(days=5),
        "handle_by": today + timedelta(days=5),
        "rate_by": today + timedelta(days=5),
        "review_request_by": today + timedelta(days=20),
        "replied_unit_code": unit,
    }
    fields.update(extra)
    force_case(client, number, **fields)
    return number


def test_detail_lists_actions_with_labels_and_paths(client: TestClient) -> None:
    operator = staff_headers(client, "d-op", "operator", JINSHUI)
    number = create_case(client)["number"]

    detail = _detail(client, operator, number)

    assert detail["actions"] == [
        {"action": "accept", "label": "受理", "path": "accept"},
        {"action": "reject", "label": "不予受理", "path": "reject"},
        {"action": "merge", "label": "合并办理", "path": "merge"},
    ]
    assert detail["allowed_actions"] == ["accept", "reject", "merge"]


def test_actions_depend_on_role_and_unit(client: TestClient) -> None:
    street_handler = staff_headers(client, "s-h", "handler", HUAYUANLU)
    district_supervisor = staff_headers(client, "d-sup", "supervisor", JINSHUI)
    street_supervisor = staff_headers(client, "s-sup", "supervisor", HUAYUANLU)
    number = _in_state(client, CaseState.ASSIGNED)

    assert _offered(client, street_handler, number) == ["return", "sign"]
    # 督办 comes from a unit above; the unit's own supervisor may handle, not supervise.
    assert "supervise" in _offered(client, district_supervisor, number)
    assert "supervise" not in _offered(client, street_supervisor, number)
    assert "sign" in _offered(client, street_supervisor, number)


def test_action_response_carries_the_next_actions(client: TestClient) -> None:
    operator = staff_headers(client, "d-op", "operator", JINSHUI)
    number = create_case(client)["number"]
    version = _detail(client, operator, number)["version"]

    response = client.post(
        f"/api/v1/staff/cases/{number}/accept", json={"version": version}, headers=operator
    )

    assert response.status_code == 200, response.text
    assert [a["action"] for a in response.json()["actions"]] == ["assign", "merge"]


def test_extension_is_offered_once_and_approval_only_when_requested(client: TestClient) -> None:
    handler = staff_headers(client, "s-h", "handler", HUAYUANLU)
    supervisor = staff_headers(client, "s-sup", "supervisor", HUAYUANLU)
    number = _in_state(client, CaseState.IN_PROGRESS)
    assert _offered(client, handler, number) == ["return", "request_extension", "reply"]
    assert "approve_extension" not in _offered(client, supervisor, number)

    detail = _detail(client, handler, number)
    response = client.post(
        f"/api/v1/staff/cases/{number}/request-extension",
        json={"version": detail["version"], "days": 10, "reason": "需要协调多个部门"},
        headers=handler,
    )
    assert response.status_code == 200, response.text

    assert "request_extension" not in _offered(client, handler, number)
    approval = {"action": "approve_extension", "label": "延期审批", "path": "approve-extension"}
    assert approval in _detail(client, supervisor, number)["actions"]


def test_close_waits_for_the_citizens_rating(client: TestClient) -> None:
    operator = staff_headers(client, "s-op", "operator", HUAYUANLU)
    number = _in_state(client, CaseState.REPLIED)
    assert "close" not in _offered(client, operator, number)

    force_case(client, number, rating_overdue=True)

    assert "close" in _offered(client, operator, number)


def test_nothing_is_offered_outside_the_jurisdiction_or_when_closed(client: TestClient) -> None:
    other_street = staff_headers(client, "f-op", "operator", "410105/丰产路街道")
    admin = staff_headers(client, "adm", "admin", CITY)
    number = _in_state(client, CaseState.REGISTERED)
    assert client.get(f"/api/v1/staff/cases/{number}", headers=other_street).status_code == 403

    closed = _in_state(client, CaseState.CLOSED)

    assert _detail(client, admin, closed)["actions"] == []


def _full_input(actor_unit: str, target_number: str) -> dict[str, Any]:
    return {
        "reason": "理由",
        "note": "意见",
        "unit_code": actor_unit,
        "days": 5,
        "approved": True,
        "target_number": target_number,
    }


ACTORS = {
    "district operator": ("operator", JINSHUI),
    "street handler": ("handler", HUAYUANLU),
    "city supervisor": ("supervisor", CITY),
}
STATES = [
    CaseState.REGISTERED,
    CaseState.ACCEPTED,
    CaseState.ASSIGNED,
    CaseState.IN_PROGRESS,
    CaseState.REPLIED,
    CaseState.REVIEW_REQUESTED,
]


@pytest.mark.parametrize("who", sorted(ACTORS))
def test_offered_actions_are_exactly_the_accepted_ones(client: TestClient, who: str) -> None:
    role, unit = ACTORS[who]
    headers = staff_headers(client, who.replace(" ", "-"), role, unit)
    anchor = create_case(client)["number"]  # an open case to merge into
    for state in STATES:
        number = _in_state(client, state)
        for segment, action in STAFF_ACTIONS.items():
            detail = _detail(client, headers, number)
            offered = action in detail["allowed_actions"]
            response = client.post(
                f"/api/v1/staff/cases/{number}/{segment}",
                json={"version": detail["version"], **_full_input(unit, anchor)},
                headers=headers,
            )
            accepted = response.status_code == 200
            assert offered == accepted, (who, state.value, action, response.text)
            if not accepted:
                assert response.status_code in (403, 409), response.text
            else:
                number = _in_state(client, state)  # start the next action afresh


def test_citizen_lookup_shows_the_staff_reply(client: TestClient) -> None:
    handler = staff_headers(client, "s-h", "handler", HUAYUANLU)
    created = create_case(client)
    number = created["number"]
    force_case(client, number, state=CaseState.IN_PROGRESS.value)
    version = _detail(client, handler, number)["version"]
    reply = "您反映的路灯已于今日修复，感谢监督。"
    response = client.post(
        f"/api/v1/staff/cases/{number}/reply",
        json={"version": version, "note": reply},
        headers=handler,
    )
    assert response.status_code == 200, response.text

    public = client.post(
        "/api/v1/cases/lookup", json={"number": number, "query_code": created["query_code"]}
    ).json()

    assert (public["last_event"]["label"], public["last_event"]["note"]) == ("答复", reply)
    assert any(e["kind"] == "reply" and e["note"] == reply for e in public["timeline"])


def test_units_carry_the_place_names_cases_are_filtered_by(client: TestClient) -> None:
    operator = staff_headers(client, "d-op", "operator", JINSHUI)

    units = {u["code"]: u for u in client.get("/api/v1/staff/units", headers=operator).json()}

    assert units[JINSHUI]["place"] == "金水区"
    assert units[HUAYUANLU]["place"] == "花园路街道"
    assert units[f"{JINSHUI}/住房和城乡建设局"]["place"] is None
    number = create_case(client)["number"]
    listed = client.get(
        "/api/v1/staff/cases",
        params={"district": units[JINSHUI]["place"], "street": units[HUAYUANLU]["place"]},
        headers=operator,
    ).json()
    assert [c["number"] for c in listed["items"]] == [number]
