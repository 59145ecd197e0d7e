"""The demo's past: eight weeks of calls with their outcomes, so that the operations report
and the medical director's last week show something on the first run, and one call of
yesterday with no outcome yet, for the demo's medical director to record (a missed call
then emails the demo provider a link that rebooks it before the case's deadline).

Written as rows, not through the booking use case: nobody can book the past. Each row is
what the use cases would have left: the call's facts for the report, its outcome, and the
audit trail's "created" and "outcome recorded". Loaded once (a reload keeps it).
"""

import random
import uuid
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from p2p import eligibility
from p2p.demo.appointments import COLLEAGUE, PROVIDER, PROVIDER_ZONE
from p2p.demo.cases import EASTERN
from p2p.extensions import db
from p2p.models import Appointment, AppointmentCase, AppointmentEvent, Case, Reviewer
from p2p.services import policies
from p2p.services.appointments import records
from p2p.services.scheduling import facts
from p2p.slots import DAY_NAMES
from p2p.time_zones import zone
from p2p.vocabulary import (
    CONSULTATIVE_ONLY,
    NO_CHANGE_POSSIBLE,
    OUTCOME_CHANGING,
    OVERTURNED,
    PARTIALLY_OVERTURNED,
    UNAVAILABLE,
    UPHELD,
)

WEEKS = 8
CALLS_PER_WEEK = 24
CREATED_BY = "demo history"
# Yesterday's call with no outcome yet: its case is still outcome-changing for a week.
OPEN_CASE = "DEMO-COMMERCIAL-OPEN"


def load_history(reviewer_id: str, now: datetime) -> list[str]:
    if db.session.scalar(
        select(func.count()).select_from(Appointment).where(Appointment.created_by == CREATED_BY)
    ):
        return ["  (loaded before)"]
    rng = random.Random(2026)
    cases = [
        case for case in db.session.scalars(select(Case).where(Case.case_ref.like("DEMO-%")))
        if case.determination_at is not None and case.status != "pended"
    ]
    reviewers = db.session.scalars(select(Reviewer).where(Reviewer.active.is_(True))).all()
    demo_reviewer = db.session.get(Reviewer, reviewer_id)
    today = now.astimezone(EASTERN).date()
    made = 0
    for weeks_ago in range(WEEKS, 0, -1):
        monday = today - timedelta(days=today.weekday(), weeks=weeks_ago)
        for n in range(CALLS_PER_WEEK):
            day = monday + timedelta(days=n % 5)
            template = rng.choice(cases)
            trained = [r for r in reviewers if template.case_type in r.case_types]
            # The demo's medical director has three calls a week.
            reviewer = demo_reviewer if n % 8 == 0 and template.case_type in \
                demo_reviewer.case_types else rng.choice(trained or reviewers)
            start = _in_hours(reviewer, day, n)
            case = _past_case(template, made, start, rng)
            roll = rng.random()
            status = ("cancelled" if roll < 0.08 else "provider_not_reached" if roll < 0.15
                      else "reviewer_unavailable" if roll < 0.18 else "completed")
            _call(case, reviewer, start, status, rng, now, rng.random() < 0.5)
            made += 1
    # Yesterday, 2 pm New York: a call still waiting for its outcome.
    yesterday = today - timedelta(days=1)
    open_case = db.session.scalar(select(Case).where(Case.case_ref == OPEN_CASE))
    start = EASTERN.localize(datetime(yesterday.year, yesterday.month, yesterday.day, 14))  # noqa: DTZ001
    _call(open_case, demo_reviewer, start, "completed", rng, now, True, outcome=False)
    db.session.flush()
    return [f"  {made} past calls over {WEEKS} weeks, with outcomes; one of yesterday "
            f"({OPEN_CASE}, with {demo_reviewer.name}) waits for its outcome"]


