"""The weeks a search looks at and the slots it hands out, shared by the search and the
one-time decision (`decision.decide_time`), so both see the same blocks and the same
`Slot` objects."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from p2p.slots.blocks import chosen_blocks
from p2p.slots.labels import label_at
from p2p.slots.results import Slot
from p2p.slots.spans import SpanSet
from p2p.slots.values import Preferences, SearchRequest
from p2p.slots.wall_clock import instant, seconds_ceil, wall_instant
from p2p.vocabulary import OUTCOME_CHANGING

ONE_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Week:
    """A Monday-to-Sunday week of the provider's clock, as instants [start, end), with the
    provider's chosen blocks."""

    monday: date
    start: int
    end: int
    blocks: SpanSet


@lru_cache(maxsize=1_024)
def week(preferences: Preferences, monday: date) -> Week:
    next_monday = monday + ONE_WEEK
    zone_name = preferences.time_zone
    # A slot belongs to the week of its start; its end may run past Sunday midnight
    # into a chosen Monday block, hence the blocks of the next Monday too.
    return Week(
        monday,
        wall_instant(zone_name, monday, 0),
        wall_instant(zone_name, next_monday, 0),
        chosen_blocks(preferences, monday, next_monday),
    )


class SlotMaker:
    """The `Slot`s of one request, one per distinct start: reviewers share starts."""

    def __init__(self, request: SearchRequest):
        self._duration = request.duration_seconds
        self._zone = request.preferences.time_zone
        self._deadlines = tuple(
            (seconds_ceil(case.valid_until), case.case_ref)
            for case in request.cases
            if case.outcome == OUTCOME_CHANGING and case.valid_until is not None
        )
        self.made: dict[int, Slot] = {}

    def make(self, start: int) -> Slot:
        slot = self.made.get(start)
        if slot is None:
            # At or after valid_until the window has closed (DOMAIN.md).
            closed = tuple(ref for closes, ref in self._deadlines if closes <= start)
            slot = self.made[start] = _slot(start, self._duration, self._zone, closed)
        return slot


@lru_cache(maxsize=8_192)
def _slot(start: int, duration: int, zone_name: str, closed: tuple[str, ...]) -> Slot:
    """The Slot of these four values, the same object for every search that asks for it
    (a Slot is immutable; 8,192 cover a dozen weeks of every quarter hour)."""
    return Slot(instant(start), instant(start + duration), label_at(start, zone_name), closed)
