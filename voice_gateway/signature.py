"""X-Twilio-Signature check with twilio's own RequestValidator."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from starlette.datastructures import FormData
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

__all__ = [
    "SIGNATURE_HEADER",
    "SIGNATURE_SETTINGS_HEADER",
    "SignedForm",
    "is_valid_signature",
    "public_url",
]


class SignedForm:
    """Form fields as RequestValidator reads them (it calls getall for repeated keys)."""

    def __init__(self, items: Sequence[tuple[str, str]]) -> None:
        self._items = list(items)

    @classmethod
    def from_form(cls, form: FormData) -> SignedForm:
        return cls([(k, v) for k, v in form.multi_items() if isinstance(v, str)])

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k for k, _ in self._items))

    def getall(self, name: str) -> list[str]:
        return [v for k, v in self._items if k == name]

    def first(self, name: str) -> str:
        values = self.getall(name)
        return values[0] if values else ""


def public_url(public_base_url: str, path: str, query: str) -> str:
    """The URL Twilio requested, as Twilio saw it: public base + path (+ query)."""
    url = public_base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


def is_valid_signature(
    auth_token: str,
    url: str,
    form: SignedForm,
    signature: str | None,
    settings_header: str | None,
) -> bool:
    if not signature:
        return False
    algorithm = get_signature_algorithm(settings_header)
    return bool(RequestValidator(auth_token).validate(url, form, signature, algorithm=algorithm))
