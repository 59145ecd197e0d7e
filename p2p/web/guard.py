"""What every page blueprint does before its views and when they fail: the CSRF check of
every form (Flask-WTF; the API's callers carry a key and send no cookie, so the API is not
checked), and refusals and failures answered as a page rather than the API's JSON."""

import base64
import binascii
import hashlib
import hmac
import logging
import os

from flask import Blueprint, Response, current_app, g, render_template, request, session
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from p2p.errors import P2PError


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's check, reading the token as the pages write it: masked anew in every
    response (`masked_csrf_token`), as Django does against BREACH. Flask-WTF's own token
    starts with the session's secret in base64 and changes only once a second; a
    compressed page carrying it beside text the request chose would let a compression
    oracle read it."""

    def init_app(self, app) -> None:
        super().init_app(app)
        # In place of Flask-WTF's `csrf_token()` (a global and a context processor).
        app.jinja_env.globals["csrf_token"] = masked_csrf_token
        app.context_processor(lambda: {"csrf_token": masked_csrf_token})

    def _get_csrf_token(self):
        return unmask(super()._get_csrf_token())


def masked_csrf_token() -> str:
    """The form's token under a fresh one-time pad: pad + (token XOR pad), base64url."""
    token = generate_csrf().encode()
    pad = os.urandom(len(token))
    return base64.urlsafe_b64encode(pad + _xor(token, pad)).decode()


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def unmask(value: str | None) -> str | None:
    if not value:
        return value
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        return "invalid"  # refused by the check, as any other wrong token
    half = len(raw) // 2
    if not raw or len(raw) % 2:
        return "invalid"
    try:
        return _xor(raw[half:], raw[:half]).decode()
    except UnicodeDecodeError:
        return "invalid"


csrf = MaskedCSRFProtect()
log = logging.getLogger(__name__)
PAGE_SESSION_COOKIE = "p2p_session"  # p2p.web.session.COOKIE
BOUND_TO = "bound_to"


def bind_csrf_to_page_session() -> None:
    """The CSRF secret (Flask-WTF's, in the p2p_form cookie) belongs to one page session: a
    request whose p2p_session cookie is not the one the secret was made under gets a new
    secret, so a token issued in one session (another browser's, handed over with its form
    cookie; this browser's before it signed in as someone else) posts nothing in another.
    The form cookie keeps a keyed hash of the session's token, never the token."""
    page_session = request.cookies.get(PAGE_SESSION_COOKIE, "")
    binding = hmac.new(
        current_app.secret_key.encode(), b"csrf-binding:" + page_session.encode(),
        hashlib.sha256,
    ).hexdigest()[:32]
    if session.get(BOUND_TO) != binding:
        session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
        session[BOUND_TO] = binding
        g.pop("csrf_token", None)
RETRY_AFTER_SECONDS = 5


def page_error(error: Exception):
    """A page's refusal or failure as a page (the API's are JSON): what happened, in words,
    and where to go from here."""
    status, retry = 500, None
    if isinstance(error, CSRFError):
        status = 400
    elif isinstance(error, P2PError):
        status, retry = error.status, getattr(error, "retry_after", None)
    elif isinstance(error, (OperationalError, InterfaceError)):
        log.warning("database unavailable: %s", type(error).__name__)
        status, retry = 503, RETRY_AFTER_SECONDS
    elif isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        status = error.code or 500
        if isinstance(error, RateLimitExceeded):
            from p2p.limits import retry_after

            retry = retry_after()
    else:
        log.exception("unhandled error: %s", type(error).__name__, exc_info=error)
    response = Response(
        render_template("pages/error.html", status=status, retry=retry),
        status=status,
        mimetype="text/html",
    )
    if retry:
        response.headers["Retry-After"] = str(retry)
    return response


# Views that call `csrf.protect()` themselves, once they know the form would change
# something (a used sign-in link says so, whatever token its stale page carried).
CHECKED_IN_VIEW = {"pages.sign_in"}


def _protect() -> None:
    if request.endpoint not in CHECKED_IN_VIEW:
        csrf.protect()


def guard(blueprint: Blueprint) -> Blueprint:
    """Check the CSRF token of the blueprint's forms (bound to the page session) and answer
    its errors as pages."""
    blueprint.before_request(bind_csrf_to_page_session)
    blueprint.before_request(_protect)
    for error in (HTTPException, OperationalError, InterfaceError, Exception):
        blueprint.register_error_handler(error, page_error)
    return blueprint
