"""Booking, rescheduling, cancelling and holding P2P appointments.

A time is accepted only if the slot engine would offer it (`slots.is_offered`, the same code
as the search). No two reservations of a reviewer overlap: the database refuses it (see
migration 0002), so two requests racing for one time give one appointment and one 409,
whatever this code checked before. Each use case is one transaction: a refused request
leaves nothing behind.
"""

import hashlib
import json
import time
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import lazyload

from p2p import eligibility, slots
from p2p.errors import (
    Conflict,
    DeadlineAcknowledgementRequired,
    MatchAcknowledgementRequired,
    NotFound,
    SlotUnavailable,
    ValidationFailed,
)
from p2p.extensions import db
from p2p.models import (
    Appointment,
    AppointmentCase,
    AppointmentEvent,
    Case,
    IdempotencyKey,
    Reservation,
    Reviewer,
)
from p2p.schemas.appointments import MAX_ID, AppointmentSchema
from p2p.services import policies, reference, transaction
from p2p.services import slots as slot_service
from p2p.services.appointments import appointment_document
from p2p.services.cases import facts
from p2p.timestamps import utc
from p2p.vocabulary import SAME_SPECIALTY, STATE_LICENSE, UNAVAILABLE

SQLITE_RETRIES = 20
TAKEN = "The reviewer is already booked or held at that time."


# Transactions that may race -------------------------------------------------------------------


def _retrying(use_case):
    """Run a write use case, again if SQLite could not give it the write lock.

    SQLite lets one writer in at a time; a transaction that read before another one
    committed cannot write (SQLITE_BUSY, "database is locked") and must start over, reading
    the new state. PostgreSQL waits on the exclusion constraint instead, so this never loops
    there.
    """
    for attempt in range(SQLITE_RETRIES):
        try:
            return use_case()
        except OperationalError as error:
            db.session.rollback()
            if "locked" not in str(error.orig) or attempt == SQLITE_RETRIES - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")


def _taking_time(use_case):
    """Run a use case that takes a reviewer's time: retried while SQLite is locked, and the
    database's refusal of an overlap answered as 409 slot_unavailable."""
    try:
        return _retrying(use_case)
    except IntegrityError as error:
        if _overlap(error):
            raise SlotUnavailable(TAKEN) from error
        raise


def _overlap(error: IntegrityError) -> bool:
    # The SQLite trigger's message and the PostgreSQL constraint's name both contain it.
    return "reservations_no_overlap" in str(error.orig)


# Checks shared by booking, rescheduling and holds --------------------------------------------


def _offer(
    chosen,
    reviewer_id: str,
    start: datetime,
    time_zone: str,
    now: datetime,
    rules: tuple[reference.StateRequirement, ...],
    expired: list[tuple[int, int]],
    *,
    ignore: tuple[int, ...] = (),
) -> tuple[slots.Offer, Reviewer]:
    """The engine's offer for this (reviewer, start), with the reviewer, or the reason there
    is none."""
    reviewer = db.session.get(Reviewer, reviewer_id)
    if reviewer is None:
        raise ValidationFailed.on("reviewer_id", f"No reviewer {reviewer_id!r}.")
    if not reviewer.active or not {n.case_type for n in chosen.needs} <= set(reviewer.case_types):
        raise ValidationFailed.on(
            "reviewer_id", "This reviewer is inactive or not trained for every case's type."
        )
    request = slot_service.search_request(
        chosen.needs,
        slots.Preferences.any_time(time_zone),
        start.date(),
        now,
        reference.slot_rules(rules),
    )
    duration = timedelta(minutes=request.minutes_per_case * len(chosen.needs))
    try:
        profile = reference.profile(reviewer)
    except slots.SlotsError as error:  # a row written around the API's validation
        raise ValidationFailed.on(
            "reviewer_id", f"This reviewer's stored profile cannot be scheduled: {error}"
        ) from error
    engine_reviewer = slot_service.engine_reviewers(
        [profile],
        start - timedelta(days=1),
        start + duration + timedelta(days=1),
        now,
        ignore_reservations=ignore,
        expired_holds=expired,
    )[0]
    offer = slots.is_offered(engine_reviewer, request, start)
    if offer is not None:
        return offer, reviewer
    free = engine_reviewer.with_calendar((), engine_reviewer.time_off_seconds)
    if slots.is_offered(free, request, start):
        raise SlotUnavailable(TAKEN)
    raise ValidationFailed.on(
        "start",
        "Not a time this reviewer offers for these cases: it must be a slot of the search "
        "(working hours, 15-minute grid, outside time off, after the minimum notice).",
    )


