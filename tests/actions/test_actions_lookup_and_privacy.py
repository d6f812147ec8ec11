"""Case-number parsing, and no personal data in the action server's logs."""

from __future__ import annotations

import logging

import pytest

from actions.lookup import canonical_case_number, canonical_query_code
from zhtext import install_redaction, redact


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("XF202611260001", "XF202611260001"),
        ("xf 202611260001", "XF202611260001"),
        ("编号是202611260001", "XF202611260001"),
        ("XF2026", None),
        ("", None),
    ],
)
def test_canonical_case_number(said: str, number) -> None:
    assert canonical_case_number(said) == number


def test_canonical_query_code() -> None:
    assert canonical_query_code("查询码是 908172") == "908172"
    assert canonical_query_code("9081") is None


def test_phone_and_id_numbers_are_redacted_in_logs(caplog) -> None:
    assert (
        redact("电话13800138000，身份证41010519900101123X")
        == "电话[电话已隐藏]，身份证[身份证号已隐藏]"
    )
    assert "XF202611260001" in redact("查询 XF202611260001"), "case numbers are not personal data"
    logger = logging.getLogger("test.privacy")
    install_redaction()
    install_redaction(logging.getLogger())  # idempotent
    caplog.handler.addFilter(__import__("zhtext").RedactingFilter())
    with caplog.at_level(logging.INFO, logger="test.privacy"):
        logger.info("caller %s said %s", "13800138000", "hello")
    assert "13800138000" not in caplog.text and "[电话已隐藏]" in caplog.text


def test_a_reply_is_read_out_not_only_named() -> None:
    from actions.lookup import case_status_text

    case = {
        "number": "XF202611260001",
        "state_label": "已答复",
        "responsible_unit": {"name": "金水区花园路街道办事处"},
        "last_event": {
            "at": "2026-11-27T10:00:00",
            "label": "答复",
            "note": "已责令工地夜间停工。",
        },
    }
    said = case_status_text(case)
    assert "最近进展：2026-11-27 答复。" in said
    assert said.endswith("答复意见：已责令工地夜间停工。")
    case["last_event"] = {"at": "2026-11-27T10:00:00", "label": "受理", "note": None}
    assert "答复意见" not in case_status_text(case) and "说明" not in case_status_text(case)
