"""Schema-driven hostile input against the case store, in-process (schemathesis + hypothesis).

Shared by ``tests/hostile/test_hostile_casestore_schema.py`` (a few examples per
operation, in ``make test``) and ``bench/hostile_input.py`` (a larger run that
prints the counts). Every operation of the OpenAPI document is called with
generated positive and negative inputs, as the service (bearer service token)
and as signed-in staff (demo accounts), against real case numbers and hand-off
ids as well as made-up ones. Counted: requests tried, 5xx answers, and data
lost — a submission the store accepted (2xx with a number or id) that cannot be
found afterwards with what was sent.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import hypothesis
import hypothesis.errors
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python import asgi

from casestore.core.settings import Settings
from casestore.main import create_app

SERVICE_TOKEN = "hostile-service-token"
OPEN311_KEY = "hostile-open311-key"
DEMO_PASSWORD = "dev-staff-password"
SAMPLE_GAZETTEER = Path(__file__).resolve().parents[1] / "casestore" / "gazetteer_sample.json"
REQUEST_TIMEOUT_S = 30.0
# Server-sent event streams never end: the client stops after their first event (both
# streams send one at once) or, failing that, after this long.
STREAM_TIMEOUT_S = 5.0
CASE_NUMBER = re.compile(r"^XF\d{12}$")


class RasaStub:
    """A local HTTP server standing in for Rasa's HTTP API (人工接管 talks to it): every
    tracker is empty and every append succeeds. A server rather than an object on
    ``app.state``, because the lifespan (which makes the Rasa client) may run more than once."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: dict[str, Any]) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:  # noqa: N802
                self._answer({"events": [], "slots": {}, "paused": False})

            def do_POST(self) -> None:  # noqa: N802
                self._answer({})

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def hostile_settings(directory: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "xf_env": "development",
        "database_url": f"sqlite:///{directory / 'casestore.db'}",
        "casestore_service_token": SERVICE_TOKEN,
        "open311_api_key": OPEN311_KEY,
        "gazetteer_file": SAMPLE_GAZETTEER,
        "web_dir": directory / "no-web",
        "casestore_demo_staff": True,
        "casestore_demo_password": DEMO_PASSWORD,
        "supervise_interval_seconds": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Submission:
    """Something the store said it kept: a case (number) or a hand-off (id)."""

    kind: str  # case | open311 | handoff
    key: str
    description: str | None = None


@dataclass
class Tally:
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    accepted: list[Submission] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    checked: int = 0
    numbers_by_key: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        return {
            "requests_tried": self.requests,
            "server_errors_5xx": len(self.server_errors),
            "timeouts": len(self.timeouts),
            "submissions_accepted": len(self.accepted),
            "submissions_checked": self.checked,
            "data_lost": len(self.lost),
        }


@dataclass
class Target:
    """The running app, its schema, the headers of each caller and real ids to aim at."""

    app: Any
    client: asgi.ASGIClient
    schema: Any
    headers: dict[str, dict[str, str]]
    case_numbers: list[str]
    handoff_ids: list[str]

    def send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", REQUEST_TIMEOUT_S)
        return self.client.request(method, path, **kwargs)


def _login(client: asgi.ASGIClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        data={"username": username, "password": DEMO_PASSWORD},
        timeout=REQUEST_TIMEOUT_S,
    )
    if response.status_code != 200:
        raise RuntimeError(f"demo login {username} failed: {response.status_code}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def valid_case_body(key: str, description: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": key,
        "channel": "web_chat",
        "purpose": "complaint",
        "description": description,
        "location": {"district": "金水区", "street": "花园路街道"},
        "complainant": {"anonymous": False, "name": "张三", "phone": "13812341234"},
        "category": {"name": "城乡建设", "confidence": 0.9},
    }
    body.update(overrides)
    return body


def _seed(target: Target) -> None:
    """A few real cases in several states and two hand-offs, so path ids hit real rows."""
    service = target.headers["service"]
    for index in range(3):
        body = valid_case_body(f"hostile-seed-{index}", f"种子信访件 {index}：小区路灯坏了。")
        response = target.send("POST", "/api/v1/cases", json=body, headers=service)
        if response.status_code != 201:
            raise RuntimeError(f"seed case failed: {response.status_code} {response.text}")
        target.case_numbers.append(response.json()["number"])
    admin = target.headers["admin"]
    first = target.case_numbers[0]
    detail = target.send("GET", f"/api/v1/staff/cases/{first}", headers=admin).json()
    target.send(
        "POST",
        f"/api/v1/staff/cases/{first}/accept",
        json={"version": detail["version"]},
        headers=admin,
    )
    for channel, conversation in (("hotline", "call-0123456789abcdef"), ("web_chat", "web-1")):
        report = {
            "event_id": f"hostile-{channel}",
            "conversation_id": conversation,
            "channel": channel,
            "reason": "request_human",
            "outcome": "transferring",
            "caller": "+8613800138000",
        }
        response = target.send("POST", "/api/v1/handoffs", json=report, headers=service)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"seed hand-off failed: {response.status_code} {response.text}")
        target.handoff_ids.append(str(response.json()["id"]))


