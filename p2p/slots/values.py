"""What the engine is asked: reviewers, cases, the provider's preferences, the search.

Plain frozen values, validated on construction (`SlotsError`). Every datetime is aware;
instants are kept in UTC. Reviewer hours are wall-clock times in the reviewer's own zone;
the provider's days and one-hour blocks are wall-clock in the provider's zone.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC as datetime_utc
from datetime import date, datetime, time, timedelta
from functools import cached_property
from itertools import chain
from types import MappingProxyType

from p2p.slots.errors import SlotsError
from p2p.slots.spans import SpanSet
from p2p.slots.wall_clock import UTC, seconds_ceil, seconds_floor
from p2p.slots.weekly_hours import DayMinutes, day_minutes
from p2p.time_zones import require_aware, zone
from p2p.vocabulary import OUTCOMES

# API.md, Slots: "the defaults are Mon-Fri and 7..18" (the seeds' 7:00-19:00 grid).
DEFAULT_DAYS = frozenset(range(5))
DEFAULT_HOURS = frozenset(range(7, 19))
MINUTES_PER_CASE = 15
_QUARTER = 15 * 60  # the grid of starts, in seconds


_UTCS = (UTC, datetime_utc)


@dataclass(frozen=True, slots=True)
class Interval:
    """[start, end) between two aware instants, stored in UTC (pytz's or the standard
    library's UTC: both compare as instants)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        # Built by the thousand per search (every booking of every trained reviewer): the
        # usual inputs, already in UTC from the database, take the short way.
        if getattr(self.start, "tzinfo", None) not in _UTCS:
            require_aware(self.start, "start", SlotsError)
            object.__setattr__(self, "start", self.start.astimezone(UTC))
        if getattr(self.end, "tzinfo", None) not in _UTCS:
            require_aware(self.end, "end", SlotsError)
            object.__setattr__(self, "end", self.end.astimezone(UTC))
        if self.end <= self.start:
            raise SlotsError("An interval ends after it starts.", "end")


def _seconds(intervals: Iterable[Interval]) -> list[tuple[int, int]]:
    # Rounded outwards to whole seconds: never offer a sliver of a busy second.
    return [(seconds_floor(i.start), seconds_ceil(i.end)) for i in intervals]


def _second_pairs(values: Iterable[tuple[int, int]], field_name: str) -> tuple:
    # Hundreds of pairs per search: one plain loop (`type(...) is int` also refuses bool).
    values = tuple(values)
    try:
        for start, end in values:
            if type(start) is not int or type(end) is not int or end <= start:
                break
        else:
            return values
    except (TypeError, ValueError):
        pass
    raise SlotsError(f"{field_name} holds (start, end) POSIX seconds, end > start.", field_name)


def _frozen(values: Iterable[str], field_name: str) -> frozenset[str]:
    if isinstance(values, str):
        raise SlotsError(f"{field_name} is a set of strings, not one string.", field_name)
    return values if isinstance(values, frozenset) else frozenset(values)


def _intervals(values: Iterable[Interval], field_name: str) -> tuple[Interval, ...]:
    values = tuple(values)
    if not all(isinstance(value, Interval) for value in values):
        raise SlotsError(f"{field_name} holds Interval values.", field_name)
    return values


@dataclass(frozen=True)
class Reviewer:
    """A medical director as the engine needs one.

    `weekly_hours`: weekday (0 = Monday) -> ((start, end), ...) wall-clock `time`s in
    `time_zone`; an end of `time(0, 0)` means 24:00 (see `weekly_hours`). `busy`: the
    reviewer's appointments and live holds, already widened by any buffer the caller
    wants; `time_off`: absences. Both only need to cover the weeks searched (for an empty
    week or a deadline the engine looks up to 12 weeks ahead).

    `busy_seconds` / `time_off_seconds`: the same, as (start, end) POSIX-second pairs, the
    engine's own representation: a caller that reads hundreds of bookings per search (the
    database can hand over epoch seconds directly) skips building an `Interval` for each.
    Both forms may be given; they are merged."""

    reviewer_id: str
    name: str
    credentials: str
    specialties: frozenset[str]
    case_types: frozenset[str]
    licensed_states: frozenset[str]
    time_zone: str
    weekly_hours: Mapping[int, tuple[tuple[time, time], ...]]
    active: bool = True
    time_off: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()
    busy_seconds: tuple[tuple[int, int], ...] = ()
    time_off_seconds: tuple[tuple[int, int], ...] = ()
    working_minutes: tuple[DayMinutes, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        zone(self.time_zone, SlotsError)
        for name in ("specialties", "case_types", "licensed_states"):
            object.__setattr__(self, name, _frozen(getattr(self, name), name))
        for name in ("time_off", "busy"):
            object.__setattr__(self, name, _intervals(getattr(self, name), name))
        for name in ("time_off_seconds", "busy_seconds"):
            object.__setattr__(self, name, _second_pairs(getattr(self, name), name))
        object.__setattr__(self, "working_minutes", day_minutes(self.weekly_hours))
        object.__setattr__(self, "weekly_hours", MappingProxyType(dict(self.weekly_hours)))

    def with_calendar(
        self,
        busy_seconds: Iterable[tuple[int, int]] = (),
        time_off_seconds: Iterable[tuple[int, int]] = (),
    ) -> "Reviewer":
        """The same reviewer with this busy time and time off instead of its own (POSIX-second
        pairs, as `busy_seconds` / `time_off_seconds`). For a caller that keeps reviewers'
        profiles and reads only their calendars per search: the profile is not validated
        again."""
        clone = object.__new__(Reviewer)
        state = {
            name: value
            for name, value in self.__dict__.items()
            if name not in _CACHED  # computed from the old calendar
        }
        state.update(
            busy=(),
            time_off=(),
            busy_seconds=_second_pairs(busy_seconds, "busy_seconds"),
            time_off_seconds=_second_pairs(time_off_seconds, "time_off_seconds"),
        )
        clone.__dict__.update(state)
        return clone

    @cached_property
    def blocked_spans(self) -> SpanSet:
        """Busy and time off together, as sorted seconds: computed once per reviewer."""
        if not (self.time_off or self.time_off_seconds):
            return self.busy_spans
        return SpanSet(chain(self.busy_spans, _seconds(self.time_off), self.time_off_seconds))

    @cached_property
    def time_off_spans(self) -> SpanSet:
        """Time off only."""
        return SpanSet(chain(_seconds(self.time_off), self.time_off_seconds))

    @cached_property
    def busy_spans(self) -> SpanSet:
        """Busy only (appointments and holds): the load the fair order spreads."""
        return SpanSet(chain(_seconds(self.busy), self.busy_seconds))


_CACHED = frozenset(
    name for name, value in vars(Reviewer).items() if isinstance(value, cached_property)
)


@dataclass(frozen=True, slots=True)
class CaseNeed:
    """One case of the search, with the eligibility engine's answer at search time.
    `valid_until` closes the outcome-changing window (None for the other outcomes)."""

    case_ref: str
    case_type: str
    specialty: str
    member_state: str
    outcome: str
    valid_until: datetime | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise SlotsError(f"outcome is one of {', '.join(OUTCOMES)}.", "outcome")
        if self.valid_until is not None:
            require_aware(self.valid_until, "valid_until", SlotsError)
            object.__setattr__(self, "valid_until", self.valid_until.astimezone(UTC))


@dataclass(frozen=True, slots=True)
class StateRule:
    """What a member's state requires of the reviewer, or of the booking (data, shipped in
    the migrations: TX a licence and the same specialty, OH the member's consent)."""

    state: str
    requires_state_license: bool
    requires_same_specialty: bool
    requires_member_consent: bool = False


# The seeds' call notes and Texas Insurance Code §4201.456 (DOMAIN.md); every database has
# these from its migrations (API.md, State rules).
DEFAULT_STATE_RULES = (
    StateRule("OH", requires_state_license=False, requires_same_specialty=False,
              requires_member_consent=True),
    StateRule("TX", requires_state_license=True, requires_same_specialty=True),
)


@dataclass(frozen=True, slots=True)
class Preferences:
    """The provider's zone, preferred days (0 = Monday) and one-hour blocks (block h is
    h:00 to h+1:00 on the provider's clock)."""

    time_zone: str
    days: frozenset[int] = DEFAULT_DAYS
    hours: frozenset[int] = DEFAULT_HOURS

    def __post_init__(self) -> None:
        zone(self.time_zone, SlotsError)
        object.__setattr__(self, "days", frozenset(self.days))
        object.__setattr__(self, "hours", frozenset(self.hours))
        if not all(isinstance(d, int) and 0 <= d <= 6 for d in self.days):
            raise SlotsError("days are weekday numbers 0 (Monday) .. 6 (Sunday).", "days")
        if not all(isinstance(h, int) and 0 <= h <= 23 for h in self.hours):
            raise SlotsError("hours are blocks 0 .. 23.", "hours")

    @classmethod
    def any_time(cls, time_zone: str) -> "Preferences":
        """Every day and hour: for checking a booking, where no preferences apply."""
        return cls(time_zone, frozenset(range(7)), frozenset(range(24)))


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One slot search. `week_of` is any date of the wanted week (weeks run Monday to
    Sunday in the provider's zone); `now` is the instant of the search."""

    cases: tuple[CaseNeed, ...]
    preferences: Preferences
    week_of: date
    now: datetime
    minimum_notice: timedelta = timedelta(0)
    minutes_per_case: int = MINUTES_PER_CASE
    state_rules: tuple[StateRule, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "cases", tuple(self.cases))
        object.__setattr__(self, "state_rules", tuple(self.state_rules))
        if not self.cases:
            raise SlotsError("A search needs at least one case.", "cases")
        refs = [case.case_ref for case in self.cases]
        if len(set(refs)) != len(refs):
            raise SlotsError("A case appears twice in the search.", "cases")
        if isinstance(self.week_of, datetime) or not isinstance(self.week_of, date):
            raise SlotsError("week_of is a date.", "week_of")
        require_aware(self.now, "now", SlotsError)
        if not isinstance(self.minimum_notice, timedelta) or self.minimum_notice < timedelta(0):
            raise SlotsError("minimum_notice is a timedelta of zero or more.", "minimum_notice")
        per_case = self.minutes_per_case
        if isinstance(per_case, bool) or not isinstance(per_case, int) or per_case <= 0:
            raise SlotsError("minutes_per_case is a positive number.", "minutes_per_case")

    @property
    def case_types(self) -> frozenset[str]:
        return frozenset(case.case_type for case in self.cases)

    @property
    def duration_seconds(self) -> int:
        """The appointment covers every case: minutes_per_case each."""
        return self.minutes_per_case * 60 * len(self.cases)

    @property
    def earliest_start(self) -> int:
        """No slot starts before now plus the minimum notice (POSIX seconds), rounded up to
        the quarter hour. Every start is on a quarter hour (weekly hours are, and so is
        every zone's offset: see availability.py), so the rounding takes no slot away; it
        makes the answer the same for every `now` of a quarter hour (`answer_key`)."""
        return -(-seconds_ceil(self.now + self.minimum_notice) // _QUARTER) * _QUARTER

    def answer_key(self) -> tuple:
        """What the search's answer depends on besides the reviewers: every field, with
        `now` and `minimum_notice` counting only through `earliest_start`. Two requests
        with equal keys, over the same reviewers, get the same answer."""
        return (
            self.cases,
            self.preferences,
            self.week_of,
            self.earliest_start,
            self.minutes_per_case,
            self.state_rules,
        )
