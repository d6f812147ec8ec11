"""The staff console's dashboard (统计分析) and the public transparency page in a real browser.

Starts only the case store (uvicorn, temp SQLite, demo staff), registers twelve
cases through the API with the service token, takes four of them through
受理 → 交办 → 签收 → 答复 → 评价, and runs ``tests/web/dashboard_e2e.mjs``
(playwright-core driving Debian's Chromium): the charts draw, the figures
match, filters and drill-down work, the CSV downloads, the print view shows a
report; then /transparency on a phone shows the figures and no personal data.
Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from launcher.stack import base_env, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
E2E_SCRIPT = REPO_ROOT / "tests" / "web" / "dashboard_e2e.mjs"
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
GAZETTEER = REPO_ROOT / "tests" / "casestore" / "gazetteer_sample.json"
SERVICE_TOKEN = "dashboard-e2e-service-token"
SUPERVISOR = "city.supervisor"
PASSWORD = "dev-staff-password"

# (category, district, street, description): 12 cases, 3 of them 环境保护
CASES = [
    ("城乡建设", "金水区", "花园路街道", "小区门口的路灯坏了一个多月，晚上很黑"),
    ("城乡建设", "金水区", "花园路街道", "楼道里的声控灯全坏了，老人摔了一跤"),
    ("城乡建设", "金水区", "花园路街道", "小区电梯经常停在半路，物业不管"),
    ("城乡建设", "金水区", "花园路街道", "路面塌了一个大坑，下雨全是积水"),
    ("城乡建设", "金水区", "花园路街道", "老旧小区改造拖了两年还没动工"),
    ("城乡建设", "金水区", "花园路街道", "自来水发黄有沉淀，烧开后有水垢"),
    ("环境保护", "金水区", "丰产路街道", "烧烤摊油烟很大，熏得窗户都不敢开"),
    ("环境保护", "金水区", "丰产路街道", "工地半夜打桩，吵得睡不着觉"),
    ("环境保护", "金水区", "丰产路街道", "河边的化工厂晚上偷偷排废水"),
    ("交通运输", "管城回族区", "东大街街道", "公交站牌被撞倒一个星期没人修"),
    ("交通运输", "管城回族区", "东大街街道", "路口红绿灯坏了，车辆乱成一团"),
    ("交通运输", "管城回族区", "东大街街道", "出租车拒载还骂人"),
]
NAMES = [
    "赵一",
    "钱二",
    "孙三",
    "李四",
    "周五",
    "吴六",
    "郑七",
    "王八",
    "冯九",
    "陈十",
    "褚十一",
    "卫十二",
]


def _missing_prerequisites() -> list[str]:
    missing = []
    if shutil.which("node") is None:
        missing.append("node (Node.js 20)")
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install -y chromium)")
    if not (REPO_ROOT / "tests" / "web" / "node_modules" / "playwright-core").is_dir():
        missing.append("playwright-core (npm ci --prefix tests/web)")
    if not (REPO_ROOT / "console" / "vendor" / "chart.umd.min.js").is_file():
        missing.append("console/vendor/chart.umd.min.js (npm ci --prefix console)")
    return missing


@pytest.fixture(scope="module")
def casestore_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("console-dashboard")
    port = free_port()
    env = base_env(
        {
            "XF_ENV": "development",
            "DATABASE_URL": f"sqlite:///{work / 'casestore.db'}",
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
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _seed(url: str) -> list[dict[str, Any]]:
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    created = []
    for i, (category, district, street, text) in enumerate(CASES):
        body = {
            "idempotency_key": f"dashboard-e2e-{i}-{time.monotonic_ns()}",
            "channel": "web_chat",
            "purpose": "complaint",
            "description": text,
            "summary": text[:20],
            "location": {"district": district, "street": street},
            "complainant": {"anonymous": False, "name": NAMES[i], "phone": f"1380000{i:04d}"},
            "category": {"name": category, "confidence": 0.9},
        }
        response = httpx.post(f"{url}/api/v1/cases", json=body, headers=service, timeout=10)
        assert response.status_code == 201, response.text
        created.append(response.json())
    token = httpx.post(
        f"{url}/api/v1/auth/token",
        data={"username": SUPERVISOR, "password": PASSWORD},
        timeout=10,
    ).json()["access_token"]
    staff = {"Authorization": f"Bearer {token}"}
    for case, rating in zip(
        created[:4], ("satisfied", "satisfied", "basically_satisfied", "unsatisfied"), strict=True
    ):
        number = case["number"]
        unit = case["responsible_unit"]["code"]
        for action, extra in (
            ("accept", {}),
            ("assign", {"unit_code": unit}),
            ("sign", {}),
            ("reply", {"note": "已处理完毕，感谢监督。"}),
        ):
            detail = httpx.get(f"{url}/api/v1/staff/cases/{number}", headers=staff, timeout=10)
            version = detail.json()["version"]
            response = httpx.post(
                f"{url}/api/v1/staff/cases/{number}/{action}",
                json={"version": version, **extra},
                headers=staff,
                timeout=10,
            )
            assert response.status_code == 200, response.text
        rated = httpx.post(
            f"{url}/api/v1/cases/evaluate",
            json={
                "number": number,
                "query_code": case["query_code"],
                "rating": rating,
                "reason": "太慢了" if rating == "unsatisfied" else None,
            },
            timeout=10,
        )
        assert rated.status_code == 200, rated.text
    return created


@pytest.fixture(scope="module")
def dashboard_run(casestore_url: str) -> dict[str, Any]:
    missing = _missing_prerequisites()
    if missing:
        pytest.fail("browser test prerequisites missing: " + ", ".join(missing))
    created = _seed(casestore_url)
    secrets = [NAMES[0], NAMES[5], "13800000001", "路灯", "化工厂", created[0]["number"]]
    args = {
        "url": casestore_url,
        "user": SUPERVISOR,
        "total": len(CASES),
        "category": "环境保护",
        "category_total": 3,
        "secrets": secrets,
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
    try:
        result: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"dashboard_e2e.mjs printed no JSON (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    result["_exit_code"] = proc.returncode
    return result


def test_charts_and_figures(dashboard_run: dict[str, Any]) -> None:
    d = dashboard_run.get("dashboard", {})
    assert d.get("nav_active") == "统计分析", dashboard_run.get("error")
    assert d["canvases"] >= 6 and d["charts_drawn"] == d["canvases"]
    kpis = d["kpis"]
    assert kpis["信访件"] == "12"
    assert kpis["满意率"] == "75.0%"  # 满意 2 + 基本满意 1 of 4 rated
    assert kpis["按期答复率"] == "100.0%" and kpis["按期受理率"] == "100.0%"
    assert d["filtered_kpis"]["信访件"] == "3"
    assert d["drill"]["before"] == "" and d["drill"]["after"]
    assert set(d["category_rows"]) >= {"城乡建设", "环境保护", "交通运输"}


def test_hot_issues_and_warnings_are_shown_as_text(dashboard_run: dict[str, Any]) -> None:
    d = dashboard_run["dashboard"]  # sample answers of the endpoints' contract (see the .mjs)
    assert d["hot_rows"][0].startswith("花园路夜间施工噪音")
    assert "<img src=x onerror=alert(1)>" in d["hot_rows"][0]
    assert d["hot_links"] == ["#/cases/XF202611250001", "#/cases/XF202611250002"]
    assert d["warnings"] == ["环境保护类信访激增<img src=x onerror=alert(1)>"]
    assert d["warning_numbers"] == "近 7 天：15；此前周均：5"
    assert d["injected_elements"] == 0 and dashboard_run["dialogs"] == []


def test_csv_export(dashboard_run: dict[str, Any]) -> None:
    csv = dashboard_run["dashboard"]["csv"]
    assert csv["filename"].endswith(".csv") and csv["starts_with_bom"]
    assert csv["title"] == "信访统计分析报表"
    assert csv["total_line"].startswith("合计,12,")
    assert len(csv["sections"]) == 5 and csv["leaks"] == []


def test_printable_report(dashboard_run: dict[str, Any]) -> None:
    report = dashboard_run["dashboard"]["print"]
    assert report == {
        "report_head_visible": True,
        "report_title": "信访统计分析报告",
        "toolbar_hidden": True,
        "topbar_hidden": True,
    }


def test_transparency_page_on_a_phone(dashboard_run: dict[str, Any]) -> None:
    t = dashboard_run.get("transparency", {})
    assert t.get("title") == "信访数据公开", dashboard_run.get("error")
    assert t["chart_drawn"] and t["no_horizontal_scroll"]
    assert any("12" in card for card in t["cards"])
    assert t["leaks"] == []


def test_screenshots_and_no_errors(dashboard_run: dict[str, Any]) -> None:
    shots = [Path(p) for p in dashboard_run.get("screenshots", [])]
    assert {p.name for p in shots} == {
        "console_dashboard.png",
        "console_dashboard_print.png",
        "transparency_phone.png",
    }
    assert all(p.is_file() and p.stat().st_size > 10_000 for p in shots)
    assert dashboard_run["page_errors"] == [] and dashboard_run["console_errors"] == []
    assert dashboard_run["ok"] is True and dashboard_run["_exit_code"] == 0, dashboard_run[
        "failures"
    ]