def _acknowledgements(
    offer: slots.Offer,
    chosen,
    acknowledge_consultative_only: bool,
    call_notes: dict,
    rules: tuple[reference.StateRequirement, ...],
) -> None:
    late = offer.consultative_only_case_refs
    if late and not acknowledge_consultative_only:
        raise DeadlineAcknowledgementRequired(
            f"At this time the window of {', '.join(late)} has closed: the P2P would be "
            "consultative only. Send acknowledge_consultative_only: true to book it anyway.",
            {
                "acknowledge_consultative_only": [
                    f"Required: {', '.join(late)} would be consultative only."
                ]
            },
        )
    missing = {}
    for breach in offer.rule_breaches:
        # The seeds' call notes: "TX licensed physician - caller is aware P2P does not meet SSL
        # (state licensed) match ..." and "TX licensed same specialty - caller is aware ...".
        if breach.requirement == STATE_LICENSE and not (
            call_notes.get("tx_license_waived") or call_notes.get("tx_specialty_waived")
        ):
            missing["call_notes.tx_license_waived"] = [
                f"The reviewer is not licensed in {breach.state} ({breach.case_ref})."
            ]
        if breach.requirement == SAME_SPECIALTY and not call_notes.get("tx_specialty_waived"):
            missing["call_notes.tx_specialty_waived"] = [
                f"The reviewer is not of the same specialty ({breach.case_ref}, {breach.state})."
            ]
    if missing:
        raise MatchAcknowledgementRequired(
            "This reviewer does not meet the member state's licence or specialty rule; the "
            "caller's acknowledgement (call note) is required.",
            missing,
        )
    consent_states = {rule.state for rule in rules if rule.requires_member_consent}
    needing = sorted({case.member_state for case in chosen.rows} & consent_states)
    if needing and not call_notes.get("oh_member_consent"):
        raise ValidationFailed.on(
            "call_notes.oh_member_consent",
            f"Member consent must be obtained for a member in {', '.join(needing)}.",
        )


def _sweep_expired_holds(
    reviewer_id: str,
    start: datetime,
    end: datetime,
    now: datetime,
    expired: list[tuple[int, int]],
) -> None:
    """An expired hold frees itself: delete any in the way before taking the time (only
    when the reviewer's busy time, read just before, showed one there)."""
    low, high = int(start.timestamp()), int(end.timestamp())
    if not any(hold_start < high and low < hold_end for hold_start, hold_end in expired):
        return
    db.session.execute(
        delete(Reservation).where(
            Reservation.reviewer_id == reviewer_id,
            Reservation.kind == "hold",
            Reservation.expires_at <= now,
            Reservation.start_at < end,
            Reservation.end_at > start,
        )
    )


def _outcomes_at(chosen, start: datetime) -> list[eligibility.Availability]:
    """Each case's outcome when the call takes place ([003]: the window must hold then)."""
    return [
        eligibility.decide(
            facts(case), chosen.policies[(case.health_plan, case.line_of_business)], start
        )
        for case in chosen.rows
    ]


def _usable_hold(
    hold_id: int | None,
    actor: str,
    reviewer_id: str,
    start: datetime,
    case_refs: list[str],
    now: datetime,
) -> Reservation | None:
    """The caller's live hold for exactly this reviewer, time and cases; None when there is
    no hold to use. An expired hold has freed itself (API.md), and once swept away it is
    gone: either way the booking goes on without it and gets the time if it is still free.
    Someone else's live hold is never used."""
    if hold_id is None:
        return None
    hold = db.session.get(Reservation, hold_id)
    if hold is None or hold.kind != "hold" or hold.expires_at <= now:
        return None
    if hold.holder != actor:
        raise ValidationFailed.on("hold_id", f"Hold {hold_id} is not yours.")
    if (
        hold.reviewer_id != reviewer_id
        or hold.start_at != start
        or sorted(hold.case_refs or []) != sorted(case_refs)
    ):
        raise ValidationFailed.on("hold_id", "The hold is for another reviewer, time or cases.")
    return hold


# Audit ---------------------------------------------------------------------------------------


def snapshot(appointment: Appointment) -> dict:
    return {
        "status": appointment.status,
        "reviewer_id": appointment.reviewer_id,
        "start": utc(appointment.start_at).isoformat(),
        "end": utc(appointment.end_at).isoformat(),
        "time_zone": appointment.time_zone,
        "sequence": appointment.sequence,
        "cases": [
            {
                "case_ref": link.case.case_ref,
                "outcome": link.outcome,
                "level_of_review": link.level_of_review,
                "removed": link.removed_at is not None,
            }
            for link in appointment.cases
        ],
        "cancel_reason": appointment.cancel_reason,
    }


