"""The pages' signed-in session on the browser's side: a cookie carrying a random token
(HttpOnly, SameSite=Lax, Secure over HTTPS), the rest server-side (`services.sign_in`)."""

from collections.abc import Callable
from functools import wraps

from flask import abort, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from p2p.clock import now
from p2p.services import sign_in

COOKIE = "p2p_session"


def current():
    """This request's session, or None (read once per request)."""
    if "page_session" not in g:
        g.page_session = sign_in.session_for(request.cookies.get(COOKIE), now())
    return g.page_session


def token() -> str | None:
    return request.cookies.get(COOKIE)


def start(response: Response, session_token: str) -> Response:
    response.set_cookie(
        COOKIE,
        session_token,
        max_age=int(sign_in.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
        path="/",
    )
    return response


def end(response: Response) -> Response:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax")
    return response


def signed_in(kind: str) -> Callable:
    """A page for one kind of session; anyone else is told how to sign in."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            session = current()
            if session is None:
                return render_template("pages/signed_out.html", kind=kind), 401
            if session.kind != kind:
                abort(404)
            return view(session, *args, **kwargs)

        return guarded

    return decorate


def see_other(endpoint: str, **values) -> Response:
    """303: after a form, the browser GETs the next page (no resubmission on reload)."""
    return redirect(url_for(endpoint, **values), code=303)
