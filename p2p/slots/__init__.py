"""The slot engine: which reviewer could hold a P2P when, for the provider's cases.

Pure domain code: no Flask, no database, no clock. "Now" is an argument, every datetime is
aware, zones are pytz, instants are compared in UTC. The service layer builds the inputs
from the database and serialises the results to API.md's JSON.

- `search_week(reviewers, request)`: a week of slots in priority groups, or why not.
- `decide_time(reviewer, request, start)`: the same rule for one (reviewer, start), for
  booking, holds and rescheduling: offered, taken, or not offered and why; with what the
  caller must acknowledge (`unacknowledged`). `is_offered` when the reason does not matter.
- `slot_label(start, time_zone)`: "Mon 11/23/26 3:15 pm PST".
- `weekly_hours_from_strings` / `weekly_hours_to_strings`: API.md's weekly hours.
"""

from p2p.slots.availability import GRID_SECONDS
from p2p.slots.decision import (
    CONSENT,
    DEADLINE,
    MATCH,
    NOT_OFFERED,
    NOT_TRAINED,
    OFFERED,
    TAKEN,
    TimeDecision,
    Unacknowledged,
    all_unacknowledged,
    decide_time,
    is_offered,
    unacknowledged,
)
from p2p.slots.errors import SlotsError
from p2p.slots.labels import slot_label
from p2p.slots.matching import PRIORITY_LABELS, is_trained, match_for, priority_of, rule_breaches
from p2p.slots.results import (
    EMPTY_REASONS,
    FULLY_BOOKED,
    NO_OVERLAP_WITH_PREFERENCES,
    NO_TRAINED_REVIEWER,
    CaseResult,
    Empty,
    Match,
    NoteNeeded,
    Offer,
    PriorityGroup,
    ReviewerSlots,
    RuleBreach,
    Slot,
    WeekResult,
    group_of_first,
)
from p2p.slots.search import LOOK_AHEAD_WEEKS, search_week
from p2p.slots.values import (
    DEFAULT_DAYS,
    DEFAULT_HOURS,
    DEFAULT_STATE_RULES,
    MINUTES_PER_CASE,
    CaseNeed,
    Interval,
    Preferences,
    Reviewer,
    SearchRequest,
    StateRule,
)
from p2p.slots.weekly_hours import DAY_NAMES, weekly_hours_from_strings, weekly_hours_to_strings

__all__ = [
    "group_of_first",
    "CONSENT",
    "DEADLINE",
    "MATCH",
    "NOT_TRAINED",
    "DAY_NAMES",
    "DEFAULT_DAYS",
    "DEFAULT_HOURS",
    "DEFAULT_STATE_RULES",
    "EMPTY_REASONS",
    "FULLY_BOOKED",
    "GRID_SECONDS",
    "LOOK_AHEAD_WEEKS",
    "MINUTES_PER_CASE",
    "NOT_OFFERED",
    "NO_OVERLAP_WITH_PREFERENCES",
    "NO_TRAINED_REVIEWER",
    "OFFERED",
    "PRIORITY_LABELS",
    "CaseNeed",
    "CaseResult",
    "Empty",
    "Interval",
    "Match",
    "NoteNeeded",
    "Offer",
    "Preferences",
    "PriorityGroup",
    "Reviewer",
    "ReviewerSlots",
    "RuleBreach",
    "SearchRequest",
    "Slot",
    "SlotsError",
    "StateRule",
    "TAKEN",
    "TimeDecision",
    "Unacknowledged",
    "WeekResult",
    "decide_time",
    "is_offered",
    "is_trained",
    "match_for",
    "priority_of",
    "rule_breaches",
    "search_week",
    "slot_label",
    "all_unacknowledged",
    "unacknowledged",
    "weekly_hours_from_strings",
    "weekly_hours_to_strings",
]