def record(
    appointment: Appointment, action: str, actor: str, now: datetime, before: dict | None
) -> None:
    db.session.add(
        AppointmentEvent(
            appointment_id=appointment.id,
            action=action,
            actor=actor,
            at=now,
            before=before,
            after=snapshot(appointment),
        )
    )


def history(appointment_id: str) -> list[AppointmentEvent]:
    get_appointment(appointment_id)
    return list(
        db.session.scalars(
            select(AppointmentEvent)
            .where(AppointmentEvent.appointment_id == appointment_id)
            .order_by(AppointmentEvent.id)
        )
    )


def _notify(appointment: Appointment, kind: str, now: datetime) -> None:
    from p2p.services import messages

    messages.appointment_changed(appointment, kind, now)


# Use cases -------------------------------------------------------------------------------------


def get_appointment(appointment_id: str) -> Appointment:
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(f"No appointment {appointment_id!r}.")
    return appointment


def appointments_for_provider(npi: str) -> list[Appointment]:
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.requesting_provider_npi == npi)
            .order_by(Appointment.start_at.desc())
        )
    )


_APPOINTMENT = AppointmentSchema()  # built once: a schema is reusable, and costly to build


def dumped(appointment: Appointment) -> dict:
    return _APPOINTMENT.dump(appointment_document(appointment))


