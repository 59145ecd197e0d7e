"""What the engine answers: priority groups of reviewers with their slots, or why not.

Instants are UTC datetimes; the caller shows them in the provider's zone (API.md renders
`start`/`end` with the provider's offset). `label` is already in the provider's zone.
"""

from dataclasses import dataclass
from datetime import date, datetime

from p2p.slots.values import Reviewer

NO_TRAINED_REVIEWER = "no_trained_reviewer"
NO_OVERLAP_WITH_PREFERENCES = "no_overlap_with_preferences"
FULLY_BOOKED = "fully_booked"
EMPTY_REASONS = (NO_TRAINED_REVIEWER, NO_OVERLAP_WITH_PREFERENCES, FULLY_BOOKED)



@dataclass(frozen=True, slots=True)
class Match:
    """Whether the reviewer has every case's specialty / a licence in every member's state."""

    specialty: bool
    state_license: bool


@dataclass(frozen=True, slots=True)
class RuleBreach:
    """A member state's rule (`StateRule`) this reviewer does not meet for one case:
    `requirement` is `state_license` or `same_specialty`. Booking such a reviewer needs the
    provider's acknowledgement (API.md: `match_acknowledgement_required`)."""

    case_ref: str
    state: str
    requirement: str


@dataclass(frozen=True, slots=True)
class NoteNeeded:
    """A call note a booking must carry (the seeds' check boxes [001][004]): a member
    state's rule this reviewer does not meet, or the member's consent that the state asks
    for. `note` is the call note the provider checks; any of `accepted` satisfies it (the
    "TX licensed same specialty" note covers a missing licence too)."""

    note: str
    accepted: tuple[str, ...]
    case_ref: str
    state: str
    requirement: str  # state_license, same_specialty or member_consent


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start. `consultative_only_case_refs`: the outcome-changing cases whose
    window has closed by `start` (a slot at or after `valid_until` is consultative only)."""

    start: datetime
    end: datetime
    label: str
    consultative_only_case_refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReviewerSlots:
    reviewer: Reviewer
    match: Match
    rule_breaches: tuple[RuleBreach, ...]
    slots: tuple[Slot, ...]
    notes_needed: tuple[NoteNeeded, ...] = ()


@dataclass(frozen=True, slots=True)
class PriorityGroup:
    priority: int
    label: str
    reviewers: tuple[ReviewerSlots, ...]


@dataclass(frozen=True, slots=True)
class Empty:
    """Why the week offers nothing. `first_week_with_slots`: the Monday (provider's zone) of
    the first later week, within 12, with a slot for the same preferences, else None."""

    reason: str
    message: str
    first_week_with_slots: date | None


@dataclass(frozen=True, slots=True)
class CaseResult:
    """`slot_before_deadline`: for an outcome-changing case, whether any slot with these
    preferences starts between now and `valid_until`; None for the other outcomes."""

    case_ref: str
    outcome: str
    valid_until: datetime | None
    slot_before_deadline: bool | None


@dataclass(frozen=True, slots=True)
class WeekResult:
    time_zone: str
    week_start: date
    week_end: date
    cases: tuple[CaseResult, ...]
    groups: tuple[PriorityGroup, ...]
    empty: Empty | None


@dataclass(frozen=True, slots=True)
class Offer:
    """The engine's answer for one (reviewer, start): what booking needs to decide."""

    reviewer: Reviewer
    priority: int
    priority_label: str
    match: Match
    rule_breaches: tuple[RuleBreach, ...]
    slot: Slot
    notes_needed: tuple[NoteNeeded, ...] = ()

    @property
    def match_acknowledgement_required(self) -> bool:
        return bool(self.rule_breaches)

    @property
    def consultative_only_case_refs(self) -> tuple[str, ...]:
        return self.slot.consultative_only_case_refs


def group_of_first(result: WeekResult, reviewer_id: str) -> WeekResult:
    """After a call the reviewer could not hold (issue 16): that reviewer's priority group
    first, its other reviewers first in it, the reviewer last; the rest as they were."""
    from dataclasses import replace

    for index, group in enumerate(result.groups):
        ids = [offered.reviewer.reviewer_id for offered in group.reviewers]
        if reviewer_id in ids:
            others = tuple(o for o in group.reviewers if o.reviewer.reviewer_id != reviewer_id)
            missed = tuple(o for o in group.reviewers if o.reviewer.reviewer_id == reviewer_id)
            first = replace(group, reviewers=others + missed)
            rest = result.groups[:index] + result.groups[index + 1:]
            return replace(result, groups=(first, *rest))
    return result
