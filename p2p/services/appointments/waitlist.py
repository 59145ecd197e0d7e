"""The earlier-slot waitlist (API.md, "Earlier-slot waitlist").

A provider with no time before a case's deadline joins; entries are served in the order
they joined (`position`). When a reviewer's time is freed (a cancellation, a reschedule
away from it, a hold released) or opens (hours added, the reviewer made active or trained
for more: `offer_opened`), the transaction that frees it also offers it: the first
waiting entry for which the same search would offer a start in the freed time, before the
entry's `before`, within its days and hours, gets that start held for it (a hold of the
usual length, held by whoever joined) and an email, once per offer. Nobody can take the
time between: it is never free in any committed state.

An offer that is not booked expires with its hold; the job (`pass_expired_offers`) then
offers the time to the next entry (never again to one it was offered to: an offer is
unique per entry, reviewer and start), and puts the entry back in the queue. Entries
expire at `before`.
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from p2p import notifications, slots
from p2p.appointments.requests import HoldRequest, WaitlistRequest
from p2p.config import Scheduling
from p2p.database import retrying, transaction
from p2p.errors import NotFound, P2PError, ValidationFailed
from p2p.extensions import db
from p2p.models import Hold, Reservation, Reviewer, WaitlistEntry, WaitlistOffer
from p2p.services import sign_in
from p2p.services.appointments import holds
from p2p.services.appointments.reservations import is_overlap
from p2p.services.callers import Caller
from p2p.services.scheduling import load_cases, window_for
from p2p.time_zones import in_zone
from p2p.vocabulary import CLOSED, EXPIRED, OFFERED, OUTCOME_CHANGING, WAITING

GRID = timedelta(minutes=15)  # the engine's starts (DOMAIN.md: every 15 minutes)
HELD, BOOKED, RELEASED = "held", "booked", "released"


def new_entry_id() -> str:
    return "wait_" + secrets.token_urlsafe(15)


# Joining, reading, leaving ---------------------------------------------------------------------


def join(request: WaitlistRequest, caller: Caller, now: datetime) -> dict:
    def attempt() -> dict:
        with transaction():
            cases = load_cases(request.case_refs, now, caller=caller)
            before = request.before
            if before is None:
                deadlines = [
                    outcome.valid_until for outcome in cases.outcomes_at(now)
                    if outcome.outcome == OUTCOME_CHANGING and outcome.valid_until
                ]
                if not deadlines:
                    raise ValidationFailed.on(
                        "before",
                        "No case is outcome-changing now: say until when an earlier time "
                        "is wanted.",
                    )
                before = min(deadlines)
            if before <= now:
                raise ValidationFailed.on("before", "Must be later than now.")
            position = (db.session.scalar(select(func.max(WaitlistEntry.position))) or 0) + 1
            entry = WaitlistEntry(
                id=new_entry_id(),
                caller=caller.name,
                health_plans=sorted(caller.health_plans) if caller.health_plans else None,
                case_refs=list(request.case_refs),
                npi=request.npi,
                email=request.email,
                time_zone=request.time_zone,
                days=sorted(request.days),
                hours=sorted(request.hours),
                before=before,
                status=WAITING,
                created_at=now,
                position=position,
            )
            db.session.add(entry)
            db.session.flush()  # two joining at once: the unique position refuses one
            return entry_document(entry)

    return retrying(attempt, also=_position_taken)


def _position_taken(error: Exception) -> bool:
    return "position" in str(getattr(error, "orig", error))


def get(entry_id: str, caller: Caller) -> dict:
    return entry_document(_entry(entry_id, caller))


def leave(entry_id: str, caller: Caller, now: datetime, settings: Scheduling) -> None:
    """DELETE: the entry is closed; a time held for it is released (and offered on)."""
    with transaction():
        entry = _entry(entry_id, caller)
        entry.status = CLOSED
        for offer in entry.offers:
            if offer.status == HELD:
                _release_offer(offer, RELEASED, now)
                offer_freed(offer.reviewer_id, offer.start_at, offer.end_at, now, settings)


def release_hold(hold_id: str, caller: Caller, now: datetime, settings: Scheduling) -> None:
    """DELETE /holds/{id}: free the time early; the waitlist's first entry that wants it
    gets it in the same transaction."""
    with transaction():
        held = holds.find_hold(hold_id, caller)
        if held is None or held.ended is not None:
            raise NotFound(f"No hold {hold_id}.")
        holds.release(held, now)
        offer = db.session.scalar(select(WaitlistOffer).where(WaitlistOffer.hold_id == held.id))
        if offer is not None:  # the waiting provider let their offer go
            offer.status = RELEASED
            entry = db.session.get(WaitlistEntry, offer.entry_id)
            if entry.status == OFFERED:
                entry.status = WAITING
        offer_freed(held.reviewer_id, held.start_at, held.end_at, now, settings)


def _entry(entry_id: str, caller: Caller) -> WaitlistEntry:
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or entry.caller != caller.name:
        raise NotFound(f"No waitlist entry {entry_id!r}.")
    return entry


def entry_document(entry: WaitlistEntry) -> dict:
    return {
        "id": entry.id,
        "before": in_zone(entry.before, entry.time_zone),
        "status": entry.status,
        "case_refs": list(entry.case_refs),
        "offers": [
            {
                "reviewer_id": offer.reviewer_id,
                "start": in_zone(offer.start_at, entry.time_zone),
                "label": slots.slot_label(offer.start_at, entry.time_zone),
                "hold_id": offer.hold_id if offer.status == HELD else None,
                "expires_at": in_zone(offer.expires_at, entry.time_zone),
                "status": offer.status,
            }
            for offer in entry.offers
        ],
    }


# Offering a freed time ------------------------------------------------------------------------


def offer_freed(
    reviewer_id: str, start: datetime, end: datetime, now: datetime, settings: Scheduling
) -> WaitlistOffer | None:
    """In the transaction that freed [start, end) of the reviewer's time: hold the first
    start in it that the first waiting entry's own search would offer, for that entry."""
    if end <= now:
        return None
    waiting = db.session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.status == WAITING, WaitlistEntry.before > start)
        .order_by(WaitlistEntry.position)
        .with_for_update()
    )
    for entry in waiting:
        held = _first_offerable(entry, reviewer_id, start, end, now, settings)
        if held is not None:
            return held
    return None


