"""The provider's pages: the scheduling wizard (Case Info -> Questions -> Schedule ->
Confirmation) and My P2P Requests, over the same use cases as the API. A provider's
session belongs to the NPI the portal vouched for: it sees and changes only that NPI's
appointments (another's id answers 404, as an unknown one).

Rescheduling walks the same Questions and Schedule steps with `moving=<appointment id>`:
the new time is held, then the appointment moves to it in one transaction (the old time
stays the provider's until then).
"""

import re
from datetime import datetime, timedelta

from flask import Blueprint, abort, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from p2p import copy, slots
from p2p.appointments import states
from p2p.appointments.requests import WaitlistRequest
from p2p.clock import now
from p2p.context import scheduling
from p2p.errors import NotFound, P2PError, RateLimited, SlotUnavailable
from p2p.schemas.appointments import (
    BookingSchema,
    CancelSchema,
    PerformerSchema,
    RescheduleSchema,
)
from p2p.schemas.fields import Day, TimeZone
from p2p.services import cases, lookups, search, sign_in
from p2p.services.appointments import booking, changes, holds, queries, records, waitlist
from p2p.time_zones import in_zone, local_date
from p2p.vocabulary import PROVIDER_NOT_REACHED, REVIEWER_UNAVAILABLE, SCHEDULED
from p2p.web import formats, forms, session
from p2p.web.guard import guard
from p2p.web.session import see_other, signed_in

bp = guard(Blueprint("provider", __name__, url_prefix="/p2p", template_folder="templates"))

DAYS = ("mon", "tue", "wed", "thu", "fri")
HOURS = tuple(range(7, 19))
TIMES_SHOWN = 4  # a few times a day, then "Show more"
REVIEWERS_SHOWN = 5  # per priority group, then "Show all"
PAST_SHOWN = 20  # past requests on My P2P Requests, then "Show all past requests"
BOOKING_CHECKBOXES = (
    "acknowledge_consultative_only",
    *(f"call_notes.{note}" for note in copy.CALL_NOTES),
)


def _zone(provider) -> str:
    return provider.time_zone or "America/New_York"


# The way in --------------------------------------------------------------------------------


@bp.get("")
@signed_in(sign_in.PROVIDER)
def start(provider):
    if provider.time_zone is None:
        return see_other("provider.time_zone")
    if hold_id := provider.opens_hold_id:  # a waitlist offer's link: its confirmation
        sign_in.update_session(session.token(), opens_hold_id=None)
        return see_other("provider.confirm", hold=hold_id)
    if appointment_id := provider.opens_appointment_id:  # a missed call's rebooking link
        sign_in.update_session(session.token(), opens_appointment_id=None)  # once
        return see_other(
            "provider.schedule", moving=appointment_id,
            week=_rebooking_week(provider, appointment_id),
        )
    if provider.case_refs:
        return see_other("provider.case_info")
    return see_other("provider.requests")


@bp.route("/time-zone", methods=["GET", "POST"])
@signed_in(sign_in.PROVIDER)
def time_zone(provider):
    form = forms.Form()
    if request.method == "POST":
        chosen = request.form.get("time_zone", "")
        try:
            TimeZone(required=True).deserialize(chosen)
        except Exception as error:  # marshmallow's ValidationError
            form = forms.Form({"time_zone": chosen}, {"time_zone": _messages(error)})
        else:
            sign_in.update_session(session.token(), time_zone=chosen)
            if target := _next_page(request.form.get("next", "")):
                return see_other_url(target)
            return see_other("provider.start")
    return render_template(
        "provider/time_zone.html",
        provider=provider,
        form=form,
        zones=_zone_choices(),
        current=provider.time_zone,
        next=_next_page(request.args.get("next", "")),
    )


NEXT_PAGE = re.compile(r"/p2p(/[a-z-]*)*(\?[A-Za-z0-9_=&%.-]*)?")


def _next_page(target: str) -> str:
    """Where to go after the time zone: one of our own pages (with its query), or nowhere.
    Never another site, nor free text echoed into the page."""
    return target if len(target) <= 500 and NEXT_PAGE.fullmatch(target) else ""


def _zone_choices() -> list[tuple[str, str]]:
    import pytz

    us = [(name, f"{label} ({name})") for name, label in copy.US_ZONES]
    offered = {name for name, _ in us}
    return us + [(name, name) for name in pytz.common_timezones if name not in offered]


def _messages(error) -> list[str]:
    messages = getattr(error, "messages", [str(error)])
    return list(messages) if isinstance(messages, list) else [str(messages)]


