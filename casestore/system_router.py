"""Health and public configuration for the citizen web page."""

from __future__ import annotations

from fastapi import APIRouter, Request

router = APIRouter(tags=["system"])


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/v1/public-config")
def public_config(request: Request) -> dict[str, str]:
    """Where the chat page finds Rasa (socket.io)."""
    return {"rasa_socket_url": request.app.state.settings.public_rasa_url}
