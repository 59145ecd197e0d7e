"""The JSON API (/api/v1): thin views over the services, one marshmallow schema per payload."""

from flask import Flask
from flask_smorest import Api

from p2p.schemas.errors import ErrorSchema


class P2PApi(Api):
    """flask-smorest, documenting API.md's error body instead of its own."""

    ERROR_SCHEMA = ErrorSchema


def init_app(app: Flask) -> None:
    """One Api (and so one OpenAPI description) per app: the blueprints are module-level,
    the spec is not."""
    from p2p.api import (
        appointments,
        cases,
        errors,
        policies,
        reports,
        reviewers,
        sessions,
        slots,
        state_rules,
        waitlist,
    )

    api = P2PApi(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API key."}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    for blueprint in (
        policies.blp,
        state_rules.blp,
        cases.blp,
        reviewers.blp,
        slots.blp,
        appointments.blp,
        appointments.holds_blp,
        sessions.blp,
        waitlist.blp,
        reports.blp,
    ):
        api.register_blueprint(blueprint)
    _document_common_errors(api)
    errors.init_app(app)


HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
# Answers every operation can give, in API.md's error shape, documented once here rather than
# on each view (flask-smorest documents each view's success and its 422 itself).
COMMON_ERRORS = {
    "401": "unauthorized: no valid API key.",
    "403": "forbidden: this key's role may not do this.",
}
# Operations that take a reviewer's time: 409 when it is taken, or the appointment cannot
# change any more.
TAKES_TIME = {
    ("post", "/api/v1/appointments"),
    ("post", "/api/v1/holds"),
    ("post", "/api/v1/appointments/{appointment_id}/reschedule"),
    ("post", "/api/v1/appointments/{appointment_id}/cancel"),
    ("post", "/api/v1/appointments/{appointment_id}/outcome"),
}


def _document_common_errors(api: Api) -> None:
    for path, operations in api.spec._paths.items():  # apispec's registry of documented paths
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            extra = dict(COMMON_ERRORS)
            if "{" in path:
                extra["404"] = "not_found: nothing at this path (or not for this caller)."
            if (method, path) in TAKES_TIME:
                extra["409"] = (
                    "slot_unavailable or conflict: the time is taken, or the appointment "
                    "can no longer change."
                )
            responses = operation.setdefault("responses", {})
            for status, description in extra.items():
                responses.setdefault(status, {"description": description, "content": ERROR_BODY})