def see_other_url(url: str):
    from flask import redirect

    return redirect(url, code=303)


def _rebooking_week(provider, appointment_id: str) -> str | None:
    """The first week with a time before the cases' earliest deadline still open (None:
    this week, as when no deadline is open any more)."""
    try:
        missed = queries.get_appointment(appointment_id, provider.caller)
    except NotFound:
        abort(404)
    moment = now()
    deadlines = [c.valid_until for c in missed.in_call if c.valid_until and c.valid_until > moment]
    if not deadlines:
        return None
    deadline = min(deadlines)
    zone = _zone(provider)
    case_refs = [case.case_ref for case in missed.in_call]
    week = local_date(moment, zone)
    while week <= local_date(deadline, zone):
        result = search.search(case_refs, slots.Preferences(zone), week, moment, scheduling(),
                               provider.caller)
        if any(slot.start < deadline for group in result.groups
               for offered in group.reviewers for slot in offered.slots):
            return result.week_start.isoformat()
        week = result.week_start + timedelta(days=7)
    return None


# Case Info ---------------------------------------------------------------------------------


@bp.get("/cases")
@signed_in(sign_in.PROVIDER)
def case_info(provider, form: forms.Form | None = None, status: int = 200):
    found = cases.cases_of(list(provider.case_refs), provider.caller, now())
    return render_template(
        "provider/cases.html",
        provider=provider,
        cases=found,
        form=form or forms.Form(),
        step=0,
        zone=_zone(provider),
    ), status


@bp.post("/cases/add")
@signed_in(sign_in.PROVIDER)
def add_case(provider):
    """"Add another case", and "Continue to Questions" (the same form's other button): a
    case typed in but not added yet is looked up and added first, never dropped."""
    case_ref = request.form.get("case_ref", "").strip()
    dob_text = request.form.get("dob", "").strip()
    going_on = "continue" in request.form
    if going_on and not case_ref and not dob_text:
        return _continue(provider, provider.case_refs)
    typed = {"case_ref": case_ref, "dob": dob_text}
    problems = {}
    if not case_ref:
        problems["case_ref"] = ["Enter the case number."]
    try:
        dob = Day(required=True).deserialize(dob_text)
    except Exception as error:
        problems["dob"] = _messages(error) if dob_text else ["Enter the member's date of birth."]
    if problems:
        return case_info.__wrapped__(provider, forms.Form(typed, problems), 422)
    try:
        found = lookups.find_by_member(case_ref, dob, now(), provider.caller)
    except RateLimited as error:
        return case_info.__wrapped__(
            provider, forms.Form(typed, {"case_ref": [error.message]}), 429
        )
    if found is None:
        message = "No case matches this case number and date of birth."
        return case_info.__wrapped__(provider, forms.Form(typed, {"case_ref": [message]}), 422)
    case_refs = list(dict.fromkeys([*provider.case_refs, found.case_ref]))
    sign_in.update_session(session.token(), case_refs=case_refs)
    if going_on:
        return _continue(provider, case_refs)
    return see_other("provider.case_info")


def _continue(provider, case_refs):
    """On to Questions, unless a case has no P2P (Case Info then says to remove it)."""
    found = cases.cases_of(list(case_refs), provider.caller, now())
    if not found or any(not case["p2p"]["eligible"] for case in found):
        return see_other("provider.case_info")
    return see_other("provider.questions")


@bp.post("/cases/remove")
@signed_in(sign_in.PROVIDER)
def remove_case(provider):
    gone = request.form.get("case_ref", "")
    kept = [ref for ref in provider.case_refs if ref != gone]
    sign_in.update_session(session.token(), case_refs=kept)
    return see_other("provider.case_info")


# Questions --------------------------------------------------------------------------------


@bp.get("/questions")
@signed_in(sign_in.PROVIDER)
def questions(provider):
    moving = _moving(provider)
    if provider.time_zone is None:
        return see_other("provider.time_zone", next=request.full_path)
    if moving is None and not provider.case_refs:
        return see_other("provider.case_info")
    return render_template(
        "provider/questions.html",
        provider=provider,
        step=1,
        days=_chosen(request.args.getlist("days"), DAYS),
        hours=_chosen(request.args.getlist("hours"), HOURS, int),
        moving=moving,
        zone=_zone(provider),
        all_days=DAYS,
        all_hours=HOURS,
    )


