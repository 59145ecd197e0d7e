"""The slot search (API.md, Slots) and its one-slot twin for booking (`is_offered`).

Both go through `availability` (`openings`, then `opening_starts`) with the same inputs, so
booking accepts exactly the starts the search would offer, by the same code.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import chain, groupby
from operator import itemgetter

from p2p.slots.availability import Opening, offered_starts, opening_starts, openings
from p2p.slots.blocks import chosen_blocks
from p2p.slots.errors import SlotsError
from p2p.slots.labels import label_at
from p2p.slots.matching import PRIORITY_LABELS, Qualification, priority_of
from p2p.slots.ranking import fair_order_key
from p2p.slots.results import (
    FULLY_BOOKED,
    NO_OVERLAP_WITH_PREFERENCES,
    NO_TRAINED_REVIEWER,
    CaseResult,
    Empty,
    Offer,
    PriorityGroup,
    ReviewerSlots,
    Slot,
    WeekResult,
)
from p2p.slots.spans import EMPTY, SpanSet
from p2p.slots.values import Preferences, Reviewer, SearchRequest
from p2p.slots.wall_clock import instant, seconds_ceil, seconds_floor, wall_date, wall_instant
from p2p.time_zones import require_aware
from p2p.vocabulary import OUTCOME_CHANGING

# "the first later week, within 12 weeks, that offers a slot" (API.md). The deadline
# question looks as far: the week of now + notice and the 12 after it.
LOOK_AHEAD_WEEKS = 12
_ONE_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class _Week:
    """A Monday-to-Sunday week of the provider's clock, as instants [start, end)."""

    monday: date
    start: int
    end: int
    blocks: SpanSet


@lru_cache(maxsize=1_024)
def _week(preferences: Preferences, monday: date) -> _Week:
    next_monday = monday + _ONE_WEEK
    zone_name = preferences.time_zone
    # A slot belongs to the week of its start; its end may run past Sunday midnight
    # into a chosen Monday block, hence the blocks of the next Monday too.
    return _Week(
        monday,
        wall_instant(zone_name, monday, 0),
        wall_instant(zone_name, next_monday, 0),
        chosen_blocks(preferences, monday, next_monday),
    )


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class _Slots:
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


class _Search:
    """One request: the trained reviewers, and the first start of each week looked at."""

    def __init__(self, reviewers: Iterable[Reviewer], request: SearchRequest):
        reviewers = tuple(reviewers)
        ids = {reviewer.reviewer_id for reviewer in reviewers}
        if len(ids) != len(reviewers):
            raise SlotsError("A reviewer appears twice in the search.", "reviewers")
        self.request = request
        self.duration = request.duration_seconds
        self.qualification = Qualification(request.cases, request.state_rules)
        self.trained = [r for r in reviewers if self.qualification.trained(r)]
        self.first_starts: dict[date, int | None] = {}

    def week(self, monday: date) -> _Week:
        return _week(self.request.preferences, monday)

    def low(self, week: _Week) -> int:
        return max(week.start, self.request.earliest_start)

    def starts(self, week: _Week, *, low: int, bookings: bool = True, first_only: bool = False):
        """(reviewer, starts) for every trained reviewer."""
        shared: dict[tuple, tuple[Opening, ...]] = {}
        for reviewer in self.trained:
            yield (
                reviewer,
                opening_starts(
                    self._openings(reviewer, week, low, shared),
                    reviewer.blocked_spans if bookings else EMPTY,
                    week.end,
                    self.duration,
                    first_only=first_only,
                ),
            )

    def _openings(self, reviewer: Reviewer, week: _Week, low: int, shared: dict):
        # Reviewers sharing a zone and weekly hours share their openings; only their
        # bookings differ.
        key = (reviewer.time_zone, reviewer.working_minutes)
        found = shared.get(key)
        if found is None:
            found = shared[key] = openings(
                reviewer.time_zone,
                reviewer.working_minutes,
                week.blocks,
                low,
                week.end,
                self.duration,
            )
        return found

    def first_start(self, monday: date) -> int | None:
        if monday not in self.first_starts:
            week = self.week(monday)
            low = self.low(week)
            shared: dict = {}
            best = None
            for reviewer in self.trained:
                # Only a start before the best so far can change the answer.
                first = opening_starts(
                    self._openings(reviewer, week, low, shared),
                    reviewer.blocked_spans,
                    week.end if best is None else best,
                    self.duration,
                    first_only=True,
                )
                if first:
                    best = first[0]
            self.first_starts[monday] = best
        return self.first_starts[monday]

    def first_week_after(self, monday: date) -> date | None:
        for weeks in range(1, LOOK_AHEAD_WEEKS + 1):
            later = monday + weeks * _ONE_WEEK
            if self.first_start(later) is not None:
                return later
        return None

    def first_start_from_now(self, until: int | None) -> int | None:
        """The first start at or after now + notice, looking no further than `until` or the
        week of now + notice and the 12 after it."""
        request = self.request
        earliest_day = wall_date(request.preferences.time_zone, request.earliest_start)
        monday = _monday_of(earliest_day)
        for weeks in range(LOOK_AHEAD_WEEKS + 1):
            later = monday + weeks * _ONE_WEEK
            if until is not None and self.week(later).start >= until:
                return None
            found = self.first_start(later)
            if found is not None:
                return found
        return None


