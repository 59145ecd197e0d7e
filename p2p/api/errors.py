"""API.md's error body, for every error the app can answer with.

`{"error": {"code": "...", "message": "...", "fields": {"path.to.field": ["..."]}}}`
"""

import logging

from flask import Flask, jsonify
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from p2p.errors import P2PError
from p2p.limits import retry_after
from p2p.schemas.errors import flatten_messages

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5

# HTTP statuses that are not raised as domain errors, with the code API.md's shape carries.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}


def error_body(
    code: str, message: str, field_errors: dict | None = None, reason: str | None = None
) -> dict:
    detail = {"code": code, "message": message}
    if field_errors:
        detail["fields"] = field_errors
    if reason:
        detail["reason"] = reason
    return {"error": detail}


def _summary(field_errors: dict[str, list[str]]) -> str:
    first = next(iter(field_errors.items()))
    more = len(field_errors) - 1
    tail = f" (and {more} more field{'s' if more > 1 else ''})" if more else ""
    return f"{first[0]}: {first[1][0]}{tail}"


def render_http_exception(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages is not None:
        field_errors = flatten_messages(messages)
        if status == 400:
            # webargs answers 400 for a body that is not JSON; for the caller it is just
            # an invalid body, the same as any other validation error.
            field_errors = {"body": ["The request body is not valid JSON."]}
            status = 422
        return (
            jsonify(error_body("validation_error", _summary(field_errors), field_errors)),
            422 if status == 422 else status,
        )
    if status >= 500:
        return render_unexpected(error)
    code = HTTP_CODES.get(status, "error")
    response = jsonify(error_body(code, error.description or error.name))
    response.status_code = status
    if isinstance(error, RateLimitExceeded):
        response.headers["Retry-After"] = str(retry_after())
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def render_domain_error(error: P2PError):
    response = jsonify(error_body(error.code, error.message, error.fields, error.reason))
    response.status_code = error.status
    if retry_after := getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(retry_after)
    return response


def render_unexpected(error: Exception):
    # Log the exception type and trace, never the request body (it may hold member data).
    log.exception("unhandled error: %s", type(error).__name__, exc_info=error)
    body = error_body("internal_error", "Something went wrong on our side; nothing was changed.")
    return jsonify(body), 500


def render_unavailable(error: Exception):
    """The database cannot be reached (down, restarting, or SQLite's file unreadable): 503
    with Retry-After, one log line and no traceback; the connection pool's pre-ping
    reconnects by itself once it is back, without a restart."""
    log.warning("database unavailable: %s", type(error).__name__)
    body = error_body("unavailable", "The service cannot reach its database; try again shortly.")
    response = jsonify(body)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, render_unavailable)
    app.register_error_handler(InterfaceError, render_unavailable)
    app.register_error_handler(P2PError, render_domain_error)
    app.register_error_handler(HTTPException, render_http_exception)
    app.register_error_handler(InternalServerError, render_unexpected)