def _chosen(given: list[str], allowed: tuple, kind=str) -> tuple:
    chosen = []
    for value in given:
        try:
            if kind(value) in allowed:
                chosen.append(kind(value))
        except ValueError:
            continue
    return tuple(chosen) or allowed


def _moving(provider):
    """The appointment being rescheduled, when `moving` names one of this provider's."""
    appointment_id = request.values.get("moving")
    if not appointment_id:
        return None
    try:
        return queries.get_appointment(appointment_id, provider.caller)
    except NotFound:
        abort(404)


# Schedule ----------------------------------------------------------------------------------


@bp.get("/schedule")
@signed_in(sign_in.PROVIDER)
def schedule(provider):
    moving = _moving(provider)
    case_refs = (
        [case.case_ref for case in moving.cases if not case.removed]
        if moving
        else list(provider.case_refs)
    )
    if not case_refs:
        return see_other("provider.case_info")
    zone = _zone(provider)
    days = _chosen(request.args.getlist("days"), DAYS)
    hours = _chosen(request.args.getlist("hours"), HOURS, int)
    week = _week(request.args.get("week"), zone)
    preferences = slots.Preferences(
        zone, frozenset(slots.DAY_NAMES.index(day) for day in days), frozenset(hours)
    )
    try:
        result = search.search(case_refs, preferences, week, now(), scheduling(), provider.caller)
    except P2PError as error:
        return render_template(
            "provider/schedule_error.html", provider=provider, step=2, error=error
        ), error.status
    if moving is not None and moving.status == REVIEWER_UNAVAILABLE:
        result = slots.group_of_first(result, moving.reviewer.reviewer_id)
    expanded = {int(p) for p in request.args.getlist("all") if p.isdigit()}
    query = {"days": list(days), "hours": list(hours)}
    if moving:
        query["moving"] = moving.id
    return render_template(
        "provider/schedule.html",
        provider=provider,
        step=2,
        result=result,
        days=days,
        hours=hours,
        query=query,
        moving=moving,
        expanded=expanded,
        reviewers_shown=REVIEWERS_SHOWN,
        times_shown=TIMES_SHOWN,
        by_day=_by_day,
        taken=request.args.get("taken"),
        waiting=request.args.get("waiting"),
        zone=zone,
        today=local_date(now(), zone),
        one_week=timedelta(days=7),
    )


def _week(text: str | None, zone: str):
    if text:
        try:
            return Day().deserialize(text)
        except Exception:  # noqa: S110 (a bad week in the URL: the current week)
            pass
    return local_date(now(), zone)


def _by_day(slots_: tuple, monday, zone: str) -> list[tuple[str, list]]:
    """A reviewer's slots by the provider's day, Monday to Sunday of the week shown:
    [("Mon 11/30/26", [slot, ...]), ...], empty days included (the seeds' columns)."""
    days = {monday + timedelta(days=offset): [] for offset in range(7)}
    for slot in slots_:
        days.setdefault(local_date(slot.start, zone), []).append(slot)
    return [(formats.short_day(day), times) for day, times in days.items()]


def _way_back(moving) -> dict:
    """The Schedule step's query (days, hours, week, the appointment being moved) that a
    form carried along: where "Choose another time" goes back to."""
    query = {
        "days": request.values.getlist("days"),
        "hours": request.values.getlist("hours"),
        "week": request.values.get("week", ""),
    }
    if moving:
        query["moving"] = moving.id
    return query


@bp.post("/waitlist")
@signed_in(sign_in.PROVIDER)
def join_waitlist(provider):
    """"Tell me if an earlier time opens": the cases and preferences of the Schedule step."""
    days = _chosen(request.form.getlist("days"), DAYS)
    hours = _chosen(request.form.getlist("hours"), HOURS, int)
    joined = WaitlistRequest(
        tuple(provider.case_refs), provider.npi, provider.email, _zone(provider),
        tuple(sorted(slots.DAY_NAMES.index(day) for day in days)), tuple(sorted(hours)),
    )
    try:
        entry = waitlist.join(joined, provider.caller, now())
    except P2PError as error:
        return render_template("provider/schedule_error.html", provider=provider, step=2,
                               error=error), error.status
    return see_other("provider.schedule", days=list(days), hours=list(hours),
                     waiting=entry["id"])


