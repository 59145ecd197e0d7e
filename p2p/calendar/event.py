"""One appointment as a calendar entry: what its invitation and the reviewer's feed say.

Only case references and levels of review go in: the member's name and date of birth are
patient data, and the appointment value (`p2p.appointments.values`) does not even carry
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from p2p.appointments import call_details
from p2p.appointments.values import Appointment, CaseInCall, ReviewerSummary
from p2p.vocabulary import CANCELLED

UID_DOMAIN = "p2p-scheduler"


# (display name, email or None)
Participant = tuple[str, str | None]


@dataclass(frozen=True)
class CalendarEvent:
    """An appointment as one VEVENT. `start`, `end` and `dtstamp` are aware instants;
    `time_zone` is the IANA zone whose wall clock DTSTART/DTEND are written in."""

    uid: str
    sequence: int
    cancelled: bool
    start: datetime
    end: datetime
    time_zone: str
    summary: str
    description: str
    organizer: Participant
    attendees: tuple[Participant, ...]
    dtstamp: datetime
    url: str | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end", "dtstamp"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} must be an aware datetime, not {value!r}")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from error


def event_uid(appointment_id: str) -> str:
    """The UID of an appointment's event: the same for its whole life, so that every
    reschedule and the cancellation update the one entry in each calendar."""
    return f"{appointment_id}@{UID_DOMAIN}"


def appointment_event(
    appointment: Appointment,
    *,
    time_zone: str,
    dtstamp: datetime,
    organizer: Participant | None = None,
    url: str | None = None,
) -> CalendarEvent:
    """The calendar entry of an appointment. The reviewer organizes unless `organizer` is
    given; the requesting provider and the reviewer attend."""
    reviewer = appointment.reviewer
    reviewer_participant = (_reviewer_name(reviewer), reviewer.email or None)
    provider = appointment.requesting_provider
    cancelled = appointment.status == CANCELLED
    return CalendarEvent(
        uid=event_uid(appointment.id),
        sequence=appointment.sequence,
        cancelled=cancelled,
        start=appointment.start,
        end=appointment.end,
        time_zone=time_zone,
        summary=_summary(appointment.in_call, cancelled),
        description=_description(appointment, reviewer_participant[0]),
        organizer=organizer or reviewer_participant,
        attendees=((provider.name, provider.email or None), reviewer_participant),
        dtstamp=dtstamp,
        url=url,
    )


def _reviewer_name(reviewer: ReviewerSummary) -> str:
    return f"{reviewer.name}, {reviewer.credentials}" if reviewer.credentials else reviewer.name


def _case_label(case: CaseInCall) -> str:
    ref = case.case_ref
    return f"{ref} ({case.level_of_review})" if case.level_of_review else ref


def _summary(cases: Sequence[CaseInCall], cancelled: bool) -> str:
    levels = {case.level_of_review for case in cases}
    if len(levels) == 1 and None not in levels:
        what = f"{', '.join(case.case_ref for case in cases)} ({levels.pop()})"
    else:
        what = ", ".join(_case_label(case) for case in cases)
    # Some subscribed calendars ignore STATUS:CANCELLED; the title says it too.
    return f"{'Cancelled: ' if cancelled else ''}P2P consultation: {what}"


def _description(appointment: Appointment, reviewer_name: str) -> str:
    lines = [f"Peer-to-peer consultation with {reviewer_name}."]
    lines += call_details.contact_lines(appointment.contact, appointment.performer)
    lines.append(f"Requesting provider: {appointment.requesting_provider.name}")
    lines.append("Cases: " + "; ".join(_case_label(case) for case in appointment.in_call))
    removed = [case for case in appointment.cases if case.removed]
    if removed and len(removed) < len(appointment.cases):
        refs = ", ".join(case.case_ref for case in removed)
        lines.append(f"Removed from this consultation: {refs}")
    return "\n".join(lines)
