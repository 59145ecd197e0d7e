"""Time zones, the pytz way: zones by name, aware instants only, wall-clock readings made
instants with `localize` (never `tzinfo=`), and the awkward readings decided once.

Pure: no Flask, no database, no clock. Both engines (eligibility, slots), the services and
the pages use these; instants are stored in UTC and zones applied at the edges.

A wall-clock reading on a date is made an instant by one rule everywhere: "the first instant
at which the zone's clock shows that reading or a later one".
- A reading that happens twice (fall back) gives its first pass, the earlier instant.
- A reading the clock skips (spring forward) gives the transition itself: 02:30 on the night
  New York jumps from 02:00 to 03:00 is 03:00 EDT.
So midnight is the start of a day even where a zone's DST starts at 00:00 (Havana, Santiago:
the day begins at 01:00) or ends at 01:00 (the Azores: 00:00 happens twice).
"""

from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache

import pytz

UTC = pytz.utc
_ONE_DAY = timedelta(days=1)


@cache
def _known(name: str) -> pytz.BaseTzInfo:
    return pytz.timezone(name)


def zone(name: str, error: type[ValueError] = ValueError, field: str = "time_zone"):
    """The pytz zone called `name` (looked up once); an unknown name raises `error(message,
    field)`, so each engine reports it in its own exception."""
    try:
        return _known(name)
    except (pytz.UnknownTimeZoneError, AttributeError, ValueError, TypeError) as problem:
        raise _error(error, f"Unknown time zone {name!r}.", field) from problem


def require_aware(value: object, field: str, error: type[ValueError] = ValueError) -> datetime:
    """Refuse anything but an aware datetime: a time without an offset is a bug, never a
    guess (API.md, Conventions)."""
    if not isinstance(value, datetime):
        raise _error(error, f"{field} must be a datetime, not {type(value).__name__}.", field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise _error(error, f"{field} must carry a time zone offset.", field)
    return value


def _error(error: type[ValueError], message: str, field: str) -> ValueError:
    if error is ValueError:
        return ValueError(message)
    return error(message, field)


def first_instant(tz: pytz.BaseTzInfo, reading: datetime) -> datetime:
    """The first instant at which the clock of `tz` shows `reading` (naive) or later, aware
    in `tz` (see the module's rule)."""
    try:
        return tz.localize(reading, is_dst=None)
    except pytz.AmbiguousTimeError:
        # Fall back: the earlier of the two instants is the first pass.
        return min(tz.localize(reading, is_dst=True), tz.localize(reading, is_dst=False))
    except pytz.NonExistentTimeError:
        # Spring forward: the clock never shows this reading. Read under the offsets before
        # and after the jump, it brackets the transition; bisect for the first second at
        # which the clock has passed `reading` (the transition instant).
        one = int(tz.localize(reading, is_dst=True).timestamp())
        other = int(tz.localize(reading, is_dst=False).timestamp())
        low, high = min(one, other) - 6 * 3600, max(one, other) + 6 * 3600
        while high - low > 1:
            middle = (low + high) // 2
            if datetime.fromtimestamp(middle, tz).replace(tzinfo=None) >= reading:
                high = middle
            else:
                low = middle
        return datetime.fromtimestamp(high, tz)


@lru_cache(maxsize=8192)
def start_of_day(day: date, zone_name: str) -> datetime:
    """The first instant of `day` on the wall clock of `zone_name`, aware in that zone."""
    return first_instant(zone(zone_name), datetime.combine(day, time()))


def day_range(zone_name: str, first: date, last: date) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) on the wall clock of `zone_name`."""
    return start_of_day(first, zone_name), start_of_day(last + _ONE_DAY, zone_name)


def week_of(day: date) -> date:
    """The Monday of the Monday-to-Sunday week holding `day`."""
    return day - timedelta(days=day.weekday())


def week_range(zone_name: str, day: date) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 of the week of `day`, on that zone's clock."""
    monday = week_of(day)
    return day_range(zone_name, monday, monday + timedelta(days=6))


def local_date(moment: datetime, zone_name: str) -> date:
    """The date the clock of `zone_name` shows at `moment` (aware)."""
    return moment.astimezone(zone(zone_name)).date()


def in_zone(moment: datetime, zone_name: str) -> datetime:
    """`moment` (aware) as the clock of `zone_name` writes it, with that zone's offset."""
    return zone(zone_name).normalize(moment.astimezone(zone(zone_name)))
