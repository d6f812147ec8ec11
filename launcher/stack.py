"""Start, watch and stop the assistant's processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Optional

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Service:
    """One process of the system and how to tell that it is ready."""

    name: str
    command: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None


@dataclass
class Ports:
    rasa: int = 5005
    actions: int = 5055
    casestore: int = 8000
    voice: int = 8080


def base_env(extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
    )
    env.update(extra or {})
    return env


def default_services(
    model: str,
    ports: Ports = Ports(),
    endpoints: str = "endpoints.yml",
    env: Optional[dict[str, str]] = None,
) -> list[Service]:
    """The four processes of product.md, wired to each other by URL."""
    rasa_bin = str(ROOT / ".venv/rasa/bin")
    svc_bin = str(ROOT / ".venv/svc/bin")
    shared = {
        "CASESTORE_URL": f"http://127.0.0.1:{ports.casestore}",
        "RASA_URL": f"http://127.0.0.1:{ports.rasa}",
        "PUBLIC_RASA_URL": os.environ.get("PUBLIC_RASA_URL", f"http://127.0.0.1:{ports.rasa}"),
    }
    shared.update(env or {})
    token = shared.get("RASA_TOKEN") or os.environ.get("RASA_TOKEN", "dev-rasa-token")
    shared["RASA_TOKEN"] = token  # the case store drives staff takeover through Rasa's API
    return [
        Service(
            "casestore",
            [
                f"{svc_bin}/uvicorn",
                "--factory",
                "casestore.main:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(ports.casestore),
                "--no-access-log",
            ],
            f"http://127.0.0.1:{ports.casestore}/health",
            shared,
        ),
        Service(
            "actions",
            [f"{rasa_bin}/python", "-m", "actions.server", "--port", str(ports.actions)],
            f"http://127.0.0.1:{ports.actions}/health",
            shared,
        ),
        Service(
            "rasa",
            [
                f"{rasa_bin}/rasa",
                "run",
                "--model",
                model,
                "--enable-api",
                "--auth-token",
                token,
                "--cors",
                "*",
                "--port",
                str(ports.rasa),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                endpoints,
            ],
            f"http://127.0.0.1:{ports.rasa}/",
            shared,
        ),
        Service(
            "voice",
            [
                f"{svc_bin}/uvicorn",
                "--factory",
                "voice_gateway.main:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(ports.voice),
                "--no-access-log",
            ],
            f"http://127.0.0.1:{ports.voice}/health",
            shared,
        ),
    ]


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class Stack:
    """Runs services as child processes, each in its own process group."""

    def __init__(self, services: list[Service], log_dir: Optional[Path] = None) -> None:
        self.services = {s.name: s for s in services}
        self.log_dir = log_dir
        self._logs: dict[str, IO[bytes]] = {}

    def start(self, name: Optional[str] = None) -> None:
        for service in self._select(name):
            if service.process and service.process.poll() is None:
                continue
            stdout = self._output_for(service.name)
            service.process = subprocess.Popen(
                service.command,
                cwd=ROOT,
                env=base_env(service.env),
                stdout=stdout,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            if stdout is subprocess.PIPE:
                threading.Thread(
                    target=_pump, args=(service.name, service.process), daemon=True
                ).start()

    def wait_healthy(self, timeout: float = 180.0, name: Optional[str] = None) -> None:
        deadline = time.monotonic() + timeout
        waiting = list(self._select(name))
        while waiting:
            for service in list(waiting):
                if service.process and service.process.poll() is not None:
                    raise RuntimeError(
                        f"{service.name} exited with code {service.process.returncode}"
                        + self._tail(service.name)
                    )
                if is_healthy(service.health_url):
                    waiting.remove(service)
            if waiting and time.monotonic() > deadline:
                names = ", ".join(s.name for s in waiting)
                raise TimeoutError(f"not healthy after {timeout:.0f}s: {names}")
            if waiting:
                time.sleep(0.5)

    def stop(self, name: Optional[str] = None, grace: float = 15.0) -> None:
        services = list(self._select(name))
        for service in services:
            _signal(service, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for service in services:
            if not service.process:
                continue
            try:
                service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal(service, signal.SIGKILL)
                service.process.wait(timeout=5)

    def first_exited(self) -> Optional[Service]:
        for service in self.services.values():
            if service.process and service.process.poll() is not None:
                return service
        return None

    def _select(self, name: Optional[str]) -> list[Service]:
        return [self.services[name]] if name else list(self.services.values())

    def _output_for(self, name: str):  # type: ignore[no-untyped-def]
        if self.log_dir is None:
            return subprocess.PIPE
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if name not in self._logs:
            self._logs[name] = open(self.log_dir / f"{name}.log", "ab")
        return self._logs[name]

    def _tail(self, name: str, lines: int = 30) -> str:
        if self.log_dir is None:
            return ""
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        return "\n--- last lines of " + name + ".log ---\n" + "\n".join(text)


def _signal(service: Service, sig: int) -> None:
    if service.process and service.process.poll() is None:
        try:
            os.killpg(service.process.pid, sig)
        except ProcessLookupError:
            pass


def _pump(name: str, process: subprocess.Popen) -> None:
    assert process.stdout is not None
    for raw in iter(process.stdout.readline, b""):
        sys.stdout.write(f"{name:>9} | {raw.decode('utf-8', errors='replace')}")
        sys.stdout.flush()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class IsolatedStack:
    """A whole system on free ports with its own throw-away storage."""

    stack: Stack
    ports: Ports
    env: dict[str, str]
    work_dir: Path

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{getattr(self.ports, service)}"


def isolated_stack(model: str, work_dir: Path, env: dict[str, str] | None = None) -> IsolatedStack:
    """Wires (but does not start) the four services on free ports under `work_dir`.

    Used by the integration tests and the benchmarks: SQLite case store,
    SQLite tracker store and outbox, all inside `work_dir`.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    ports = Ports(rasa=free_port(), actions=free_port(), casestore=free_port(), voice=free_port())
    endpoints = work_dir / "endpoints.yml"
    endpoints.write_text(
        "action_endpoint:\n"
        f'  url: "http://127.0.0.1:{ports.actions}/webhook"\n'
        "tracker_store:\n"
        "  type: SQL\n"
        '  dialect: "sqlite"\n'
        f'  db: "{work_dir / "tracker.db"}"\n',
        encoding="utf-8",
    )
    settings = {
        "DATABASE_URL": f"sqlite:///{work_dir / 'casestore.db'}",
        "ACTIONS_OUTBOX": str(work_dir / "outbox.sqlite3"),
        "VOICE_PUBLIC_BASE_URL": f"http://127.0.0.1:{ports.voice}",
        "PUBLIC_RASA_URL": f"http://127.0.0.1:{ports.rasa}",
    }
    settings.update(env or {})
    services = default_services(model, ports, str(endpoints), settings)
    return IsolatedStack(Stack(services, log_dir=work_dir / "logs"), ports, settings, work_dir)
