"""The one time-zone helper module: readings made instants, aware checks, zone lookup."""

from datetime import date, datetime

import pytest
import pytz

from p2p.eligibility import EligibilityError
from p2p.slots import SlotsError
from p2p.time_zones import (
    day_range,
    first_instant,
    in_zone,
    local_date,
    require_aware,
    start_of_day,
    week_range,
    zone,
)

UTC = pytz.utc


def utc(*parts):
    return UTC.localize(datetime(*parts))


@pytest.mark.parametrize(
    ("zone_name", "reading", "expected"),
    [
        pytest.param(
            "America/New_York", datetime(2026, 11, 23, 8, 0), utc(2026, 11, 23, 13, 0), id="plain"
        ),
        # Skipped readings are the transition itself (02:00 EST = 03:00 EDT = 07:00 UTC).
        pytest.param(
            "America/New_York", datetime(2026, 3, 8, 2, 0), utc(2026, 3, 8, 7, 0), id="gap start"
        ),
        pytest.param(
            "America/New_York", datetime(2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 0), id="mid gap"
        ),
        pytest.param(
            "America/New_York", datetime(2026, 3, 8, 3, 0), utc(2026, 3, 8, 7, 0), id="gap end"
        ),
        # Repeated readings are their first pass (EDT).
        pytest.param(
            "America/New_York",
            datetime(2026, 11, 1, 1, 0),
            utc(2026, 11, 1, 5, 0),
            id="repeated, first",
        ),
        pytest.param(
            "America/New_York",
            datetime(2026, 11, 1, 1, 45),
            utc(2026, 11, 1, 5, 45),
            id="repeated, later",
        ),
        pytest.param(
            "America/New_York",
            datetime(2026, 11, 1, 2, 0),
            utc(2026, 11, 1, 7, 0),
            id="after the repeat",
        ),
        pytest.param(
            "America/Phoenix", datetime(2026, 3, 8, 2, 30), utc(2026, 3, 8, 9, 30), id="Arizona"
        ),
        # Lord Howe moves by 30 minutes: 02:00 -> 02:30 on 4 Oct 2026 (+10:30 -> +11).
        pytest.param(
            "Australia/Lord_Howe",
            datetime(2026, 10, 4, 2, 15),
            utc(2026, 10, 3, 15, 30),
            id="Lord Howe gap",
        ),
        # ... and 02:00 -> 01:30 on 5 April 2026: 01:45 first at +11.
        pytest.param(
            "Australia/Lord_Howe",
            datetime(2026, 4, 5, 1, 45),
            utc(2026, 4, 4, 14, 45),
            id="Lord Howe repeat",
        ),
    ],
)
def test_first_instant(zone_name, reading, expected):
    found = first_instant(pytz.timezone(zone_name), reading)
    assert found == expected
    assert found.tzinfo.zone == zone_name  # aware in that zone, with its offset then


@pytest.mark.parametrize(
    ("day", "zone_name", "expected"),
    [
        # Havana springs forward at 00:00 on 8 Mar 2026: the day begins at 01:00 CDT.
        pytest.param(date(2026, 3, 8), "America/Havana", utc(2026, 3, 8, 5, 0), id="Havana"),
        # The Azores fall back 01:00 -> 00:00 on 25 Oct 2026: the first 00:00 (+00:00).
        pytest.param(date(2026, 10, 25), "Atlantic/Azores", utc(2026, 10, 25, 0, 0), id="Azores"),
        pytest.param(date(2026, 11, 1), "America/New_York", utc(2026, 11, 1, 4, 0), id="NY fall"),
    ],
)
def test_start_of_day(day, zone_name, expected):
    assert start_of_day(day, zone_name) == expected


def test_a_fall_back_week_is_a_week_and_an_hour():
    start, end = week_range("America/New_York", date(2026, 10, 28))
    assert (start, end) == (utc(2026, 10, 26, 4, 0), utc(2026, 11, 2, 5, 0))
    assert day_range("America/Phoenix", date(2026, 11, 1), date(2026, 11, 1)) == (
        utc(2026, 11, 1, 7, 0),
        utc(2026, 11, 2, 7, 0),
    )


def test_local_date_and_in_zone():
    moment = utc(2026, 11, 23, 20, 0)
    assert local_date(moment, "Pacific/Chatham") == date(2026, 11, 24)
    shown = in_zone(moment, "America/Los_Angeles")
    assert (shown.hour, shown.tzname()) == (12, "PST")


def test_each_engine_gets_its_own_error_naming_the_field():
    with pytest.raises(SlotsError) as slots_error:
        zone("Mars/Olympus_Mons", SlotsError)
    assert slots_error.value.field == "time_zone"
    with pytest.raises(EligibilityError) as eligibility_error:
        zone("Mars/Olympus_Mons", EligibilityError, "deadline_time_zone")
    assert eligibility_error.value.field == "deadline_time_zone"
    with pytest.raises(EligibilityError) as naive:
        require_aware(datetime(2026, 1, 1), "at", EligibilityError)  # noqa: DTZ001
    assert naive.value.field == "at"
    with pytest.raises(ValueError, match="must be a datetime"):
        require_aware("2026-01-01", "at")
