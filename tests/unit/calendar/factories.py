"""Appointment values to write, and two independent readers of the produced files.

Every file is read by icalendar and by vobject; each reader turns it into the same plain
`ParsedCalendar`, so a test can check that both agree and then check the values once.
"""

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import icalendar
import pytz
import vobject

from p2p.appointments.values import (
    Appointment,
    CallNotes,
    CaseInCall,
    Contact,
    Performer,
    RequestingProvider,
    ReviewerSummary,
)
from p2p.calendar import CalendarEvent, appointment_event

STAMP = pytz.utc.localize(datetime(2026, 10, 1, 12, 0))
BOOKED_START = pytz.utc.localize(datetime(2026, 10, 30, 14, 0))  # Fri 30 Oct, 10:00 EDT


def utc(*fields: int) -> datetime:
    return pytz.utc.localize(datetime(*fields))


def link(
    case_ref: str = "A1",
    level_of_review: str | None = "Reconsideration P2P",
    *,
    outcome: str = "outcome_changing",
    removed: bool = False,
) -> CaseInCall:
    return CaseInCall(
        case_ref=case_ref,
        outcome=outcome,
        level_of_review=level_of_review,
        removed=removed,
        removed_reason="Case withdrawn" if removed else None,
    )


def reviewer(email: str | None = "ann.lee@example.org") -> ReviewerSummary:
    return ReviewerSummary(
        reviewer_id="r1",
        name="Dr. Ann Lee",
        credentials="MD",
        time_zone="America/Chicago",
        email=email,
    )


def appointment(
    start: datetime = BOOKED_START,
    *,
    minutes: int = 15,
    status: str = "scheduled",
    sequence: int = 0,
    cases: list | None = None,
    time_zone: str = "America/New_York",
    reviewer_email: str | None = "ann.lee@example.org",
    **fields,
) -> Appointment:
    values = {
        "id": "apt-7f3a",
        "status": status,
        "sequence": sequence,
        "start": start,
        "end": start + timedelta(minutes=minutes),
        "time_zone": time_zone,
        "requesting_provider": RequestingProvider("1234567893", "Dr. Jane Roe", "jroe@example.org"),
        "contact": Contact(
            name="John Smith",
            location="Provider Office",
            phone="(555) 555-5555",
            phone_ext="12345",
            alt_phone="(555) 555-0100",
            alt_phone_ext="7",
            instructions="Select option 4, ask for Dr. Roe; then press #",
        ),
        "performer": Performer("requesting_provider", name="Dr. Jane Roe", credential="MD"),
        "call_notes": CallNotes(),
        "acknowledge_consultative_only": False,
        "cancel_reason": None,
        "created_by": "portal",
        "created_at": STAMP,
        "updated_at": STAMP,
        "reviewer": reviewer(reviewer_email),
        "cases": tuple(cases if cases is not None else [link("A1"), link("A2")]),
    }
    values.update(fields)
    if "cases" in fields:
        values["cases"] = tuple(fields["cases"])
    return Appointment(**values)


def rescheduled(original: Appointment, start: datetime) -> Appointment:
    """What the booking service leaves behind: same id, new time, sequence + 1."""
    length = original.end - original.start
    return replace(original, start=start, end=start + length, sequence=original.sequence + 1)


def cancelled(original: Appointment) -> Appointment:
    return replace(original, status="cancelled", sequence=original.sequence + 1)


def event_of(row: Appointment, time_zone: str | None = None, **options) -> CalendarEvent:
    return appointment_event(row, time_zone=time_zone or row.time_zone, dtstamp=STAMP, **options)


# Reading the files back ----------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedEvent:
    uid: str
    sequence: int
    status: str
    dtstamp: datetime  # UTC
    start: datetime  # UTC
    end: datetime  # UTC
    start_wall: datetime  # naive: the reading written in the file
    end_wall: datetime
    start_tzid: str
    end_tzid: str
    summary: str
    description: str
    organizer: tuple[str, str]  # (CN, address)
    attendees: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ParsedCalendar:
    method: str
    prodid: str
    version: str
    tzids: tuple[str, ...]  # of the VTIMEZONE components, in file order
    events: tuple[ParsedEvent, ...]


