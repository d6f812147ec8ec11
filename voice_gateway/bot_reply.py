"""What Rasa said, reduced to what a phone call can carry (pure functions).

Rasa REST answers a list of messages: {"text": ..., "buttons": [{"title", "payload"}],
"custom": {...}, "image": ...}. Images and attachments cannot be spoken and are skipped.
A custom payload {"hangup": true} ends the call after the text has been spoken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voice_gateway.speech_text import CHOICE_WORDS, choice_prompt, speakable_sentences

MAX_SPOKEN_CHOICES = len(CHOICE_WORDS)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotReply:
    """A bot turn ready to be spoken: sentences, then the choices, then maybe the end of the call."""

    sentences: tuple[str, ...]
    buttons: tuple[Button, ...] = ()
    hangup: bool = False

    @property
    def choice_sentences(self) -> tuple[str, ...]:
        return tuple(choice_prompt(i, b.title) for i, b in enumerate(self.buttons, start=1))

    @property
    def spoken(self) -> tuple[str, ...]:
        return self.sentences + self.choice_sentences

    @property
    def question(self) -> tuple[str, ...]:
        """What to repeat when the caller says nothing: the last question and the choices."""
        asked = [s for s in self.sentences if s.endswith(("？", "?"))]
        last = (asked[-1],) if asked else self.sentences[-1:]
        return last + self.choice_sentences


def _buttons(raw: Any) -> tuple[Button, ...]:
    if not isinstance(raw, list):
        return ()
    buttons = [
        Button(title=str(b.get("title") or ""), payload=str(b["payload"]))
        for b in raw
        if isinstance(b, Mapping) and b.get("payload")
    ]
    return tuple(buttons[:MAX_SPOKEN_CHOICES])


def parse_bot_messages(messages: Iterable[Any]) -> BotReply:
    sentences: list[str] = []
    buttons: tuple[Button, ...] = ()
    hangup = False
    for message in messages:
        if not isinstance(message, Mapping):
            continue
        text = message.get("text")
        if isinstance(text, str):
            sentences.extend(speakable_sentences(text))
        if message.get("buttons"):
            buttons = _buttons(message.get("buttons"))
        custom = message.get("custom")
        if isinstance(custom, Mapping) and custom.get("hangup") is True:
            hangup = True
    return BotReply(sentences=tuple(sentences), buttons=buttons, hangup=hangup)


_SPOKEN_CHOICE = re.compile(
    r"^(?:我)?(?:选|选择|按|第)?(?P<n>[一二三四五六七八九1-9]|幺|两)(?:个|项|号|键)?(?:吧|的|啊)?$"
)
_CHOICE_VALUES = {w: i for i, w in enumerate(CHOICE_WORDS, start=1)} | {
    "幺": 1,
    "两": 2,
}
_NOT_CONTENT = re.compile(r"[\s\W_]+")


def choose_button(
    buttons: Sequence[Button], *, digits: str = "", speech: str = ""
) -> Button | None:
    """The button a caller picked by keypad ("1") or by voice ("一", "第二个", or its title)."""
    if not buttons:
        return None
    if digits:
        digits = digits.strip()
        if digits.isdigit() and len(digits) == 1 and 1 <= int(digits) <= len(buttons):
            return buttons[int(digits) - 1]
        return None
    said = _NOT_CONTENT.sub("", speech)
    match = _SPOKEN_CHOICE.match(said)
    if match:
        n = match.group("n")
        index = int(n) if n.isdigit() else _CHOICE_VALUES[n]
        return buttons[index - 1] if index <= len(buttons) else None
    for button in buttons:
        if said and said == _NOT_CONTENT.sub("", button.title):
            return button
    return None
