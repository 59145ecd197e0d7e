"""Recording a call's outcome (API.md, Call outcomes): held, with a decision per case, or
missed by one side. Once per call, from its start. The audit trail keeps it with when the
P2P was offered (its booking) and held (TX 28 TAC 19.1710).

A miss emails the provider at once, with the latest moment each case stays outcome-changing
and a sign-in link (used by a POST, like every emailed link) that opens the rebooking of the
same appointment; `link_for` makes the link's URL from its token (the edges know the
service's address).
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from p2p import notifications
from p2p.appointments import states
from p2p.appointments.requests import OutcomeRequest
from p2p.appointments.values import Appointment
from p2p.database import retrying, transaction
from p2p.errors import Conflict, ValidationFailed
from p2p.services import sign_in
from p2p.services.appointments import records
from p2p.services.appointments.changes import locked
from p2p.services.callers import Caller
from p2p.vocabulary import (
    CONSULTATIVE_ONLY,
    DECISIONS,
    HELD,
    MISSED,
    NO_CHANGE_POSSIBLE,
)

# How long a missed call's rebooking link works: a week, or until the last case's
# deadline when that is later.
REBOOKING_LINK = timedelta(days=7)


def record_outcome(
    appointment_id: str,
    request: OutcomeRequest,
    caller: Caller,
    now: datetime,
    link_for: Callable[[str], str],
) -> Appointment:
    def attempt() -> Appointment:
        with transaction():
            row = locked(appointment_id, caller)
            refused = states.outcome_refusal(
                row.status, row.outcome_recorded_at, row.start_at, now
            )
            if refused and states.recordable(row.status) and row.outcome_recorded_at is None:
                raise ValidationFailed.on("result", refused)  # not yet: the call's start
            if refused:
                raise Conflict(refused)
            active = [link for link in row.cases if link.removed_at is None]
            decisions = _decisions(request, active)
            before = records.snapshot(row)
            records.transition(row, states.RECORD[request.result])
            for link in active:
                link.decision = decisions.get(link.case.case_ref)
            row.outcome_result, row.outcome_note = request.result, request.note
            row.outcome_recorded_at, row.outcome_recorded_by = now, caller.name
            appointment = records.changed(
                row, records.OUTCOME_RECORDED, caller.name, now, before, email=None,
                new_sequence=False,
            )
            if request.result in MISSED:
                _email_rebooking(row, appointment, request.result, now, link_for)
            return appointment

    return retrying(attempt)


def _decisions(request: OutcomeRequest, active: list) -> dict[str, str]:
    """The decision of each case, checked against the call (a held call decides every case;
    a miss decides none; `no_change_possible` is the only decision of a case that was
    consultative only at the call, and only for it)."""
    given = dict(request.decisions)
    if len(given) != len(request.decisions):
        raise ValidationFailed.on("cases", "A case appears twice.")
    refs = {link.case.case_ref: link for link in active}
    if unknown := sorted(set(given) - set(refs)):
        raise ValidationFailed.on("cases", f"Not a case of this call: {', '.join(unknown)}.")
    if request.result != HELD:
        if given:
            raise ValidationFailed.on("cases", "A missed call decides no case.")
        return {}
    if missing := [ref for ref in refs if ref not in given]:
        raise ValidationFailed.on("cases", f"A decision is needed for {', '.join(missing)}.")
    for ref, decision in given.items():
        if decision not in DECISIONS:
            raise ValidationFailed.on("cases", f"Not a decision: {decision!r}.")
        consultative = refs[ref].outcome == CONSULTATIVE_ONLY
        if consultative and decision != NO_CHANGE_POSSIBLE:
            raise ValidationFailed.on(
                "cases",
                f"Case {ref} was consultative only at the call: its decision could not "
                "change (no_change_possible).",
            )
        if not consultative and decision == NO_CHANGE_POSSIBLE:
            raise ValidationFailed.on(
                "cases",
                f"Case {ref} was outcome-changing at the call: upheld, overturned or "
                "partially_overturned.",
            )
    return given


def _email_rebooking(row, appointment: Appointment, result: str, now: datetime,
                     link_for: Callable[[str], str]) -> None:
    deadlines = [case.valid_until for case in appointment.in_call if case.valid_until]
    lifetime = max([REBOOKING_LINK, *[deadline - now for deadline in deadlines]])
    token = sign_in.rebooking_link(row, now, lifetime)
    subject, body = notifications.missed_call_email(
        appointment, result, link_for(token), now + lifetime, now
    )
    recipient = appointment.requesting_provider.email
    notifications.enqueue_message(
        f"{appointment.id}:{appointment.sequence}:missed:{recipient}",
        "missed", recipient, subject, body, now, appointment_id=appointment.id,
    )
