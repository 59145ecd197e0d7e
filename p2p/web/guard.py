"""What every page blueprint does before its views and when they fail: the CSRF check of
every form (Flask-WTF; the API's callers carry a key and send no cookie, so the API is not
checked), and refusals and failures answered as a page rather than the API's JSON."""

import logging

from flask import Blueprint, Response, render_template
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from p2p.errors import P2PError

csrf = CSRFProtect()
log = logging.getLogger(__name__)
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


def guard(blueprint: Blueprint) -> Blueprint:
    """Check the CSRF token of the blueprint's forms and answer its errors as pages."""
    blueprint.before_request(csrf.protect)
    for error in (HTTPException, OperationalError, InterfaceError, Exception):
        blueprint.register_error_handler(error, page_error)
    return blueprint
