"""A case behind upcoming appointments changed (an appeal filed, a decision changed, the
case withdrawn): each such appointment learns the case's outcome at its own time.

A case that became unavailable leaves the appointment, and an appointment left with no case
is cancelled; a changed level of review is a new calendar entry (both sides are told: a
call that became consultative only is not what the provider booked).
"""

from datetime import datetime

from sqlalchemy import select

from p2p import eligibility
from p2p.appointments import states
from p2p.extensions import db
from p2p.models import Appointment as AppointmentRow
from p2p.models import AppointmentCase, Case
from p2p.services import policies
from p2p.services.appointments import records
from p2p.services.appointments.changes import cancel_locked
from p2p.services.scheduling import facts
from p2p.vocabulary import SCHEDULED, UNAVAILABLE


def reconcile_case(case: Case, actor: str, now: datetime) -> None:
    """Runs inside the caller's transaction (the case update's)."""
    links = db.session.scalars(
        select(AppointmentCase)
        .join(AppointmentRow)
        .where(
            AppointmentCase.case_id == case.id,
            AppointmentCase.removed_at.is_(None),
            AppointmentRow.status == SCHEDULED,
            AppointmentRow.end_at > now,
        )
    ).all()
    if not links:
        return
    policy = policies.to_domain(policies.get_policy(case.health_plan, case.line_of_business))
    for link in links:
        row = db.session.get(AppointmentRow, link.appointment_id)
        outcome = eligibility.decide(facts(case), policy, row.start_at)
        if (outcome.outcome, outcome.level_of_review) == (link.outcome, link.level_of_review):
            continue
        if outcome.outcome == UNAVAILABLE:
            before = records.snapshot(row)
            link.removed_at, link.removed_reason = now, outcome.message
            if all(other.removed_at is not None for other in row.cases):
                cancel_locked(
                    row, f"Case {case.case_ref} no longer allows a P2P: {outcome.message}",
                    actor, now,
                )
                continue
            records.transition(row, states.CHANGE_CASES)
            records.changed(row, records.CASE_REMOVED, actor, now, before, email="case_removed")
        else:
            before = records.snapshot(row)
            records.set_call_facts(
                link, row.reviewer, outcome, eligibility.decide(facts(case), policy, now)
            )
            records.transition(row, states.CHANGE_CASES)
            records.changed(row, records.CASE_UPDATED, actor, now, before, email="case_updated")
