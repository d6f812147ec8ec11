"""Reading the conversation from the tracker (会话记录)."""

from __future__ import annotations

from typing import Any, Dict

from rasa_sdk import Tracker


def last_user_text(tracker: Tracker) -> str:
    """The citizen's own words, verbatim (not the normalised NLU text)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("text") or ""
    return ""


def last_user_metadata(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def is_hotline(tracker: Tracker) -> bool:
    """Whether the citizen is on the phone (the voice gateway marks its messages)."""
    if tracker.get_slot("caller_phone"):
        return True
    return last_user_metadata(tracker).get("channel") == "hotline"
