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
