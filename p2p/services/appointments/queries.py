"""Reading appointments back: one, a provider's ("My P2P Requests"), one's history, a
reviewer's days, and a reviewer's subscription feed. Plain values out."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from p2p.appointments.values import Appointment, ReviewerSummary
from p2p.errors import NotFound
from p2p.extensions import db
from p2p.models import Appointment as AppointmentRow
from p2p.models import AppointmentEvent, Reviewer
from p2p.services.appointments.records import value_of
from p2p.services.callers import Caller
from p2p.time_zones import day_range, local_date
from p2p.vocabulary import CANCELLED

# Cancelled calls stay in a reviewer's feed, marked cancelled, this long after cancelling.
FEED_KEEPS_CANCELLED = timedelta(days=30)

def _row(appointment_id: str, caller: Caller | None) -> AppointmentRow:
    row = db.session.get(AppointmentRow, appointment_id)
    if row is None or (caller is not None and not caller.sees(row)):
        raise NotFound(f"No appointment {appointment_id!r}.")
    return row


def get_appointment(appointment_id: str, caller: Caller | None = None) -> Appointment:
    """One appointment; one the caller may not see is answered exactly like one that does
    not exist."""
    return value_of(_row(appointment_id, caller))


def appointments_for_provider(npi: str, caller: Caller | None = None) -> list[Appointment]:
    rows = db.session.scalars(
        select(AppointmentRow)
        .where(AppointmentRow.requesting_provider_npi == npi)
        .order_by(AppointmentRow.start_at.desc())
    )
    return [value_of(row) for row in rows if caller is None or caller.sees(row)]


def requests_of_provider(
    npi: str, caller: Caller, now: datetime, past_shown: int | None
) -> tuple[list[Appointment], list[Appointment], bool]:
    """My P2P Requests: (upcoming, soonest first; past, latest first; whether more past ones
    exist than `past_shown`). Every upcoming one; of the past, only the latest `past_shown`
    are read (None: all), so a long history costs what the page shows."""
    base = select(AppointmentRow).where(AppointmentRow.requesting_provider_npi == npi)
    upcoming = [
        value_of(row)
        for row in db.session.scalars(
            base.where(AppointmentRow.end_at > now).order_by(AppointmentRow.start_at)
        )
        if caller.sees(row)
    ]
    latest = base.where(AppointmentRow.end_at <= now).order_by(
        AppointmentRow.start_at.desc(), AppointmentRow.id
    )
    if past_shown is None:
        return upcoming, [value_of(r) for r in db.session.scalars(latest) if caller.sees(r)], False
    past: list[Appointment] = []
    offset = 0
    while True:  # in batches: a row the caller may not see is skipped, not counted
        batch = list(db.session.scalars(latest.offset(offset).limit(past_shown + 1)))
        offset += len(batch)
        for row in batch:
            if caller.sees(row):
                if len(past) == past_shown:
                    return upcoming, past, True
                past.append(value_of(row))
        if len(batch) <= past_shown:
            return upcoming, past, False


@dataclass(frozen=True, slots=True)
class Event:
    """One line of an appointment's audit trail."""

    action: str
    actor: str
    at: datetime
    before: dict | None
    after: dict | None


def history(appointment_id: str, caller: Caller | None = None) -> list[Event]:
    _row(appointment_id, caller)
    return [
        Event(event.action, event.actor, event.at, event.before, event.after)
        for event in db.session.scalars(
            select(AppointmentEvent)
            .where(AppointmentEvent.appointment_id == appointment_id)
            .order_by(AppointmentEvent.id)
        )
    ]


def find_reviewer(reviewer_id: str) -> Reviewer:
    reviewer = db.session.get(Reviewer, reviewer_id)
    if reviewer is None:
        raise NotFound(f"No reviewer {reviewer_id!r}.")
    return reviewer


def reviewer_days(
    reviewer_id: str, first: date | None, last: date | None, now: datetime
) -> list[Appointment]:
    """The reviewer's appointments starting between two dates of their own calendar
    (default: the 7 days from today), cancelled ones included."""
    reviewer = find_reviewer(reviewer_id)
    first = first or local_date(now, reviewer.time_zone)
    last = last or first + timedelta(days=6)
    start, end = day_range(reviewer.time_zone, first, last)
    rows = db.session.scalars(
        select(AppointmentRow)
        .where(
            AppointmentRow.reviewer_id == reviewer_id,
            AppointmentRow.start_at >= start,
            AppointmentRow.start_at < end,
        )
        .order_by(AppointmentRow.start_at)
    )
    return [value_of(row) for row in rows]


def feed(secret: str, now: datetime) -> tuple[ReviewerSummary, list[Appointment]]:
    """The reviewer whose feed this is, with the appointments it shows: every one that is
    not cancelled from 30 days back on, and cancelled ones for 30 days after cancelling."""
    digest = hashlib.sha256(secret.encode()).hexdigest()
    reviewer = db.session.scalar(select(Reviewer).where(Reviewer.feed_token_hash == digest))
    if reviewer is None:
        raise NotFound("No calendar feed at this address.")
    since = now - FEED_KEEPS_CANCELLED
    rows = db.session.scalars(
        select(AppointmentRow)
        .where(
            AppointmentRow.reviewer_id == reviewer.reviewer_id,
            AppointmentRow.end_at >= since,
            (AppointmentRow.status != CANCELLED) | (AppointmentRow.updated_at >= since),
        )
        .order_by(AppointmentRow.start_at)
    )
    summary = ReviewerSummary(
        reviewer.reviewer_id, reviewer.name, reviewer.credentials, reviewer.time_zone
    )
    return summary, [value_of(row) for row in rows]
