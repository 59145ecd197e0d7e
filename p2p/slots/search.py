"""The slot search (API.md, Slots). Its one-time twin for booking is
`decision.decide_time`: both go through `availability` (`openings`, then `opening_starts`)
over the same weeks (`weeks`), so booking accepts exactly the starts the search offers.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import chain, groupby
from operator import itemgetter

from p2p.slots import weeks
from p2p.slots.availability import Opening, opening_starts, openings
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
    PriorityGroup,
    ReviewerSlots,
    WeekResult,
)
from p2p.slots.spans import EMPTY
from p2p.slots.values import Reviewer, SearchRequest
from p2p.slots.wall_clock import seconds_ceil, wall_date
from p2p.slots.weeks import ONE_WEEK, SlotMaker, Week
from p2p.time_zones import week_of
from p2p.vocabulary import OUTCOME_CHANGING

# "the first later week, within 12 weeks, that offers a slot" (API.md). The deadline
# question looks as far: the week of now + notice and the 12 after it.
LOOK_AHEAD_WEEKS = 12


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

    def week(self, monday: date) -> Week:
        return weeks.week(self.request.preferences, monday)

    def low(self, week: Week) -> int:
        return max(week.start, self.request.earliest_start)

    def starts(self, week: Week, *, low: int, bookings: bool = True, first_only: bool = False):
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

    def _openings(self, reviewer: Reviewer, week: Week, low: int, shared: dict):
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
        for count in range(1, LOOK_AHEAD_WEEKS + 1):
            later = monday + count * ONE_WEEK
            if self.first_start(later) is not None:
                return later
        return None

    def first_start_from_now(self, until: int | None) -> int | None:
        """The first start at or after now + notice, looking no further than `until` or the
        week of now + notice and the 12 after it."""
        request = self.request
        earliest_day = wall_date(request.preferences.time_zone, request.earliest_start)
        monday = week_of(earliest_day)
        for count in range(LOOK_AHEAD_WEEKS + 1):
            later = monday + count * ONE_WEEK
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
    monday = week_of(request.week_of)
    week = search.week(monday)
    qualification = search.qualification

    found = [
        (reviewer, starts)
        for reviewer, starts in search.starts(week, low=search.low(week))
        if starts
    ]
    search.first_starts[monday] = min((starts[0] for _, starts in found), default=None)

    slots = SlotMaker(request)
    for start in set(chain.from_iterable(starts for _, starts in found)):
        slots.make(start)
    slot_of = slots.made.__getitem__
    ranked = []
    for reviewer, starts in found:
        match = qualification.match(reviewer)
        breaches = qualification.breaches(reviewer)
        busy = reviewer.busy_spans.covered_seconds(week.start, week.end)
        ranked.append(
            (
                priority_of(match),
                fair_order_key(reviewer.reviewer_id, busy, monday),
                ReviewerSlots(
                    reviewer,
                    match,
                    breaches,
                    tuple(map(slot_of, starts)),
                    qualification.notes_needed(reviewer, breaches),
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


def _empty(search: _Search, week: Week) -> Empty:
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
