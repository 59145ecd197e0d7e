"""The business-day calendar: Monday to Friday, less US federal holidays as observed."""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

ONE_DAY = timedelta(days=1)
SATURDAY = 5


@lru_cache(maxsize=256)
def federal_holidays(year: int) -> frozenset[date]:
    """US federal holidays of `year`, with their observed dates (Saturday -> Friday,
    Sunday -> Monday), e.g. Independence Day 2026 is observed Friday 3 July.

    `holidays.US` without a subdivision and with its default "public" category is the
    federal set of 5 U.S.C. 6103: no state holidays, and none of the one-off closures by
    executive order (those are the "government" category, unknown when a deadline is set).
    An observed date that falls in the previous year (1 January on a Saturday is observed
    on 31 December) is listed by the library under the year it falls in, which is the year
    we look up. Built once per year: a holiday object costs ~0.3 ms.
    """
    return frozenset(holidays.US(years=year, observed=True))


def _require_date(day: object) -> date:
    # A datetime is a date, but never equal to one: it would miss every holiday silently.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day


def is_business_day(d: date) -> bool:
    """Whether `d` is a business day: a weekday that is not a federal holiday (observed)."""
    _require_date(d)
    return d.weekday() < SATURDAY and d not in federal_holidays(d.year)


@lru_cache(maxsize=8192)
def _add_business_days(d: date, n: int) -> date:
    day = d
    remaining = n
    while remaining:
        day += ONE_DAY
        if day.weekday() < SATURDAY and day not in federal_holidays(day.year):
            remaining -= 1
    return day


def add_business_days(d: date, n: int) -> date:
    """Business day number `n` counted from `d`: day 1 is the first business day after `d`,
    whatever `d` itself is; `n == 0` is `d`. [001] "within five (5) business days of the
    determination date", [004] "within two business days after the determination date"."""
    _require_date(d)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a whole number of business days >= 0, got {n!r}")
    return _add_business_days(d, n)
