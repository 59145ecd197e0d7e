"""A reviewer's weekly hours: wall-clock intervals per weekday in the reviewer's own zone.

API.md's shape is `{"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [], ...}`; days
left out are not worked. The engine's shape is a mapping weekday (0 = Monday .. 6 = Sunday)
-> tuple of `(start, end)` `datetime.time` pairs.

Rules (refused with `SlotsError`, `field` naming the day and pair):
- times are "HH:MM" on the quarter hour (00, 15, 30, 45): slot starts are the quarter
  hours of the reviewer's clock, so an interval that began at 08:10 would have no slot
  until 08:15 and would only invite the question of where its grid starts;
- "24:00" may end an interval (work until midnight); as a `time` it is written
  `time(0, 0)` in the end position, since an end must come after its start;
- the end comes after the start (an interval never crosses midnight: days are
  independent, and a night shift is two intervals on two days);
- intervals of one day do not overlap. Touching ones (08:00-12:00, 12:00-17:00) are
  accepted and the engine treats them as one stretch, so a call may run across 12:00.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import time
from functools import lru_cache

from p2p.slots.errors import SlotsError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HH_MM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_END_OF_DAY = 24 * 60

# weekday -> ((start minute, end minute), ...), minutes after local midnight, end <= 1440
DayMinutes = tuple[tuple[int, int], ...]


def _field(day: int, index: int) -> str:
    return f"weekly_hours.{DAY_NAMES[day]}[{index}]"


def _minutes_from_string(text: object, field: str) -> int:
    match = _HH_MM.match(text) if isinstance(text, str) else None
    if match is None:
        raise SlotsError(f"{text!r} is not a time written HH:MM.", field)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours == 24 and minutes:
        raise SlotsError(f"{text!r} is past 24:00.", field)
    return hours * 60 + minutes


def _minutes_from_time(moment: object, field: str, *, is_end: bool) -> int:
    if not isinstance(moment, time) or moment.tzinfo is not None:
        raise SlotsError("Weekly hours are naive datetime.time values.", field)
    if moment.second or moment.microsecond:
        raise SlotsError(f"{moment.isoformat()} is not on the quarter hour.", field)
    minutes = moment.hour * 60 + moment.minute
    return _END_OF_DAY if is_end and minutes == 0 else minutes


def _checked_day(day: int, pairs: Iterable[tuple[int, int]]) -> DayMinutes:
    indexed = sorted((start, end, index) for index, (start, end) in enumerate(pairs))
    for start, end, index in indexed:
        if start % 15 or end % 15:
            raise SlotsError("Weekly hours start and end on the quarter hour.", _field(day, index))
        if not start < end <= _END_OF_DAY:
            raise SlotsError("An interval ends after it starts, by 24:00.", _field(day, index))
    for (_, previous_end, _), (start, _, index) in zip(indexed, indexed[1:], strict=False):
        if start < previous_end:
            raise SlotsError("Intervals of one day must not overlap.", _field(day, index))
    return tuple((start, end) for start, end, _ in indexed)


def _day_number(key: object) -> int:
    if isinstance(key, int) and not isinstance(key, bool) and 0 <= key <= 6:
        return key
    raise SlotsError(f"{key!r} is not a weekday number 0 (Monday) .. 6 (Sunday).", "weekly_hours")


def day_minutes(weekly_hours: Mapping[int, Iterable[tuple[time, time]]]) -> tuple[DayMinutes, ...]:
    """Validate the engine's shape and turn it into 7 tuples of sorted minute ranges, with
    touching ranges joined (the engine only needs stretches of working time)."""
    if not isinstance(weekly_hours, Mapping):
        raise SlotsError("weekly_hours maps a weekday to its intervals.", "weekly_hours")
    items = tuple(weekly_hours.items())
    for key, pairs in items:
        _day_number(key)
        if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
            raise SlotsError("A day holds (start, end) pairs.", f"weekly_hours.{DAY_NAMES[key]}")
    try:
        # Reviewers are built per request, and most share a handful of weekly patterns.
        return _cached_day_minutes(items)
    except TypeError:  # unhashable (lists inside): validate without the cache
        return _day_minutes(items)


@lru_cache(maxsize=4_096)
def _cached_day_minutes(items: tuple) -> tuple[DayMinutes, ...]:
    return _day_minutes(items)


def _day_minutes(items: tuple) -> tuple[DayMinutes, ...]:
    days: list[DayMinutes] = [()] * 7
    for key, pairs in items:
        day = _day_number(key)
        minutes = []
        for index, pair in enumerate(pairs):
            field = _field(day, index)
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise SlotsError("An interval is a (start, end) pair.", field)
            minutes.append(
                (
                    _minutes_from_time(pair[0], field, is_end=False),
                    _minutes_from_time(pair[1], field, is_end=True),
                )
            )
        days[day] = _joined(_checked_day(day, minutes))
    return tuple(days)


def _joined(ranges: DayMinutes) -> DayMinutes:
    joined: list[tuple[int, int]] = []
    for start, end in ranges:
        if joined and joined[-1][1] == start:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return tuple(joined)


def _time_of(minutes: int) -> time:
    return time(0, 0) if minutes == _END_OF_DAY else time(minutes // 60, minutes % 60)


def weekly_hours_from_strings(
    weekly_hours: Mapping[str, Iterable[Iterable[str]]],
) -> dict[int, tuple[tuple[time, time], ...]]:
    """API.md's `{"mon": [["08:00", "12:00"]], ...}` -> `{0: ((time(8), time(12)),), ...}`,
    sorted, validated; days left out or empty are left out."""
    if not isinstance(weekly_hours, Mapping):
        raise SlotsError("weekly_hours maps a day name to its intervals.", "weekly_hours")
    parsed: dict[int, tuple[tuple[time, time], ...]] = {}
    for key, pairs in weekly_hours.items():
        if key not in DAY_NAMES:
            raise SlotsError(
                f"{key!r} is not one of {', '.join(DAY_NAMES)}.", f"weekly_hours.{key}"
            )
        day = DAY_NAMES.index(key)
        if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
            raise SlotsError("A day holds a list of [start, end] pairs.", f"weekly_hours.{key}")
        minutes = []
        for index, pair in enumerate(pairs):
            field = _field(day, index)
            if isinstance(pair, str | bytes) or not isinstance(pair, Iterable):
                raise SlotsError("An interval is a [start, end] pair.", field)
            pair = list(pair)
            if len(pair) != 2:
                raise SlotsError("An interval is a [start, end] pair.", field)
            start, end = (_minutes_from_string(text, field) for text in pair)
            if start == _END_OF_DAY:
                raise SlotsError("An interval cannot start at 24:00.", field)
            minutes.append((start, end))
        checked = _checked_day(day, minutes)
        if checked:
            parsed[day] = tuple((_time_of(start), _time_of(end)) for start, end in checked)
    return parsed


def weekly_hours_to_strings(
    weekly_hours: Mapping[int, Iterable[tuple[time, time]]],
) -> dict[str, list[list[str]]]:
    """The engine's shape back to API.md's, every day named (empty when not worked); the
    intervals are kept as given (sorted, not joined)."""
    day_minutes(weekly_hours)  # validates
    shown: dict[str, list[list[str]]] = {}
    for day, name in enumerate(DAY_NAMES):
        pairs = sorted(
            (
                _minutes_from_time(start, _field(day, 0), is_end=False),
                _minutes_from_time(end, _field(day, 0), is_end=True),
            )
            for start, end in weekly_hours.get(day, ())
        )
        shown[name] = [[_text(start), _text(end)] for start, end in pairs]
    return shown


def _text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
