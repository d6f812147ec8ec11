"""Values and helpers shared by the voice gateway tests and their fixtures."""

import socket
import threading

from twilio.request_validator import RequestValidator

AUTH_TOKEN = "test-twilio-auth-token"
PUBLIC_BASE_URL = "https://voice.example.org"
LOCAL_BASE_URL = "http://testserver"


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> dict[str, str]:
    """Headers Twilio would send: X-Twilio-Signature over the public URL and the form."""
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, params)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HangingServer:
    """Accepts connections, records each HTTP request, never answers (a hung Rasa)."""

    def __init__(self, port: int = 0) -> None:
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.port = int(self._sock.getsockname()[1])
        self.connections = 0
        self.requests: list[bytes] = []
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self._held.append(conn)
            self.requests.append(self._read_request(conn))

    @staticmethod
    def _read_request(conn: socket.socket) -> bytes:
        conn.settimeout(2.0)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return data
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            while len(body) < length:
                body += conn.recv(65536)
            return body
        except OSError:
            return data

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self._sock.close()


class JsonServer:
    """A tiny HTTP server answering JSON: a scripted Rasa, or a case store that records.

    `answer(path, body)` returns (status, json); requests are kept as (path, body, headers).
    """

    def __init__(self, answer=None) -> None:
        import json
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[tuple[str, object, dict[str, str]]] = []
        self.answer = answer or (lambda path, body: (201, {"ok": True}))
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                body = json.loads(raw) if raw else None
                server.requests.append((self.path, body, dict(self.headers)))
                status, data = server.answer(self.path, body)
                payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def bodies(self) -> list:
        return [body for _, body, _ in self.requests]

    def wait_for(self, count: int, timeout_s: float = 3.0) -> list:
        import time

        deadline = time.monotonic() + timeout_s
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.bodies

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class ScriptedRasa(JsonServer):
    """Answers each REST webhook with the next scripted list of bot messages ([] when out)."""

    def __init__(self, replies) -> None:
        self.replies = list(replies)
        super().__init__(self._next)

    def _next(self, path, body):
        return 200, (self.replies.pop(0) if self.replies else [])

    @property
    def messages(self) -> list[str]:
        return [body["message"] for body in self.bodies]