def _first_offerable(entry, reviewer_id, start, end, now, settings) -> WaitlistOffer | None:
    caller = caller_of(entry)
    try:
        cases = load_cases(tuple(entry.case_refs), now, caller=caller)
    except P2PError:
        return None  # a case changed so that no P2P is possible: nothing to offer it
    offered_before = {
        (offer.reviewer_id, offer.start_at) for offer in entry.offers
    }
    zone = entry.time_zone
    last = min(end, entry.before)
    window = None  # the reviewer's calendar over [start, last), read once when needed
    moment = start
    while moment < last:
        local = in_zone(moment, zone)
        if (
            (reviewer_id, moment) not in offered_before
            and local.weekday() in entry.days
            and local.hour in entry.hours
        ):
            if window is None:
                window = window_for(cases, reviewer_id, start, last, zone, now, settings)
            check = window.check(moment)
            decision = check.decision
            if getattr(decision, "offer", None) is not None and decision.offer.slot.end <= end:
                return _hold_for(entry, check, decision.offer, now, settings)
        moment += GRID
    return None


def offer_opened(reviewer_id: str, now: datetime, settings: Scheduling) -> int:
    """In the transaction of a change to the reviewer (`PUT /reviewers`, import-reviewers):
    time it opened (hours added, made active, trained for more) goes to the waiting
    entries, in order, each getting the first start it wants before its `before`, as when
    a booking frees one. One pass: a hold only takes time away, so an entry that found
    nothing finds nothing later in the pass. Answers how many were offered."""
    reviewer = db.session.get(Reviewer, reviewer_id)
    if reviewer is None or not reviewer.active:
        return 0
    start = _on_grid(now)
    waiting = db.session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.status == WAITING, WaitlistEntry.before > start)
        .order_by(WaitlistEntry.position)
        .with_for_update()
    ).all()
    offered = 0
    for entry in waiting:
        try:
            with db.session.begin_nested():
                made = _first_offerable(entry, reviewer_id, start, entry.before, now, settings)
        except IntegrityError as error:
            if not is_overlap(error):
                raise
            made = None  # a booking took that time first: the next entry's turn
        offered += made is not None
    return offered


