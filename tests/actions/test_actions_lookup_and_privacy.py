"""Case-number parsing and log masking."""

from __future__ import annotations

import logging

import pytest

from actions.lookup import canonical_case_number, canonical_query_code
from actions.privacy import MaskingFilter, mask_personal_data


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


def test_phone_and_id_numbers_are_masked_in_logs(caplog) -> None:
    assert mask_personal_data("电话13800138000") == "电话138****8000"
    assert mask_personal_data("身份证41010519900101123X") == "身份证410105********123X"
    logger = logging.getLogger("test.privacy")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="test.privacy"):
        logger.info("caller %s said %s", "13800138000", "hello")
    assert "13800138000" not in caplog.text and "138****8000" in caplog.text
