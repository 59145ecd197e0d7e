"""Wall-clock times and VTIMEZONE components: an appointment keeps its hour across a DST
change, and the zone definitions in the files place times right without a zone database."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from p2p.calendar import appointment_calendar
from p2p.calendar.time_zones import observances, vtimezone

from .factories import (
    appointment,
    event_of,
    read_both,
    read_with_icalendar,
    read_with_vobject,
    rescheduled,
    utc,
    vtimezone_tzinfos,
    with_private_zone_names,
)


def ics(row) -> bytes:
    return appointment_calendar(event_of(row))


def both_parsers_without_a_zone_database(data: bytes):
    """Both readings of the file once its TZIDs mean nothing outside it."""
    private = with_private_zone_names(data)
    by_icalendar, by_vobject = read_with_icalendar(private), read_with_vobject(private)
    return by_icalendar.events[0], by_vobject.events[0]


def test_a_move_across_the_end_of_dst_keeps_ten_oclock():
    # Fri 30 Oct 2026 10:00 EDT (UTC-4), moved to Mon 2 Nov 2026 10:00 EST (UTC-5).
    booked = appointment(utc(2026, 10, 30, 14, 0), time_zone="America/New_York")
    moved = rescheduled(booked, utc(2026, 11, 2, 15, 0))
    before, after = ics(booked), ics(moved)

    assert b"DTSTART;TZID=America/New_York:20261030T100000\r\n" in before
    assert b"DTSTART;TZID=America/New_York:20261102T100000\r\n" in after
    for data, wall, instant in (
        (before, datetime(2026, 10, 30, 10, 0), utc(2026, 10, 30, 14, 0)),
        (after, datetime(2026, 11, 2, 10, 0), utc(2026, 11, 2, 15, 0)),
    ):
        (event,) = read_both(data).events
        assert (event.start_wall, event.start) == (wall, instant)
        for parsed in both_parsers_without_a_zone_database(data):
            assert (parsed.start_wall, parsed.start) == (wall, instant)
            assert parsed.end == instant + timedelta(minutes=15)
    assert read_both(before).events[0].uid == read_both(after).events[0].uid


def test_a_move_across_the_start_of_dst_keeps_its_hour():
    # Fri 6 Mar 2026 09:30 CST (UTC-6) -> Mon 9 Mar 2026 09:30 CDT (UTC-5).
    booked = appointment(utc(2026, 3, 6, 15, 30), time_zone="America/Chicago")
    moved = rescheduled(booked, utc(2026, 3, 9, 14, 30))

    for row, wall in ((booked, "20260306T093000"), (moved, "20260309T093000")):
        data = ics(row)
        assert f"DTSTART;TZID=America/Chicago:{wall}\r\n".encode() in data
        for parsed in both_parsers_without_a_zone_database(data):
            assert parsed.start == row.start


@pytest.mark.parametrize(
    ("zone", "start", "wall", "offset"),
    [
        # Arizona keeps MST all year: 10:00 is 17:00Z in July and in January.
        ("America/Phoenix", utc(2026, 7, 15, 17, 0), datetime(2026, 7, 15, 10, 0), -7),
        ("America/Phoenix", utc(2027, 1, 12, 17, 0), datetime(2027, 1, 12, 10, 0), -7),
        # Hawaii: UTC-10 all year.
        ("Pacific/Honolulu", utc(2026, 11, 3, 18, 0), datetime(2026, 11, 3, 8, 0), -10),
        # Far away and on the other season: Sydney is on daylight time (UTC+11) in December.
        ("Australia/Sydney", utc(2026, 12, 1, 22, 0), datetime(2026, 12, 2, 9, 0), 11),
        # A half-hour zone.
        ("Asia/Kolkata", utc(2026, 11, 23, 4, 30), datetime(2026, 11, 23, 10, 0), 5.5),
    ],
)
def test_zones_far_away_or_without_dst(zone, start, wall, offset):
    data = ics(appointment(start, time_zone=zone))
    calendar = read_both(data)

    (event,) = calendar.events
    assert calendar.tzids == (zone,)
    assert event.start_tzid == zone
    assert (event.start_wall, event.start) == (wall, start)
    for parsed in both_parsers_without_a_zone_database(data):
        assert (parsed.start_wall, parsed.start) == (wall, start)
    for tzinfo in vtimezone_tzinfos(data)[zone]:
        assert wall.replace(tzinfo=tzinfo).utcoffset() == timedelta(hours=offset)


def test_a_zone_without_dst_gets_one_standard_observance():
    text = vtimezone("America/Phoenix", date(2026, 1, 1), date(2028, 1, 1)).to_ical()

    assert text.count(b"BEGIN:STANDARD") == 1
    assert b"BEGIN:DAYLIGHT" not in text
    assert b"TZOFFSETFROM:-0700" in text
    assert b"TZOFFSETTO:-0700" in text


def test_the_vtimezone_covers_the_year_of_the_event_and_the_next():
    data = ics(appointment(utc(2026, 12, 31, 15, 0), time_zone="America/New_York"))
    tzinfos = vtimezone_tzinfos(data)["America/New_York"]

    # From 1 January of the event's year through the next full year, DST changes included.
    for reading, hours in (
        (datetime(2026, 1, 2, 12, 0), -5),
        (datetime(2026, 7, 1, 12, 0), -4),
        (datetime(2027, 7, 1, 12, 0), -4),
        (datetime(2027, 12, 1, 12, 0), -5),
    ):
        for tzinfo in tzinfos:
            assert reading.replace(tzinfo=tzinfo).utcoffset() == timedelta(hours=hours)


@pytest.mark.parametrize(
    "zone",
    [
        "America/New_York",
        "America/Los_Angeles",
        "Europe/London",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "America/Phoenix",
        "Pacific/Honolulu",
    ],
)
def test_onsets_read_as_the_rfc_says_are_the_zone_database_changes(zone):
    # RFC 5545 3.6.5: the onset instant is DTSTART read at TZOFFSETFROM. Checked against
    # zoneinfo itself, second by second either side of each change.
    found = observances(zone, date(2026, 1, 1), date(2028, 1, 1))
    tz = ZoneInfo(zone)

    for observance in found[1:]:
        instant = (observance.local_onset - observance.offset_from).replace(tzinfo=UTC)
        assert instant == observance.onset
        before = (instant - timedelta(seconds=1)).astimezone(tz)
        at = instant.astimezone(tz)
        assert before.utcoffset() == observance.offset_from
        assert at.utcoffset() == observance.offset_to
        assert at.tzname() == observance.name
    # Every change of 2026 and 2027 is there (US, EU and AU zones change twice a year).
    changes = {o.onset.year for o in found[1:]}
    if zone not in ("America/Phoenix", "Pacific/Honolulu"):
        assert len(found) == 5
        assert changes == {2026, 2027}
    else:
        assert len(found) == 1


def test_new_york_spring_forward_onset_is_two_oclock_standard_time():
    text = vtimezone("America/New_York", date(2026, 1, 1), date(2027, 1, 1)).to_ical()
    daylight = text.split(b"BEGIN:DAYLIGHT\r\n")[1].split(b"END:DAYLIGHT")[0]
    standard = text.split(b"END:DAYLIGHT\r\n")[1]

    assert b"DTSTART:20260308T020000" in daylight
    assert b"TZOFFSETFROM:-0500" in daylight
    assert b"DTSTART:20261101T020000" in standard
    assert b"TZOFFSETFROM:-0400" in standard


@pytest.mark.parametrize(
    ("instant", "reading", "hours"),
    [
        (datetime(2026, 3, 8, 6, 59, tzinfo=UTC), datetime(2026, 3, 8, 1, 59), -5),
        (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), datetime(2026, 3, 8, 3, 0), -4),
        (datetime(2026, 3, 8, 7, 30, tzinfo=UTC), datetime(2026, 3, 8, 3, 30), -4),
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 1, 30), -4),
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), datetime(2026, 11, 1, 1, 30), -5),
    ],
)
def test_parsers_place_instants_next_to_a_change_from_the_file_alone(instant, reading, hours):
    data = ics(appointment(utc(2026, 10, 30, 14, 0), time_zone="America/New_York"))

    for tzinfo in vtimezone_tzinfos(data)["America/New_York"]:
        local = instant.astimezone(tzinfo)
        assert local.replace(tzinfo=None) == reading
        assert local.utcoffset() == timedelta(hours=hours)


def test_the_event_may_be_written_in_the_reviewers_zone():
    row = appointment(utc(2026, 10, 30, 14, 0), time_zone="America/New_York")
    data = appointment_calendar(event_of(row, time_zone="America/Chicago"))

    (event,) = read_both(data).events
    assert b"DTSTART;TZID=America/Chicago:20261030T090000\r\n" in data
    assert event.start == utc(2026, 10, 30, 14, 0)
    assert read_both(data).tzids == ("America/Chicago",)
