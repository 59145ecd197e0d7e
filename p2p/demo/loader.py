"""Loading the demo: the shipped policies, the demo cases, about 300 reviewers with time
off, and API keys to try the API with. Through the same schemas and use cases as the API:
the demo data is valid input by construction."""

from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select

from p2p.context import scheduling, sign_in_url
from p2p.database import transaction
from p2p.demo import appointments as demo_calls
from p2p.demo.cases import DEMO_PREFIX, EASTERN, demo_cases
from p2p.demo.history import load_history
from p2p.demo.reviewers import demo_reviewers, demo_time_off
from p2p.extensions import db
from p2p.models import (
    ApiKey,
    Appointment,
    AppointmentCase,
    Case,
    Hold,
    LookupLock,
    OutboxMessage,
    Reservation,
    SignInLink,
    TimeOff,
    WaitlistEntry,
    WebSession,
)
from p2p.schemas.cases import CaseSchema
from p2p.schemas.policy_file import DEFAULT_POLICY_FILE, read_policy_file
from p2p.schemas.reviewers import ReviewerSchema
from p2p.services import api_keys, cases, policies, reviewers, sign_in

DEMO_KEYS = (("demo-portal", "portal"), ("demo-admin", "admin"))
DEMO_CALLER = demo_calls.DEMO.name  # who issued the demo's sign-in links


def load(now: datetime, reset: bool = False) -> str:
    """Load everything; return a summary to print (keys included: demo only)."""
    counts = policies.load_policy_file(read_policy_file(DEFAULT_POLICY_FILE), now)
    if reset:
        with transaction():
            _wipe_demo_cases()
    lines = [
        f"Policies: {counts['policies_created'] + counts['policies_updated']} loaded.",
        "Demo cases (reference, member DOB, outcome now):",
    ]
    for case_ref, body in demo_cases(now):
        stored, _ = cases.put_case(case_ref, CaseSchema().load(body), now)
        availability = stored["p2p"]
        lines.append(
            f"  {case_ref:<22} DOB {stored['member']['dob']}  {availability['outcome']:<17} "
            f"{availability['level_of_review'] or '-'}"
        )
    people = [(rid, ReviewerSchema().load(body)) for rid, body in demo_reviewers()]
    reviewers.import_reviewers(people, now, scheduling())
    with transaction():
        # Time off is generated afresh from today, so a demo loaded again stays current.
        ids = [reviewer_id for reviewer_id, _ in people]
        db.session.execute(delete(TimeOff).where(TimeOff.reviewer_id.in_(ids)))
        for reviewer_id, start, end, reason in demo_time_off(
            people, now.astimezone(EASTERN).date()
        ):
            db.session.add(
                TimeOff(
                    reviewer_id=reviewer_id,
                    start_at=start,
                    end_at=end,
                    reason=reason,
                    created_at=now,
                )
            )
    lines.append(f"Reviewers: {len(people)} medical directors with weekly hours and time off.")
    with transaction():
        db.session.execute(delete(ApiKey).where(ApiKey.name.in_([n for n, _ in DEMO_KEYS])))
    for name, role in DEMO_KEYS:
        lines.append(f"API key {name} ({role}): {api_keys.create_api_key(name, role, now)}")
    lines.extend(_calls_and_links(now))
    return "\n".join(lines)


def _calls_and_links(now: datetime) -> list[str]:
    reviewer_id = demo_calls.demo_reviewer_id(now)
    if reviewer_id is None:
        return ["No reviewer is free for the demo's calls: none booked."]
    reviewer = reviewers.reviewer_details(reviewer_id)
    lines = [f"Calls with the demo's medical director, {reviewer['name']} ({reviewer_id}):"]
    lines += demo_calls.book_demo_calls(reviewer_id, now) or ["  (booked before)"]
    with transaction():
        lines += ["The past:", *load_history(reviewer_id, now)]
    provider = demo_calls.PROVIDER
    caller = demo_calls.DEMO
    provider_url = sign_in_url(
        sign_in.provider_link(
            provider["npi"], provider["name"], provider["email"], [demo_calls.OPENS_WITH],
            caller, now,
        )
    )
    reviewer_url = sign_in_url(sign_in.reviewer_link(reviewer_id, caller, now))
    staff_url = sign_in_url(sign_in.staff_link("Demo operations", caller, now))
    case_option = f"--case {demo_calls.OPENS_WITH}"
    # The links name the service's address: the one it was started on (make run's PORT).
    base_url = current_app.config.get("P2P_BASE_URL")
    flask = (f"P2P_BASE_URL={base_url} " if base_url else "") + ".venv/bin/flask --app wsgi p2p"
    return lines + [
        "",
        "Open the pages (each link works once, within 10 minutes):",
        f"  as the provider, {provider['name']}:  {provider_url}",
        f"  as the medical director, {reviewer['name']}:  {reviewer_url}",
        f"  as staff, the operations report:  {staff_url}",
        "New links (from the project's folder, while it runs):",
        f"  {flask} sign-in-link provider --npi {provider['npi']} "
        f"--name '{provider['name']}' --email {provider['email']} {case_option}",
        f"  {flask} sign-in-link reviewer {reviewer_id}",
        f"  {flask} sign-in-link staff 'Demo operations'",
    ]


def _demo_refs(refs: list | None) -> bool:
    return any(ref.startswith(DEMO_PREFIX) for ref in refs or ())


def _wipe_demo_cases() -> None:
    """The demo cases, and what was booked or held on them: the appointments with their
    history and emails, the time they took; and what people did with them: waitlist
    entries (a stale one would be offered the new cases' times), wrong dates of birth
    counted against their references, sign-in links and sessions opening on them, and
    the demo's own earlier links."""
    for entry in db.session.scalars(select(WaitlistEntry)):
        if _demo_refs(entry.case_refs):
            db.session.delete(entry)  # its offers with it
    db.session.execute(delete(LookupLock).where(LookupLock.case_ref.like(DEMO_PREFIX + "%")))
    for model in (SignInLink, WebSession):
        for row in db.session.scalars(select(model)):
            if _demo_refs(row.case_refs) or getattr(row, "issued_by", None) == DEMO_CALLER:
                db.session.delete(row)
    db.session.flush()
    demo_cases_ = select(Case.id).where(Case.case_ref.like(DEMO_PREFIX + "%"))
    booked = db.session.execute(
        select(Appointment.id, Appointment.reservation_id).where(
            Appointment.id.in_(
                select(AppointmentCase.appointment_id).where(
                    AppointmentCase.case_id.in_(demo_cases_)
                )
            )
        )
    ).all()
    ids = [appointment_id for appointment_id, _ in booked]
    reservations = [reservation for _, reservation in booked if reservation]
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.appointment_id.in_(ids)))
    db.session.execute(delete(Appointment).where(Appointment.id.in_(ids)))
    held = [hold for hold in db.session.scalars(select(Hold)) if _demo_refs(hold.case_refs)]
    reservations += [hold.reservation_id for hold in held if hold.reservation_id]
    for hold in held:
        db.session.delete(hold)
    db.session.flush()
    db.session.execute(delete(Reservation).where(Reservation.id.in_(reservations)))
    db.session.execute(delete(Case).where(Case.case_ref.like(DEMO_PREFIX + "%")))
