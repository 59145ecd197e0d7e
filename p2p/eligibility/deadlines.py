"""When a post-decision window closes, as an instant."""

from datetime import date, datetime, timedelta
from functools import lru_cache

from p2p.eligibility.business_days import add_business_days
from p2p.eligibility.errors import EligibilityError
from p2p.eligibility.policy import Window
from p2p.time_zones import require_aware, start_of_day, zone
from p2p.vocabulary import CALENDAR_DAYS

ONE_DAY = timedelta(days=1)


def last_day_inside(determination_date: date, window: Window) -> date:
    """The last day of the window. "Within N calendar days of the determination date"
    includes day N [000]; business day 1 is the first business day after it [001][004]."""
    if window.unit == CALENDAR_DAYS:
        return determination_date + timedelta(days=window.length)
    return add_business_days(determination_date, window.length)


@lru_cache(maxsize=8192)
def _closes_on(determination_date: date, window: Window, deadline_time_zone: str) -> datetime:
    # Project choice (DOMAIN.md): the window closes at 00:00 at the start of the day after
    # its last day; the seeds show that instant as "until 11/11/2020 12:00:00 AM" [001][004].
    return start_of_day(last_day_inside(determination_date, window) + ONE_DAY, deadline_time_zone)


def window_closes_at(
    determination_at: datetime, window: Window, deadline_time_zone: str
) -> datetime:
    """The instant `window` closes for a determination made at `determination_at`, aware in
    `deadline_time_zone`. The determination's date is its date in that zone: a denial at
    22:30 in Los Angeles on a Thursday is a Friday denial for a plan that keeps New York time.
    """
    require_aware(determination_at, "determination_at", EligibilityError)
    return closes_at(determination_at, window, deadline_time_zone)


def closes_at(determination_at: datetime, window: Window, deadline_time_zone: str) -> datetime:
    """`window_closes_at` for a determination already checked to be aware (the hot path)."""
    tz = zone(deadline_time_zone, EligibilityError, "deadline_time_zone")
    return _closes_on(determination_at.astimezone(tz).date(), window, deadline_time_zone)
