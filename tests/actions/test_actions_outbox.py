"""The outbox keeps confirmed complaints until the case store has them."""

from __future__ import annotations

import asyncio
import socket

from actions.casestore_client import CaseStoreClient, CaseStoreUnavailable
from actions.outbox import Outbox
from actions.server import deliver_pending
from actions.settings import Settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _settings(tmp_path, port: int) -> Settings:
    return Settings(
        casestore_url=f"http://127.0.0.1:{port}",
        casestore_token="t",
        casestore_timeout_s=1.0,
        outbox_path=str(tmp_path / "outbox.sqlite3"),
        outbox_retry_s=1.0,
        gazetteer_file="var/gazetteer/zhengzhou.json",
        production=False,
    )


def test_a_submission_survives_a_restart_until_delivered(tmp_path) -> None:
    path = str(tmp_path / "outbox.sqlite3")
    Outbox(path).put("key-1", "sender-1", {"description": "工地夜间施工"})
    Outbox(path).put("key-1", "sender-1", {"description": "不同内容"})  # same key: no-op
    reopened = Outbox(path)
    assert reopened.pending() == [("key-1", {"description": "工地夜间施工"})]
    assert reopened.latest_for("sender-1") == {"delivered": False, "receipt": None}

    reopened.delivered("key-1", {"number": "XF202611260001", "query_code": "123456"})
    assert Outbox(path).pending() == []
    assert Outbox(path).latest_for("sender-1")["receipt"]["number"] == "XF202611260001"


def test_unreachable_case_store_is_reported_and_nothing_is_lost(tmp_path) -> None:
    settings = _settings(tmp_path, _closed_port())
    outbox = Outbox(settings.outbox_path)
    outbox.put("key-2", "sender-2", {"description": "路灯坏了"})
    client = CaseStoreClient(settings)

    try:
        asyncio.run(client.create_case({"description": "路灯坏了"}))
    except CaseStoreUnavailable:
        pass
    else:  # pragma: no cover - the port is closed
        raise AssertionError("a closed port must raise CaseStoreUnavailable")

    assert asyncio.run(deliver_pending(outbox, client)) == 0
    assert [key for key, _ in outbox.pending()] == ["key-2"]
