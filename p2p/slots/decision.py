"""One time for one reviewer: may this caller have it for these cases, and what must they
acknowledge? (booking, holds and rescheduling; the search offers exactly the starts for
which this answers `offered`, by the same expansion in `availability`.)

`decide_time` returns a value, never raises for a refused time:
- `offered`, with the engine's `Offer` (slot, priority, match), the cases that would be
  consultative only at that time (the deadline acknowledgement), and the call notes the
  booking needs (a member state's rule the reviewer does not meet, the member's consent);
- `taken`: the time is the reviewer's and free of time off, but another booking or a live
  hold has it (API.md: 409 `slot_unavailable`);
- `not_offered`, with the reason: the reviewer is inactive or not trained for every case,
  the start is off the 15-minute grid, inside the minimum notice, outside the reviewer's
  hours, too long for what is left of them, or in their time off.

`unacknowledged` then says what a request that carries the caller's acknowledgements still
lacks, as a value the service turns into API.md's errors.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from p2p.slots import weeks
from p2p.slots.availability import GRID_SECONDS, offered_starts
from p2p.slots.errors import SlotsError
from p2p.slots.labels import label_at
from p2p.slots.matching import MEMBER_CONSENT, PRIORITY_LABELS, Qualification, priority_of
from p2p.slots.results import NoteNeeded, Offer
from p2p.slots.spans import EMPTY
from p2p.slots.values import Reviewer, SearchRequest
from p2p.slots.wall_clock import seconds_floor, wall_date
from p2p.time_zones import require_aware, week_of
from p2p.vocabulary import SAME_SPECIALTY, STATE_LICENSE

OFFERED = "offered"
TAKEN = "taken"
NOT_OFFERED = "not_offered"

NOT_TRAINED = "not_trained"
OFF_GRID = "off_grid"
INSIDE_MINIMUM_NOTICE = "inside_minimum_notice"
OUTSIDE_HOURS = "outside_hours"
TOO_LONG = "too_long"
TIME_OFF = "time_off"
REASONS = (NOT_TRAINED, OFF_GRID, INSIDE_MINIMUM_NOTICE, OUTSIDE_HOURS, TOO_LONG, TIME_OFF)

# What the provider reads for each reason (API.md: the 422 names it).
REASON_TEXT = {
    NOT_TRAINED: "This reviewer is inactive or not trained for every case's type.",
    OFF_GRID: "Starts are on the quarter hour (:00, :15, :30, :45) of the reviewer's clock.",
    INSIDE_MINIMUM_NOTICE: "That time is too soon: the earliest start is {earliest}.",
    OUTSIDE_HOURS: "The reviewer does not work at that time.",
    TOO_LONG: "The call ({minutes} minutes) would run past the end of the reviewer's hours.",
    TIME_OFF: "The reviewer is away (time off) at that time.",
}


@dataclass(frozen=True, slots=True)
class TimeDecision:
    verdict: str
    reason: str | None = None
    message: str | None = None
    offer: Offer | None = None

    @property
    def offered(self) -> bool:
        return self.verdict == OFFERED

    @property
    def consultative_only_case_refs(self) -> tuple[str, ...]:
        """The outcome-changing cases whose window has closed by the start: booking then
        needs the deadline acknowledgement."""
        return self.offer.consultative_only_case_refs if self.offer else ()

    @property
    def notes_needed(self) -> tuple[NoteNeeded, ...]:
        return self.offer.notes_needed if self.offer else ()


def _refused(reason: str, **details) -> TimeDecision:
    return TimeDecision(NOT_OFFERED, reason, REASON_TEXT[reason].format(**details))


def decide_time(reviewer: Reviewer, request: SearchRequest, start: datetime) -> TimeDecision:
    """May `reviewer` hold a call for `request.cases` starting at `start` (any aware
    datetime)? For booking pass `Preferences.any_time(zone)` (a booking carries no preferred
    days or hours), and leave the appointment being moved and the hold being used out of
    the reviewer's busy time. `request.week_of` is not used: the week is the one of `start`.
    Costs a few expansions of one reviewer's day."""
    require_aware(start, "start", SlotsError)
    qualification = Qualification(request.cases, request.state_rules)
    if not qualification.trained(reviewer):
        return _refused(NOT_TRAINED)
    moment = seconds_floor(start)
    if start.microsecond or moment % GRID_SECONDS:
        return _refused(OFF_GRID)
    earliest = request.earliest_start
    if moment < earliest:
        zone_name = request.preferences.time_zone
        return _refused(INSIDE_MINIMUM_NOTICE, earliest=label_at(earliest, zone_name))
    # The week's blocks of the provider's preferences (all of it for a booking).
    preferences = request.preferences
    blocks = weeks.week(preferences, week_of(wall_date(preferences.time_zone, moment))).blocks
    duration = request.duration_seconds

    def starts_at(blocked, length) -> bool:
        return offered_starts(reviewer, blocks, blocked, moment, moment + 1, length) == [moment]

    if not starts_at(EMPTY, GRID_SECONDS):
        return _refused(OUTSIDE_HOURS)
    if not starts_at(EMPTY, duration):
        return _refused(TOO_LONG, minutes=duration // 60)
    if not starts_at(reviewer.time_off_spans, duration):
        return _refused(TIME_OFF)
    if not starts_at(reviewer.blocked_spans, duration):
        return TimeDecision(TAKEN, message="The reviewer is already booked or held at that time.")
    match = qualification.match(reviewer)
    priority = priority_of(match)
    breaches = qualification.breaches(reviewer)
    return TimeDecision(
        OFFERED,
        offer=Offer(
            reviewer,
            priority,
            PRIORITY_LABELS[priority],
            match,
            breaches,
            weeks.SlotMaker(request).make(moment),
            qualification.notes_needed(reviewer, breaches),
        ),
    )


# What the caller must still acknowledge ------------------------------------------------------

DEADLINE = "deadline"
MATCH = "match"
CONSENT = "consent"


@dataclass(frozen=True, slots=True)
class Unacknowledged:
    """What a request lacks: `kind` is `deadline` (the consultative-only acknowledgement),
    `match` (a call note for a state's licence or specialty rule) or `consent` (the member's
    consent a state asks for); `fields` names each field to set, with why."""

    kind: str
    message: str
    fields: dict[str, list[str]]


def unacknowledged(
    decision: TimeDecision, acknowledge_consultative_only: bool, checked_notes: Collection[str]
) -> Unacknowledged | None:
    """The first of the deadline, match and consent acknowledgements an offered time needs
    and the request does not carry, or None when it carries them all."""
    missing = all_unacknowledged(decision, acknowledge_consultative_only, checked_notes)
    return missing[0] if missing else None


def all_unacknowledged(
    decision: TimeDecision, acknowledge_consultative_only: bool, checked_notes: Collection[str]
) -> tuple[Unacknowledged, ...]:
    """Every one of the deadline, match and consent acknowledgements an offered time needs
    and the request does not carry, in that order (a form reports them all at once)."""
    found: list[Unacknowledged] = []
    late = decision.consultative_only_case_refs
    if late and not acknowledge_consultative_only:
        refs = ", ".join(late)
        found.append(Unacknowledged(
            DEADLINE,
            f"At this time the window of {refs} has closed: the P2P would be consultative "
            "only. Send acknowledge_consultative_only: true to book it anyway.",
            {"acknowledge_consultative_only": [f"Required: {refs} would be consultative only."]},
        ))
    checked = set(checked_notes)
    missing: dict[str, list[str]] = {}
    for need in decision.notes_needed:
        if need.requirement != MEMBER_CONSENT and not checked & set(need.accepted):
            missing.setdefault(f"call_notes.{need.note}", []).append(_why(need))
    if missing:
        found.append(Unacknowledged(
            MATCH,
            "This reviewer does not meet the member state's licence or specialty rule; the "
            "caller's acknowledgement (call note) is required.",
            missing,
        ))
    consents = [need for need in decision.notes_needed if need.requirement == MEMBER_CONSENT]
    if consents and not checked & {need.note for need in consents}:
        states = ", ".join(sorted({need.state for need in consents}))
        found.append(Unacknowledged(
            CONSENT,
            f"call_notes.oh_member_consent: Member consent must be obtained for a member in "
            f"{states}.",
            {"call_notes.oh_member_consent": [
                f"Member consent must be obtained for a member in {states}."
            ]},
        ))
    return tuple(found)


def _why(need: NoteNeeded) -> str:
    if need.requirement == STATE_LICENSE:
        return f"The reviewer is not licensed in {need.state} ({need.case_ref})."
    if need.requirement == SAME_SPECIALTY:
        return f"The reviewer is not of the same specialty ({need.case_ref}, {need.state})."
    return f"Member consent is required in {need.state} ({need.case_ref})."


def is_offered(reviewer: Reviewer, request: SearchRequest, start: datetime) -> Offer | None:
    """Would the search offer this reviewer at `start` for these cases, preferences, now and
    notice? The Offer if so, else None (`decide_time`, when the reason does not matter)."""
    decision = decide_time(reviewer, request, start)
    return decision.offer if decision.offered else None
