"""The medical director's calendar: their week in their own zone, each P2P with its cases,
level of review, how to reach the provider's side and the call notes; a line at "now";
the previous and next week; a print stylesheet; and their calendar subscription (the feed's
URL is shown once, when a new secret link is made: only its hash is kept)."""

from datetime import timedelta

from flask import Blueprint, render_template, request

from p2p.clock import now
from p2p.context import feed_url
from p2p.schemas.fields import Day
from p2p.services import reviewers, sign_in
from p2p.services.appointments import queries
from p2p.time_zones import in_zone, local_date, week_of
from p2p.web.guard import guard
from p2p.web.session import signed_in

bp = guard(Blueprint("reviewer", __name__, template_folder="templates"))


@bp.get("/calendar")
@signed_in(sign_in.REVIEWER)
def calendar(reviewer_session, feed: str | None = None):
    reviewer = reviewers.reviewer_details(reviewer_session.reviewer_id)
    zone = reviewer["time_zone"]
    moment = now()
    today = local_date(moment, zone)
    monday = week_of(_day(request.args.get("week")) or today)
    appointments = queries.reviewer_days(
        reviewer_session.reviewer_id, monday, monday + timedelta(days=6), moment
    )
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        calls = [a for a in appointments if local_date(a.start, zone) == day]
        # Where "now" falls among the day's calls (None: not this day).
        now_at = None
        if day == today:
            now_at = sum(1 for call in calls if call.start <= moment)
        days.append((day, calls, now_at))
    webcal = "webcal://" + feed.split("://", 1)[1] if feed else None
    return render_template(
        "reviewer/calendar.html",
        reviewer=reviewer,
        session=reviewer_session,
        days=days,
        monday=monday,
        zone=zone,
        moment=in_zone(moment, zone),
        in_zone=in_zone,
        feed=feed,
        webcal=webcal,
        previous_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
        one_day=timedelta(days=1),
    )


def _day(text: str | None):
    if not text:
        return None
    try:
        return Day().deserialize(text)
    except Exception:  # a bad week in the URL: this week
        return None


@bp.post("/calendar/feed")
@signed_in(sign_in.REVIEWER)
def new_feed(reviewer_session):
    secret = reviewers.rotate_calendar_feed(reviewer_session.reviewer_id, now())
    return calendar.__wrapped__(reviewer_session, feed=feed_url(secret))
