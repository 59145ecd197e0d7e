"""What every change to an appointment goes through, in the change's own transaction: the
status machine's say (`transition`), then the ceremony (`changed`): a new SEQUENCE when the
calendar entry changes (RFC 5546), `updated_at`, the audit event (the appointment before and
after, case references only), and the emails with the calendar file through the outbox.
Also the appointment row as the domain's plain value (`value_of`).
"""

from dataclasses import fields
from datetime import date, datetime

from p2p import calendar, notifications
from p2p.appointments import states
from p2p.appointments.values import (
    Appointment,
    CallNotes,
    CallOutcome,
    CaseInCall,
    Contact,
    Performer,
    RequestingProvider,
    ReviewerSummary,
)
from p2p.errors import Conflict
from p2p.extensions import db
from p2p.models import Appointment as AppointmentRow
from p2p.models import AppointmentEvent
from p2p.timestamps import utc
from p2p.vocabulary import CANCELLED

# Audit actions.
CREATED = "created"
RESCHEDULED = "rescheduled"
CANCELLED_ACTION = "cancelled"
CASE_REMOVED = "case_removed"
CASE_UPDATED = "case_updated"
COMPLETED_ACTION = "completed"
NOTES_UPDATED = "call_notes_updated"
OUTCOME_RECORDED = "outcome_recorded"

# Emails that carry the calendar file of the new state; reminders do not.
WITH_CALENDAR = {"booked", "rescheduled", "cancelled", "case_removed", "case_updated"}


def set_call_facts(link, reviewer, at_call, at_booking) -> None:
    """Fix a case's facts for this call, when it is booked or moved: its eligibility at the
    call's start (`at_call`); the outcome-changing window the case had when the call was
    booked or moved (`at_booking`: a call put after it was not held before the deadline);
    and whether the reviewer is of its specialty and licensed in its member's state (what
    the operations report counts)."""
    link.outcome, link.level_of_review = at_call.outcome, at_call.level_of_review
    link.valid_until = at_booking.valid_until
    link.same_specialty = link.case.specialty in reviewer.specialties
    link.in_state = link.case.member_state in reviewer.licensed_states


def require_allowed(row: AppointmentRow, action: str) -> str:
    """The status `action` leads to from the row's, or 409 `conflict` saying why not."""
    status = states.next_status(row.status, action)
    if status is None:
        raise Conflict(states.refusal(row.status, action))
    return status


def transition(row: AppointmentRow, action: str) -> None:
    """Move the row's status as the machine says, or refuse with 409 `conflict`."""
    row.status = require_allowed(row, action)


def changed(
    row: AppointmentRow,
    action: str,
    actor: str,
    now: datetime,
    before: dict | None,
    *,
    email: str | None,
    new_sequence: bool = True,
) -> Appointment:
    """The ceremony of one change (see the module): returns the appointment as it is now."""
    if new_sequence:
        row.sequence += 1
    row.updated_at = now
    db.session.flush()
    db.session.add(
        AppointmentEvent(
            appointment_id=row.id,
            action=action,
            actor=actor,
            at=now,
            before=before,
            after=snapshot(row),
        )
    )
    appointment = value_of(row)
    if email is not None:
        send(appointment, email, now)
    return appointment


def send(appointment: Appointment, kind: str, now: datetime) -> None:
    """Queue the `kind` emails to both sides in the caller's transaction, with the calendar
    file of the appointment's state when it changes the calendar entry."""
    ics = method = None
    if kind in WITH_CALENDAR:
        ics = appointment_ics(appointment, now).decode("utf-8")
        method = "CANCEL" if appointment.status == CANCELLED else "REQUEST"
    notifications.enqueue_appointment_emails(appointment, kind, now, ics=ics, ics_method=method)


def appointment_ics(
    appointment: Appointment, now: datetime, time_zone: str | None = None
) -> bytes:
    event = calendar.appointment_event(
        appointment, time_zone=time_zone or appointment.time_zone, dtstamp=now
    )
    return calendar.appointment_calendar(event)


def snapshot(row: AppointmentRow) -> dict:
    """The audit trail's picture of an appointment: no member data, case references only."""
    return {
        "status": row.status,
        "reviewer_id": row.reviewer_id,
        "start": utc(row.start_at).isoformat(),
        "end": utc(row.end_at).isoformat(),
        "time_zone": row.time_zone,
        "sequence": row.sequence,
        "cases": [
            {
                "case_ref": link.case.case_ref,
                "outcome": link.outcome,
                "level_of_review": link.level_of_review,
                "removed": link.removed_at is not None,
                **({"decision": link.decision} if link.decision else {}),
            }
            for link in row.cases
        ],
        "cancel_reason": row.cancel_reason,
        **(
            {"outcome": row.outcome_result, "outcome_note": row.outcome_note}
            if row.outcome_result else {}
        ),
    }


# Rows <-> values -------------------------------------------------------------------------------


def value_of(row: AppointmentRow) -> Appointment:
    reviewer = row.reviewer
    return Appointment(
        id=row.id,
        status=row.status,
        start=row.start_at,
        end=row.end_at,
        time_zone=row.time_zone,
        sequence=row.sequence,
        reviewer=ReviewerSummary(
            reviewer.reviewer_id,
            reviewer.name,
            reviewer.credentials,
            reviewer.time_zone,
            reviewer.email,
        ),
        cases=tuple(
            CaseInCall(
                case_ref=link.case.case_ref,
                outcome=link.outcome,
                level_of_review=link.level_of_review,
                removed=link.removed_at is not None,
                removed_reason=link.removed_reason,
                decision=link.decision,
                valid_until=link.valid_until,
            )
            for link in row.cases
        ),
        requesting_provider=RequestingProvider(
            row.requesting_provider_npi,
            row.requesting_provider_name,
            row.requesting_provider_email,
        ),
        contact=_known(Contact, row.contact),
        performer=_known(Performer, row.performer),
        call_notes=call_notes_of(row.call_notes),
        acknowledge_consultative_only=row.acknowledge_consultative_only,
        cancel_reason=row.cancel_reason,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        outcome=CallOutcome(
            row.outcome_result, row.outcome_note, row.outcome_recorded_at,
            row.outcome_recorded_by,
        ) if row.outcome_result else None,
    )


def _known(value_type, stored: dict | None):
    names = {field.name for field in fields(value_type)}
    return value_type(**{key: value for key, value in (stored or {}).items() if key in names})


def call_notes_of(stored: dict | None) -> CallNotes:
    notes = _known(CallNotes, stored)
    if isinstance(notes.procedure_performed_on, str):
        notes = CallNotes(
            **{
                **stored_notes(notes),
                "procedure_performed_on": date.fromisoformat(notes.procedure_performed_on),
            }
        )
    return notes


def stored_notes(notes: CallNotes) -> dict:
    """Call notes as the JSON column keeps them (the date as YYYY-MM-DD)."""
    document = {field.name: getattr(notes, field.name) for field in fields(notes)}
    if isinstance(document["procedure_performed_on"], date):
        document["procedure_performed_on"] = document["procedure_performed_on"].isoformat()
    return document
