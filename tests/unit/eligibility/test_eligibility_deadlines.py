"""When a window closes: an instant, local midnight at the start of the day after its last
day, in the policy's deadline time zone (DOMAIN.md, project choices).

Every case is checked with the determination written in several zones, the deadline zone,
Arizona, and zones far from it (Honolulu, Tokyo): one instant, one answer. The table holds
DST changes both ways and a deadline zone of America/Phoenix (no DST).
"""

from datetime import date, datetime, timedelta

import pytest
import pytz

from p2p.eligibility import EligibilityError, Window, window_closes_at
from p2p.time_zones import start_of_day

NEW_YORK = "America/New_York"
PHOENIX = "America/Phoenix"
WRITTEN_IN = ("America/New_York", "America/Phoenix", "Pacific/Honolulu", "Asia/Tokyo", "UTC")


def local(zone_name: str, *fields: int) -> datetime:
    return pytz.timezone(zone_name).localize(datetime(*fields))


CASES = [
    # [001] 5 business days. Denied Mon 23 Nov 2026 09:30 EST: Tue 24 (1), Wed 25 (2),
    # Thu 26 Thanksgiving, Fri 27 (3), Sat 28 + Sun 29, Mon 30 (4), Tue 1 Dec (5);
    # closes Wed 2 Dec 00:00 EST.
    pytest.param(
        local(NEW_YORK, 2026, 11, 23, 9, 30),
        Window(5, "business_days"),
        NEW_YORK,
        "2026-12-02T00:00:00-05:00",
        id="5 business days over Thanksgiving and a weekend",
    ),
    # [004] 2 business days. Denied Thu 12 Nov 2026 16:00 EST: Fri 13 (1), Mon 16 (2);
    # closes Tue 17 Nov 00:00 EST.
    pytest.param(
        local(NEW_YORK, 2026, 11, 12, 16),
        Window(2, "business_days"),
        NEW_YORK,
        "2026-11-17T00:00:00-05:00",
        id="2 business days over a weekend",
    ),
    # [000] 60 calendar days. Denied Wed 2 Sep 2026 10:00 EDT: day 60 is Sun 1 Nov, the day
    # DST ends; closes Mon 2 Nov 00:00 EST (-05:00), not EDT.
    pytest.param(
        local(NEW_YORK, 2026, 9, 2, 10),
        Window(60, "calendar_days"),
        NEW_YORK,
        "2026-11-02T00:00:00-05:00",
        id="60 calendar days across fall back",
    ),
    # Denied Sun 1 Mar 2026 12:00 EST: day 60 is Thu 30 Apr; closes Fri 1 May 00:00 EDT,
    # across spring forward on 8 Mar.
    pytest.param(
        local(NEW_YORK, 2026, 3, 1, 12),
        Window(60, "calendar_days"),
        NEW_YORK,
        "2026-05-01T00:00:00-04:00",
        id="60 calendar days across spring forward",
    ),
    # Denied Fri 6 Mar 2026 17:00 EST: Mon 9 (1), Tue 10 (2); closes Wed 11 Mar 00:00 EDT.
    pytest.param(
        local(NEW_YORK, 2026, 3, 6, 17),
        Window(2, "business_days"),
        NEW_YORK,
        "2026-03-11T00:00:00-04:00",
        id="2 business days across spring forward",
    ),
    # Denied Thu 29 Oct 2026 11:00 EDT: Fri 30 (1), Mon 2 Nov (2), Tue 3 (3), Wed 4 (4),
    # Thu 5 (5); closes Fri 6 Nov 00:00 EST.
    pytest.param(
        local(NEW_YORK, 2026, 10, 29, 11),
        Window(5, "business_days"),
        NEW_YORK,
        "2026-11-06T00:00:00-05:00",
        id="5 business days across fall back",
    ),
    # Deadline zone Arizona (MST all year). Denied Wed 1 Jul 2026 15:00 MST: Thu 2 (1),
    # Fri 3 observed Independence Day, weekend, Mon 6 (2), Tue 7 (3), Wed 8 (4), Thu 9 (5);
    # closes Fri 10 Jul 00:00 MST (-07:00) while New York is on EDT.
    pytest.param(
        local(PHOENIX, 2026, 7, 1, 15),
        Window(5, "business_days"),
        PHOENIX,
        "2026-07-10T00:00:00-07:00",
        id="Arizona deadline zone over observed 3 July",
    ),
    # Arizona, 60 calendar days from Wed 2 Sep 2026 10:00 MST: closes Mon 2 Nov 00:00 MST;
    # the fall-back weekend moves nothing there.
    pytest.param(
        local(PHOENIX, 2026, 9, 2, 10),
        Window(60, "calendar_days"),
        PHOENIX,
        "2026-11-02T00:00:00-07:00",
        id="Arizona deadline zone, no DST",
    ),
    # The determination's date is its date in the deadline zone. Thu 19 Nov 2026 22:30 in
    # Los Angeles is Fri 20 Nov 01:30 EST: Mon 23 (1), Tue 24 (2); closes Wed 25 Nov.
    # (Counted from Thursday it would close on Tue 24.)
    pytest.param(
        local("America/Los_Angeles", 2026, 11, 19, 22, 30),
        Window(2, "business_days"),
        NEW_YORK,
        "2026-11-25T00:00:00-05:00",
        id="late evening in LA is the next day in NY",
    ),
    # Thu 19 Nov 2026 19:00 in Honolulu is exactly Fri 20 Nov 00:00 EST: a Friday denial.
    pytest.param(
        local("Pacific/Honolulu", 2026, 11, 19, 19),
        Window(2, "business_days"),
        NEW_YORK,
        "2026-11-25T00:00:00-05:00",
        id="Honolulu evening is New York midnight",
    ),
    # Tue 24 Nov 2026 10:00 in Tokyo is Mon 23 Nov 20:00 EST: Tue 24 (1), Wed 25 (2);
    # closes Thu 26 Nov 00:00 EST. (From Tokyo's Tuesday it would be Sat 28.)
    pytest.param(
        local("Asia/Tokyo", 2026, 11, 24, 10),
        Window(2, "business_days"),
        NEW_YORK,
        "2026-11-26T00:00:00-05:00",
        id="Tokyo morning is the previous day in NY",
    ),
    # One second before New York midnight is still the determination day.
    pytest.param(
        local(NEW_YORK, 2026, 9, 2, 23, 59, 59),
        Window(60, "calendar_days"),
        NEW_YORK,
        "2026-11-02T00:00:00-05:00",
        id="last second of the determination day",
    ),
    # Over the 2027 year end: Thu 23 Dec 2027: Fri 24 observed Christmas, Mon 27 (1) ..
    # Thu 30 (4), Fri 31 observed New Year 2028, Mon 3 Jan 2028 (5); closes Tue 4 Jan.
    pytest.param(
        local(NEW_YORK, 2027, 12, 23, 12),
        Window(5, "business_days"),
        NEW_YORK,
        "2028-01-04T00:00:00-05:00",
        id="5 business days over Christmas and New Year 2027",
    ),
    # Leap day: 30 calendar days from Tue 30 Jan 2028 is Tue 29 Feb; closes Wed 1 Mar.
    pytest.param(
        local(NEW_YORK, 2028, 1, 30, 8),
        Window(30, "calendar_days"),
        NEW_YORK,
        "2028-03-01T00:00:00-05:00",
        id="over a leap day",
    ),
]


