"""Signing in and out, and the front page.

A sign-in link is used once: the provider's link from the portal on GET (it is opened in
the portal's new window, never emailed), the links that may travel by email (a reviewer's,
a staff member's, a missed call's rebooking) only by the POST of a one-button page, since
mail scanners fetch links. A HEAD never uses one. Either way the browser is sent on (303)
to a URL without the token, with a new session cookie set (the session it held is ended).
A used or expired link says so and where to get a new one.
"""

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from p2p.clock import now
from p2p.errors import NotFound
from p2p.limits import limited
from p2p.services import sign_in as links
from p2p.web import session
from p2p.web.guard import csrf, guard

bp = guard(Blueprint("pages", __name__, template_folder="templates"))

HOME = {
    links.PROVIDER: "provider.start",
    links.REVIEWER: "reviewer.calendar",
    links.STAFF: "staff.operations",
}


@bp.get("/")
def index():
    return render_template("pages/index.html", session=session.current(), home=HOME)


@bp.route("/sign-in/<token>", methods=["GET", "POST"], endpoint="sign_in")
@limited("sign_in")
def sign_in_page(token: str):
    moment = now()
    state = links.look_at(token, moment)
    if state.problem:
        return render_template("pages/link_problem.html", state=state), 410
    # Only a POST, or a provider's GET, uses a link: a HEAD (link checkers, mail scanners,
    # prefetchers) is answered like the confirmation page and uses nothing up.
    if request.method == "HEAD" or (request.method == "GET" and state.by_post):
        return render_template("pages/sign_in_confirm.html", state=state, token=token)
    if request.method == "POST":
        csrf.protect()  # here, after a used or expired link has said so (guard.CHECKED_IN_VIEW)
    try:
        session_token = links.use(token, moment, replacing=session.token())
    except NotFound:  # used a moment ago, in another tab
        state = links.look_at(token, moment)
        return render_template("pages/link_problem.html", state=state), 410
    return session.start(session.see_other(HOME[state.kind]), session_token)


@bp.post("/sign-out")
def sign_out() -> Response:
    if token := session.token():
        links.end_session(token)
    return session.end(session.see_other("pages.signed_out"))


@bp.get("/signed-out")
def signed_out():
    return render_template("pages/signed_out.html", kind=None)
