"""Holds (API.md, Holds): a time kept for one caller for `hold_minutes` while the booking
form is filled in. While it lasts, searches do not offer the time and any other booking of
it gets 409; the booking that carries its id uses and ends it; an expired hold frees the
time by itself (searches ignore it at once, the sweep job and any booking in its way
delete its reservation).

A hold id is an opaque random string. Another caller's hold answers exactly like one that
does not exist.
"""

import secrets
from datetime import datetime

from sqlalchemy import delete, update

from p2p import slots
from p2p.appointments.requests import HoldRequest
from p2p.appointments.values import HeldTime, ReviewerSummary
from p2p.config import Scheduling
from p2p.database import transaction
from p2p.errors import NotFound, ValidationFailed
from p2p.extensions import db
from p2p.models import Hold, Reservation
from p2p.services.appointments.reservations import reserve, taking_time
from p2p.services.callers import Caller
from p2p.services.scheduling import (
    load_cases,
    require_offered,
    sweep_expired_holds_in_the_way,
    time_for,
)

BOOKED = "booked"
RELEASED = "released"
EXPIRED = "expired"


def hold(request: HoldRequest, caller: Caller, now: datetime, settings: Scheduling) -> HeldTime:
    """Keep the time for `caller`: the same rules as booking decide whether it may be held
    (a time the search offers; 409 if someone else has it). Acknowledgements are the
    booking's business: a hold only keeps the time."""

    def attempt() -> HeldTime:
        with transaction():
            cases = load_cases(request.case_refs, now, caller=caller)
            check = time_for(
                cases, request.reviewer_id, request.start, request.time_zone, now, settings
            )
            offer = require_offered(check)
            held = place(request, offer.slot.start, offer.slot.end, caller.name, now, settings)
            return _held_time(held, check)

    return taking_time(attempt)


def place(request: HoldRequest, start: datetime, end: datetime, holder: str, now: datetime,
          settings: Scheduling) -> Hold:
    """Hold a time the engine offered, in the caller's transaction (the waitlist holds a
    freed time for its first entry in the transaction that frees it)."""
    sweep_expired_holds_in_the_way(request.reviewer_id, start, end, now)
    expires_at = now + settings.hold
    held = Hold(
        id=new_hold_id(),
        holder=holder,
        reviewer_id=request.reviewer_id,
        start_at=start,
        end_at=end,
        case_refs=list(request.case_refs),
        time_zone=request.time_zone,
        expires_at=expires_at,
        reservation=reserve(request.reviewer_id, start, end, now, expires_at=expires_at),
        created_at=now,
    )
    db.session.add(held)
    db.session.flush()  # the reservation's no-overlap check
    return held


def _held_time(held: Hold, check, live: bool = True) -> HeldTime:
    decision = check.decision if check is not None else None
    reviewer = check.reviewer if check is not None else held.reviewer
    return HeldTime(
        id=held.id,
        reviewer_id=held.reviewer_id,
        case_refs=tuple(held.case_refs),
        start=held.start_at,
        end=held.end_at,
        time_zone=held.time_zone,
        expires_at=held.expires_at,
        required_call_notes=tuple(
            dict.fromkeys(need.note for need in decision.notes_needed) if decision else ()
        ),
        consultative_only_case_refs=decision.consultative_only_case_refs if decision else (),
        reviewer=ReviewerSummary(
            reviewer.reviewer_id, reviewer.name, reviewer.credentials, reviewer.time_zone
        ),
        live=live,
    )


def held_time(hold_id: str, caller: Caller, now: datetime, settings: Scheduling) -> HeldTime:
    """The caller's hold as the confirmation page shows it: the time, the reviewer, the
    cases that would be consultative only then and the call notes a booking needs; `live`
    False once it expired, was used or released (unknown or another caller's: 404)."""
    held = find_hold(hold_id, caller)
    if held is None:
        raise NotFound(f"No hold {hold_id}.")
    live = held.ended is None and held.expires_at > now
    if not live:
        return _held_time(held, None, live=False)
    return _held_time(held, _check(held, caller, now, settings))


