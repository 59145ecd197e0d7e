"""Changing a booked P2P: rescheduling (the same rules as booking, the same id, the old time
freed in the same transaction), cancelling (the time freed, a CANCEL to both sides) and
completing one whose time has passed (a job). The status machine (`appointments.states`)
says what may happen; `records.changed` records it.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from p2p.appointments import states
from p2p.appointments.requests import RescheduleRequest
from p2p.appointments.values import Appointment
from p2p.config import Scheduling
from p2p.database import retrying, transaction
from p2p.errors import NotFound
from p2p.extensions import db
from p2p.models import Appointment as AppointmentRow
from p2p.models import MissedCall
from p2p.services.appointments import holds, records, waitlist
from p2p.services.appointments.reservations import reserve, taking_time
from p2p.services.callers import SCHEDULER, Caller
from p2p.services.scheduling import (
    load_cases,
    require_bookable,
    sweep_expired_holds_in_the_way,
    time_for,
)
from p2p.timestamps import utc
from p2p.vocabulary import SCHEDULED


def locked(appointment_id: str, caller: Caller | None = None) -> AppointmentRow:
    """The appointment, locked for this transaction.

    The lock is taken on the appointment row alone (no eager joins): after waiting for a
    concurrent change, PostgreSQL re-checks a locked row's join against the row as it was,
    so a reviewer changed by a concurrent reschedule would come back as NULL. Related rows
    load afterwards, from the state the lock holder committed."""
    query = (
        select(AppointmentRow)
        .where(AppointmentRow.id == appointment_id)
        .options(lazyload("*"))
        .with_for_update(of=AppointmentRow)
        .execution_options(populate_existing=True)
    )
    row = db.session.scalars(query).first()
    if row is None or (caller is not None and not caller.sees(row)):
        raise NotFound(f"No appointment {appointment_id!r}.")
    return row


def reschedule(
    appointment_id: str,
    request: RescheduleRequest,
    caller: Caller,
    now: datetime,
    settings: Scheduling,
) -> Appointment:
    def attempt() -> Appointment:
        with transaction():
            return _reschedule(appointment_id, request, caller, now, settings)

    return taking_time(attempt)


def _reschedule(
    appointment_id: str,
    request: RescheduleRequest,
    caller: Caller,
    now: datetime,
    settings: Scheduling,
) -> Appointment:
    row = locked(appointment_id, caller)
    records.require_allowed(row, states.RESCHEDULE)
    reviewer_id = request.reviewer_id or row.reviewer_id
    start = utc(request.start)
    notes = records.call_notes_of(row.call_notes).merged(request.call_notes)
    acknowledged = row.acknowledge_consultative_only or request.acknowledge_consultative_only
    if (reviewer_id, start) == (row.reviewer_id, row.start_at) and row.status == SCHEDULED:
        # The same reviewer and start: the calendar entry does not change, so no new
        # sequence and no email. Notes or an acknowledgement sent along are kept (and
        # audited).
        if (notes, acknowledged) == (
            records.call_notes_of(row.call_notes),
            row.acknowledge_consultative_only,
        ):
            return records.value_of(row)
        before = records.snapshot(row)
        row.call_notes = records.stored_notes(notes)
        row.acknowledge_consultative_only = acknowledged
        return records.changed(
            row, records.NOTES_UPDATED, caller.name, now, before, email=None, new_sequence=False
        )
    active = [link for link in row.cases if link.removed_at is None]
    case_refs = tuple(link.case.case_ref for link in active)
    cases = load_cases(case_refs, now, caller=caller)
    held = holds.usable_hold(request.hold_id, caller, reviewer_id, start, case_refs, now)
    ignored = [row.reservation_id, held.reservation_id if held else None]
    check = time_for(
        cases,
        reviewer_id,
        start,
        row.time_zone,
        now,
        settings,
        ignore_reservations=tuple(r for r in ignored if r is not None),
    )
    offer = require_bookable(check, request.acknowledge_consultative_only, notes.checked)
    before = records.snapshot(row)
    end = offer.slot.end
    sweep_expired_holds_in_the_way(reviewer_id, start, end, now)
    if held is not None:
        waitlist.hold_booked(held.id)
        hold_reservation = holds.end(held, holds.BOOKED, now)
        if hold_reservation is not None:
            db.session.delete(hold_reservation)
        db.session.flush()
    reservation = row.reservation
    if reservation is None:  # a call whose time is kept no more (a past one, imported)
        row.reservation = reserve(reviewer_id, start, end, now)
        db.session.flush()  # the database's no-overlap check happens here
    else:
        freed = (reservation.reviewer_id, reservation.start_at, reservation.end_at)
        reservation.reviewer_id, reservation.start_at, reservation.end_at = (
            reviewer_id, start, end
        )
        db.session.flush()  # the database's no-overlap check happens here
        waitlist.offer_freed(*freed, now, settings)  # the old time, to whoever waits
    if states.is_missed(row.status):
        # Rebooking a missed call: the miss stays in the audit trail (`before`) and is
        # counted where it happened (`MissedCall`); the new call's outcome is yet to be
        # recorded.
        db.session.add(MissedCall(
            appointment_id=row.id, reviewer_id=row.reviewer_id, start_at=row.start_at,
            end_at=row.end_at, result=row.status, recorded_at=row.outcome_recorded_at,
            rebooked_at=now,
        ))
        row.outcome_result = row.outcome_note = None
        row.outcome_recorded_at = row.outcome_recorded_by = None
    records.transition(row, states.RESCHEDULE)
    row.reviewer, row.start_at, row.end_at = check.reviewer, start, end
    row.call_notes = records.stored_notes(notes)
    row.acknowledge_consultative_only = acknowledged
    for link, outcome, window in zip(
        active, cases.outcomes_at(start), cases.outcomes_at(now), strict=True
    ):
        records.set_call_facts(link, check.reviewer, outcome, window)
    return records.changed(
        row, records.RESCHEDULED, caller.name, now, before, email="rescheduled"
    )


def cancel(
    appointment_id: str,
    reason: str,
    caller: Caller,
    now: datetime,
    settings: Scheduling | None = None,
) -> Appointment:
    def attempt() -> Appointment:
        with transaction():
            return cancel_locked(
                locked(appointment_id, caller), reason, caller.name, now, settings
            )

    return retrying(attempt)


def cancel_locked(
    row: AppointmentRow,
    reason: str,
    actor: str,
    now: datetime,
    settings: Scheduling | None = None,
) -> Appointment:
    """Cancel an appointment already locked by the caller's transaction; with `settings`,
    the freed time goes to the waitlist's first entry that wants it, in this transaction."""
    before = records.snapshot(row)
    records.transition(row, states.CANCEL)
    reservation = row.reservation
    row.reservation_id = None
    if reservation is not None:
        db.session.delete(reservation)  # frees the time
        db.session.flush()
        if settings is not None:
            waitlist.offer_freed(row.reviewer_id, row.start_at, row.end_at, now, settings)
    row.cancel_reason = reason
    # A new sequence: a CANCEL supersedes the last REQUEST (RFC 5546).
    return records.changed(row, records.CANCELLED_ACTION, actor, now, before, email="cancelled")


def complete_past(now: datetime) -> int:
    """Scheduled appointments whose time has passed become completed (a job)."""
    done = 0
    with transaction():
        for row in db.session.scalars(
            select(AppointmentRow).where(
                AppointmentRow.status == SCHEDULED, AppointmentRow.end_at <= now
            )
        ):
            before = records.snapshot(row)
            records.transition(row, states.COMPLETE)
            records.changed(
                row, records.COMPLETED_ACTION, SCHEDULER.name, now, before, email=None,
                new_sequence=False,
            )
            done += 1
    return done
