"""The staff console's case work (案件办理) in a real browser against a real case store.

Starts only the case store (uvicorn, temp SQLite, demo staff), registers cases
through the API with the service token — one of them carrying markup — and runs
``tests/web/console_cases_e2e.mjs`` (playwright-core driving Debian's Chromium):
filter the list, open a case, accept → assign → sign → reply as the right staff in
turn, and read the reply on the citizen look-up page.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from launcher.stack import base_env, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
E2E_SCRIPT = REPO_ROOT / "tests" / "web" / "console_cases_e2e.mjs"
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
GAZETTEER = REPO_ROOT / "tests" / "casestore" / "gazetteer_sample.json"
SERVICE_TOKEN = "console-e2e-service-token"
HOSTILE = "<script>alert(1)</script><b>粗体</b>"
pytestmark = pytest.mark.browser
REPLY = "经核查，小区门口路灯线路老化，已于今日更换并恢复照明。感谢您的监督。"


@dataclass
class CaseStore:
    url: str
    db_file: Path


def _missing_prerequisites() -> list[str]:
    missing = []
    if shutil.which("node") is None:
        missing.append("node (Node.js 20)")
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install -y chromium)")
    if not (REPO_ROOT / "tests" / "web" / "node_modules" / "playwright-core").is_dir():
        missing.append("playwright-core (npm ci --prefix tests/web)")
    return missing


@pytest.fixture(scope="module")
def casestore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseStore]:
    work = tmp_path_factory.mktemp("console-cases")
    port = free_port()
    db_file = work / "casestore.db"
    env = base_env(
        {
            "XF_ENV": "development",
            "DATABASE_URL": f"sqlite:///{db_file}",
            "CASESTORE_SERVICE_TOKEN": SERVICE_TOKEN,
            "GAZETTEER_FILE": str(GAZETTEER),
            "CASESTORE_DEMO_STAFF": "true",
            "SUPERVISE_INTERVAL_SECONDS": "0",
            "WEB_DIR": str(work / "no-web"),
        }
    )
    env.pop("CASESTORE_DEMO_PASSWORD", None)  # the documented development default
    log = (work / "casestore.log").open("wb")
    proc = subprocess.Popen(
        [
            str(REPO_ROOT / ".venv" / "svc" / "bin" / "uvicorn"),
            "--factory",
            "casestore.main:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("case store did not start:\n" + (work / "casestore.log").read_text())
            time.sleep(0.3)
        yield CaseStore(url, db_file)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _register(store: CaseStore, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": f"console-e2e-{time.monotonic_ns()}",
        "channel": "web_chat",
        "purpose": "complaint",
        "complainant": {"anonymous": False, "name": "张三", "phone": "13812341234"},
        "category": {"name": "城乡建设", "confidence": 0.9},
    }
    body.update(fields)
    response = httpx.post(
        f"{store.url}/api/v1/cases",
        json=body,
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _make_overdue(store: CaseStore, number: str) -> None:
    """An old case past its deadline (set-up only: the lifecycle never moves dates back)."""
    with sqlite3.connect(store.db_file) as conn:
        conn.execute("UPDATE cases SET due_by = '2026-01-05' WHERE number = ?", (number,))


@pytest.fixture(scope="module")
def console_run(casestore: CaseStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("console-cases-run")
    missing = _missing_prerequisites()
    if missing:
        pytest.fail("browser test prerequisites missing: " + ", ".join(missing))
    target = _register(
        casestore,
        description=f"小区门口的路灯坏了一个多月了，晚上很黑。{HOSTILE}请尽快处理。",
        summary=f"{HOSTILE}路灯损坏一个多月",
        request="尽快修复路灯",
        occurred_at_text="一个多月前",
        location={"district": "金水区", "street": "花园路街道", "address": "农科路 18 号院"},
    )
    overdue = _register(
        casestore,
        description="花园路街道一处井盖破损，已经有人摔倒。",
        summary="井盖破损",
        location={"district": "金水区", "street": "花园路街道"},
    )
    _make_overdue(casestore, overdue["number"])
    other_district = _register(
        casestore,
        description="东大街一家饭店油烟直排，楼上住户无法开窗。",
        summary="饭店油烟扰民",
        category={"name": "生态环境", "confidence": 0.8},
        location={"district": "管城回族区", "street": "东大街街道"},
    )
    args = {
        "url": casestore.url,
        "case": target["number"],
        "code": target["query_code"],
        "overdue_case": overdue["number"],
        "other_case": other_district["number"],
        "hostile": HOSTILE,
        "reply": REPLY,
        "screenshots": str(SCREENSHOTS),
    }
    proc = subprocess.run(
        ["node", str(E2E_SCRIPT), json.dumps(args, ensure_ascii=False)],
        cwd=REPO_ROOT,
        check=False,  # the JSON on stdout says what failed
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROMIUM_PATH": CHROMIUM},
    )
    (work / "console_cases_e2e.json").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    try:
        result: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"console_cases_e2e.mjs printed no JSON (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    result["_exit_code"] = proc.returncode
    return result


def test_list_filters_and_overdue_first(console_run: dict[str, Any]) -> None:
    listing = console_run.get("list", {})
    assert listing.get("first_is_overdue") is True, console_run
    assert listing.get("overdue_badge") is True
    assert listing.get("district_filter_keeps") is True
    assert listing.get("district_filter_drops_other") is True
    assert listing.get("state_filter_after_accept") is True


def test_csv_export_of_the_filtered_list(console_run: dict[str, Any]) -> None:
    csv = console_run.get("csv", {})
    assert csv.get("has_case") is True, console_run
    assert csv.get("no_phone") is True
    assert csv.get("filename", "").endswith(".csv")


def test_only_the_allowed_actions_are_offered(console_run: dict[str, Any]) -> None:
    offered = console_run.get("offered", {})
    assert offered.get("district.operator registered") == ["受理", "不予受理", "合并办理"]
    assert offered.get("district.operator accepted") == ["交办", "合并办理"]
    assert offered.get("dept.handler assigned") == ["退回", "签收"]
    assert offered.get("dept.handler in_progress") == ["退回", "申请延期", "答复"]
    assert offered.get("dept.handler replied") == []


def test_accept_assign_sign_reply_grow_the_timeline(console_run: dict[str, Any]) -> None:
    # registered, accepted, assigned, signed, supervised meanwhile (seen after 刷新), replied
    assert console_run.get("timeline_lengths") == [1, 2, 3, 4, 5, 6], console_run
    assert console_run.get("states") == ["已受理", "已交办", "办理中", "已答复"]
    assert console_run.get("toasts", [])[:2] == ["已受理", "已交办"]
    assert console_run.get("reply_in_timeline") is True


def test_server_errors_are_shown(console_run: dict[str, Any]) -> None:
    errors = console_run.get("errors", {})
    assert errors.get("required_field") == "请填写答复意见"
    assert "已被他人更新" in (errors.get("stale_version") or ""), console_run


def test_markup_is_shown_as_text_and_never_runs(console_run: dict[str, Any]) -> None:
    xss = console_run.get("xss", {})
    assert xss.get("list_literal") is True, console_run
    assert xss.get("title_literal") is True
    assert xss.get("description_literal") is True
    assert xss.get("b_elements") == 0
    assert xss.get("script_elements") == 0
    assert console_run["dialogs"] == []
    assert console_run["page_errors"] == []


def test_citizen_reads_the_reply_on_the_lookup_page(console_run: dict[str, Any]) -> None:
    lookup = console_run.get("lookup", {})
    assert lookup.get("state") == "当前状态：已答复", console_run
    assert lookup.get("reply_shown") is True


def test_tablet_layout_and_screenshots(console_run: dict[str, Any]) -> None:
    assert console_run.get("tablet", {}).get("no_horizontal_scroll") is True, console_run
    assert console_run.get("tablet", {}).get("single_column") is True
    shots = [Path(p) for p in console_run.get("screenshots", [])]
    assert {p.name for p in shots} == {
        "console_cases_list_laptop.png",
        "console_case_page_laptop.png",
        "console_cases_list_tablet.png",
        "console_case_page_tablet.png",
    }
    assert all(p.is_file() and p.stat().st_size > 10_000 for p in shots)


def test_every_check_passed(console_run: dict[str, Any]) -> None:
    assert console_run["ok"] is True and console_run["_exit_code"] == 0, console_run.get("failures")
