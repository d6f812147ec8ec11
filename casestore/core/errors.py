"""Every error leaves as ``{"detail": "<中文说明>"}`` with a 4xx/5xx code, never a stack trace."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from casestore.core.logging import get_logger

logger = get_logger(__name__)


class DomainError(Exception):
    """An expected refusal that the caller should read (status + Chinese detail)."""

    status_code = 400
    detail = "请求无法处理"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.detail)
        if detail:
            self.detail = detail


_DEFAULT_HTTP_DETAILS = {
    400: "请求格式不正确",
    401: "未授权：缺少或错误的服务令牌",
    403: "没有权限",
    404: "未找到请求的地址",
    405: "不支持该请求方法",
    413: "请求内容过大",
    415: "请以 JSON 格式提交",
    429: "请求过于频繁，请稍后再试",
}


_NOT_AN_OBJECT = ("model_attributes_type", "dict_type", "model_type")


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts)


def _describe(error: dict[str, Any]) -> str:
    """Chinese text for one pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "json_invalid":
        return "请求体不是合法的 JSON"
    if kind == "missing":
        return "缺少必填项"
    if kind in ("string_too_long", "too_long"):
        return f"内容过长（最多 {ctx.get('max_length')} 字）"
    if kind in ("string_too_short", "too_short"):
        return "不能为空"
    if kind in ("literal_error", "enum"):
        return f"取值无效，可选值：{ctx.get('expected', '')}"
    if kind in _NOT_AN_OBJECT:
        return "应为 JSON 对象"
    if kind in ("string_type",):
        return "应为文字"
    if kind in ("bool_type", "bool_parsing"):
        return "应为 true 或 false"
    if kind.startswith(("int_", "float_")):
        return "应为数字"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return "数值超出允许范围"
    if kind == "value_error":
        return str(ctx.get("error") or "取值无效")
    return "格式不正确"


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    fields: list[dict[str, str]] = []
    sent_json = "json" in request.headers.get("content-type", "")
    for error in exc.errors():
        path = _field_path(tuple(error.get("loc", ())))
        message = _describe(error)
        if not path and not sent_json and error.get("type") in _NOT_AN_OBJECT:
            message = "请以 JSON 格式提交（Content-Type: application/json）"
        fields.append({"field": path, "message": message})
    summary = "；".join(
        f"{f['field']}：{f['message']}" if f["field"] else f["message"] for f in fields[:5]
    )
    # Field paths only: error inputs may hold personal data and never reach the log.
    logger.info(
        "validation failed on %s %s: %s",
        request.method,
        request.url.path,
        [f["field"] for f in fields],
    )
    return JSONResponse(
        status_code=422,
        content={"detail": f"请求内容不符合要求：{summary}", "fields": fields},
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail
    if not isinstance(detail, str) or detail.isascii():
        detail = _DEFAULT_HTTP_DETAILS.get(exc.status_code, "请求无法处理")
    return JSONResponse(
        status_code=exc.status_code, content={"detail": detail}, headers=exc.headers
    )


async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
    return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail})


async def _database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
    logger.error("database unavailable: %s", type(exc.orig).__name__ if exc.orig else "unknown")
    return JSONResponse(status_code=503, content={"detail": "服务暂时不可用，请稍后再试"})


UNSTORABLE_DETAIL = "请求中含有无法处理的内容（如空字符或超出范围的数值），请检查后重试"


async def _unstorable_value(request: Request, exc: Exception) -> JSONResponse:
    """A value from the request the database refused (NUL in PostgreSQL text, a number or date
    out of range): the caller's input, so a 422, not a 500. Routers validate what they know;
    this catches what slipped through (path and query values, hand-off fields)."""
    logger.info(
        "unstorable value on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    return JSONResponse(status_code=422, content={"detail": UNSTORABLE_DETAIL})


async def _statement_error(request: Request, exc: StatementError) -> JSONResponse:
    if isinstance(exc.orig, OverflowError):  # a bind value Python could not convert
        return await _unstorable_value(request, exc)
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(status_code=500, content={"detail": "服务器内部错误，请稍后再试"})


def install_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(DomainError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _database_unavailable)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, _unstorable_value)
    app.add_exception_handler(OverflowError, _unstorable_value)
    app.add_exception_handler(StatementError, _statement_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