def read_with_icalendar(data: bytes) -> ParsedCalendar:
    calendar = icalendar.Calendar.from_ical(data)
    events = []
    for event in calendar.walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        events.append(
            ParsedEvent(
                uid=str(event["UID"]),
                sequence=int(event.decoded("SEQUENCE")),
                status=str(event["STATUS"]),
                dtstamp=event.decoded("DTSTAMP").astimezone(UTC),
                start=start.astimezone(UTC),
                end=end.astimezone(UTC),
                start_wall=start.replace(tzinfo=None),
                end_wall=end.replace(tzinfo=None),
                start_tzid=event["DTSTART"].params["TZID"],
                end_tzid=event["DTEND"].params["TZID"],
                summary=str(event["SUMMARY"]),
                description=str(event["DESCRIPTION"]),
                organizer=(event["ORGANIZER"].params["CN"], str(event["ORGANIZER"])),
                attendees=tuple(
                    (attendee.params["CN"], str(attendee)) for attendee in _listed(event)
                ),
            )
        )
    return ParsedCalendar(
        method=str(calendar["METHOD"]),
        prodid=str(calendar["PRODID"]),
        version=str(calendar["VERSION"]),
        tzids=tuple(str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")),
        events=tuple(events),
    )


def _listed(event: icalendar.Event) -> list:
    attendees = event.get("ATTENDEE", [])
    return attendees if isinstance(attendees, list) else [attendees]


def read_with_vobject(data: bytes) -> ParsedCalendar:
    calendar = vobject.readOne(data.decode("utf-8"))
    events = []
    for event in calendar.contents.get("vevent", []):
        start, end = event.dtstart, event.dtend
        events.append(
            ParsedEvent(
                uid=event.uid.value,
                sequence=int(event.sequence.value),
                status=event.status.value,
                dtstamp=event.dtstamp.value.astimezone(UTC),
                start=start.value.astimezone(UTC),
                end=end.value.astimezone(UTC),
                start_wall=start.value.replace(tzinfo=None),
                end_wall=end.value.replace(tzinfo=None),
                # vobject keeps the TZID it replaced by a tzinfo under this parameter.
                start_tzid=start.params["X-VOBJ-ORIGINAL-TZID"][0],
                end_tzid=end.params["X-VOBJ-ORIGINAL-TZID"][0],
                summary=event.summary.value,
                description=event.description.value,
                organizer=(event.organizer.params["CN"][0], event.organizer.value),
                attendees=tuple(
                    (attendee.params["CN"][0], attendee.value)
                    for attendee in event.contents.get("attendee", [])
                ),
            )
        )
    return ParsedCalendar(
        method=calendar.method.value,
        prodid=calendar.prodid.value,
        version=calendar.version.value,
        tzids=tuple(zone.tzid.value for zone in calendar.contents.get("vtimezone", [])),
        events=tuple(events),
    )


def read_both(data: bytes) -> ParsedCalendar:
    """The file as both parsers read it; they must agree on every field."""
    by_icalendar, by_vobject = read_with_icalendar(data), read_with_vobject(data)
    assert by_icalendar == by_vobject
    return by_icalendar


def with_private_zone_names(data: bytes) -> bytes:
    """The same file with every TZID renamed to a name no zone database knows, so a parser
    can only place the times through the file's own VTIMEZONE components. (vobject keeps
    one process-wide registry of zones by TZID: each call gets fresh names.)"""
    for tzid in read_with_icalendar(data).tzids:
        alias = f"X-Private-{uuid.uuid4().hex}"
        data = data.replace(tzid.encode(), alias.encode())
    return data


def unfolded(data: bytes) -> bytes:
    return data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


def content_lines(data: bytes) -> list[bytes]:
    return unfolded(data).split(b"\r\n")


def vtimezone_tzinfos(data: bytes) -> dict[str, tuple]:
    """Each VTIMEZONE of the file turned into a tzinfo by each parser, by its TZID alone
    (never by looking the name up in a zone database)."""
    by_icalendar = {
        str(zone["TZID"]): zone.to_tz(lookup_tzid=False)
        for zone in icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    }
    calendar = vobject.readOne(data.decode("utf-8"))
    by_vobject = {
        zone.tzid.value: zone.gettzinfo() for zone in calendar.contents.get("vtimezone", [])
    }
    assert by_icalendar.keys() == by_vobject.keys()
    return {tzid: (by_icalendar[tzid], by_vobject[tzid]) for tzid in by_icalendar}