def search_week(reviewers: Iterable[Reviewer], request: SearchRequest) -> WeekResult:
    """Every slot of the week of `request.week_of`, grouped by priority, in fair order;
    reviewers without a slot that week are left out."""
    search = _Search(reviewers, request)
    monday = _monday_of(request.week_of)
    week = search.week(monday)
    qualification = search.qualification

    found = [
        (reviewer, starts)
        for reviewer, starts in search.starts(week, low=search.low(week))
        if starts
    ]
    search.first_starts[monday] = min((starts[0] for _, starts in found), default=None)

    slots = _Slots(request)
    for start in set(chain.from_iterable(starts for _, starts in found)):
        slots.make(start)
    slot_of = slots.made.__getitem__
    ranked = []
    for reviewer, starts in found:
        match = qualification.match(reviewer)
        busy = reviewer.busy_spans.covered_seconds(week.start, week.end)
        ranked.append(
            (
                priority_of(match),
                fair_order_key(reviewer.reviewer_id, busy, monday),
                ReviewerSlots(
                    reviewer,
                    match,
                    qualification.breaches(reviewer),
                    tuple(map(slot_of, starts)),
                ),
            )
        )
    ranked.sort(key=itemgetter(0, 1))
    groups = tuple(
        PriorityGroup(priority, PRIORITY_LABELS[priority], tuple(entry[2] for entry in entries))
        for priority, entries in groupby(ranked, key=itemgetter(0))
    )
    return WeekResult(
        time_zone=request.preferences.time_zone,
        week_start=monday,
        week_end=monday + timedelta(days=6),
        cases=_case_results(search),
        groups=groups,
        empty=None if groups else _empty(search, week),
    )


def _case_results(search: _Search) -> tuple[CaseResult, ...]:
    cases = search.request.cases
    deadlines = [case.valid_until for case in cases if case.outcome == OUTCOME_CHANGING]
    first = None
    if deadlines and search.trained:
        until = None if None in deadlines else seconds_ceil(max(deadlines))
        first = search.first_start_from_now(until)
    results = []
    for case in cases:
        before = None
        if case.outcome == OUTCOME_CHANGING:
            # Every start is at or after now + notice, so "a slot between now and
            # valid_until" is "the first start from now is before valid_until".
            before = first is not None and (
                case.valid_until is None or first < seconds_ceil(case.valid_until)
            )
        results.append(CaseResult(case.case_ref, case.outcome, case.valid_until, before))
    return tuple(results)


def _case_types_text(search: _Search) -> str:
    names = list(dict.fromkeys(case.case_type for case in search.request.cases))
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _week_text(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return f"{monday.month}/{monday.day}/{monday.year} - {sunday.month}/{sunday.day}/{sunday.year}"


def _empty(search: _Search, week: _Week) -> Empty:
    case_types = _case_types_text(search)
    if not search.trained:
        together = " together" if len(search.qualification.case_types) > 1 else ""
        return Empty(
            NO_TRAINED_REVIEWER,
            f"No reviewer is currently trained for {case_types}{together}.",
            None,
        )
    # Judged on weekly hours alone: bookings, time off and notice left out.
    overlaps = any(
        starts for _, starts in search.starts(week, low=week.start, bookings=False, first_only=True)
    )
    first_week = search.first_week_after(week.monday)
    earliest = search.request.earliest_start
    if overlaps and week.end <= earliest:
        # Over, or wholly inside the notice: "too soon" (API.md), said as such.
        reason = FULLY_BOOKED
        message = (
            f"Nothing in the week of {_week_text(week.monday)} can still be booked: the "
            f"earliest start is {label_at(earliest, search.request.preferences.time_zone)}."
        )
    elif overlaps:
        reason = FULLY_BOOKED
        message = (
            f"The reviewers for {case_types} have no free time on the days and times you "
            f"chose in the week of {_week_text(week.monday)}."
        )
    else:
        reason = NO_OVERLAP_WITH_PREFERENCES
        message = f"The reviewers for {case_types} work no hours on the days and times you chose."
    if first_week is not None:
        message += f" The first week with an open time is {_week_text(first_week)}."
    return Empty(reason, message, first_week)


def is_offered(reviewer: Reviewer, request: SearchRequest, start: datetime) -> Offer | None:
    """Would `search_week` offer this reviewer at `start` (any aware datetime) for these
    cases, preferences, now and notice? The Offer if so, else None.

    `request.week_of` is not used: the week is the one of `start`. For booking, pass
    `Preferences.any_time(zone)` (a booking carries no preferred days or hours), and leave
    the appointment being rescheduled and the hold being used out of `reviewer.busy`.
    Costs one reviewer's expansion over the day of `start`."""
    require_aware(start, "start", SlotsError)
    qualification = Qualification(request.cases, request.state_rules)
    if start.microsecond or not qualification.trained(reviewer):
        return None
    seconds = seconds_floor(start)
    if seconds < request.earliest_start:
        return None
    preferences = request.preferences
    week = _week(preferences, _monday_of(wall_date(preferences.time_zone, seconds)))
    offered = offered_starts(
        reviewer,
        week.blocks,
        reviewer.blocked_spans,
        seconds,
        seconds + 1,
        request.duration_seconds,
    )
    if offered != [seconds]:
        return None
    match = qualification.match(reviewer)
    priority = priority_of(match)
    return Offer(
        reviewer,
        priority,
        PRIORITY_LABELS[priority],
        match,
        qualification.breaches(reviewer),
        _Slots(request).make(seconds),
    )
