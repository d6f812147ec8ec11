"""Conversations survive a killed case store or action server (bench/fault_drills.py).

Its own stack on free ports (real Rasa, action server, case store on SQLite),
because the tests kill its processes with SIGKILL. The outbox retry loop is
slowed to an hour, so what is checked is what "查询" itself does.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conversation_support import CASE_NUMBER, QUERY_CODE, Citizen, file_example_complaint

from bot.rasa_patches import TURN_FAILED_TEXT
from launcher.stack import ROOT, IsolatedStack, isolated_stack

RASA_TOKEN = "fault-recovery-rasa-token"
SERVICE_TOKEN = "fault-recovery-service-token"
STILL_QUEUED = "还在登记中"
ASKS_FOR_NUMBER = "请提供您的信访件编号"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IsolatedStack]:
    model = os.environ.get("XF_TEST_MODEL")
    if not model or not (ROOT / model).exists():
        pytest.fail("XF_TEST_MODEL must name a trained test model; run the suite with `make test`.")
    stack = isolated_stack(
        model,
        tmp_path_factory.mktemp("faults"),
        {
            "ACTIONS_OUTBOX_RETRY_S": "3600",
            "RASA_TOKEN": RASA_TOKEN,
            "CASESTORE_SERVICE_TOKEN": SERVICE_TOKEN,
        },
    )
    stack.stack.start()
    try:
        stack.stack.wait_healthy(timeout=300)
        yield stack
    finally:
        stack.stack.stop()


def _kill(system: IsolatedStack, name: str) -> None:
    process = system.stack.services[name].process
    assert process is not None and process.poll() is None, f"{name} is not running"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)


def _restart(system: IsolatedStack, name: str) -> None:
    system.stack.start(name)
    system.stack.wait_healthy(timeout=60, name=name)


def _cases_of(system: IsolatedStack, sender: str) -> list[dict]:
    listing = httpx.get(
        f"{system.url('casestore')}/api/v1/cases",
        params={"limit": 100},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=10,
    ).json()
    return [c for c in listing["items"] if c.get("conversation_id") == sender]


def _queued_complaint(system: IsolatedStack) -> Citizen:
    """A complaint confirmed while the case store is dead: kept in the outbox."""
    citizen = Citizen(system.url("rasa"))
    _kill(system, "casestore")
    answer = file_example_complaint(citizen)
    assert "已完整记录" in answer and not CASE_NUMBER.search(answer), citizen.transcript
    return citizen


def test_query_while_still_queued_waits_and_then_gives_the_receipt(system) -> None:
    citizen = _queued_complaint(system)
    try:
        early = citizen.say("查询")
        assert STILL_QUEUED in early, citizen.transcript
        # not a look-up form asking for a number the citizen was never given
        assert ASKS_FOR_NUMBER not in early, citizen.transcript
        assert STILL_QUEUED in citizen.say("查询"), citizen.transcript
    finally:
        _restart(system, "casestore")

    reply = citizen.say("查询")
    number, code = CASE_NUMBER.search(reply), QUERY_CODE.search(reply)
    assert number and code, citizen.transcript
    assert [c["number"] for c in _cases_of(system, citizen.sender)] == [number.group(0)]


def test_another_action_server_gives_the_receipt_and_nothing_is_registered_twice(
    system, tmp_path: Path
) -> None:
    citizen = _queued_complaint(system)
    actions = system.stack.services["actions"]
    own_outbox = actions.env["ACTIONS_OUTBOX"]
    try:
        # the action server holding the complaint dies; another one, with an
        # empty outbox of its own, answers on the same endpoint
        _kill(system, "actions")
        actions.env = {**actions.env, "ACTIONS_OUTBOX": str(tmp_path / "other-outbox.sqlite3")}
        _restart(system, "actions")
        _restart(system, "casestore")

        reply = citizen.say("查询")
        number, code = CASE_NUMBER.search(reply), QUERY_CODE.search(reply)
        assert number and code, citizen.transcript
        assert [c["number"] for c in _cases_of(system, citizen.sender)] == [number.group(0)]
    finally:
        # the first action server comes back with its outbox and delivers it too
        _kill(system, "actions")
        actions.env = {**actions.env, "ACTIONS_OUTBOX": own_outbox}
        _restart(system, "actions")
        system.stack.start("casestore")
        system.stack.wait_healthy(timeout=60, name="casestore")

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _pending(own_outbox):
        time.sleep(0.5)
    assert not _pending(own_outbox), "the first outbox delivers at start"
    assert [c["number"] for c in _cases_of(system, citizen.sender)] == [number.group(0)]
    assert QUERY_CODE.search(citizen.say("查询")), citizen.transcript


def _pending(outbox: str) -> int:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(outbox)) as db:
        (count,) = db.execute("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").fetchone()
    return int(count)


def test_a_confirm_during_an_action_server_outage_can_be_repeated(system) -> None:
    citizen = Citizen(system.url("rasa"))
    first = citizen.say("我要投诉，金水区花园路街道有个工地半夜还在施工，吵得睡不着")
    assert "什么时候" in first, citizen.transcript
    citizen.say("昨天晚上十二点")
    citizen.say("希望停止夜间施工")
    assert "13800138000" in citizen.say("我叫张三，电话13800138000"), citizen.transcript
    _kill(system, "actions")
    try:
        # the turn is dropped, not half-kept, and the citizen is asked to send it again
        assert citizen.say("对") == TURN_FAILED_TEXT, citizen.transcript
    finally:
        _restart(system, "actions")
    reply = citizen.say("对")
    assert CASE_NUMBER.search(reply) and QUERY_CODE.search(reply), citizen.transcript
