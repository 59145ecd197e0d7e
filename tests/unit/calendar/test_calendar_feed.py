"""The reviewer's subscription feed: PUBLISH, one VTIMEZONE per zone used, cancelled events
kept as cancelled (which ones, and for how long, the caller decides)."""

from datetime import datetime

import pytest

from p2p.calendar import feed_calendar

from .factories import (
    STAMP,
    appointment,
    cancelled,
    event_of,
    read_both,
    read_with_icalendar,
    read_with_vobject,
    unfolded,
    utc,
    vtimezone_tzinfos,
    with_private_zone_names,
)

FEED_STAMP = utc(2026, 11, 20, 8, 0)


def feed(events, name="P2P consultations: Dr. Ann Lee") -> bytes:
    return feed_calendar(events, name=name, dtstamp=FEED_STAMP)


def two_zone_events():
    new_york = appointment(utc(2026, 11, 23, 15, 0), id="apt-ny", time_zone="America/New_York")
    honolulu = appointment(utc(2026, 11, 24, 20, 0), id="apt-hnl", time_zone="Pacific/Honolulu")
    gone = cancelled(
        appointment(utc(2026, 11, 25, 16, 0), id="apt-gone", time_zone="America/New_York")
    )
    return [event_of(row) for row in (honolulu, gone, new_york)]


def test_a_feed_is_published_with_a_name():
    data = feed(two_zone_events())
    calendar = read_both(data)

    assert calendar.method == "PUBLISH"
    assert b"X-WR-CALNAME:P2P consultations: Dr. Ann Lee\r\n" in unfolded(data)


def test_a_feed_with_two_zones_defines_both_once():
    data = feed(two_zone_events())
    calendar = read_both(data)

    assert sorted(calendar.tzids) == ["America/New_York", "Pacific/Honolulu"]
    assert {event.start_tzid for event in calendar.events} == set(calendar.tzids)
    for event in calendar.events:
        assert event.end_tzid == event.start_tzid
    # Each event placed through its own zone's VTIMEZONE, by both parsers.
    private = with_private_zone_names(data)
    for parsed in (read_with_icalendar(private), read_with_vobject(private)):
        assert [event.start for event in parsed.events] == [
            event.start for event in calendar.events
        ]
    assert set(vtimezone_tzinfos(data)) == {"America/New_York", "Pacific/Honolulu"}


def test_cancelled_events_stay_in_the_feed_as_cancelled():
    calendar = read_both(feed(two_zone_events()))

    statuses = {event.uid: event.status for event in calendar.events}
    assert statuses == {
        "apt-ny@p2p-scheduler": "CONFIRMED",
        "apt-hnl@p2p-scheduler": "CONFIRMED",
        "apt-gone@p2p-scheduler": "CANCELLED",
    }


def test_events_come_in_start_order_each_stamped_with_the_feed_time():
    calendar = read_both(feed(two_zone_events()))

    assert [event.uid for event in calendar.events] == [
        "apt-ny@p2p-scheduler",
        "apt-hnl@p2p-scheduler",
        "apt-gone@p2p-scheduler",
    ]
    assert {event.dtstamp for event in calendar.events} == {FEED_STAMP}
    assert FEED_STAMP != STAMP


def test_the_feed_keeps_each_events_sequence_and_wall_clock():
    calendar = read_both(feed(two_zone_events()))
    by_uid = {event.uid: event for event in calendar.events}

    assert by_uid["apt-gone@p2p-scheduler"].sequence == 1
    assert by_uid["apt-ny@p2p-scheduler"].start_wall == datetime(2026, 11, 23, 10, 0)
    assert by_uid["apt-hnl@p2p-scheduler"].start_wall == datetime(2026, 11, 24, 10, 0)


def test_an_empty_feed_is_still_a_calendar():
    data = feed([])
    calendar = read_both(data)

    assert calendar.method == "PUBLISH"
    assert calendar.events == ()
    assert calendar.tzids == ()


def test_the_same_appointment_twice_is_refused():
    event = event_of(appointment())
    with pytest.raises(ValueError, match="UID"):
        feed([event, event])


def test_a_naive_feed_stamp_is_refused():
    with pytest.raises(ValueError, match="aware"):
        feed_calendar([], name="x", dtstamp=datetime(2026, 11, 20, 8, 0))