def _check(held: Hold, caller: Caller, now: datetime, settings: Scheduling):
    cases = load_cases(held.case_refs, now, caller=caller)
    return time_for(
        cases, held.reviewer_id, held.start_at, held.time_zone, now, settings,
        ignore_reservations=(held.reservation_id,) if held.reservation_id else (),
    )


def unacknowledged(
    hold_id: str,
    caller: Caller,
    now: datetime,
    settings: Scheduling,
    acknowledge_consultative_only: bool,
    checked_notes,
) -> dict[str, list[str]]:
    """Every acknowledgement a booking of the caller's live hold would still lack, by field
    (the deadline's, the state rules' call notes, the member's consent): a form reports them
    all in one pass, where the API answers the first. Empty for a hold not live (the
    booking then says what is wrong)."""
    held = find_hold(hold_id, caller)
    if held is None or held.ended is not None or held.expires_at <= now:
        return {}
    check = _check(held, caller, now, settings)
    if check.decision is None or not check.decision.offered:
        return {}
    fields: dict[str, list[str]] = {}
    for missing in slots.all_unacknowledged(
        check.decision, acknowledge_consultative_only, checked_notes
    ):
        for path, messages in missing.fields.items():
            fields.setdefault(path, []).extend(messages)
    return fields


def new_hold_id() -> str:
    return "hold_" + secrets.token_urlsafe(18)


def find_hold(hold_id: str, caller: Caller) -> Hold | None:
    """The caller's hold, or None (another caller's counts as none)."""
    held = db.session.get(Hold, hold_id)
    return held if held is not None and held.holder == caller.name else None


def usable_hold(
    hold_id: str | None,
    caller: Caller,
    reviewer_id: str,
    start: datetime,
    case_refs: tuple[str, ...],
    now: datetime,
) -> Hold | None:
    """The caller's live hold for exactly this reviewer, time and cases, or None when the
    booking carries none or an expired one (an expired hold has freed itself: the booking
    goes on without it and gets the time if it is still free). An id that is not the
    caller's hold, or a hold already used or released, is a 422 naming `hold_id`."""
    if hold_id is None:
        return None
    held = find_hold(hold_id, caller)
    if held is None:
        raise ValidationFailed.on("hold_id", f"No hold {hold_id}.")
    if held.ended in (BOOKED, RELEASED):
        raise ValidationFailed.on("hold_id", f"Hold {hold_id} was {held.ended} already.")
    if held.ended == EXPIRED or held.expires_at <= now:
        return None
    if (
        held.reviewer_id != reviewer_id
        or held.start_at != start
        or sorted(held.case_refs) != sorted(case_refs)
    ):
        raise ValidationFailed.on("hold_id", "The hold is for another reviewer, time or cases.")
    return held


def end(held: Hold, how: str, now: datetime) -> Reservation | None:
    """End a hold (`booked`, `released` or `expired`); answers its reservation, which the
    caller deletes (freeing the time) or turns into an appointment's."""
    reservation = held.reservation
    held.ended, held.ended_at, held.reservation = how, now, None
    return reservation


def release(held: Hold, now: datetime) -> None:
    """End the hold as released and free its time (in the caller's transaction)."""
    reservation = end(held, RELEASED, now)
    if reservation is not None:
        db.session.delete(reservation)
        db.session.flush()


def sweep_expired_holds(now: datetime) -> int:
    """Mark every expired hold ended and delete its reservation (a job: they already stopped
    taking time when they expired). Answers how many holds it ended."""
    with transaction():
        ended = db.session.execute(
            update(Hold)
            .where(Hold.ended.is_(None), Hold.expires_at <= now)
            .values(ended=EXPIRED, ended_at=now, reservation_id=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.execute(
            delete(Reservation).where(Reservation.kind == "hold", Reservation.expires_at <= now)
        )
    return ended or 0
