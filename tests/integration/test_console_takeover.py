"""Live takeover (人工接管) on the real stack: Rasa, action server, case store.

The API test drives a REST conversation and the staff endpoints and reads
Rasa's tracker to see the bot paused, staff messages logged and the bot
resumed. The browser test runs ``tests/web/console_e2e.mjs``: a citizen in
web chat (socket.io) and staff in the console, in Debian's Chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from conversation_support import Citizen

REPO_ROOT = Path(__file__).resolve().parents[2]
E2E_SCRIPT = REPO_ROOT / "tests" / "web" / "console_e2e.mjs"
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "dev-staff-password"


def _staff(stack: Any, username: str) -> dict[str, str]:
    token = httpx.post(
        f"{stack.casestore_url}/api/v1/auth/token",
        data={"username": username, "password": PASSWORD},
        timeout=10,
    )
    token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _tracker(stack: Any, sender: str) -> dict[str, Any]:
    response = httpx.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.rasa_token},
        timeout=10,
    )
    response.raise_for_status()
    tracker: dict[str, Any] = response.json()
    return tracker


def _handoff_for(stack: Any, headers: dict[str, str], sender: str) -> dict[str, Any]:
    for _ in range(50):
        queue = httpx.get(
            f"{stack.casestore_url}/api/v1/staff/handoffs", headers=headers, timeout=10
        )
        for item in queue.json()["items"]:
            if item["conversation_id"] == sender:
                return dict(item)
        time.sleep(0.1)
    raise AssertionError(f"conversation {sender} never reached the queue")


def test_takeover_pauses_the_bot_and_hand_back_resumes_the_form(stack: Any) -> None:
    citizen = Citizen(stack.rasa_url)
    first = citizen.say("我要投诉，金水区花园路街道有个工地半夜还在施工，吵得睡不着")
    assert "什么时候" in first, citizen.transcript
    assert "人工客服" in citizen.say("转人工"), citizen.transcript

    operator = _staff(stack, "city.operator")
    handoff = _handoff_for(stack, operator, citizen.sender)
    assert handoff["reason"] == "request_human" and handoff["channel"] == "web_chat"
    path = f"{stack.casestore_url}/api/v1/staff/handoffs/{handoff['id']}"

    detail = httpx.get(path, headers=operator, timeout=10).json()
    assert detail["draft"]["district"] == "金水区"
    assert "工地" in detail["draft"]["description"]
    assert [line["who"] for line in detail["transcript"]][:2] == ["user", "bot"]

    assert httpx.post(f"{path}/claim", headers=operator, timeout=10).status_code == 200
    assert _tracker(stack, citizen.sender)["paused"] is True
    supervisor = _staff(stack, "city.supervisor")
    taken = httpx.post(f"{path}/claim", headers=supervisor, timeout=10)
    assert taken.status_code == 409 and "市级接线员" in taken.json()["detail"]

    assert citizen.say("喂，有人吗") == ""  # the bot stays quiet while a person holds it
    sent = httpx.post(f"{path}/messages", json={"text": "在的，请讲"}, headers=operator, timeout=10)
    assert sent.status_code == 202
    events = _tracker(stack, citizen.sender)["events"]
    said = [(e["event"], e.get("text")) for e in events if e["event"] in ("user", "bot")]
    assert ("user", "喂，有人吗") in said and ("bot", "在的，请讲") in said
    staff_event = next(e for e in events if e.get("text") == "在的，请讲")
    assert staff_event["metadata"]["staff"] == "city.operator"

    back = httpx.post(f"{path}/release", headers=operator, timeout=10)
    assert back.status_code == 200 and back.json()["status"] == "closed"
    tracker = _tracker(stack, citizen.sender)
    assert tracker["paused"] is False
    assert tracker["active_loop"].get("name") == "complaint_form"
    last_bot = [e.get("text") for e in tracker["events"] if e["event"] == "bot"][-2:]
    assert "接着刚才的说" in last_bot[0] and "什么时候" in last_bot[1], last_bot
    # the form goes on where it was
    assert "诉求" in citizen.say("昨天晚上十二点"), citizen.transcript


@pytest.fixture(scope="module")
def takeover_run(stack: Any) -> dict[str, Any]:
    missing = [
        what
        for what, ok in (
            ("node", shutil.which("node") is not None),
            (CHROMIUM, Path(CHROMIUM).exists()),
            ("playwright-core", (REPO_ROOT / "tests/web/node_modules/playwright-core").is_dir()),
            ("console/vendor", (REPO_ROOT / "console/vendor/chart.umd.min.js").is_file()),
        )
        if not ok
    ]
    if missing:
        pytest.fail("browser test prerequisites missing: " + ", ".join(missing))
    proc = subprocess.run(
        ["node", str(E2E_SCRIPT), stack.casestore_url, "--screenshots", str(SCREENSHOTS)],
        cwd=REPO_ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=400,
        env={**os.environ, "CHROMIUM_PATH": CHROMIUM},
    )
    try:
        result: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"console_e2e.mjs printed no JSON (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    result["_exit_code"] = proc.returncode
    return result


@pytest.mark.browser
def test_staff_take_over_a_web_chat_in_the_browser(takeover_run: dict[str, Any]) -> None:
    assert takeover_run["failures"] == [], json.dumps(takeover_run, ensure_ascii=False, indent=1)
    assert takeover_run["_exit_code"] == 0


@pytest.mark.browser
def test_markup_from_the_citizen_stays_text_in_the_console(takeover_run: dict[str, Any]) -> None:
    assert takeover_run["xss"] == {"shown_literally": True, "elements_injected": 0}
    assert takeover_run["citizen_xss"] == 0 and takeover_run["dialogs"] == []


@pytest.mark.browser
def test_console_screenshots_are_written(takeover_run: dict[str, Any]) -> None:
    names = {Path(p).name for p in takeover_run["screenshots"]}
    assert {"console_queue.png", "console_takeover.png", "web_chat_takeover.png"} <= names
    assert all(Path(p).stat().st_size > 10_000 for p in takeover_run["screenshots"])
