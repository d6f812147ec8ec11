"""Masks personal data in every log line (日志脱敏)."""

from __future__ import annotations

import logging
import re

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID = re.compile(r"(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")


def mask_personal_data(message: str) -> str:
    return _PHONE.sub(r"\1****\2", _ID.sub(r"\1********\2", message))


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        rendered = record.getMessage()
        masked = mask_personal_data(rendered)
        if masked != rendered:
            record.msg, record.args = masked, ()
        return True


def install_log_masking() -> None:
    """Adds the filter to every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskingFilter())
