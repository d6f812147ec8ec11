"""Health and public configuration for the citizen web page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

router = APIRouter(tags=["system"])


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/v1/public-config")
def public_config(request: Request) -> dict[str, str]:
    """Where the chat page finds Rasa (socket.io)."""
    return {"rasa_socket_url": request.app.state.settings.public_rasa_url}


LOOKUP_PAGE = Path(__file__).with_name("static") / "lookup.html"


@router.get("/lookup", include_in_schema=False)
def lookup_page() -> FileResponse:
    """市民查询页: number + query code → state, unit, deadlines, public timeline."""
    return FileResponse(LOOKUP_PAGE, media_type="text/html; charset=utf-8")