def _on_grid(moment: datetime) -> datetime:
    """The first start of the 15-minute grid at or after `moment`."""
    floor = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floor if floor == moment else floor + GRID


def _hold_for(entry, check, offer, now, settings) -> WaitlistOffer:
    request = HoldRequest(tuple(entry.case_refs), offer.reviewer.reviewer_id, offer.slot.start,
                          entry.time_zone)
    held = holds.place(request, offer.slot.start, offer.slot.end, entry.caller, now, settings)
    made = WaitlistOffer(
        entry_id=entry.id,
        hold_id=held.id,
        reviewer_id=held.reviewer_id,
        start_at=held.start_at,
        end_at=held.end_at,
        expires_at=held.expires_at,
        status=HELD,
        created_at=now,
    )
    entry.offers.append(made)
    entry.status = OFFERED
    db.session.flush()
    _email(entry, made, check.reviewer.name, now, settings)
    return made


def _email(entry, offer, reviewer_name: str, now: datetime, settings: Scheduling) -> None:
    url = None
    if settings.link_for is not None and entry.caller.startswith("provider "):
        # Joined on the pages: a link that signs in on the hold's confirmation.
        url = settings.link_for(
            sign_in.offer_link(entry, offer.hold_id, now, offer.expires_at - now)
        )
    subject, body = notifications.waitlist_offer_email(
        slots.slot_label(offer.start_at, entry.time_zone),
        reviewer_name,
        tuple(entry.case_refs),
        slots.slot_label(offer.expires_at, entry.time_zone),
        url,
    )
    notifications.enqueue_message(
        f"waitlist:{entry.id}:{offer.reviewer_id}:{offer.start_at.isoformat()}",
        "waitlist_offer", entry.email, subject, body, now,
    )


def caller_of(entry: WaitlistEntry) -> Caller:
    plans = frozenset(entry.health_plans) if entry.health_plans else None
    npi = entry.npi if entry.caller.startswith("provider ") else None
    return Caller(entry.caller, plans, npi=npi)


# When an offer is used, or not ----------------------------------------------------------------


def hold_booked(hold_id: str) -> None:
    """The booking that used a hold: if it was a waitlist offer, the entry is served."""
    offer = db.session.scalar(select(WaitlistOffer).where(WaitlistOffer.hold_id == hold_id))
    if offer is not None:
        offer.status = BOOKED
        entry = db.session.get(WaitlistEntry, offer.entry_id)
        entry.status = CLOSED


def _release_offer(offer: WaitlistOffer, how: str, now: datetime) -> None:
    held = db.session.get(Hold, offer.hold_id) if offer.hold_id else None
    if held is not None and held.ended is None:
        reservation = holds.end(held, holds.EXPIRED if how == EXPIRED else holds.RELEASED, now)
        if reservation is not None:
            db.session.delete(reservation)
    offer.status = how
    db.session.flush()


def pass_expired_offers(now: datetime, settings: Scheduling) -> dict:
    """A job: offers whose hold ran out pass the time to the next entry (the entry goes
    back to waiting); entries past their `before` expire."""
    passed = expired = 0
    with transaction():
        stale = db.session.scalars(
            select(WaitlistOffer)
            .where(WaitlistOffer.status == HELD, WaitlistOffer.expires_at <= now)
            .order_by(WaitlistOffer.id)
            .with_for_update()
        ).all()
        for offer in stale:
            held = db.session.get(Hold, offer.hold_id) if offer.hold_id else None
            if held is not None and held.ended == holds.BOOKED:
                hold_booked(held.id)
                continue
            _release_offer(offer, EXPIRED, now)
            # Any expired hold's reservation still in the way goes too.
            db.session.execute(
                Reservation.__table__.delete().where(
                    Reservation.kind == "hold", Reservation.expires_at <= now
                )
            )
            entry = db.session.get(WaitlistEntry, offer.entry_id)
            if entry.status == OFFERED:
                entry.status = WAITING if entry.before > now else EXPIRED
            db.session.flush()
            offer_freed(offer.reviewer_id, offer.start_at, offer.end_at, now, settings)
            passed += 1
        for entry in db.session.scalars(
            select(WaitlistEntry).where(
                WaitlistEntry.status.in_((WAITING, OFFERED)), WaitlistEntry.before <= now
            )
        ):
            entry.status = EXPIRED
            expired += 1
    return {"passed": passed, "expired": expired}
