"""The reviewer's calendar subscription: a secret URL serving text/calendar, no login."""

from flask import Blueprint, Response

from p2p import calendar
from p2p.clock import now
from p2p.services.appointments import queries

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
