"""An oracle for business days that shares nothing with p2p/eligibility/business_days.py
but the definition: Monday to Friday, less the US federal holidays of 5 U.S.C. 6103 on the
dates they are observed (Saturday -> Friday, Sunday -> Monday). The `holidays` package's
"public" category of `US` is that list (Juneteenth from 2021, no Inauguration Day, no
one-off closures); it is built once for every year the property tests reach, and the days
are counted one by one, without caches or shortcuts."""

from datetime import date, timedelta

import holidays

FIRST_YEAR, LAST_YEAR = 1999, 2062  # the tests' instants are 2000-2060; windows reach further
FEDERAL = frozenset(
    holidays.US(years=range(FIRST_YEAR, LAST_YEAR + 1), observed=True, categories="public")
)


def is_business_day(day: date) -> bool:
    assert FIRST_YEAR <= day.year <= LAST_YEAR, day
    return day.isoweekday() <= 5 and day not in FEDERAL


def add_business_days(start: date, n: int) -> date:
    """Walk forward a day at a time; day 1 is the first business day after `start`."""
    day, counted = start, 0
    while counted < n:
        day = day + timedelta(days=1)
        if is_business_day(day):
            counted = counted + 1
    return day
