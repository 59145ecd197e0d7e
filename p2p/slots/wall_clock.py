"""Wall-clock readings <-> instants, with pytz.

Inside the engine an instant is an int of POSIX seconds (UTC): the slot grid, the busy
lists and the provider's blocks are then plain integer arithmetic, and an instant written
in any zone compares the same. Zones are pytz and only ever used through `localize` (for a
wall reading) and `fromtimestamp`/`astimezone` (for reading the wall clock at an instant).

A wall-clock time on a given date is turned into "the first instant at which the clock of
that zone shows that reading or a later one":
- a reading that happens twice (fall back) is its first pass, the earlier instant;
- a reading the clock skips (spring forward) is the transition itself: a reviewer whose
  hours start at 02:30 on the night the clock jumps from 02:00 to 03:00 starts at 03:00.
Most days have no transition; for them the readings of the day are simply "local midnight
plus so many minutes", computed once per (zone, date) and cached.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from math import ceil, floor

import pytz

from p2p.slots.errors import SlotsError

UTC = pytz.utc
_EPOCH = UTC.localize(datetime(1970, 1, 1))  # noqa: DTZ001 (localized at once)
DAY_SECONDS = 86_400
MINUTES_PER_DAY = 1_440
_ONE_DAY = timedelta(days=1)


@cache
def zone(name: str) -> pytz.BaseTzInfo:
    """The pytz zone called `name`; unknown names raise (and are not cached)."""
    try:
        return pytz.timezone(name)
    except (pytz.UnknownTimeZoneError, AttributeError, ValueError) as error:
        raise SlotsError(f"Unknown time zone {name!r}.", "time_zone") from error


def require_aware(moment: datetime, field: str) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise SlotsError(f"{field} must be a datetime with a time zone.", field)


def seconds_floor(moment: datetime) -> int:
    """POSIX seconds of an aware datetime, rounded down. (`timestamp()` is exact for whole
    seconds, and far faster than datetime arithmetic; the rounding only matters for the
    microseconds, where the float has ample precision for the years this service sees.)"""
    return floor(moment.timestamp())


def seconds_ceil(moment: datetime) -> int:
    """POSIX seconds of an aware datetime, rounded up."""
    return ceil(moment.timestamp())


def instant(seconds: int) -> datetime:
    """The UTC datetime of POSIX `seconds` (by addition: twice as fast as `fromtimestamp`,
    and a search makes hundreds)."""
    return _EPOCH + timedelta(seconds=seconds)


def wall_reading(zone_name: str, seconds: int) -> datetime:
    """What the clock in `zone_name` shows at that instant (naive)."""
    return datetime.fromtimestamp(seconds, zone(zone_name)).replace(tzinfo=None)


@lru_cache(maxsize=4_096)
def wall_date(zone_name: str, seconds: int) -> date:
    """The date the clock in `zone_name` shows at that instant (cached: a search asks the
    same few questions for every reviewer of a zone)."""
    return datetime.fromtimestamp(seconds, zone(zone_name)).date()


def _offset(tz: pytz.BaseTzInfo, seconds: int) -> timedelta:
    return datetime.fromtimestamp(seconds, tz).utcoffset()


def first_instant(tz: pytz.BaseTzInfo, reading: datetime) -> int:
    """The first instant at which the clock of `tz` shows `reading` (naive) or later."""
    try:
        return seconds_floor(tz.localize(reading, is_dst=None))
    except pytz.AmbiguousTimeError:
        # Fall back: the reading happens twice; its first pass is the earlier instant.
        return min(
            seconds_floor(tz.localize(reading, is_dst=True)),
            seconds_floor(tz.localize(reading, is_dst=False)),
        )
    except pytz.NonExistentTimeError:
        # Spring forward: the clock never shows this reading. Its two readings under the
        # offsets before and after bracket the transition; bisect for the first second at
        # which the clock has passed `reading` (the transition instant).
        one = seconds_floor(tz.localize(reading, is_dst=True))
        other = seconds_floor(tz.localize(reading, is_dst=False))
        low, high = min(one, other) - 6 * 3600, max(one, other) + 6 * 3600
        while high - low > 1:
            middle = (low + high) // 2
            if datetime.fromtimestamp(middle, tz).replace(tzinfo=None) >= reading:
                high = middle
            else:
                low = middle
        return high


@dataclass(frozen=True, slots=True)
class DayFrame:
    """One wall-clock date of a zone, as instants.

    `regular`: no offset change that day, so the reading `m` minutes after midnight is
    `midnight + 60 * m`. `second_pass`: on a fall-back day, the instants [start, end) at
    which the clock repeats readings it already showed that day (None otherwise)."""

    midnight: int
    next_midnight: int
    regular: bool
    second_pass: tuple[int, int] | None


@lru_cache(maxsize=16_384)
def day_frame(zone_name: str, day: date) -> DayFrame:
    tz = zone(zone_name)
    midnight = first_instant(tz, datetime.combine(day, time()))
    next_midnight = first_instant(tz, datetime.combine(day + _ONE_DAY, time()))
    before, after = _offset(tz, midnight), _offset(tz, next_midnight - 1)
    regular = next_midnight - midnight == DAY_SECONDS and before == after
    second_pass = None
    if after < before:
        # Bisect for the transition: the first second already on the later offset.
        low, high = midnight, next_midnight - 1
        while high - low > 1:
            middle = (low + high) // 2
            if _offset(tz, middle) == after:
                high = middle
            else:
                low = middle
        second_pass = (high, high + int((before - after).total_seconds()))
    return DayFrame(midnight, next_midnight, regular, second_pass)


@lru_cache(maxsize=16_384)
def _irregular_wall_instant(zone_name: str, day: date, minute: int) -> int:
    reading = datetime.combine(day, time()) + timedelta(minutes=minute)
    return first_instant(zone(zone_name), reading)


def wall_instant(zone_name: str, day: date, minute: int) -> int:
    """The first instant at which the clock of `zone_name` shows `day` + `minute` minutes
    (0..1440; 1440 is 24:00, the next midnight)."""
    frame = day_frame(zone_name, day)
    if frame.regular:
        return frame.midnight + minute * 60
    return _irregular_wall_instant(zone_name, day, minute)
