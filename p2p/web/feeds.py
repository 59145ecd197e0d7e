"""What is fetched without a session: the reviewer's calendar subscription (a secret URL
serving text/calendar), and /favicon.ico (browsers ask for it on every site)."""

from flask import Blueprint, Response, redirect

from p2p import calendar
from p2p.clock import now
from p2p.services.appointments import queries
from p2p.web.assets import asset_url

bp = Blueprint("feeds", __name__)


@bp.get("/calendar-feeds/<secret>.ics")
def reviewer_feed(secret: str):
    moment = now()
    reviewer, appointments = queries.feed(secret, moment)
    events = [
        calendar.appointment_event(a, time_zone=reviewer.time_zone, dtstamp=moment)
        for a in appointments
    ]
    body = calendar.feed_calendar(
        events, name=f"P2P consultations: {reviewer.name}", dtstamp=moment
    )
    # Private to whoever holds the secret: no shared caches.
    return Response(
        body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"}
    )


@bp.get("/favicon.ico")
def favicon():
    """The built favicon (whitenoise serves it, cached for a year under its digest name); a
    temporary redirect, so that a new icon is found under its new name."""
    response = redirect(asset_url("favicon.ico"), code=302)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
