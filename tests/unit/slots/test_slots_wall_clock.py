"""Wall-clock readings to instants around DST changes (the engine's one pytz boundary)."""

from datetime import date, datetime

import pytest
import pytz

from p2p.slots import SlotsError
from p2p.slots.wall_clock import (
    day_frame,
    first_instant,
    seconds_ceil,
    seconds_floor,
    wall_instant,
    zone,
)

from .factories import utc


def seconds(moment):
    return seconds_floor(moment)


@pytest.mark.parametrize(
    ("zone_name", "reading", "expected"),
    [
        # An ordinary reading.
        ("America/New_York", datetime(2026, 11, 23, 8, 0), utc(2026, 11, 23, 13, 0)),
        # Skipped readings are the transition itself (02:00 EST = 03:00 EDT = 07:00 UTC).
        ("America/New_York", datetime(2026, 3, 8, 2, 0), utc(2026, 3, 8, 7, 0)),
        ("America/New_York", datetime(2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 0)),
        ("America/New_York", datetime(2026, 3, 8, 3, 0), utc(2026, 3, 8, 7, 0)),
        # Repeated readings are their first pass (EDT).
        ("America/New_York", datetime(2026, 11, 1, 1, 0), utc(2026, 11, 1, 5, 0)),
        ("America/New_York", datetime(2026, 11, 1, 1, 45), utc(2026, 11, 1, 5, 45)),
        ("America/New_York", datetime(2026, 11, 1, 2, 0), utc(2026, 11, 1, 7, 0)),
        # Lord Howe moves by 30 minutes: 02:00 -> 02:30 on 4 Oct 2026 (+10:30 -> +11).
        ("Australia/Lord_Howe", datetime(2026, 10, 4, 2, 15), utc(2026, 10, 3, 15, 30)),
        # ... and 02:00 -> 01:30 on 5 April 2026: 01:45 first at +11.
        ("Australia/Lord_Howe", datetime(2026, 4, 5, 1, 45), utc(2026, 4, 4, 14, 45)),
    ],
)
def test_first_instant(zone_name, reading, expected):
    assert first_instant(pytz.timezone(zone_name), reading) == seconds(expected)


def test_day_frames_of_the_new_york_dst_days():
    regular = day_frame("America/New_York", date(2026, 11, 23))
    assert regular.regular and regular.second_pass is None
    assert regular.midnight == seconds(utc(2026, 11, 23, 5, 0))
    spring = day_frame("America/New_York", date(2026, 3, 8))
    assert not spring.regular and spring.second_pass is None
    assert spring.next_midnight - spring.midnight == 23 * 3600
    fall = day_frame("America/New_York", date(2026, 11, 1))
    assert not fall.regular
    assert fall.next_midnight - fall.midnight == 25 * 3600
    # The clock shows 01:00-01:59 again from 06:00 to 07:00 UTC.
    assert fall.second_pass == (seconds(utc(2026, 11, 1, 6, 0)), seconds(utc(2026, 11, 1, 7, 0)))


def test_wall_instant_24_00_is_the_next_midnight():
    assert wall_instant("America/New_York", date(2026, 3, 7), 1440) == seconds(
        utc(2026, 3, 8, 5, 0)
    )
    assert wall_instant("America/New_York", date(2026, 3, 8), 1440) == seconds(
        utc(2026, 3, 9, 4, 0)
    )


def test_seconds_round_outwards():
    moment = utc(2026, 1, 1, 0, 0, 0, 1)
    assert seconds_floor(moment) + 1 == seconds_ceil(moment)
    assert seconds_floor(utc(1969, 12, 31, 23, 59, 59, 500000)) == -1


def test_unknown_zone():
    with pytest.raises(SlotsError) as raised:
        zone("Mars/Olympus_Mons")
    assert raised.value.field == "time_zone"
