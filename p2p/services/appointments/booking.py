"""Booking a P2P (API.md, Appointments): load the cases and the reviewer's calendar, ask the
engine whether the time is offered and what must be acknowledged, take the time, record.

A time is accepted only if the search would offer it (`slots.decide_time`, the same code).
No two reservations of a reviewer overlap: the database refuses it (`reservations`), so two
requests racing for one time give one appointment and one 409, whatever this code checked.

An `Idempotency-Key` binds the caller's key and a digest of the request to the appointment
it made, in the booking's own transaction: the same key and request answers that
appointment again (as it is now), a different request with the key is a 409.
"""

import hashlib
import json
import uuid
from dataclasses import asdict
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from p2p.appointments.requests import BookingRequest
from p2p.appointments.values import Appointment, as_dict
from p2p.config import Scheduling
from p2p.database import transaction
from p2p.errors import Conflict, SlotUnavailable
from p2p.extensions import db
from p2p.models import Appointment as AppointmentRow
from p2p.models import AppointmentCase, IdempotencyKey
from p2p.services.appointments import holds, records, waitlist
from p2p.services.appointments.reservations import reserve, taking_time
from p2p.services.callers import Caller
from p2p.services.scheduling import (
    load_cases,
    require_bookable,
    sweep_expired_holds_in_the_way,
    time_for,
)
from p2p.timestamps import utc
from p2p.vocabulary import SCHEDULED


def book(
    request: BookingRequest,
    caller: Caller,
    now: datetime,
    settings: Scheduling,
    idempotency_key: str | None = None,
) -> tuple[Appointment, bool]:
    """Book; answers (the appointment, whether it is a replay of an earlier booking)."""
    fingerprint = _fingerprint(request)

    def attempt() -> tuple[Appointment, bool]:
        with transaction():
            if idempotency_key:
                replayed = _replayed(caller, idempotency_key, fingerprint)
                if replayed is not None:
                    return replayed, True
            appointment = _book(request, caller, now, settings)
            if idempotency_key:
                db.session.add(
                    IdempotencyKey(
                        caller=caller.name,
                        key=idempotency_key,
                        request_hash=fingerprint,
                        appointment_id=appointment.id,
                        created_at=now,
                    )
                )
                db.session.flush()
        return appointment, False

    try:
        return taking_time(attempt)
    except (IntegrityError, SlotUnavailable):
        if idempotency_key:
            # The same request raced itself (its twin committed while this one checked the
            # time, or stored the key first): answer what the twin booked.
            db.session.rollback()
            replayed = _replayed(caller, idempotency_key, fingerprint)
            if replayed is not None:
                return replayed, True
        raise


def _book(
    request: BookingRequest, caller: Caller, now: datetime, settings: Scheduling
) -> Appointment:
    start = utc(request.start)
    cases = load_cases(request.case_refs, now, caller=caller)
    held = holds.usable_hold(
        request.hold_id, caller, request.reviewer_id, start, request.case_refs, now
    )
    check = time_for(
        cases,
        request.reviewer_id,
        start,
        request.time_zone,
        now,
        settings,
        ignore_reservations=(held.reservation_id,) if held and held.reservation_id else (),
    )
    offer = require_bookable(
        check, request.acknowledge_consultative_only, request.call_notes.checked
    )
    end = offer.slot.end
    sweep_expired_holds_in_the_way(request.reviewer_id, start, end, now)
    reservation = holds.end(held, holds.BOOKED, now) if held else None
    if held is not None:
        waitlist.hold_booked(held.id)  # a waitlist offer taken: its entry is served
    if reservation is not None:
        # The hold's reservation becomes the appointment's: the time is never free between.
        reservation.kind, reservation.expires_at = "appointment", None
    else:
        reservation = reserve(request.reviewer_id, start, end, now)
    provider = request.requesting_provider
    row = AppointmentRow(
        id=uuid.uuid4().hex,
        reviewer_id=request.reviewer_id,
        reservation=reservation,
        status=SCHEDULED,
        start_at=start,
        end_at=end,
        time_zone=request.time_zone,
        sequence=0,
        requesting_provider_npi=provider.npi,
        requesting_provider_name=provider.name,
        requesting_provider_email=provider.email,
        contact=as_dict(request.contact),
        performer=as_dict(request.performer),
        call_notes=records.stored_notes(request.call_notes),
        acknowledge_consultative_only=request.acknowledge_consultative_only,
        created_by=caller.name,
        created_at=now,
        updated_at=now,
    )
    row.reviewer = check.reviewer  # loaded already: the answer needs no second read
    for position, (case, outcome, window) in enumerate(
        zip(cases.rows, cases.outcomes_at(start), cases.outcomes_at(now), strict=True)
    ):
        link = AppointmentCase(case_id=case.id, case=case, position=position)
        records.set_call_facts(link, check.reviewer, outcome, window)
        row.cases.append(link)
    db.session.add(row)
    db.session.flush()  # the reservation (no-overlap check) and the appointment, in order
    return records.changed(
        row, records.CREATED, caller.name, now, None, email="booked", new_sequence=False
    )


def _fingerprint(request: BookingRequest) -> str:
    canonical = json.dumps(asdict(request), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replayed(caller: Caller, key: str, fingerprint: str) -> Appointment | None:
    stored = db.session.get(IdempotencyKey, (caller.name, key))
    if stored is None:
        return None
    if stored.request_hash != fingerprint:
        raise Conflict(
            "This Idempotency-Key was used with a different request.",
            {"Idempotency-Key": ["Already used with a different body."]},
        )
    return records.value_of(db.session.get(AppointmentRow, stored.appointment_id))