@contextmanager
def running_store(directory: Path, **overrides: Any) -> Iterator[Target]:
    """The real case store (lifespan run by schemathesis' ASGI client), logged in and seeded."""
    rasa = RasaStub()
    try:
        app = create_app(hostile_settings(directory, rasa_url=rasa.url, **overrides))
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        with asgi.get_client(cast(Any, app), max_stream_events=1) as client:
            headers = {
                "service": {"Authorization": f"Bearer {SERVICE_TOKEN}"},
                "admin": _login(client, "admin"),
                "district": _login(client, "district.operator"),
                "street": _login(client, "street.handler"),
                "none": {},
            }
            target = Target(app, client, schema, headers, [], [])
            _seed(target)
            yield target
    finally:
        asgi.shutdown_lifespans()
        rasa.close()


def operations(target: Target) -> list[Any]:
    return [result.ok() for result in target.schema.get_all_operations()]


def operation_label(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


def callers_for(path: str) -> list[str]:
    """Who calls an operation: staff routes as staff of three levels, the rest as the service."""
    if path.startswith(("/api/v1/staff", "/api/v1/auth/me")):
        return ["admin", "district", "street"]
    if path.startswith(("/open311", "/health", "/api/v1/public")):
        return ["none"]
    return ["service", "none"]


def _path_parameters(target: Target, path: str) -> list[dict[str, str] | None]:
    if "{number}" in path:
        return [None, *({"number": n} for n in target.case_numbers)]
    if "{handoff_id}" in path:
        return [None, *({"handoff_id": h} for h in target.handoff_ids)]
    return [None]


def _record_submission(tally: Tally, path: str, method: str, body: Any, response: Any) -> None:
    """201 = a new case: its description must be kept as sent. 200 = a replay of an
    idempotency key: the case made the first time must still be there (same number)."""
    if method != "POST" or response.status_code not in (200, 201):
        return
    try:
        answer = response.json()
    except ValueError:
        return
    if path in ("/api/v1/cases", "/api/v1/staff/cases") and isinstance(body, dict):
        number = answer.get("number") if isinstance(answer, dict) else None
        if isinstance(number, str) and CASE_NUMBER.match(number):
            key = str(body.get("idempotency_key"))
            first = tally.numbers_by_key.setdefault(key, number)
            if first != number:
                tally.lost.append(f"case {number}: idempotency key {key!r} made a second case")
            new = response.status_code == 201
            tally.accepted.append(
                Submission("case", number, body.get("description") if new else None)
            )
    elif path == "/api/v1/handoffs" and isinstance(answer, dict) and "id" in answer:
        tally.accepted.append(Submission("handoff", str(answer["id"])))


def note_response(tally: Tally, label: str, response: requests.Response, curl: str) -> None:
    tally.requests += 1
    if response.status_code >= 500:
        tally.server_errors.append(f"{label} -> {response.status_code}: {curl}")


def fuzz_operation(
    target: Target,
    operation: Any,
    tally: Tally,
    *,
    examples: int,
    seed: int,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
) -> None:
    """``examples`` generated calls per (mode, caller, path id) of one operation."""
    label = operation_label(operation)
    timeout = STREAM_TIMEOUT_S if operation.path.endswith("/stream") else REQUEST_TIMEOUT_S
    for mode in modes:
        for caller in callers_for(operation.path):
            for path_parameters in _path_parameters(target, operation.path):
                strategy = operation.as_strategy(
                    generation_mode=mode, path_parameters=path_parameters
                )
                call = _caller_run(
                    target, tally, f"{label} [{caller}, {mode.value}]", caller, timeout
                )
                _examples(strategy, examples, seed)(call)


def _caller_run(
    target: Target, tally: Tally, label: str, caller: str, timeout: float
) -> Callable[[Any], None]:
    """Sends one generated case as ``caller``; counts it, and what it registered."""
    headers = target.headers[caller]

    def run(case: Any) -> None:
        path, method = case.operation.path, case.operation.method.upper()
        try:
            response = case.call(session=target.client, headers=headers, timeout=timeout)
        except requests.Timeout:
            tally.requests += 1
            tally.timeouts.append(f"{label}: {case.as_curl_command(headers=headers)}")
            return
        except Exception as error:  # the app raised through the transport: a crash, not a 4xx
            tally.requests += 1
            tally.server_errors.append(f"{label} raised {error!r}")
            return
        note_response(tally, label, response, case.as_curl_command(headers=headers))
        body = case.body if isinstance(case.body, dict) else None
        _record_submission(tally, path, method, body, response)

    return run


def _examples(strategy: Any, examples: int, seed: int) -> Callable[[Callable[[Any], None]], None]:
    """Runs a callback on ``examples`` values of ``strategy``, reproducibly (fixed seed)."""

    def drive(callback: Callable[[Any], None]) -> None:
        @hypothesis.seed(seed)
        @hypothesis.settings(
            max_examples=examples,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(value=strategy)
        def each(value: Any) -> None:
            callback(value)

        try:
            each()
        except hypothesis.errors.Unsatisfiable:
            pass  # nothing to make invalid (an operation without parameters)

    return drive


# ---- hostile text for valid submissions ------------------------------------------

# Text that is valid for the store but hostile to everything that reads it later.
HOSTILE_TEXT = (
    st.lists(
        st.one_of(
            st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20),
            st.sampled_from(list("零幺两洞拐勾一二三四五六七八九十，。！？；：、（）")),
            st.sampled_from(
                ["\u200d", "\u202e", "\ufeff", "😡", "👨‍👩‍👧", "'; DROP TABLE cases;--"]
            ),
        ),
        min_size=1,
        max_size=30,
    )
    .map("".join)
    .filter(lambda s: s.strip() != "")
)


def submit_valid_cases(target: Target, tally: Tally, *, count: int, seed: int) -> None:
    """Valid registrations with hostile text, by the service and by staff; each must be kept."""

    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(
        description=HOSTILE_TEXT,
        summary=st.none() | HOSTILE_TEXT.map(lambda s: s[:200]),
        district=st.sampled_from(["金水区", "管城回族区", "中原区", "不存在区", "", "金水"]),
        staff=st.booleans(),
        key=st.uuids(),
    )
    def submit(description: str, summary: str | None, district: str, staff: bool, key: Any) -> None:
        body = valid_case_body(
            f"hostile-{key.hex}",
            description,
            summary=summary,
            location={"district": district, "address": description[:100]},
            channel="letter" if staff else "web_chat",
        )
        path = "/api/v1/staff/cases" if staff else "/api/v1/cases"
        headers = target.headers["admin" if staff else "service"]
        response = target.send("POST", path, json=body, headers=headers)
        note_response(tally, f"POST {path} [valid hostile text]", response, json.dumps(body)[:200])
        _record_submission(tally, path, "POST", body, response)

    submit()


def submit_open311(target: Target, tally: Tally, *, count: int, seed: int) -> None:
    """Open311 POST has no schema body: forms and JSON generated here, hostile and valid."""

    field_value = st.one_of(st.text(max_size=200), st.sampled_from(["", "城乡建设", "34.7", "x"]))

    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(
        fields=st.dictionaries(
            st.sampled_from(
                [
                    "service_code",
                    "description",
                    "address_string",
                    "lat",
                    "long",
                    "first_name",
                    "last_name",
                    "phone",
                    "device_id",
                    "email",
                ]
            ),
            field_value,
        ),
        valid_core=st.booleans(),
        as_json=st.booleans(),
    )
    def submit(fields: dict[str, str], valid_core: bool, as_json: bool) -> None:
        form = {"api_key": OPEN311_KEY, **fields}
        if valid_core:
            form.update(service_code="城乡建设", address_string="金水区花园路")
            form.setdefault("description", "路灯坏了")
            if not form["description"].strip():
                form["description"] = "路灯坏了"
        path = "/open311/v2/requests.json"
        if as_json:
            response = target.send("POST", path, json=form)
        else:
            response = target.send("POST", path, data=form)
        note_response(tally, f"POST {path} [json={as_json}]", response, json.dumps(form)[:200])
        if response.status_code in (200, 201):
            for item in response.json():
                tally.accepted.append(
                    Submission("open311", str(item["service_request_id"]), form.get("description"))
                )

    submit()


def verify_kept(target: Target, tally: Tally) -> None:
    """Every accepted submission is found afterwards, with the description as sent."""
    admin = target.headers["admin"]
    service = target.headers["service"]
    handoffs: set[str] | None = None
    for item in tally.accepted:
        tally.checked += 1
        if item.kind == "case":
            response = target.send("GET", f"/api/v1/staff/cases/{item.key}", headers=admin)
            ok = response.status_code == 200 and (
                item.description is None or response.json()["description"] == item.description
            )
        elif item.kind == "open311":
            response = target.send("GET", f"/open311/v2/requests/{item.key}.json")
            ok = response.status_code == 200 and (
                item.description is None or response.json()[0]["description"] == item.description
            )
        else:
            if handoffs is None:
                handoffs = _all_handoff_ids(target, service)
            ok = item.key in handoffs
        if not ok:
            tally.lost.append(f"{item.kind} {item.key}")


def _all_handoff_ids(target: Target, headers: dict[str, str]) -> set[str]:
    ids: set[str] = set()
    for open_only in ("true", "false"):
        offset = 0
        while True:
            page = target.send(
                "GET",
                "/api/v1/handoffs",
                params={"open": open_only, "limit": 100, "offset": offset},
                headers=headers,
            ).json()
            items = page["items"] if isinstance(page, dict) else page
            ids.update(str(item["id"]) for item in items)
            if len(items) < 100:
                break
            offset += 100
    return ids


def run_all(
    target: Target,
    *,
    examples: int,
    seed: int,
    valid_cases: int,
    open311: int,
    include: Callable[[Any], bool] = lambda op: True,
) -> Tally:
    tally = Tally()
    for operation in operations(target):
        if include(operation):
            fuzz_operation(target, operation, tally, examples=examples, seed=seed)
    submit_valid_cases(target, tally, count=valid_cases, seed=seed)
    submit_open311(target, tally, count=open311, seed=seed)
    verify_kept(target, tally)
    return tally
