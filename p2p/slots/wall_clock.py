"""Wall-clock readings <-> instants, as the engine's integer seconds.

Inside the engine an instant is an int of POSIX seconds (UTC): the slot grid, the busy
lists and the provider's blocks are then plain integer arithmetic, and an instant written
in any zone compares the same. Zones come from `p2p.time_zones` (pytz).

A wall-clock range of a date ("08:00-17:00 on Monday", the provider's block "7:00-8:00")
covers every instant at which the zone's clock shows a reading of that date inside it
(`showing`):
- on a fall-back night the repeated readings happen twice, and both passes are covered:
  00:00-03:00 in New York on the night the clock goes back at 02:00 EDT is four real hours,
  and 01:15 is covered as 01:15 EDT and again as 01:15 EST;
- a reading the clock skips (spring forward) is covered by no instant: 02:00-03:00 that
  night is empty, and 00:00-04:00 is three real hours.
A single reading made an instant (a week's first Monday 00:00) follows `time_zones`' rule:
its first pass, or the transition when the clock skips it.
Most days have no transition; for them the readings of the day are simply "local midnight
plus so many minutes", computed once per (zone, date) and cached.
"""

from dataclasses import dataclass
from datetime import UTC as datetime_utc
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from math import ceil, floor

from p2p.slots.errors import SlotsError
from p2p.time_zones import UTC, first_instant, zone

__all__ = [
    "DAY_SECONDS",
    "UTC",
    "DayFrame",
    "day_frame",
    "instant",
    "seconds_ceil",
    "seconds_floor",
    "showing",
    "wall_date",
    "wall_instant",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=datetime_utc)
DAY_SECONDS = 86_400
_ONE_DAY = timedelta(days=1)
# Offsets stay within a day of UTC (today's lie within -12 h .. +14 h).
_REACH = DAY_SECONDS
# Offset changes are months apart (at the least weeks): sampling every 6 hours and
# bisecting between two samples that differ finds each one.
_SAMPLE = 6 * 3600


def seconds_floor(moment: datetime) -> int:
    """POSIX seconds of an aware datetime, rounded down. (`timestamp()` is exact for whole
    seconds, and far faster than datetime arithmetic; the rounding only matters for the
    microseconds, where the float has ample precision for the years this service sees.)"""
    return floor(moment.timestamp())


def seconds_ceil(moment: datetime) -> int:
    """POSIX seconds of an aware datetime, rounded up."""
    return ceil(moment.timestamp())


_UTC_EPOCH = UTC.localize(datetime(1970, 1, 1))  # noqa: DTZ001 (localized at once)


def instant(seconds: int) -> datetime:
    """The UTC datetime of POSIX `seconds` (by addition: twice as fast as `fromtimestamp`,
    and a search makes hundreds)."""
    return _UTC_EPOCH + timedelta(seconds=seconds)


@lru_cache(maxsize=4_096)
def wall_date(zone_name: str, seconds: int) -> date:
    """The date the clock in `zone_name` shows at that instant (cached: a search asks the
    same few questions for every reviewer of a zone)."""
    return datetime.fromtimestamp(seconds, zone(zone_name, SlotsError)).date()


def _offset(tz, seconds: int) -> int:
    return int(datetime.fromtimestamp(seconds, tz).utcoffset().total_seconds())


def _reading(day: date, minute: int) -> int:
    """The reading `day` + `minute` minutes as seconds, as if the clock were UTC's: an
    instant at offset o shows reading r when instant + o == r."""
    return int((datetime.combine(day, time(), datetime_utc) - _EPOCH).total_seconds()) + 60 * minute


@dataclass(frozen=True, slots=True)
class DayFrame:
    """One wall-clock date of a zone, as instants: `midnight` and `next_midnight` are the
    first instants of the date and of the next one. `regular`: no offset change that day,
    so the reading `m` minutes after midnight is `midnight + 60 * m` (the fast path)."""

    midnight: int
    next_midnight: int
    regular: bool


@lru_cache(maxsize=16_384)
def day_frame(zone_name: str, day: date) -> DayFrame:
    tz = zone(zone_name, SlotsError)
    midnight = wall_instant(zone_name, day, 0)
    next_midnight = wall_instant(zone_name, day + _ONE_DAY, 0)
    regular = next_midnight - midnight == DAY_SECONDS and _offset(tz, midnight) == _offset(
        tz, next_midnight - 1
    )
    return DayFrame(midnight, next_midnight, regular)


@lru_cache(maxsize=16_384)
def wall_instant(zone_name: str, day: date, minute: int) -> int:
    """The first instant at which the clock of `zone_name` shows `day` + `minute` minutes
    (0..1440; 1440 is 24:00, the next midnight), or the transition if it skips it."""
    reading = datetime.combine(day, time()) + timedelta(minutes=minute)
    return seconds_floor(first_instant(zone(zone_name, SlotsError), reading))


def _offset_runs(tz, low: int, high: int) -> list[tuple[int, int, int]]:
    """[low, high) cut where the zone's offset changes: (start, end, offset seconds)."""
    runs = []
    start, offset, probe = low, _offset(tz, low), low
    while probe < high:
        following = min(probe + _SAMPLE, high)
        if _offset(tz, following) == offset:
            probe = following
            continue
        lo, hi = probe, following  # the offset changes in (lo, hi]: find the first second
        while hi - lo > 1:
            middle = (lo + hi) // 2
            if _offset(tz, middle) == offset:
                lo = middle
            else:
                hi = middle
        runs.append((start, hi, offset))
        start, offset, probe = hi, _offset(tz, hi), hi
    if start < high:
        runs.append((start, high, offset))
    return runs


@lru_cache(maxsize=16_384)
def showing(
    zone_name: str, day: date, first_minute: int, end_minute: int
) -> tuple[tuple[int, int, int], ...]:
    """The instants at which the clock of `zone_name` shows a reading of `day` from
    `first_minute` to before `end_minute` (minutes after midnight, 1440 = 24:00): ascending,
    disjoint `(start, end, anchor)` spans of POSIX seconds, touching ones joined.

    `anchor` is the instant at which the span's clock showed (or would have shown)
    `first_minute`: the grid of quarter hours of the reviewer's clock is laid from it.
    Usually one span; two on a fall-back night when the range only partly covers the
    repeated readings (01:30-02:00 in New York: 01:30-01:59 EDT, then again EST)."""
    tz = zone(zone_name, SlotsError)
    if first_minute >= end_minute:
        return ()
    frame = day_frame(zone_name, day)
    if frame.regular:
        start = frame.midnight + 60 * first_minute
        return ((start, frame.midnight + 60 * end_minute, start),)
    low, high = _reading(day, first_minute), _reading(day, end_minute)
    spans: list[tuple[int, int, int]] = []
    # Under offset o the readings [low, high) are the instants [low - o, high - o); keep
    # the part during which the zone really was at o.
    for run_start, run_end, offset in _offset_runs(tz, low - _REACH, high + _REACH):
        start, end = max(low - offset, run_start), min(high - offset, run_end)
        if start >= end:
            continue
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end, spans[-1][2])
        else:
            spans.append((start, end, low - offset))
    return tuple(spans)