@bp.post("/hold")
@signed_in(sign_in.PROVIDER)
def hold(provider):
    moving = _moving(provider)
    case_refs = (
        tuple(case.case_ref for case in moving.cases if not case.removed)
        if moving
        else provider.case_refs
    )
    query = _way_back(moving)
    try:
        start = datetime.fromisoformat(request.form.get("start", ""))
        held = holds.hold(
            holds.HoldRequest(
                case_refs, request.form.get("reviewer_id", ""), start, _zone(provider)
            ),
            provider.caller,
            now(),
            scheduling(),
        )
    except (ValueError, SlotUnavailable, P2PError):
        return see_other("provider.schedule", taken="1", **query)
    return see_other("provider.confirm", hold=held.id, **query)


# Confirmation ------------------------------------------------------------------------------


@bp.get("/confirm")
@signed_in(sign_in.PROVIDER)
def confirm(provider, form: forms.Form | None = None, status: int = 200):
    moving = _moving(provider)
    try:
        held = holds.held_time(request.values.get("hold", ""), provider.caller, now(), scheduling())
    except NotFound:
        abort(404)
    back = _way_back(moving)
    return render_template(
        "provider/confirm.html",
        provider=provider,
        step=3,
        held=held,
        moving=moving,
        form=form or forms.Form(),
        back=back,
        reviewer_local=in_zone(held.start, held.reviewer.time_zone) if held.reviewer else None,
        session_name=provider.name,
        session_email=provider.email,
        zone=_zone(provider),
    ), status


@bp.post("/confirm")
@signed_in(sign_in.PROVIDER)
def book(provider):
    moving = _moving(provider)
    try:
        held = holds.held_time(request.form.get("hold", ""), provider.caller, now(), scheduling())
    except NotFound:
        abort(404)
    if not held.live:
        return confirm.__wrapped__(provider)
    data = MultiDict(request.form)
    data.setlist("case_refs", list(held.case_refs))
    try:
        if moving:
            return _reschedule(provider, moving, held, data)
        return _book(provider, held, data)
    except SlotUnavailable:
        return see_other(
            "provider.schedule", taken="1", days=data.getlist("days"), hours=data.getlist("hours")
        )


def _book(provider, held, data: MultiDict):
    for path, value in (
        ("reviewer_id", held.reviewer_id),
        ("start", held.start.isoformat()),
        ("time_zone", held.time_zone),
        ("hold_id", held.id),
        ("requesting_provider.npi", provider.npi),
    ):
        data[path] = value
    document = forms.nested(data, booleans=BOOKING_CHECKBOXES, lists=("case_refs",))
    for name in ("days", "hours", "week", "hold", "moving"):
        document.pop(name, None)
    errors: dict[str, list[str]] = {}
    try:
        request_ = BookingSchema().load(document)
    except Exception as error:  # ValidationError
        errors = _flat(error)
    performer = document.get("performer") if isinstance(document.get("performer"), dict) else {}
    if performer.get("kind") in copy.PERFORMERS:  # its fields, even when others are wrong
        for name, messages in PerformerSchema.missing_for_kind(performer).items():
            errors.setdefault(f"performer.{name}", messages)
    errors = _every_problem(provider, held, data, errors)
    if errors:
        return confirm.__wrapped__(provider, forms.Form(dict(request.form.items()), errors), 422)
    try:
        appointment, _ = booking.book(request_, provider.caller, now(), scheduling())
    except SlotUnavailable:
        raise
    except P2PError as error:
        return confirm.__wrapped__(provider, forms.refused(request.form, error), error.status)
    return see_other("provider.appointment", appointment_id=appointment.id, booked="1")


def _reschedule(provider, moving, held, data: MultiDict):
    notes = {
        note: f"call_notes.{note}" in data
        for note in copy.CALL_NOTES
        if note != "procedure_performed"
    }
    document = {
        "start": held.start.isoformat(),
        "reviewer_id": held.reviewer_id,
        "hold_id": held.id,
        "acknowledge_consultative_only": "acknowledge_consultative_only" in data,
        "call_notes": {note: value for note, value in notes.items() if value},
    }
    if errors := _every_problem(provider, held, data, {}):
        return confirm.__wrapped__(provider, forms.Form(dict(request.form.items()), errors), 422)
    try:
        request_ = RescheduleSchema().load(document)
        changes.reschedule(moving.id, request_, provider.caller, now(), scheduling())
    except SlotUnavailable:
        raise
    except P2PError as error:
        return confirm.__wrapped__(provider, forms.refused(request.form, error), error.status)
    except Exception as error:  # ValidationError
        return confirm.__wrapped__(
            provider, forms.Form(dict(request.form.items()), _flat(error)), 422
        )
    return see_other("provider.appointment", appointment_id=moving.id, moved="1")


