"""A reviewer's weekly wall-clock hours expanded to bookable start instants.

The whole rule of "where may a call start" lives here, for the search and for booking:

- A reviewer works every instant at which their clock shows a reading inside their hours
  for that date (`wall_clock.showing`). An 08:00-17:00 day is therefore 08:00-17:00 on the
  reviewer's clock on both sides of a DST change; 00:00-04:00 lasts 3 real hours on the
  spring-forward night and 5 on the fall-back night, when 01:00-01:59 is worked twice.
  A day's stretches are joined where they touch in real time, so a call may run on from
  01:45 EDT into the second 01:00 (EST).
- Starts are the quarter hours of the reviewer's clock inside working time. The grid is laid
  in real time from the working span's start in steps of 15 minutes; every zone's offset
  (and every US DST jump) is a multiple of 15 minutes, so the grid stays on the clock's
  quarter hours after a transition, the skipped hour of spring forward simply has no start,
  and the repeated hour of fall back has its starts twice (01:15 EDT and 01:15 EST: the
  labels tell them apart).
- [start, start + duration) lies whole inside one span of working time, inside one run of
  the provider's chosen blocks, and clear of busy time and time off (half-open: a call may
  start the second a previous one ends). Days are independent: a call never runs past the
  reviewer's midnight into the next date.
"""

from bisect import bisect_right
from datetime import date, timedelta
from functools import lru_cache

from p2p.slots.spans import SpanSet
from p2p.slots.values import Reviewer
from p2p.slots.wall_clock import showing, wall_date
from p2p.slots.weekly_hours import DayMinutes

GRID_SECONDS = 15 * 60
_ONE_DAY = timedelta(days=1)


# (grid anchor, start, end): a span of working time cut to one run of the provider's
# blocks and to the search's lower bound, before any booking is taken out.
Opening = tuple[int, int, int]


@lru_cache(maxsize=16_384)
def working_spans(
    zone_name: str, day: date, stretches: DayMinutes
) -> tuple[tuple[int, int, int], ...]:
    """The instants the reviewer works on their date `day`, as (start, end, anchor) spans
    in real time: every stretch's instants (`showing`), joined where they touch."""
    spans: list[tuple[int, int, int]] = []
    for first_minute, end_minute in stretches:
        for start, end, anchor in showing(zone_name, day, first_minute, end_minute):
            spans.append((start, end, anchor))
    spans.sort()
    joined: list[tuple[int, int, int]] = []
    for start, end, anchor in spans:
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]), joined[-1][2])
        else:
            joined.append((start, end, anchor))
    return tuple(joined)


def openings(
    zone_name: str,
    working_minutes: tuple[DayMinutes, ...],
    blocks: SpanSet,
    low: int,
    high: int,
    duration: int,
) -> tuple[Opening, ...]:
    """Where weekly hours and the provider's blocks leave room for a call starting in
    [low, high). Depends only on the zone and the hours, so a search computes it once per
    distinct (zone, weekly hours) and shares it between reviewers."""
    if low >= high:
        return ()
    found = []
    # A start at s belongs to the reviewer's date of s; no span crosses their midnight.
    day, last_day = wall_date(zone_name, low), wall_date(zone_name, high - 1)
    while day <= last_day:
        stretches = working_minutes[day.weekday()]
        if stretches:
            for span_start, end, anchor in working_spans(zone_name, day, stretches):
                first_start = max(span_start, low)
                if first_start > min(end - duration, high - 1):
                    continue
                for open_start, open_end in blocks.inside(first_start, end):
                    if open_end - open_start >= duration:
                        found.append((anchor, open_start, open_end))
        day += _ONE_DAY
    return tuple(found)


def opening_starts(
    openings_: tuple[Opening, ...],
    blocked: SpanSet,
    high: int,
    duration: int,
    *,
    first_only: bool = False,
) -> list[int]:
    """The starts s < high left in `openings_` once `blocked` is taken out, ascending (only
    the first one when `first_only`). One sweep over both sorted lists."""
    found: list[int] = []
    last_start = high - 1
    busy_starts, busy_ends = blocked.starts, blocked.ends
    count = len(busy_starts)
    index = 0
    for anchor, open_start, open_end in openings_:
        if open_start > last_start:
            break
        index = bisect_right(busy_ends, open_start, index)  # first busy span ending after
        cursor, following = open_start, index
        while cursor < open_end:
            # The free stretch [cursor, free_end) before the next busy span, if any.
            if following < count and busy_starts[following] < open_end:
                free_end, resume = busy_starts[following], busy_ends[following]
            else:
                free_end, resume = open_end, open_end
            highest = min(free_end - duration, last_start)
            if cursor <= highest:
                # Round up onto the grid laid from the span's anchor.
                lowest = cursor + (anchor - cursor) % GRID_SECONDS
                found.extend(range(lowest, highest + 1, GRID_SECONDS))
                if first_only and found:
                    return found[:1]
            cursor = max(cursor, resume)
            following += 1
    return found


def offered_starts(
    reviewer: Reviewer,
    blocks: SpanSet,
    blocked: SpanSet,
    low: int,
    high: int,
    duration: int,
    *,
    first_only: bool = False,
) -> list[int]:
    """The reviewer's starts s with low <= s < high (POSIX seconds), ascending."""
    found = openings(reviewer.time_zone, reviewer.working_minutes, blocks, low, high, duration)
    return opening_starts(found, blocked, high, duration, first_only=first_only)