def _in_hours(reviewer: Reviewer, day, n: int) -> datetime:
    """A start on `day` inside one of the reviewer's working blocks, in their own zone (9:00
    New York when they do not work that day: a call booked before their hours changed)."""
    blocks = reviewer.weekly_hours.get(DAY_NAMES[day.weekday()]) or []
    if not blocks:
        return EASTERN.localize(datetime(day.year, day.month, day.day, 9))  # noqa: DTZ001
    first, last = blocks[n % len(blocks)]
    opens = datetime.combine(day, time.fromisoformat(first))
    closes = datetime.combine(day, time.fromisoformat(last))
    quarters = max(1, int((closes - opens).total_seconds() // 900))  # 15-minute calls
    return zone(reviewer.time_zone).localize(opens + timedelta(minutes=15 * ((n * 7) % quarters)))


def _past_case(template: Case, n: int, start: datetime, rng) -> Case:
    """A case of the past like `template`, determined a day to four before its call (the
    demo's own cases are of today: their determinations are recent)."""
    columns = {column.key: getattr(template, column.key) for column in Case.__table__.columns
               if column.key not in ("id", "case_ref", "episode_id", "member_name",
                                     "member_id", "determination_at", "info_due_at")}
    ref = f"PAST-{n + 1:03d}"
    case = Case(**columns, case_ref=f"DEMO-{ref}", episode_id=f"E-{ref}",
                member_name=f"Demo Member {ref}", member_id=f"M-{ref}",
                determination_at=start - timedelta(hours=rng.randint(20, 100)),
                info_due_at=None)
    db.session.add(case)
    db.session.flush()
    return case


def _call(case, reviewer, start, status, rng, now, ours: bool, outcome: bool = True):
    policy = policies.to_domain(policies.get_policy(case.health_plan, case.line_of_business))
    at_call = eligibility.decide(facts(case), policy, start)
    if at_call.outcome == UNAVAILABLE:
        return
    booked_at = start - timedelta(days=rng.randint(1, 4))
    at_booking = eligibility.decide(facts(case), policy, booked_at)
    provider = PROVIDER if ours else COLLEAGUE
    row = Appointment(
        id=uuid.uuid4().hex,
        reviewer=reviewer,
        status=status,
        start_at=start,
        end_at=start + timedelta(minutes=15),
        time_zone=PROVIDER_ZONE,
        sequence=0,
        requesting_provider_npi=provider["npi"],
        requesting_provider_name=provider["name"],
        requesting_provider_email=provider["email"],
        contact={"name": "Maria Lopez", "location": "Provider Office",
                 "phone": "(555) 201-0147", "instructions": ""},
        performer={"kind": "requesting_provider", "name": provider["name"], "credential": "MD"},
        call_notes={},
        acknowledge_consultative_only=at_call.outcome == CONSULTATIVE_ONLY,
        cancel_reason="Resolved by phone" if status == "cancelled" else None,
        created_by=CREATED_BY,
        created_at=booked_at,
        updated_at=start,
    )
    link = AppointmentCase(case=case, position=0)
    records.set_call_facts(link, reviewer, at_call, at_booking)
    row.cases.append(link)
    db.session.add(row)
    db.session.flush()
    db.session.add(AppointmentEvent(appointment_id=row.id, action=records.CREATED,
                                    actor=CREATED_BY, at=booked_at, before=None,
                                    after=records.snapshot(row)))
    if status != "cancelled" and outcome:
        result = "held" if status == "completed" else status
        if result == "held":
            link.decision = (NO_CHANGE_POSSIBLE if link.outcome != OUTCOME_CHANGING else
                             rng.choice((UPHELD, UPHELD, OVERTURNED, PARTIALLY_OVERTURNED)))
        row.outcome_result, row.outcome_recorded_at = result, start + timedelta(minutes=20)
        row.outcome_recorded_by = f"reviewer {reviewer.reviewer_id}"
        db.session.add(AppointmentEvent(appointment_id=row.id, action=records.OUTCOME_RECORDED,
                                        actor=row.outcome_recorded_by,
                                        at=row.outcome_recorded_at, before=None,
                                        after=records.snapshot(row)))
