"""One appointment's `calendar.ics` (API.md, Appointments): REQUEST while it stands,
CANCEL once cancelled, one UID for its whole life, SEQUENCE = the appointment's sequence."""

import re
from dataclasses import fields, replace

from p2p.appointments.values import Appointment, CaseInCall
from p2p.calendar import appointment_calendar

from .factories import (
    STAMP,
    appointment,
    cancelled,
    content_lines,
    event_of,
    read_both,
    rescheduled,
    unfolded,
    utc,
)


def ics(row, **options) -> bytes:
    return appointment_calendar(event_of(row, **options))


def test_a_booking_is_a_request_with_one_confirmed_event():
    calendar = read_both(ics(appointment()))

    assert calendar.method == "REQUEST"
    assert calendar.version == "2.0"
    assert calendar.prodid
    (event,) = calendar.events
    assert event.uid == "apt-7f3a@p2p-scheduler"
    assert event.sequence == 0
    assert event.status == "CONFIRMED"
    assert event.dtstamp == STAMP
    assert (event.start, event.end) == (utc(2026, 10, 30, 14, 0), utc(2026, 10, 30, 14, 15))


def test_dtstart_and_dtend_name_a_zone_the_file_defines():
    data = ics(appointment())
    calendar = read_both(data)

    (event,) = calendar.events
    assert event.start_tzid == event.end_tzid == "America/New_York"
    assert calendar.tzids == ("America/New_York",)
    assert b"DTSTART;TZID=America/New_York:20261030T100000\r\n" in data
    assert b"DTEND;TZID=America/New_York:20261030T101500\r\n" in data
    assert b"DTSTAMP:20261001T120000Z\r\n" in data


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence():
    booked = appointment()
    moved = rescheduled(booked, utc(2026, 11, 4, 15, 30))
    moved_again = rescheduled(moved, utc(2026, 11, 5, 16, 0))

    first, second, third = (read_both(ics(row)).events[0] for row in (booked, moved, moved_again))

    assert first.uid == second.uid == third.uid
    assert (first.sequence, second.sequence, third.sequence) == (0, 1, 2)
    assert second.start == utc(2026, 11, 4, 15, 30)
    assert third.start == utc(2026, 11, 5, 16, 0)
    assert {first.status, second.status, third.status} == {"CONFIRMED"}


def test_a_cancellation_is_a_cancel_with_status_cancelled_and_the_same_uid():
    booked = appointment(sequence=1)
    request = read_both(ics(booked))
    cancel = read_both(ics(cancelled(booked)))

    assert request.method == "REQUEST"
    assert cancel.method == "CANCEL"
    (event,) = cancel.events
    assert event.status == "CANCELLED"
    assert event.uid == request.events[0].uid
    assert event.sequence == 2
    # The cancelled time is still named, with its zone defined.
    assert event.start == utc(2026, 10, 30, 14, 0)
    assert cancel.tzids == (event.start_tzid,)
    assert event.summary.startswith("Cancelled: ")


def test_the_reviewer_organizes_and_both_sides_attend():
    (event,) = read_both(ics(appointment())).events

    assert event.organizer == ("Dr. Ann Lee, MD", "mailto:ann.lee@example.org")
    assert event.attendees == (
        ("Dr. Jane Roe", "mailto:jroe@example.org"),
        ("Dr. Ann Lee, MD", "mailto:ann.lee@example.org"),
    )


def test_a_reviewer_without_email_is_named_without_a_mailto():
    data = ics(appointment(reviewer_email=None))
    (event,) = read_both(data).events

    assert event.organizer == ("Dr. Ann Lee, MD", "invalid:nomail")
    assert ("Dr. Ann Lee, MD", "invalid:nomail") in event.attendees
    assert b"mailto:None" not in unfolded(data)
    assert b"mailto:\r\n" not in unfolded(data)


def test_an_organizer_given_by_the_caller_replaces_the_reviewer():
    row = appointment()
    data = ics(row, organizer=("P2P Scheduling", "p2p@example.org"))
    (event,) = read_both(data).events

    assert event.organizer == ("P2P Scheduling", "mailto:p2p@example.org")
    assert len(event.attendees) == 2


def test_the_description_says_how_to_reach_the_provider_and_who_performs():
    (event,) = read_both(ics(appointment())).events

    assert "(555) 555-5555 ext. 12345" in event.description
    assert "(555) 555-0100 ext. 7" in event.description
    assert "John Smith, Provider Office" in event.description
    assert "Select option 4, ask for Dr. Roe; then press #" in event.description
    assert "Dr. Jane Roe, MD (requesting provider)" in event.description
    assert "A1 (Reconsideration P2P)" in event.description
    assert "A2 (Reconsideration P2P)" in event.description
    assert event.summary == "P2P consultation: A1, A2 (Reconsideration P2P)"


def test_text_is_escaped_so_commas_semicolons_and_newlines_survive():
    data = ics(appointment())
    # Written escaped ...
    assert rb"Select option 4\, ask for Dr. Roe\; then press #" in unfolded(data)
    assert rb"\n" in unfolded(data)
    # ... and read back as written (read_both compared both parsers already).
    (event,) = read_both(data).events
    assert "\n" in event.description


def test_the_appointment_a_file_is_written_from_carries_no_member_data():
    """The calendar writes what the appointment value holds, and that value has no field for
    a member's name, date of birth or member id (a case is its reference, outcome and level
    of review). The end-to-end check, a real case's member data searched for in the served
    .ics, is in the integration tests."""
    for value_type in (Appointment, CaseInCall):
        names = {field.name for field in fields(value_type)}
        assert not {name for name in names if "member" in name or "dob" in name}, names


def test_lines_end_in_crlf_and_fold_at_75_octets():
    long_instructions = "Über die Zentrale wählen, dann Durchwahl für Dr. Müller-Lüdenscheidt " * 4
    row = appointment()
    row = replace(row, contact=replace(row.contact, instructions=long_instructions))
    data = ics(row)

    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    (event,) = read_both(data).events
    assert long_instructions.strip() in event.description


def test_each_required_property_appears_once_in_the_event():
    lines = content_lines(ics(appointment()))
    event = lines[lines.index(b"BEGIN:VEVENT") : lines.index(b"END:VEVENT")]
    names = [re.split(rb"[;:]", line, maxsplit=1)[0] for line in event[1:]]

    for name in (b"UID", b"SEQUENCE", b"DTSTAMP", b"DTSTART", b"DTEND", b"SUMMARY", b"STATUS"):
        assert names.count(name) == 1, name
    assert names.count(b"ORGANIZER") == 1
    assert names.count(b"ATTENDEE") == 2


def test_the_url_is_written_when_given():
    url = "https://p2p.example.org/api/v1/appointments/apt-7f3a/calendar.ics"
    data = ics(appointment(), url=url)

    assert f"URL:{url}".encode() in unfolded(data)
    assert b"URL:" not in unfolded(ics(appointment()))
