"""The demo's appointments, so that the medical director's week and the provider's My P2P
Requests are not empty: a few calls booked with one medical director through the same
use cases as the API (the slot search, then a booking), and the sign-in links that open
the demo as its provider and as that medical director.

Booked once: a demo loaded again keeps the calls already booked (`--reset` starts over).
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from p2p import slots
from p2p.context import scheduling
from p2p.errors import P2PError
from p2p.extensions import db
from p2p.models import Appointment, AppointmentCase, Case
from p2p.schemas.appointments import BookingSchema
from p2p.services import search
from p2p.services.appointments import booking
from p2p.services.callers import Caller
from p2p.time_zones import local_date
from p2p.vocabulary import SCHEDULED

DEMO = Caller("demo")
# The demo's provider (the ordering provider of the demo cases) and a colleague.
PROVIDER = {"npi": "1234567893", "name": "Dr. Jane Doe", "email": "jane.doe@clinic.example.org"}
COLLEAGUE = {"npi": "1245319599", "name": "Dr. Raj Shah", "email": "raj.shah@clinic.example.org"}
PROVIDER_ZONE = "America/New_York"
# The case the provider's link opens with, and the one to add by hand (a Texas member).
OPENS_WITH = "DEMO-MEDICAID-OPEN"
# The calls booked with the demo medical director: (case, provider, which of the
# reviewer's free times to take, counted from the first).
CALLS = (
    ("DEMO-MEDICARE", PROVIDER, 1),
    ("DEMO-PENDED-INFO-IN", COLLEAGUE, 6),
    ("DEMO-APPEAL-FILED", PROVIDER, 14),
)


def demo_reviewer_id(now: datetime) -> str | None:
    """The demo's medical director: the reviewer of the demo's calls when they are booked
    (a demo loaded again keeps its medical director), else the first reviewer offered for
    the first call's case."""
    booked = db.session.scalar(
        select(Appointment.reviewer_id)
        .where(Appointment.created_by == DEMO.name, Appointment.status == SCHEDULED)
        .order_by(Appointment.created_at)
        .limit(1)
    )
    if booked is not None:
        return booked
    result = _search(CALLS[0][0], now)
    for group in result.groups:
        for offered in group.reviewers:
            if offered.slots:
                return offered.reviewer.reviewer_id
    return None


def book_demo_calls(reviewer_id: str, now: datetime) -> list[str]:
    """Book the demo's calls with this reviewer (those not booked yet); lines to print."""
    lines = []
    for case_ref, provider, nth in CALLS:
        if _booked(case_ref):
            continue
        start = _nth_free_time(case_ref, reviewer_id, nth, now)
        if start is None:
            lines.append(f"  (no time with {reviewer_id} for {case_ref}: not booked)")
            continue
        try:
            appointment, _ = booking.book(
                BookingSchema().load(_body(case_ref, provider, reviewer_id, start)),
                DEMO,
                now,
                scheduling(),
            )
        except P2PError as error:
            lines.append(f"  ({case_ref} not booked: {error.message})")
            continue
        lines.append(f"  {case_ref:<22} {slots.slot_label(appointment.start, PROVIDER_ZONE)}")
    return lines


def _search(case_ref: str, now: datetime, weeks_ahead: int = 0) -> slots.WeekResult:
    week = local_date(now, PROVIDER_ZONE) + timedelta(weeks=weeks_ahead)
    return search.search(
        [case_ref], slots.Preferences(PROVIDER_ZONE), week, now, scheduling(), DEMO
    )


def _nth_free_time(case_ref: str, reviewer_id: str, nth: int, now: datetime):
    starts = []
    for weeks_ahead in range(3):
        for group in _search(case_ref, now, weeks_ahead).groups:
            for offered in group.reviewers:
                if offered.reviewer.reviewer_id == reviewer_id:
                    starts.extend(slot.start for slot in offered.slots)
        if len(starts) > nth:
            return starts[nth]
    return starts[-1] if starts else None


def _booked(case_ref: str) -> bool:
    return (
        db.session.scalar(
            select(Appointment.id)
            .join(AppointmentCase, AppointmentCase.appointment_id == Appointment.id)
            .join(Case, Case.id == AppointmentCase.case_id)
            .where(Case.case_ref == case_ref, Appointment.status == SCHEDULED)
            .limit(1)
        )
        is not None
    )


def _body(case_ref: str, provider: dict, reviewer_id: str, start: datetime) -> dict:
    first, last = provider["name"].removeprefix("Dr. ").split(" ", 1)
    return {
        "case_refs": [case_ref],
        "reviewer_id": reviewer_id,
        "start": start.isoformat(),
        "time_zone": PROVIDER_ZONE,
        "requesting_provider": provider,
        "contact": {
            "name": "Maria Lopez",
            "location": "Provider Office",
            "phone": "(555) 201-0147",
            "phone_ext": "12",
            "instructions": f"Select option 4, ask for Dr. {last}",
        },
        "performer": {"kind": "requesting_provider", "name": provider["name"], "credential": "MD"},
        "call_notes": {"alt_rec_declined": case_ref.endswith("MEDICARE")},
    }
