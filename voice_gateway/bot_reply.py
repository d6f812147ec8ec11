"""What Rasa said, reduced to what a phone call can carry (pure functions).

Rasa REST answers a list of messages: {"text": ..., "buttons": [{"title", "payload"}],
"custom": {...}, "image": ...}. Images and attachments cannot be spoken and are skipped.
A custom payload {"hangup": true} ends the call after the text has been spoken.
A custom payload {"transfer": {"reason": "request_human" | "emergency" | "misunderstood",
"reference": "<optional case/conversation reference>"}} puts the caller through to staff after
the text has been spoken.
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


TRANSFER_REASONS = frozenset({"request_human", "emergency", "misunderstood"})
_CASE_NUMBER = re.compile(r"(?<![A-Za-z])XF-?\d{12}(?!\d)", re.IGNORECASE)
_REFERENCE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


@dataclass(frozen=True)
class Transfer:
    """The bot asks for the caller to be put through to a person."""

    reason: str = "request_human"
    reference: str | None = None


@dataclass(frozen=True)
class BotReply:
    """A bot turn ready to be spoken: sentences, then the choices, then maybe the end of the call."""

    sentences: tuple[str, ...]
    buttons: tuple[Button, ...] = ()
    hangup: bool = False
    transfer: Transfer | None = None
    # A case number was read out: the complaint is filed, a hang-up now loses nothing.
    case_number_read: bool = False

    @property
    def is_empty(self) -> bool:
        """Nothing to say and nothing to do: Rasa answered but the bot did not speak."""
        return not self.sentences and not self.buttons and not self.hangup and not self.transfer

    @property
    def asks(self) -> bool:
        """The bot is waiting for an answer (a question or choices)."""
        return bool(self.buttons) or any(s.endswith(("？", "?")) for s in self.sentences)

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


def _transfer(raw: Any) -> Transfer | None:
    if raw is True:
        return Transfer()
    if not isinstance(raw, Mapping):
        return None
    reason = raw.get("reason")
    reference = raw.get("reference")
    return Transfer(
        reason=reason if reason in TRANSFER_REASONS else "request_human",
        # It goes into a SIP header and a URL: only a plain identifier is passed on.
        reference=reference if isinstance(reference, str) and _REFERENCE.match(reference) else None,
    )


def parse_bot_messages(messages: Iterable[Any]) -> BotReply:
    sentences: list[str] = []
    buttons: tuple[Button, ...] = ()
    hangup = False
    transfer: Transfer | None = None
    case_number_read = False
    for message in messages:
        if not isinstance(message, Mapping):
            continue
        text = message.get("text")
        if isinstance(text, str):
            sentences.extend(speakable_sentences(text))
            case_number_read = case_number_read or bool(_CASE_NUMBER.search(text))
        if message.get("buttons"):
            buttons = _buttons(message.get("buttons"))
        custom = message.get("custom")
        if isinstance(custom, Mapping):
            if custom.get("hangup") is True:
                hangup = True
            if "transfer" in custom:
                transfer = _transfer(custom.get("transfer")) or transfer
    return BotReply(
        sentences=tuple(sentences),
        # Choices make no sense once the caller is put through to a person.
        buttons=() if transfer else buttons,
        hangup=hangup and transfer is None,
        transfer=transfer,
        case_number_read=case_number_read,
    )


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


REQUEST_HUMAN = "/request_human"
_WANTS_PERSON = re.compile(
    r"^(?:喂)?(?:我|我要|我想|我需要|请|麻烦|帮我|给我)?(?:要|想)?"
    r"(?:转|转接|找|接|转到|换)?(?:一下)?(?:人工|真人|客服|接线员|工作人员)"
    r"(?:服务|客服|坐席|台)?(?:吧|啊|呀|谢谢)?$"
)


def wants_a_person(*, digits: str = "", speech: str = "") -> bool:
    """The caller pressed 0 or said 人工 / 转人工 / 我要找人工客服 (and nothing else)."""
    if digits:
        return digits.strip() == "0"
    return bool(_WANTS_PERSON.match(_NOT_CONTENT.sub("", speech)))
