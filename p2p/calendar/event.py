"""One appointment as a calendar entry: what its invitation and the reviewer's feed say.

Only case references and levels of review go in: the member's name and date of birth are
patient data and never reach a calendar file (this module never reads them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from p2p import call_details

if TYPE_CHECKING:  # the ORM model is only read, duck-typed: no database here
    from p2p.models import Appointment

UID_DOMAIN = "p2p-scheduler"
CANCELLED = "cancelled"


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
    """The calendar entry of an appointment (a `p2p.models.Appointment`, or anything with
    its attributes). The reviewer organizes unless `organizer` is given; the requesting
    provider and the reviewer attend."""
    reviewer = appointment.reviewer
    reviewer_participant = (_reviewer_name(reviewer), reviewer.email or None)
    provider = (
        appointment.requesting_provider_name,
        appointment.requesting_provider_email or None,
    )
    cancelled = appointment.status == CANCELLED
    return CalendarEvent(
        uid=event_uid(appointment.id),
        sequence=appointment.sequence,
        cancelled=cancelled,
        start=appointment.start_at,
        end=appointment.end_at,
        time_zone=time_zone,
        summary=_summary(appointment.cases, cancelled),
        description=_description(appointment, reviewer_participant[0]),
        organizer=organizer or reviewer_participant,
        attendees=(provider, reviewer_participant),
        dtstamp=dtstamp,
        url=url,
    )


def _reviewer_name(reviewer: Any) -> str:
    return f"{reviewer.name}, {reviewer.credentials}" if reviewer.credentials else reviewer.name


def _in_call(links: Sequence[Any]) -> list[Any]:
    """The cases still discussed; when a case update took every one out, all of them, so
    that the (then cancelled) entry still says what it was for."""
    return [link for link in links if link.removed_at is None] or list(links)


def _case_label(link: Any) -> str:
    ref = link.case.case_ref
    return f"{ref} ({link.level_of_review})" if link.level_of_review else ref


def _summary(links: Sequence[Any], cancelled: bool) -> str:
    cases = _in_call(links)
    levels = {link.level_of_review for link in cases}
    if len(levels) == 1 and None not in levels:
        what = f"{', '.join(link.case.case_ref for link in cases)} ({levels.pop()})"
    else:
        what = ", ".join(_case_label(link) for link in cases)
    # Some subscribed calendars ignore STATUS:CANCELLED; the title says it too.
    return f"{'Cancelled: ' if cancelled else ''}P2P consultation: {what}"


def _description(appointment: Appointment, reviewer_name: str) -> str:
    lines = [f"Peer-to-peer consultation with {reviewer_name}."]
    lines += call_details.contact_lines(appointment.contact, appointment.performer)
    lines.append(f"Requesting provider: {appointment.requesting_provider_name}")
    cases = _in_call(appointment.cases)
    lines.append("Cases: " + "; ".join(_case_label(link) for link in cases))
    removed = [link for link in appointment.cases if link.removed_at is not None]
    if removed and len(removed) < len(appointment.cases):
        refs = ", ".join(link.case.case_ref for link in removed)
        lines.append(f"Removed from this consultation: {refs}")
    return "\n".join(lines)
