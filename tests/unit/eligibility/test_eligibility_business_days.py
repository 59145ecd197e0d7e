"""Business days: Monday to Friday, less US federal holidays on their observed dates
(DOMAIN.md, project choices)."""

from datetime import date, datetime

import pytest

from p2p.eligibility import add_business_days, is_business_day
from p2p.eligibility.business_days import federal_holidays
from tests.unit.eligibility import business_day_oracle as oracle


@pytest.mark.parametrize(
    ("day", "business"),
    [
        pytest.param(date(2026, 11, 26), False, id="Thanksgiving 2026 (Thu)"),
        pytest.param(date(2026, 11, 27), True, id="day after Thanksgiving is not federal"),
        pytest.param(date(2026, 11, 28), False, id="Saturday"),
        pytest.param(date(2026, 11, 29), False, id="Sunday"),
        pytest.param(date(2026, 7, 4), False, id="Independence Day 2026 (Sat)"),
        pytest.param(date(2026, 7, 3), False, id="Independence Day 2026 observed Fri 3 July"),
        pytest.param(date(2026, 7, 6), True, id="Monday after a Saturday holiday is not observed"),
        pytest.param(date(2027, 7, 5), False, id="Independence Day 2027 (Sun) observed Mon 5 July"),
        pytest.param(date(2027, 12, 24), False, id="Christmas 2027 (Sat) observed Fri 24 Dec"),
        pytest.param(date(2027, 12, 31), False, id="New Year 2028 (Sat) observed Fri 31 Dec 2027"),
        pytest.param(date(2022, 12, 26), False, id="Christmas 2022 (Sun) observed Mon 26 Dec"),
        pytest.param(date(2023, 1, 2), False, id="New Year 2023 (Sun) observed Mon 2 Jan"),
        pytest.param(date(2027, 6, 18), False, id="Juneteenth 2027 (Sat) observed Fri 18 June"),
        pytest.param(date(2020, 6, 19), True, id="Juneteenth before it became federal in 2021"),
        pytest.param(date(2026, 1, 19), False, id="Martin Luther King Jr. Day 2026"),
        pytest.param(date(2026, 2, 16), False, id="Washington's Birthday 2026"),
        pytest.param(date(2026, 5, 25), False, id="Memorial Day 2026"),
        pytest.param(date(2026, 9, 7), False, id="Labor Day 2026"),
        pytest.param(date(2026, 10, 12), False, id="Columbus Day 2026"),
        pytest.param(date(2026, 11, 11), False, id="Veterans Day 2026 (Wed)"),
        pytest.param(date(2023, 11, 10), False, id="Veterans Day 2023 (Sat) observed Fri 10 Nov"),
        # Not federal: state holidays and one-off closures by executive order.
        pytest.param(date(2026, 4, 20), True, id="Patriots' Day (MA only)"),
        pytest.param(date(2026, 3, 31), True, id="Cesar Chavez Day (CA only)"),
        pytest.param(date(2025, 12, 24), True, id="Christmas Eve 2025 closure by executive order"),
        pytest.param(date(2026, 11, 3), True, id="Election Day"),
    ],
)
def test_is_business_day(day, business):
    assert is_business_day(day) is business


def test_the_federal_set_has_eleven_holidays_a_year():
    # 5 U.S.C. 6103: New Year, MLK, Washington, Memorial, Juneteenth, Independence, Labor,
    # Columbus, Veterans, Thanksgiving, Christmas. 2026 adds only one observed date (3 July).
    assert len(federal_holidays(2026)) == 12
    assert date(2026, 7, 3) in federal_holidays(2026)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(date(2026, 11, 23), 0, date(2026, 11, 23), id="zero days is the day itself"),
        # Mon 23 Nov 2026: Tue 24 (1), Wed 25 (2), Thu 26 Thanksgiving, Fri 27 (3),
        # weekend, Mon 30 (4), Tue 1 Dec (5).
        pytest.param(date(2026, 11, 23), 5, date(2026, 12, 1), id="5 over Thanksgiving"),
        # Thu 12 Nov 2026: Fri 13 (1), weekend, Mon 16 (2).
        pytest.param(date(2026, 11, 12), 2, date(2026, 11, 16), id="2 over a weekend"),
        # Sat 21 Nov 2026: day 1 is the first business day after it, Mon 23.
        pytest.param(date(2026, 11, 21), 1, date(2026, 11, 23), id="from a Saturday"),
        # Thu 26 Nov 2026 (holiday): Fri 27 (1), Mon 30 (2).
        pytest.param(date(2026, 11, 26), 2, date(2026, 11, 30), id="from a holiday"),
        # Thu 2 Jul 2026: Fri 3 observed Independence Day, weekend, Mon 6 (1).
        pytest.param(date(2026, 7, 2), 1, date(2026, 7, 6), id="over observed 3 July"),
        # Thu 23 Dec 2027: Fri 24 observed Christmas, weekend, Mon 27 (1) .. Thu 30 (4),
        # Fri 31 observed New Year 2028, weekend, Mon 3 Jan 2028 (5).
        pytest.param(date(2027, 12, 23), 5, date(2028, 1, 3), id="over the 2027 year end"),
        # Fri 6 Mar 2026 (DST starts Sun 8 Mar): dates are not affected, Mon 9 (1), Tue 10 (2).
        pytest.param(date(2026, 3, 6), 2, date(2026, 3, 10), id="over spring forward"),
    ],
)
def test_add_business_days(start, n, expected):
    assert add_business_days(start, n) == expected
    assert is_business_day(expected) or n == 0


def test_a_datetime_is_refused_because_it_never_equals_a_holiday_date():
    with pytest.raises(TypeError):
        is_business_day(datetime(2026, 7, 3))
    with pytest.raises(TypeError):
        add_business_days(datetime(2026, 7, 3), 1)


@pytest.mark.parametrize("n", [-1, 1.5, True, "2"])
def test_add_business_days_needs_a_whole_number_of_days_at_least_zero(n):
    with pytest.raises(ValueError):
        add_business_days(date(2026, 11, 23), n)


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2021, 1, 20), True),  # Inauguration Day: a holiday only around Washington DC
        (date(2020, 6, 19), True),  # Juneteenth is federal from 2021
        (date(2021, 6, 18), False),  # Juneteenth 2021 (Saturday) observed on Friday
        (date(2021, 12, 31), False),  # New Year's Day 2022 (Saturday) observed on Friday
        (date(2022, 12, 26), False),  # Christmas 2022 (Sunday) observed on Monday
        (date(2024, 11, 11), False),  # Veterans Day
        (date(2026, 11, 27), True),  # the day after Thanksgiving is no federal holiday
    ],
)
def test_the_oracle_of_the_property_tests_knows_the_federal_calendar(day, business):
    assert oracle.is_business_day(day) is business
    assert is_business_day(day) is business
