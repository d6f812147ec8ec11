"""Personal data out of log lines (日志脱敏): one implementation for every service.

Code never passes names, phones or ID numbers to a logger; this is the second
line of defence that catches slips, including inside tracebacks.
"""

from __future__ import annotations

import logging
import re

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def redact(text: str) -> str:
    """Replaces ID numbers and phone numbers in free text with a placeholder."""
    text = _ID_NUMBER.sub("[身份证号已隐藏]", text)
    text = _PHONE.sub("[电话已隐藏]", text)
    return _LANDLINE.sub("[电话已隐藏]", text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the message and any traceback of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        return True


_FORMATTER = logging.Formatter()


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Adds the filter to every handler of `logger` (default: the root logger)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