@pytest.mark.parametrize("written_in", WRITTEN_IN)
@pytest.mark.parametrize(("determination_at", "window", "deadline_zone", "expected"), CASES)
def test_window_closes_at(determination_at, window, deadline_zone, expected, written_in):
    same_instant = determination_at.astimezone(pytz.timezone(written_in))

    closes_at = window_closes_at(same_instant, window, deadline_zone)

    assert closes_at.isoformat() == expected
    assert closes_at.tzinfo.zone == deadline_zone


def test_a_naive_determination_is_refused():
    with pytest.raises(EligibilityError):
        window_closes_at(datetime(2026, 11, 23, 9, 30), Window(5, "business_days"), NEW_YORK)


def test_an_unknown_deadline_zone_is_refused():
    with pytest.raises(EligibilityError):
        window_closes_at(local(NEW_YORK, 2026, 11, 23), Window(5, "business_days"), "Mars/Base")


# Zones whose midnight is missing or doubled on a DST day: the day starts at its first
# instant all the same.
@pytest.mark.parametrize(
    ("day", "zone_name", "expected"),
    [
        pytest.param(date(2026, 11, 2), NEW_YORK, "2026-11-02T00:00:00-05:00", id="ordinary"),
        # Havana springs forward at 00:00 on 8 Mar 2026: the day begins at 01:00 CDT.
        pytest.param(
            date(2026, 3, 8), "America/Havana", "2026-03-08T01:00:00-04:00", id="no midnight"
        ),
        # The Azores fall back from 01:00 to 00:00 on 25 Oct 2026: the first 00:00 (+00:00).
        pytest.param(
            date(2026, 10, 25), "Atlantic/Azores", "2026-10-25T00:00:00+00:00", id="two midnights"
        ),
    ],
)
def test_start_of_day(day, zone_name, expected):
    begins = start_of_day(day, zone_name)
    assert begins.isoformat() == expected
    assert (begins - timedelta(microseconds=1)).astimezone(pytz.timezone(zone_name)).date() < day
