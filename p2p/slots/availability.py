"""A reviewer's weekly wall-clock hours expanded to bookable start instants.

The whole rule of "where may a call start" lives here, for the search and for booking:

- Each stretch of weekly hours on a reviewer-local date runs, in real time, from the first
  instant the reviewer's clock shows its start to the first instant it shows its end
  (`wall_clock`). An 08:00-17:00 day is therefore 08:00-17:00 on the reviewer's clock on
  both sides of a DST change; 00:00-04:00 lasts 3 real hours on the spring-forward night and
  5 on the fall-back night.
- Starts are the quarter hours of the reviewer's clock inside the stretch. The grid is laid
  in real time from the stretch's start in steps of 15 minutes; every zone's offset (and
  every US DST jump) is a multiple of 15 minutes, so the grid stays on the clock's quarter
  hours after a transition, and the skipped hour of spring forward simply has no start.
- Fall back: the clock shows 01:00-01:59 twice; a start is offered on its first pass only.
  The second pass is still working time (a call that began at 01:45 on the first pass runs
  through it), it just offers no start: no wall time is listed twice.
- [start, start + duration) lies whole inside the stretch, inside one run of the provider's
  chosen blocks, and clear of busy time and time off (half-open: a call may start the
  second a previous one ends). Days are independent: no stretch crosses midnight.
"""

from bisect import bisect_right
from datetime import timedelta

from p2p.slots.spans import SpanSet
from p2p.slots.values import Reviewer
from p2p.slots.wall_clock import day_frame, wall_date, wall_instant
from p2p.slots.weekly_hours import DayMinutes

GRID_SECONDS = 15 * 60
_ONE_DAY = timedelta(days=1)


# (grid anchor, start, end, second pass): a stretch of working hours cut to one run of the
# provider's blocks and to the search's lower bound, before any booking is taken out.
Opening = tuple[int, int, int, tuple[int, int] | None]


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
    # A start at s belongs to the reviewer's date of s; stretches never cross midnight.
    day, last_day = wall_date(zone_name, low), wall_date(zone_name, high - 1)
    while day <= last_day:
        stretches = working_minutes[day.weekday()]
        if stretches:
            frame = day_frame(zone_name, day)
            for first_minute, end_minute in stretches:
                if frame.regular:
                    start = frame.midnight + first_minute * 60
                    end = frame.midnight + end_minute * 60
                else:
                    start = wall_instant(zone_name, day, first_minute)
                    end = wall_instant(zone_name, day, end_minute)
                first_start = max(start, low)
                if first_start > min(end - duration, high - 1):
                    continue
                for open_start, open_end in blocks.inside(first_start, end):
                    if open_end - open_start >= duration:
                        found.append((start, open_start, open_end, frame.second_pass))
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
    for anchor, open_start, open_end, second_pass in openings_:
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
                # Round up onto the grid laid from the stretch's start.
                lowest = cursor + (anchor - cursor) % GRID_SECONDS
                if second_pass is None:
                    found.extend(range(lowest, highest + 1, GRID_SECONDS))
                else:
                    found.extend(_first_pass_only(lowest, highest, anchor, second_pass))
                if first_only and found:
                    return found[:1]
            cursor = max(cursor, resume)
            following += 1
    return found


def _first_pass_only(
    lowest: int, highest: int, anchor: int, second_pass: tuple[int, int]
) -> list[int]:
    repeat_start, repeat_end = second_pass
    starts = list(range(lowest, min(highest + 1, repeat_start), GRID_SECONDS))
    after = max(lowest, repeat_end)
    after += (anchor - after) % GRID_SECONDS
    starts.extend(range(after, highest + 1, GRID_SECONDS))
    return starts


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
