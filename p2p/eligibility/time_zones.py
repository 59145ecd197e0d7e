"""Deadline time zones (pytz) and the instants the rules work with."""

from datetime import date, datetime, time
from functools import lru_cache

import pytz

from p2p.eligibility.errors import EligibilityError


@lru_cache(maxsize=512)
def deadline_zone(name: str) -> pytz.BaseTzInfo:
    """The pytz zone called `name`, looked up once: `decide` is on a hot path."""
    try:
        return pytz.timezone(name)
    except (pytz.UnknownTimeZoneError, AttributeError, ValueError) as error:
        raise EligibilityError(
            f"Unknown time zone {name!r}.", field="deadline_time_zone"
        ) from error


def require_aware(value: object, field: str) -> datetime:
    """Refuse anything but an aware datetime: a time without an offset is a bug, never a
    guess (API.md, Conventions)."""
    if not isinstance(value, datetime):
        raise EligibilityError(f"{field} must be a datetime, not {type(value).__name__}.", field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise EligibilityError(f"{field} must carry a time zone offset.", field)
    return value


@lru_cache(maxsize=8192)
def start_of_day(day: date, zone_name: str) -> datetime:
    """The first instant of `day` on the wall clock of `zone_name`, as an aware pytz value.

    Midnight is usually unique, but not everywhere: where DST starts at 00:00 (Havana,
    Beirut, Santiago ...) the day begins at 01:00, and where it ends at 01:00 (Azores) 00:00
    happens twice and the day begins at the first one.
    """
    zone = deadline_zone(zone_name)
    midnight = datetime.combine(day, time())
    try:
        return zone.localize(midnight, is_dst=None)
    except pytz.AmbiguousTimeError:
        return zone.localize(midnight, is_dst=True)
    except pytz.NonExistentTimeError:
        # Read with the offset in force before the jump, then normalise: that is the
        # first wall-clock instant after the gap.
        return zone.normalize(zone.localize(midnight, is_dst=False))
