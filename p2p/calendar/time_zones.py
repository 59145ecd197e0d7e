"""VTIMEZONE components built from the zone database (zoneinfo).

Why not icalendar's `Timezone.from_tzid`: in icalendar 7.3 it writes the onset of a
spring-forward observance in the wall clock *after* the change (America/New_York:
`DTSTART:20260308T030000` with `TZOFFSETFROM:-0500`), while RFC 5545 section 3.6.5 reads
DTSTART in the offset *before* it (`020000`): a reader that follows the RFC puts the change
an hour late. Here every transition is found in UTC and written as the RFC asks:
onset = instant of the change + TZOFFSETFROM.

One observance per transition (no RRULE): the zone database is the source of truth, and a
rule guessed from a few years of transitions could be wrong for zones whose rules change.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

# Transitions are looked for every few hours and then pinned to the second. No zone changes
# twice within one step (real changes are months, at the least weeks, apart).
_SCAN_STEP = timedelta(hours=6)


@dataclass(frozen=True)
class Observance:
    """From `onset` (an instant) on, the zone's clocks read UTC + `offset_to`."""

    onset: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def local_onset(self) -> datetime:
        # RFC 5545 3.6.5: the onset in the wall clock in force *before* it (TZOFFSETFROM).
        return (self.onset + self.offset_from).replace(tzinfo=None)


def covered_years(instants: Iterable[datetime], time_zone: str) -> tuple[date, date]:
    """The span a VTIMEZONE covers for these instants: from 1 January of the first one's
    year (in the zone) to 1 January two years after the last one's, so that each event's
    dates fall inside it with at least a full year of the zone's DST changes after them."""
    zone = ZoneInfo(time_zone)
    years = [instant.astimezone(zone).year for instant in instants]
    if not years:
        raise ValueError("no instants to cover")
    return date(min(years), 1, 1), date(max(years) + 2, 1, 1)


# A few milliseconds per zone and span, asked for on every booking's email: remembered (the
# zone database does not change under a running process).
@lru_cache(maxsize=256)
def observances(time_zone: str, first: date, last: date) -> tuple[Observance, ...]:
    """The zone's observances from local midnight starting `first` to local midnight
    starting `last`: the one in force at the start (offset_from == offset_to), then one per
    change of offset, name or DST flag."""
    zone = ZoneInfo(time_zone)
    start = datetime(first.year, first.month, first.day, tzinfo=zone).astimezone(UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=zone).astimezone(UTC)
    state = _state(zone, start)
    found = [Observance(start, state[0], state[0], state[2], state[1])]
    low = start
    while low < end:
        high = min(low + _SCAN_STEP, end)
        if _state(zone, high) == state:
            low = high
            continue
        onset = _onset(zone, low, high, state)
        after = _state(zone, onset)
        found.append(Observance(onset, state[0], after[0], after[2], after[1]))
        state, low = after, onset
    return tuple(found)


def vtimezone(time_zone: str, first: date, last: date) -> icalendar.Timezone:
    """A VTIMEZONE whose TZID is the IANA name, valid from `first` to `last`."""
    component = icalendar.Timezone()
    component.add("tzid", time_zone)
    for observance in observances(time_zone, first, last):
        part = icalendar.TimezoneDaylight() if observance.daylight else icalendar.TimezoneStandard()
        part.add("dtstart", observance.local_onset)
        part.add("tzoffsetfrom", observance.offset_from)
        part.add("tzoffsetto", observance.offset_to)
        part.add("tzname", observance.name)
        component.add_component(part)
    return component


def _state(zone: ZoneInfo, instant: datetime) -> tuple[timedelta, bool, str]:
    local = instant.astimezone(zone)
    return local.utcoffset() or timedelta(0), bool(local.dst()), local.tzname() or ""


def _onset(
    zone: ZoneInfo, low: datetime, high: datetime, before: tuple[timedelta, bool, str]
) -> datetime:
    """The first second after `low` at which the zone leaves state `before`; the zone is in
    it at `low` and not at `high`. (tzdata transitions fall on whole seconds.)"""
    low_s, high_s = int(low.timestamp()), int(high.timestamp())
    while high_s - low_s > 1:
        middle = (low_s + high_s) // 2
        if _state(zone, datetime.fromtimestamp(middle, UTC)) == before:
            low_s = middle
        else:
            high_s = middle
    return datetime.fromtimestamp(high_s, UTC)
