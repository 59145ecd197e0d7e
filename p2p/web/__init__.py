"""The pages: the provider's scheduling wizard with My P2P Requests, and the medical
director's calendar (and, with the call outcomes, the operations report). Server-rendered
Jinja templates over the same use cases as the JSON API; every page works without
JavaScript.

- Signing in is by handoff only (`pages.py`); the session is server-side (`session.py`).
- Every form carries a CSRF token (Flask-WTF); cookies are HttpOnly and SameSite=Lax, and
  Secure when the request came over HTTPS.
- A strict Content-Security-Policy: nothing but the service's own files, no inline script
  or style.
- Static files are served by whitenoise: built once with a digest in their names (cached
  for a year), gzip copies beside them.
"""

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress
from whitenoise import WhiteNoise

from p2p import copy
from p2p.headers import ROUTE_KEY
from p2p.web import assets, formats, forms, session
from p2p.web.guard import csrf

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class FormSessionInterface(SecureCookieSessionInterface):
    """Flask's own signed cookie, which holds nothing but the CSRF secret of the forms:
    Secure whenever the request came over HTTPS (behind a proxy: see P2P_PROXY_HOPS)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure


compress = Compress()


class _StaticFiles(WhiteNoise):
    """whitenoise, telling the access log that it answered: a file it serves is one of
    ours, so its path is logged (a path nothing answered is not)."""

    @staticmethod
    def serve(static_file, environ, start_response):
        environ[ROUTE_KEY] = "/static/<file>"
        return WhiteNoise.serve(static_file, environ, start_response)


def _page_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _compress(response: Response) -> Response:
    """Flask-Compress, except for a request another site's page started (BREACH)."""
    response.vary.add("Sec-Fetch-Site")
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        return response
    return compress.after_request(response)


def _static_headers(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask) -> None:
    from p2p.web import feeds, pages, provider, reviewer, staff

    # Set, not defaulted: Flask's own defaults ("session", no SameSite) are already there,
    # so a setdefault would leave them.
    app.config.update(
        SESSION_COOKIE_NAME="p2p_form", SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True
    )
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # as long as the page session
    # Checked by the pages' blueprints only: the API's callers send no cookie, and carry a key.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.session_interface = FormSessionInterface()
    csrf.init_app(app)
    app.jinja_env.globals.update(
        asset_url=assets.asset_url,
        copy=copy,
        field_id=forms.field_id,
        signed_in_as=session.current,
    )
    app.jinja_env.filters.update(formats.FILTERS)
    app.after_request(_page_headers)
    # Pages compressed (a week of time buttons is 300 KB of HTML, 20 KB compressed). BREACH
    # needs a secret in a compressed body beside text the attacker chose, and many requests
    # the attacker's page makes the victim's browser send: the CSRF token is masked anew in
    # every response, and a request another site started (Sec-Fetch-Site cross-site or
    # same-site; SameSite=Lax lets top-level navigations carry the cookies) is answered
    # uncompressed. See docs/security.md.
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "image/svg+xml", "text/csv"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    app.config["COMPRESS_REGISTER"] = False  # `_compress` decides
    compress.init_app(app)
    app.after_request(_compress)
    for blueprint in (pages.bp, provider.bp, reviewer.bp, staff.bp, feeds.bp):
        app.register_blueprint(blueprint)
    app.wsgi_app = _StaticFiles(
        app.wsgi_app,
        root=str(assets.STATIC),
        prefix="static/",
        immutable_file_test=assets.is_immutable,
        add_headers_function=_static_headers,
    )
