"""The citizen web chat in a real browser against the real stack.

Runs ``tests/web/chat_e2e.mjs`` (playwright-core driving Debian's Chromium) on
the page the case store serves, talking socket.io to the real Rasa server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
E2E_SCRIPT = REPO_ROOT / "tests" / "web" / "chat_e2e.mjs"
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
pytestmark = pytest.mark.browser


def _missing_prerequisites() -> list[str]:
    missing = []
    if shutil.which("node") is None:
        missing.append("node (Node.js 20)")
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install -y chromium)")
    if not (REPO_ROOT / "tests" / "web" / "node_modules" / "playwright-core").is_dir():
        missing.append("playwright-core (npm ci --prefix tests/web)")
    if not (REPO_ROOT / "web" / "vendor" / "socket.io.min.js").is_file():
        missing.append("web/vendor/socket.io.min.js (npm ci --prefix web)")
    return missing


@pytest.fixture(scope="module")
def chat_run(stack: Any) -> dict[str, Any]:
    """One browser session for the whole module: it is slow and stateless for the others."""
    missing = _missing_prerequisites()
    if missing:
        pytest.fail("browser test prerequisites missing: " + ", ".join(missing))
    page_url = stack.casestore_url.rstrip("/") + "/"
    proc = subprocess.run(
        ["node", str(E2E_SCRIPT), page_url, "--screenshots", str(SCREENSHOTS)],
        cwd=REPO_ROOT,
        check=False,  # the JSON on stdout says what failed
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROMIUM_PATH": CHROMIUM},
    )
    try:
        result: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        output = f"{proc.stdout}\n{proc.stderr}"
        pytest.fail(f"chat_e2e.mjs printed no JSON (exit {proc.returncode}):\n{output}")
    result["_exit_code"] = proc.returncode
    return result


def test_page_shows_the_citizen_ui(chat_run: dict[str, Any]) -> None:
    ui = chat_run.get("ui", {})
    assert "12345" in ui.get("title", "")
    assert ui.get("placeholder") == "请描述您要反映的问题…"
    assert ui.get("send_label") == "发送"
    assert ui.get("send_disabled_when_empty") is True
    assert ui.get("has_privacy_note") is True
    assert ui.get("has_query_hint") is True
    assert ui.get("log_is_live") is True and ui.get("input_has_label") is True


def test_bot_answers_a_complaint_over_socketio(chat_run: dict[str, Any]) -> None:
    assert chat_run.get("session_id"), chat_run.get("error")
    replies = chat_run.get("complaint_replies") or []
    assert any(text.strip() for text in replies), chat_run


def test_markup_is_shown_as_text_and_never_runs(chat_run: dict[str, Any]) -> None:
    xss = chat_run.get("xss", {})
    assert xss.get("shown_literally") is True, chat_run
    assert xss.get("escaped_in_dom") is True
    assert xss.get("script_elements_in_log") == 0
    assert chat_run["dialogs"] == []
    assert chat_run["page_errors"] == []


def test_reload_continues_the_same_conversation(chat_run: dict[str, Any]) -> None:
    expected = {"same_session": True, "transcript_kept": True}
    assert chat_run.get("reload") == expected, chat_run


def test_phone_layout_and_input_limit(chat_run: dict[str, Any]) -> None:
    assert chat_run.get("phone", {}).get("no_horizontal_scroll") is True, chat_run
    assert chat_run.get("limit") == {
        "counter": "2001/2000",
        "send_disabled": True,
        "error_visible": True,
    }


def test_screenshots_are_written(chat_run: dict[str, Any]) -> None:
    shots = [Path(p) for p in chat_run.get("screenshots", [])]
    assert {p.name for p in shots} == {"web_chat_desktop.png", "web_chat_phone.png"}
    assert all(p.is_file() and p.stat().st_size > 10_000 for p in shots)


def test_every_check_passed(chat_run: dict[str, Any]) -> None:
    failures = chat_run.get("failures")
    assert chat_run["ok"] is True and chat_run["_exit_code"] == 0, failures
