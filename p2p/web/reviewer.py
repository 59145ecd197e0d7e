"""The medical director's calendar: their week in their own zone, each P2P with its cases,
level of review, how to reach the provider's side and the call notes; a line at "now";
the previous and next week; a print stylesheet; and their calendar subscription (the feed's
URL is shown once, when a new secret link is made: only its hash is kept)."""

from datetime import timedelta

from flask import Blueprint, abort, render_template, request

from p2p.appointments import states
from p2p.clock import now
from p2p.context import feed_url, sign_in_url
from p2p.errors import NotFound, P2PError
from p2p.schemas.appointments import OutcomeSchema
from p2p.schemas.fields import Day
from p2p.services import reviewers, sign_in
from p2p.services.appointments import outcomes, queries
from p2p.time_zones import in_zone, local_date, week_of
from p2p.web import forms
from p2p.web.guard import guard
from p2p.web.session import see_other, signed_in

bp = guard(Blueprint("reviewer", __name__, template_folder="templates"))


@bp.get("/calendar")
@signed_in(sign_in.REVIEWER)
def calendar(reviewer_session, feed: str | None = None, refused: tuple | None = None,
             status: int = 200):
    """`refused`: (appointment id, the outcome form with its errors) after a refusal."""
    reviewer = reviewers.reviewer_details(reviewer_session.reviewer_id)
    zone = reviewer["time_zone"]
    moment = now()
    today = local_date(moment, zone)
    monday = week_of(_day(request.values.get("week")) or today)
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
        awaiting=lambda call: states.outcome_refusal(
            call.status, call.outcome.recorded_at if call.outcome else None, call.start, moment
        ) is None,
        form=refused[1] if refused else None,
        refused_id=refused[0] if refused else None,
        recorded=request.args.get("recorded"),
    ), status


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


@bp.post("/calendar/calls/<appointment_id>/outcome")
@signed_in(sign_in.REVIEWER)
def record_outcome(reviewer_session, appointment_id: str):
    """The outcome form of one past call on the week's page."""
    caller = reviewer_session.caller
    try:
        call = queries.get_appointment(appointment_id, caller)
    except NotFound:
        abort(404)
    data = request.form
    result = data.get("result", "")
    document = {"result": result or None, "note": data.get("note", "").strip() or None}
    if result == "held":
        # The cases decided; one left undecided is refused by the use case, by name.
        document["cases"] = [
            {"case_ref": case.case_ref, "decision": data[f"decision-{case.case_ref}"]}
            for case in call.in_call
            if data.get(f"decision-{case.case_ref}")
        ]
    document = {key: value for key, value in document.items() if value is not None}
    week = {"week": data.get("week", "")}
    try:
        outcome = OutcomeSchema().load(document)
        outcomes.record_outcome(appointment_id, outcome, caller, now(), sign_in_url)
    except P2PError as error:
        form = forms.refused(data, error)
        return calendar.__wrapped__(reviewer_session, refused=(appointment_id, form),
                                    status=error.status)
    except Exception as error:  # marshmallow's ValidationError
        form = forms.Form(dict(data.items()), forms.flat_messages(error))
        return calendar.__wrapped__(reviewer_session, refused=(appointment_id, form),
                                    status=422)
    return see_other("reviewer.calendar", recorded=appointment_id, **week)
