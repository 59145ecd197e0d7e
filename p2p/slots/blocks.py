"""The provider's preferred days and one-hour blocks, as instants.

Block h of a chosen day is every instant at which the provider's clock shows a reading of
that date from h:00 to before h+1:00 (`wall_clock.showing`); consecutive chosen blocks join,
also across midnight into a chosen next day, so a 30-minute call at 16:45 fits when blocks
16 and 17 are both chosen. DST falls out of the rule: on the spring-forward night block 2 is
empty (the clock skips 02:00-03:00, and blocks 1 and 3 then touch); on the fall-back night
block 1 lasts two real hours (the clock shows 01:xx twice).
"""

from datetime import date, timedelta
from functools import lru_cache

from p2p.slots.spans import SpanSet
from p2p.slots.values import Preferences
from p2p.slots.wall_clock import showing


def _runs(hours: frozenset[int]) -> list[tuple[int, int]]:
    """Chosen hours as runs of consecutive blocks: {7, 8, 9, 12} -> [(7, 10), (12, 13)]."""
    runs: list[tuple[int, int]] = []
    for hour in sorted(hours):
        if runs and runs[-1][1] == hour:
            runs[-1] = (runs[-1][0], hour + 1)
        else:
            runs.append((hour, hour + 1))
    return runs


@lru_cache(maxsize=1_024)
def chosen_blocks(preferences: Preferences, first_day: date, last_day: date) -> SpanSet:
    """The chosen blocks of the provider's dates first_day .. last_day (inclusive)."""
    runs = _runs(preferences.hours)
    spans = []
    day = first_day
    while day <= last_day:
        if day.weekday() in preferences.days:
            for first_hour, end_hour in runs:
                shown = showing(preferences.time_zone, day, first_hour * 60, end_hour * 60)
                spans.extend((start, end) for start, end, _ in shown)
        day += timedelta(days=1)
    return SpanSet(spans)