def _every_problem(provider, held, data: MultiDict, errors: dict) -> dict[str, list[str]]:
    """The form's errors with every acknowledgement the held time still lacks (the
    deadline's, the state rules' call notes): the page reports them all at once, in the
    page's order, where the API answers the first it meets."""
    missing = holds.unacknowledged(
        held.id, provider.caller, now(), scheduling(),
        "acknowledge_consultative_only" in data,
        {note for note in copy.CALL_NOTES if f"call_notes.{note}" in data},
    )
    if "acknowledge_consultative_only" in missing:
        refs = ", ".join(held.consultative_only_case_refs)
        missing["acknowledge_consultative_only"] = [copy.acknowledge_consultative_only(refs)]
    for path, messages in missing.items():
        errors.setdefault(path, messages)
    return dict(sorted(errors.items(), key=lambda item: _page_order(item[0])))


PAGE_ORDER = ("acknowledge_consultative_only", *copy.FIELDS,
              *(f"call_notes.{note}" for note in copy.CALL_NOTES))


def _page_order(path: str) -> int:
    return PAGE_ORDER.index(path) if path in PAGE_ORDER else len(PAGE_ORDER)


def _flat(error) -> dict:
    from p2p.schemas.errors import flatten_messages

    return flatten_messages(getattr(error, "messages", {"": [str(error)]}))


# My P2P Requests --------------------------------------------------------------------------


@bp.get("/requests")
@signed_in(sign_in.PROVIDER)
def requests(provider):
    """Every upcoming request, and the latest PAST_SHOWN past ones unless ?past=all."""
    all_past = request.args.get("past") == "all"
    upcoming, past, more = queries.requests_of_provider(
        provider.npi, provider.caller, now(), None if all_past else PAST_SHOWN
    )
    return render_template(
        "provider/requests.html",
        provider=provider,
        upcoming=upcoming,
        past=past,
        more_past=more,
        zone=_zone(provider),
    )


@bp.get("/requests/<appointment_id>")
@signed_in(sign_in.PROVIDER)
def appointment(provider, appointment_id: str):
    try:
        found = queries.get_appointment(appointment_id, provider.caller)
        events = queries.history(appointment_id, provider.caller)
    except NotFound:
        abort(404)
    return render_template(
        "provider/appointment.html",
        provider=provider,
        appointment=found,
        events=events,
        booked=request.args.get("booked"),
        moved=request.args.get("moved"),
        cancelled=request.args.get("cancelled"),
        changeable=found.status == SCHEDULED and found.start > now(),
        rebookable=found.status in (PROVIDER_NOT_REACHED, REVIEWER_UNAVAILABLE),
        zone=_zone(provider),
    )


@bp.route("/requests/<appointment_id>/cancel", methods=["GET", "POST"])
@signed_in(sign_in.PROVIDER)
def cancel(provider, appointment_id: str):
    try:
        found = queries.get_appointment(appointment_id, provider.caller)
    except NotFound:
        abort(404)
    form = forms.Form()
    status = 200
    if request.method == "POST":
        document, form = forms.load(CancelSchema(), request.form)
        if document is not None:
            try:
                changes.cancel(
                    appointment_id, document["reason"], provider.caller, now(), scheduling()
                )
            except P2PError as error:
                form, status = forms.refused(request.form, error), error.status
            else:
                return see_other(
                    "provider.appointment", appointment_id=appointment_id, cancelled="1"
                )
        else:
            status = 422
    return render_template(
        "provider/cancel.html",
        provider=provider,
        appointment=found,
        form=form,
        zone=_zone(provider),
    ), status


@bp.get("/requests/<appointment_id>/calendar.ics")
@signed_in(sign_in.PROVIDER)
def calendar_file(provider, appointment_id: str):
    from flask import Response

    try:
        found = queries.get_appointment(appointment_id, provider.caller)
    except NotFound:
        abort(404)
    return Response(
        records.appointment_ics(found, now()),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="p2p-{found.id}.ics"'},
    )


def awaiting_outcome(appointment) -> bool:
    """A call whose time has passed (its status scheduled, or completed by the job) and
    whose outcome is not recorded yet: the pages tag it "Awaiting outcome"."""
    return (
        states.recordable(appointment.status)
        and appointment.outcome is None
        and appointment.end <= now()
    )


bp.add_app_template_global(awaiting_outcome, "awaiting_outcome")


def week_link(query: dict, monday) -> str:
    return url_for("provider.schedule", week=monday.isoformat(), **query)


bp.add_app_template_global(week_link, "week_link")