def _request_hash(document: dict) -> str:
    canonical = json.dumps(document, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(actor: str, key: str, request_hash: str) -> tuple[dict, int] | None:
    stored = db.session.get(IdempotencyKey, (actor, key))
    if stored is None:
        return None
    if stored.request_hash != request_hash:
        raise Conflict(
            "This Idempotency-Key was used with a different request.",
            {"Idempotency-Key": ["Already used with a different body."]},
        )
    return stored.response, stored.status_code


def book(document: dict, actor: str, now: datetime, idempotency_key: str | None = None):
    """Book an appointment; answers (response document, status code)."""
    request_hash = _request_hash(document)
    if idempotency_key:
        replayed = _replay(actor, idempotency_key, request_hash)
        if replayed:
            return replayed

    def attempt():
        with transaction():
            appointment = _book(document, actor, now)
            response = dumped(appointment)
            if idempotency_key:
                db.session.add(
                    IdempotencyKey(
                        caller=actor,
                        key=idempotency_key,
                        request_hash=request_hash,
                        status_code=201,
                        response=response,
                        created_at=now,
                    )
                )
                db.session.flush()
        return response, 201

    try:
        return _taking_time(attempt)
    except (IntegrityError, SlotUnavailable):
        if idempotency_key:
            # The same request raced itself (its twin committed while this one checked the
            # time, or stored the key first): answer what the twin stored.
            db.session.rollback()
            replayed = _replay(actor, idempotency_key, request_hash)
            if replayed:
                return replayed
        raise


def _book(document: dict, actor: str, now: datetime) -> Appointment:
    start = utc(document["start"])
    chosen = slot_service.load_cases(document["case_refs"], now)
    hold = _usable_hold(
        document["hold_id"], actor, document["reviewer_id"], start, document["case_refs"], now
    )
    rules = chosen.state_rules
    expired: list[tuple[int, int]] = []
    offer, reviewer = _offer(
        chosen,
        document["reviewer_id"],
        start,
        document["time_zone"],
        now,
        rules,
        expired,
        ignore=(hold.id,) if hold else (),
    )
    _acknowledgements(
        offer, chosen, document["acknowledge_consultative_only"], document["call_notes"], rules
    )
    end = offer.slot.end
    _sweep_expired_holds(document["reviewer_id"], start, end, now, expired)
    if hold is not None:
        reservation = hold  # the hold becomes the appointment's reservation
        reservation.kind, reservation.expires_at = "appointment", None
        reservation.case_refs = reservation.time_zone = reservation.holder = None
    else:
        reservation = Reservation(
            reviewer_id=document["reviewer_id"],
            start_at=start,
            end_at=end,
            kind="appointment",
            created_at=now,
        )
        db.session.add(reservation)
    # No flush here: the reservation is written with the appointment (the unit of work orders
    # the inserts), and the database's no-overlap check refuses it then, all or nothing.
    provider = document["requesting_provider"]
    appointment = Appointment(
        id=uuid.uuid4().hex,
        reviewer_id=document["reviewer_id"],
        reservation=reservation,
        status="scheduled",
        start_at=start,
        end_at=end,
        time_zone=document["time_zone"],
        sequence=0,
        requesting_provider_npi=provider["npi"],
        requesting_provider_name=provider["name"],
        requesting_provider_email=provider["email"],
        contact=document["contact"],
        performer=document["performer"],
        call_notes=_json_notes(document["call_notes"]),
        acknowledge_consultative_only=document["acknowledge_consultative_only"],
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    appointment.reviewer = reviewer  # loaded already: the response needs no second read
    for position, (case, outcome) in enumerate(
        zip(chosen.rows, _outcomes_at(chosen, start), strict=True)
    ):
        appointment.cases.append(
            AppointmentCase(
                case_id=case.id,
                case=case,
                position=position,
                outcome=outcome.outcome,
                level_of_review=outcome.level_of_review,
            )
        )
    db.session.add(appointment)
    db.session.flush()  # the reservation (no-overlap check) and the appointment, in order
    record(appointment, "created", actor, now, None)
    _notify(appointment, "booked", now)
    return appointment


def _json_notes(call_notes: dict) -> dict:
    notes = dict(call_notes)
    if notes.get("procedure_performed_on"):
        notes["procedure_performed_on"] = notes["procedure_performed_on"].isoformat()
    return notes


def _scheduled(appointment_id: str) -> Appointment:
    """The appointment, locked for this transaction, if it can still be changed.

    The lock is taken on the appointment row alone (no eager joins): after waiting for a
    concurrent change, PostgreSQL re-checks a locked row's join against the row as it was,
    so a reviewer changed by a concurrent reschedule would come back as NULL. Related rows
    load afterwards, from the state the lock holder committed."""
    query = (
        select(Appointment)
        .where(Appointment.id == appointment_id)
        .options(lazyload("*"))
        .with_for_update(of=Appointment)
        .execution_options(populate_existing=True)
    )
    appointment = db.session.scalars(query).first()
    if appointment is None:
        raise NotFound(f"No appointment {appointment_id!r}.")
    if appointment.status != "scheduled":
        raise Conflict(f"The appointment is {appointment.status}; it cannot be changed.")
    return appointment


def reschedule(appointment_id: str, document: dict, actor: str, now: datetime) -> dict:
    def attempt():
        with transaction():
            appointment = _reschedule(appointment_id, document, actor, now)
            return dumped(appointment)

    return _taking_time(attempt)


def _reschedule(appointment_id: str, document: dict, actor: str, now: datetime) -> Appointment:
    appointment = _scheduled(appointment_id)
    before = snapshot(appointment)
    active = [link for link in appointment.cases if link.removed_at is None]
    chosen = slot_service.load_cases([link.case.case_ref for link in active], now)
    reviewer_id = document.get("reviewer_id") or appointment.reviewer_id
    start = utc(document["start"])
    hold = _usable_hold(
        document["hold_id"], actor, reviewer_id, start, [link.case.case_ref for link in active], now
    )
    ignore = tuple(r for r in (appointment.reservation_id, hold.id if hold else None) if r)
    rules = chosen.state_rules
    expired: list[tuple[int, int]] = []
    offer, reviewer = _offer(
        chosen, reviewer_id, start, appointment.time_zone, now, rules, expired, ignore=ignore
    )
    notes = {**appointment.call_notes, **_json_notes(document.get("call_notes") or {})}
    _acknowledgements(offer, chosen, document["acknowledge_consultative_only"], notes, rules)
    end = offer.slot.end
    _sweep_expired_holds(reviewer_id, start, end, now, expired)
    if hold is not None:
        db.session.delete(hold)
        db.session.flush()
    reservation = appointment.reservation
    reservation.reviewer_id, reservation.start_at, reservation.end_at = reviewer_id, start, end
    db.session.flush()  # the database's no-overlap check happens here
    appointment.reviewer, appointment.start_at, appointment.end_at = reviewer, start, end
    appointment.call_notes = notes
    appointment.acknowledge_consultative_only = (
        appointment.acknowledge_consultative_only or document["acknowledge_consultative_only"]
    )
    for link, outcome in zip(active, _outcomes_at(chosen, start), strict=True):
        link.outcome, link.level_of_review = outcome.outcome, outcome.level_of_review
    appointment.sequence += 1
    appointment.updated_at = now
    db.session.flush()
    record(appointment, "rescheduled", actor, now, before)
    _notify(appointment, "rescheduled", now)
    return appointment


def cancel(appointment_id: str, reason: str, actor: str, now: datetime) -> dict:
    def attempt():
        with transaction():
            appointment = _scheduled(appointment_id)
            _cancel(appointment, reason, actor, now)
            return dumped(appointment)

    return _retrying(attempt)


def _cancel(appointment: Appointment, reason: str, actor: str, now: datetime) -> None:
    before = snapshot(appointment)
    reservation = appointment.reservation
    appointment.reservation_id = None
    if reservation is not None:
        db.session.delete(reservation)  # frees the time
    appointment.status = "cancelled"
    appointment.cancel_reason = reason
    appointment.sequence += 1  # a CANCEL supersedes the last REQUEST (RFC 5546)
    appointment.updated_at = now
    db.session.flush()
    record(appointment, "cancelled", actor, now, before)
    _notify(appointment, "cancelled", now)


# Holds ---------------------------------------------------------------------------------------


def hold(document: dict, actor: str, now: datetime) -> Reservation:
    def attempt():
        with transaction():
            chosen = slot_service.load_cases(document["case_refs"], now)
            expired: list[tuple[int, int]] = []
            offer, _ = _offer(
                chosen,
                document["reviewer_id"],
                utc(document["start"]),
                document["time_zone"],
                now,
                chosen.state_rules,
                expired,
            )
            _sweep_expired_holds(
                document["reviewer_id"], offer.slot.start, offer.slot.end, now, expired
            )
            minutes = current_app.config["P2P_HOLD_MINUTES"]
            held = Reservation(
                reviewer_id=document["reviewer_id"],
                start_at=offer.slot.start,
                end_at=offer.slot.end,
                kind="hold",
                expires_at=now + timedelta(minutes=minutes),
                case_refs=list(document["case_refs"]),
                time_zone=document["time_zone"],
                holder=actor,
                created_at=now,
            )
            db.session.add(held)
            db.session.flush()
            return held

    return _taking_time(attempt)


def release_hold(hold_id: int, actor: str, now: datetime) -> None:
    with transaction():
        held = db.session.get(Reservation, hold_id) if 0 < hold_id <= MAX_ID else None
        if held is None or held.kind != "hold" or held.holder != actor:
            raise NotFound(f"No hold {hold_id}.")
        db.session.delete(held)


def sweep_expired_holds(now: datetime) -> int:
    """Delete every expired hold (a job; they already stopped taking time when they expired)."""
    with transaction():
        result = db.session.execute(
            delete(Reservation).where(Reservation.kind == "hold", Reservation.expires_at <= now)
        )
    return result.rowcount or 0


# Case updates ----------------------------------------------------------------------------------


def reconcile_case(case: Case, actor: str, now: datetime) -> None:
    """A case behind upcoming appointments changed (appeal filed, decision changed,
    withdrawn): recompute its outcome at each appointment's time; a case that became
    unavailable leaves the appointment, and an appointment left with no case is cancelled.
    Runs inside the caller's transaction."""
    links = db.session.scalars(
        select(AppointmentCase)
        .join(Appointment)
        .where(
            AppointmentCase.case_id == case.id,
            AppointmentCase.removed_at.is_(None),
            Appointment.status == "scheduled",
            Appointment.end_at > now,
        )
    ).all()
    if not links:
        return
    policy = policies.to_domain(policies.get_policy(case.health_plan, case.line_of_business))
    for link in links:
        appointment = db.session.get(Appointment, link.appointment_id)
        outcome = eligibility.decide(facts(case), policy, appointment.start_at)
        if (outcome.outcome, outcome.level_of_review) == (link.outcome, link.level_of_review):
            continue
        before = snapshot(appointment)
        if outcome.outcome == UNAVAILABLE:
            link.removed_at, link.removed_reason = now, outcome.message
            if all(other.removed_at is not None for other in appointment.cases):
                _cancel(
                    appointment,
                    f"Case {case.case_ref} no longer allows a P2P: {outcome.message}",
                    actor,
                    now,
                )
                continue
            appointment.sequence += 1
            appointment.updated_at = now
            db.session.flush()
            record(appointment, "case_removed", actor, now, before)
            _notify(appointment, "case_removed", now)
        else:
            # The calendar entry says the level of review: a new SEQUENCE, and both sides told
            # (a call that became consultative only is not what the provider booked).
            link.outcome, link.level_of_review = outcome.outcome, outcome.level_of_review
            appointment.sequence += 1
            appointment.updated_at = now
            db.session.flush()
            record(appointment, "case_updated", actor, now, before)
            _notify(appointment, "case_updated", now)
