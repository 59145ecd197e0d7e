"""From an appointment row to a CalendarEvent: only case references, levels of review and
the call's logistics; no patient data."""

from dataclasses import replace
from datetime import datetime

import pytest

from p2p.appointments.values import Contact, Performer
from p2p.calendar import CalendarEvent

from .factories import STAMP, appointment, event_of, link, utc


def test_the_event_carries_the_appointments_identity_and_time():
    row = appointment(sequence=3)
    event = event_of(row)

    assert event.uid == "apt-7f3a@p2p-scheduler"
    assert event.sequence == 3
    assert event.cancelled is False
    assert (event.start, event.end) == (row.start, row.end)
    assert event.time_zone == "America/New_York"
    assert event.dtstamp == STAMP
    assert event.url is None


def test_a_cancelled_appointment_is_a_cancelled_event():
    event = event_of(appointment(status="cancelled"))

    assert event.cancelled is True
    assert event.summary == "Cancelled: P2P consultation: A1, A2 (Reconsideration P2P)"


def test_a_completed_appointment_is_not_cancelled():
    assert event_of(appointment(status="completed")).cancelled is False


@pytest.mark.parametrize(
    ("links", "summary"),
    [
        ([link("A1")], "P2P consultation: A1 (Reconsideration P2P)"),
        (
            [link("A1"), link("A2")],
            "P2P consultation: A1, A2 (Reconsideration P2P)",
        ),
        (
            [link("A1"), link("A2", "Consultative P2P", outcome="consultative_only")],
            "P2P consultation: A1 (Reconsideration P2P), A2 (Consultative P2P)",
        ),
        ([link("A1", None)], "P2P consultation: A1"),
        # A case taken out by a case update leaves the title ...
        (
            [link("A1"), link("A2", "Pre-Decision P2P", removed=True)],
            "P2P consultation: A1 (Reconsideration P2P)",
        ),
        # ... unless none is left: then the title still says what it was for.
        ([link("A1", removed=True)], "P2P consultation: A1 (Reconsideration P2P)"),
    ],
)
def test_the_summary_names_cases_and_levels_of_review(links, summary):
    assert event_of(appointment(cases=links)).summary == summary


def test_a_removed_case_is_named_as_removed_in_the_description():
    row = appointment(cases=[link("A1"), link("A2", "Pre-Decision P2P", removed=True)])
    description = event_of(row).description

    assert "Cases: A1 (Reconsideration P2P)\n" in description
    assert description.endswith("Removed from this consultation: A2")
    assert "withdrawn" not in description.lower()


@pytest.mark.parametrize(
    ("performer", "text"),
    [
        (
            {"kind": "requesting_provider", "name": "Dr. Jane Roe", "credential": "MD"},
            "Performed by: Dr. Jane Roe, MD (requesting provider)",
        ),
        (
            {
                "kind": "contact_person",
                "first_name": "John",
                "last_name": "Smith",
                "location": "Provider Office",
            },
            "Performed by: John Smith, Provider Office (contact person)",
        ),
        (
            {
                "kind": "someone_else",
                "first_name": "Lee",
                "last_name": "Park",
                "location": "Clinic B",
            },
            "Performed by: Lee Park, Clinic B (someone else)",
        ),
    ],
)
def test_the_description_says_who_performs(performer, text):
    assert text in event_of(appointment(performer=Performer(**performer))).description


def test_missing_optional_contact_fields_leave_no_empty_lines():
    row = appointment(
        contact=Contact(name="John Smith", location="Provider Office", phone="(555) 555-5555")
    )
    description = event_of(row).description

    assert "Phone: (555) 555-5555\n" in description
    assert "Alternate phone" not in description
    assert "Instructions" not in description
    assert "ext." not in description
    assert "\n\n" not in description


def test_organizer_and_attendees():
    event = event_of(appointment())

    assert event.organizer == ("Dr. Ann Lee, MD", "ann.lee@example.org")
    assert event.attendees == (
        ("Dr. Jane Roe", "jroe@example.org"),
        ("Dr. Ann Lee, MD", "ann.lee@example.org"),
    )
    other = event_of(appointment(), organizer=("P2P Scheduling", None))
    assert other.organizer == ("P2P Scheduling", None)


def test_a_reviewer_without_email():
    event = event_of(appointment(reviewer_email=None))

    assert event.organizer == ("Dr. Ann Lee, MD", None)
    assert ("Dr. Ann Lee, MD", None) in event.attendees


def test_the_url_is_passed_through():
    url = "https://p2p.example.org/api/v1/appointments/apt-7f3a/calendar.ics"
    assert event_of(appointment(), url=url).url == url


def test_a_calendar_event_refuses_naive_times_and_unknown_zones():
    event = event_of(appointment())

    with pytest.raises(ValueError, match="aware"):
        replace(event, start=datetime(2026, 10, 30, 10, 0))
    with pytest.raises(ValueError, match="aware"):
        replace(event, dtstamp=datetime(2026, 10, 1, 12, 0))
    with pytest.raises(ValueError, match="after start"):
        replace(event, end=event.start)
    with pytest.raises(ValueError, match="time zone"):
        replace(event, time_zone="Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="time zone"):
        replace(event, time_zone="")
    with pytest.raises(ValueError, match="sequence"):
        replace(event, sequence=-1)


def test_calendar_event_is_a_value():
    event = event_of(appointment())

    assert isinstance(event, CalendarEvent)
    assert event == event_of(appointment())
    with pytest.raises(AttributeError):
        event.sequence = 4  # type: ignore[misc]
    assert replace(event, start=utc(2026, 10, 30, 13, 0)).start == utc(2026, 10, 30, 13, 0)
