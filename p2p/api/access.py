"""Who may call what. Every API view declares its role; a view that declares none is
admin-only, so a forgotten declaration fails closed."""

from collections.abc import Callable

from flask import current_app, g, request

from p2p.database import read_only_session
from p2p.errors import Forbidden, Unauthorized
from p2p.headers import bearer_key
from p2p.services.api_keys import role_of
from p2p.services.callers import Caller

# admin may do everything portal may (API.md, Conventions).
ROLE_GRANTS = {"portal": {"portal"}, "admin": {"portal", "admin"}}
ROLE_ATTRIBUTE = "_p2p_required_role"
READ_ONLY_ATTRIBUTE = "_p2p_reads_only"


def requires(role: str) -> Callable:
    """Mark a view (function or MethodView method) as callable by `role`."""
    if role not in ROLE_GRANTS:
        raise ValueError(f"unknown role {role!r}")

    def mark(view: Callable) -> Callable:
        setattr(view, ROLE_ATTRIBUTE, role)
        return view

    return mark


def _handler() -> Callable | None:
    """The function that will answer this request (for a MethodView, its method)."""
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    handler = getattr(view_class, request.method.lower(), None)
    if request.method == "HEAD" and handler is None:
        handler = getattr(view_class, "get", None)
    return handler


def required_role() -> str:
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(_handler(), ROLE_ATTRIBUTE, None) or getattr(
            view_class, ROLE_ATTRIBUTE, "admin"
        )
    return getattr(view, ROLE_ATTRIBUTE, "admin")


def reads_only(view: Callable) -> Callable:
    """Mark a view that never writes: its session runs outside a transaction where the
    database allows it (`database.read_only_session`)."""
    setattr(view, READ_ONLY_ATTRIBUTE, True)
    return view


def authenticate() -> None:
    """`before_request` of every API blueprint: 401 without a live key, 403 for the wrong role."""
    if request.endpoint is None or request.method == "OPTIONS":
        return  # 404/405 answer as such
    key = bearer_key()
    if getattr(_handler(), READ_ONLY_ATTRIBUTE, False):
        read_only_session()  # before the key check's read: its first statement
    caller = role_of(key) if key else None
    if caller is None:
        raise Unauthorized("A valid API key is required: Authorization: Bearer <key>.")
    name, g.api_role, plans = caller
    g.api_caller = name
    g.caller = Caller(name, health_plans=plans)
    needed = required_role()
    if needed not in ROLE_GRANTS[g.api_role]:
        raise Forbidden(f"This API key's role ({g.api_role}) may not do this; it needs {needed}.")
