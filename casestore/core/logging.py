"""Loggers that redact personal data (phone, ID numbers) from every record.

The redaction itself is `zhtext.privacy`, shared by every service. Names
cannot be recognised reliably, so the first line of defence (never pass
them to a logger) is the one that counts.
"""

from __future__ import annotations

import logging

from zhtext.privacy import RedactingFilter, redact

__all__ = ["get_logger", "redact"]

_FILTER = RedactingFilter()


def get_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger
