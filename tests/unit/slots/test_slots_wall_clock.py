"""Wall-clock ranges to instants around DST changes (`wall_clock.showing`): a range covers
every instant whose reading falls inside it, both passes of a repeated hour included."""

from datetime import date

import pytest

from p2p.slots import SlotsError
from p2p.slots.wall_clock import (
    day_frame,
    seconds_ceil,
    seconds_floor,
    showing,
    wall_instant,
)

from .factories import utc


def seconds(moment):
    return seconds_floor(moment)


def spans(zone_name, day, first, end):
    """`showing` as (start, end) UTC datetimes, for reading the tables below."""
    minutes = [int(part[:2]) * 60 + int(part[3:]) for part in (first, end)]
    return [
        (utc(1970, 1, 1) + (start - 0) * ONE_SECOND, utc(1970, 1, 1) + (stop - 0) * ONE_SECOND)
        for start, stop, _ in showing(zone_name, day, *minutes)
    ]


ONE_SECOND = utc(1970, 1, 1, 0, 0, 1) - utc(1970, 1, 1)


@pytest.mark.parametrize(
    ("zone_name", "day", "first", "end", "expected"),
    [
        pytest.param(
            "America/New_York",
            date(2026, 11, 23),
            "08:00",
            "17:00",
            [(utc(2026, 11, 23, 13, 0), utc(2026, 11, 23, 22, 0))],
            id="an ordinary day",
        ),
        pytest.param(
            # The case: 00:00-03:00 on Sun 7 Nov 2027 is four real hours, 04:00Z to
            # 08:00Z, the repeated 01:00-01:59 included (EDT 05:00Z-06:00Z, EST 06:00Z-07:00Z).
            "America/New_York",
            date(2027, 11, 7),
            "00:00",
            "03:00",
            [(utc(2027, 11, 7, 4, 0), utc(2027, 11, 7, 8, 0))],
            id="fall back: both passes of the repeated hour",
        ),
        pytest.param(
            # 01:30-02:00 happens twice: 01:30-01:59 EDT, then 01:30-01:59 EST. The second
            # 01:00-01:29 (06:00Z-06:30Z) is not inside the range.
            "America/New_York",
            date(2026, 11, 1),
            "01:30",
            "02:00",
            [
                (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 0)),
                (utc(2026, 11, 1, 6, 30), utc(2026, 11, 1, 7, 0)),
            ],
            id="fall back: a range inside the repeated hour is two spans",
        ),
        pytest.param(
            "America/New_York",
            date(2026, 11, 1),
            "02:00",
            "03:00",
            [(utc(2026, 11, 1, 7, 0), utc(2026, 11, 1, 8, 0))],
            id="fall back: after the repeated hour, one real hour",
        ),
        pytest.param(
            "America/New_York",
            date(2026, 3, 8),
            "00:00",
            "04:00",
            [(utc(2026, 3, 8, 5, 0), utc(2026, 3, 8, 8, 0))],
            id="spring forward: three real hours",
        ),
        pytest.param(
            "America/New_York", date(2026, 3, 8), "02:00", "03:00", [], id="spring forward: skipped"
        ),
        pytest.param(
            "America/New_York",
            date(2026, 3, 8),
            "02:30",
            "04:00",
            [(utc(2026, 3, 8, 7, 0), utc(2026, 3, 8, 8, 0))],
            id="spring forward: a range starting in the gap starts at the jump",
        ),
        pytest.param(
            # Arizona keeps MST all year: the New York fall-back night is a plain day there.
            "America/Phoenix",
            date(2026, 11, 1),
            "00:00",
            "03:00",
            [(utc(2026, 11, 1, 7, 0), utc(2026, 11, 1, 10, 0))],
            id="Arizona: no change",
        ),
        pytest.param(
            # Lord Howe goes back 30 minutes at 02:00 (+11 -> +10:30) on 5 April 2026: the
            # readings 01:30-01:59 happen twice.
            "Australia/Lord_Howe",
            date(2026, 4, 5),
            "01:00",
            "03:00",
            [(utc(2026, 4, 4, 14, 0), utc(2026, 4, 4, 16, 30))],
            id="Lord Howe: a half hour twice",
        ),
        pytest.param(
            # ... and forward 30 minutes at 02:00 (+10:30 -> +11) on 4 Oct 2026.
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            "01:00",
            "03:00",
            [(utc(2026, 10, 3, 14, 30), utc(2026, 10, 3, 16, 0))],
            id="Lord Howe: a half hour skipped",
        ),
        pytest.param(
            # Chatham (+13:45 in its summer): the date is a day ahead of UTC's.
            "Pacific/Chatham",
            date(2026, 11, 23),
            "09:00",
            "10:00",
            [(utc(2026, 11, 22, 19, 15), utc(2026, 11, 22, 20, 15))],
            id="Chatham: a far zone with a 45-minute offset",
        ),
        pytest.param(
            "America/New_York",
            date(2026, 3, 7),
            "22:00",
            "24:00",
            [(utc(2026, 3, 8, 3, 0), utc(2026, 3, 8, 5, 0))],
            id="24:00 ends at the next midnight",
        ),
    ],
)
def test_a_range_covers_every_instant_showing_a_reading_inside_it(
    zone_name, day, first, end, expected
):
    assert spans(zone_name, day, first, end) == expected


def test_each_span_anchors_the_grid_at_its_own_clock():
    # The EST span of 01:30-02:00 on the fall-back night is anchored where that clock shows
    # 01:30: 06:30Z, a quarter hour of UTC as of every US clock.
    (_, _, first_anchor), (_, _, second_anchor) = showing(
        "America/New_York", date(2026, 11, 1), 90, 120
    )
    assert first_anchor == seconds(utc(2026, 11, 1, 5, 30))
    assert second_anchor == seconds(utc(2026, 11, 1, 6, 30))


def test_day_frames_of_the_new_york_dst_days():
    regular = day_frame("America/New_York", date(2026, 11, 23))
    assert regular.regular
    assert regular.midnight == seconds(utc(2026, 11, 23, 5, 0))
    spring = day_frame("America/New_York", date(2026, 3, 8))
    assert not spring.regular
    assert spring.next_midnight - spring.midnight == 23 * 3600
    fall = day_frame("America/New_York", date(2026, 11, 1))
    assert not fall.regular
    assert fall.next_midnight - fall.midnight == 25 * 3600


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


def test_unknown_zone_is_the_engines_error_on_time_zone():
    with pytest.raises(SlotsError) as raised:
        showing("Mars/Olympus_Mons", date(2026, 1, 1), 0, 60)
    assert raised.value.field == "time_zone"
