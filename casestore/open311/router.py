"""GeoReport v2 endpoints; errors in GeoReport's format ``[{"code", "description"}]``."""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime, tzinfo
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from casestore.cases.service import CaseServices
from casestore.open311.service import Open311Error, create_request, get_requests, load_services

router = APIRouter(prefix="/open311/v2", tags=["open311"])
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _error(exc: Open311Error) -> JSONResponse:
    return JSONResponse(
        status_code=exc.status, content=[{"code": exc.status, "description": exc.description}]
    )


def _catalogue(request: Request) -> list[dict[str, Any]]:
    cached = getattr(request.app.state, "open311_services", None)
    if cached is None:
        cached = load_services(request.app.state.settings.taxonomy_file)
        request.app.state.open311_services = cached
    result: list[dict[str, Any]] = cached
    return result


def _services(request: Request) -> CaseServices:
    services: CaseServices = request.app.state.case_services
    return services


@router.get("/services.json")
def services_list(request: Request) -> list[dict[str, Any]]:
    """服务列表: one service per level-1 category."""
    return _catalogue(request)


@router.get("/services/{service_code}.json")
def service_definition(service_code: str, request: Request) -> Any:
    if service_code not in {s["service_code"] for s in _catalogue(request)}:
        return _error(Open311Error(404, f"未知的 service_code：{service_code}"))
    return {"service_code": service_code, "attributes": []}


async def _form(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            data = json.loads(await request.body() or b"{}")
        except (ValueError, RecursionError):  # invalid JSON or UTF-8, or nested too deep
            raise Open311Error(400, "请求体不是合法的 JSON") from None
        if not isinstance(data, dict):
            raise Open311Error(400, "请求体应为 JSON 对象")
        return data
    try:
        form = await request.form()
    except Exception:  # malformed multipart / urlencoded body
        raise Open311Error(400, "无法解析表单") from None
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/requests.json")
async def post_request(request: Request) -> Any:
    """提交请求 (API key required): becomes a case on the ``open311`` channel."""
    try:
        form = await _form(request)
        key = str(form.get("api_key") or "")
        expected = request.app.state.settings.open311_api_key.get_secret_value()
        if not hmac.compare_digest(key.encode("utf-8"), expected.encode("utf-8")):
            raise Open311Error(403, "api_key 缺失或无效")
        return JSONResponse(
            status_code=201, content=create_request(_services(request), _catalogue(request), form)
        )
    except Open311Error as exc:
        return _error(exc)


def _date(value: str | None, name: str, tz: tzinfo) -> datetime | None:
    """A W3C date or date-time; without an offset it is read in the case time zone."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} 应为 W3C 日期时间格式") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 and the like
        raise Open311Error(400, f"{name} 超出范围") from None
    if not EARLIEST <= parsed <= LATEST:  # the default window subtracts 90 days from it
        raise Open311Error(400, f"{name} 超出范围")
    return parsed


@router.get("/requests.json")
def list_requests(
    request: Request,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> Any:
    try:
        if status not in (None, "open", "closed"):
            raise Open311Error(400, "status 只能是 open 或 closed")
        tz = request.app.state.settings.tz
        start, end = _date(start_date, "start_date", tz), _date(end_date, "end_date", tz)
        ids = service_request_id.split(",") if service_request_id else None
        return get_requests(
            _services(request),
            ids=ids,
            service_code=service_code,
            status=status,
            start=start,
            end=end,
        )
    except Open311Error as exc:
        return _error(exc)


@router.get("/requests/{service_request_id}.json")
def get_request(service_request_id: str, request: Request) -> Any:
    found = get_requests(_services(request), ids=[service_request_id])
    if not found:
        return _error(Open311Error(404, f"未找到请求 {service_request_id}"))
    return found
