"""What scheduling reads from the database, read once per use case: the cases with their
eligibility, the state rules, the trained reviewers with their calendars; and the one
question booking, holds and rescheduling ask of it: may this caller have this time for
these cases, and what must they acknowledge? (`time_for`, answered by the pure
`slots.decide_time`; the slot search asks the same engine for a whole week.)

The reviewers' profiles come from the process's registry copy (`reference`); their
calendars (bookings, holds, time off) are read fresh, as epoch seconds, in one round trip.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, literal, select, union_all
from sqlalchemy import case as when_then

from p2p import eligibility, slots
from p2p.config import Scheduling
from p2p.errors import (
    DeadlineAcknowledgementRequired,
    MatchAcknowledgementRequired,
    NotEligible,
    SlotUnavailable,
    ValidationFailed,
)
from p2p.extensions import db
from p2p.models import MAX_RESERVATION, Case, Reservation, Reviewer, TimeOff
from p2p.services import policies as policy_service
from p2p.services import reference
from p2p.services.callers import Caller
from p2p.timestamps import UTCDateTime, epoch_seconds


def facts(case: Case) -> eligibility.CaseFacts:
    """A stored case as the eligibility engine reads it."""
    return eligibility.CaseFacts(
        status=case.status,
        line_of_business=case.line_of_business,
        determination_at=case.determination_at,
        info_due_at=case.info_due_at,
        additional_info_received=case.additional_info_received,
        appeal_filed=case.appeal_filed,
        reconsideration_completed=case.reconsideration_completed,
        service_rendered=case.service_rendered,
    )


# The cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSet:
    """The cases of a search or a booking, in the order asked, with their eligibility now
    (`needs`, as the slot engine takes them) and the rules that apply to them."""

    rows: tuple[Case, ...]
    needs: tuple[slots.CaseNeed, ...]
    policies: dict  # (health_plan, line_of_business) -> eligibility.Policy
    state_rules: tuple[slots.StateRule, ...]

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(case.case_ref for case in self.rows)

    def outcomes_at(self, start: datetime) -> list[eligibility.Availability]:
        """Each case's eligibility when the call takes place ([003]: the window must hold
        then, not only when it is booked)."""
        return [
            eligibility.decide(
                facts(case), self.policies[(case.health_plan, case.line_of_business)], start
            )
            for case in self.rows
        ]


_CASES = select(Case).where(Case.case_ref.in_(bindparam("refs", expanding=True)))


def load_cases(
    case_refs: Sequence[str],
    now: datetime,
    *,
    caller: Caller | None = None,
    book: reference.PolicyBook | None = None,
) -> CaseSet:
    """Cases by reference; unknown ones (and those the caller may not see) are a 422 naming
    them, unavailable ones not_eligible."""
    book = book or reference.policy_book()
    found = {
        case.case_ref: case
        for case in db.session.scalars(_CASES, {"refs": list(case_refs)})
        if caller is None or caller.covers(case)
    }
    unknown = [ref for ref in case_refs if ref not in found]
    if unknown:
        raise ValidationFailed.on("case_refs", f"Unknown case(s): {', '.join(unknown)}.")
    rows, needs, domain_policies = [], [], {}
    for ref in case_refs:
        case = found[ref]
        key = (case.health_plan, case.line_of_business)
        policy = book.policies.get(key) or _policy_now(key)
        domain_policies[key] = policy
        availability = eligibility.decide(facts(case), policy, now)
        if not availability.eligible:
            raise NotEligible(
                f"Case {ref} has no P2P available: {availability.message}",
                {"case_refs": [f"{ref}: {availability.message}"]},
            )
        rows.append(case)
        needs.append(
            slots.CaseNeed(
                case_ref=ref,
                case_type=case.case_type,
                specialty=case.specialty,
                member_state=case.member_state,
                outcome=availability.outcome,
                valid_until=availability.valid_until,
            )
        )
    return CaseSet(tuple(rows), tuple(needs), domain_policies, book.state_rules)


def _policy_now(key: tuple[str, str]) -> eligibility.Policy:
    """A policy the process's copy lacks: one committed after the copy's version was read
    (with the case that needs it). Read from the database; a case is stored with a policy."""
    row = policy_service.find_policy(*key)
    if row is None:
        raise ValidationFailed.on("case_refs", f"No policy for {key[0]} ({key[1]}).")
    return policy_service.to_domain(row)


def request_for(
    cases: CaseSet,
    preferences: slots.Preferences,
    week_of: date,
    now: datetime,
    settings: Scheduling,
) -> slots.SearchRequest:
    return slots.SearchRequest(
        cases=cases.needs,
        preferences=preferences,
        week_of=week_of,
        now=now,
        minimum_notice=settings.minimum_notice,
        minutes_per_case=settings.minutes_per_case,
        state_rules=cases.state_rules,
    )


# The reviewers' calendars ------------------------------------------------------------------


def _calendars_statement(ignoring: bool):
    """Bookings (kind 0), expired holds (kind 2) and time off (kind 1) of the reviewers `ids`
    in [start, end), as epoch seconds, in one round trip. No reservation lasts longer than
    MAX_RESERVATION, so those of the window are an index range on (reviewer_id, start_at).
    Built once: building the statement cost more than running it."""
    ids = bindparam("ids", expanding=True)
    now, start, end = (bindparam(name, type_=UTCDateTime()) for name in ("now", "start", "end"))
    reservations = select(
        Reservation.reviewer_id,
        epoch_seconds(Reservation.start_at),
        epoch_seconds(Reservation.end_at),
        when_then((Reservation.expires_at <= now, 2), else_=0),
    ).where(
        Reservation.reviewer_id.in_(ids),
        Reservation.start_at > bindparam("reservations_from", type_=UTCDateTime()),
        Reservation.start_at < end,
        Reservation.end_at > start,
    )
    if ignoring:
        reservations = reservations.where(
            Reservation.id.not_in(bindparam("ignored", expanding=True))
        )
    absences = select(
        TimeOff.reviewer_id,
        epoch_seconds(TimeOff.start_at),
        epoch_seconds(TimeOff.end_at),
        literal(1),
    ).where(TimeOff.reviewer_id.in_(ids), TimeOff.end_at > start, TimeOff.start_at < end)
    return union_all(reservations, absences)


_CALENDARS = _calendars_statement(ignoring=False)
_CALENDARS_IGNORING = _calendars_statement(ignoring=True)
_EXPIRED = 2

CalendarRow = tuple[str, int, int, int]  # reviewer_id, start, end (epoch seconds), kind


def calendar_rows(
    ids: Sequence[str],
    start: datetime,
    end: datetime,
    now: datetime,
    ignore_reservations: Iterable[int] = (),
) -> list[CalendarRow]:
    """The reviewers' reservations and time off in [start, end) (see `_calendars_statement`)."""
    if not ids:
        return []
    ignored = list(ignore_reservations)
    result = db.session.connection().execute(
        _CALENDARS_IGNORING if ignored else _CALENDARS,
        {
            "ids": list(ids),
            "ignored": ignored,
            "now": now,
            "start": start,
            "end": end,
            "reservations_from": start - MAX_RESERVATION,
        },
    )
    # Plain tuples: the memo's digest pickles them, far cheaper than Rows.
    return list(map(tuple, result.all()))


def with_calendars(
    profiles: Sequence[slots.Reviewer], rows: Iterable[CalendarRow]
) -> list[slots.Reviewer]:
    """The reviewers with their time off and live reservations (as `calendar_rows` read
    them). An expired hold no longer takes the time, even before it is swept away."""
    busy, time_off = defaultdict(list), defaultdict(list)
    for reviewer_id, start_at, end_at, kind in rows:
        if kind == _EXPIRED:
            continue
        (time_off if kind else busy)[reviewer_id].append((start_at, end_at))
    return [
        profile.with_calendar(busy[profile.reviewer_id], time_off[profile.reviewer_id])
        for profile in profiles
    ]


# One time for one reviewer -------------------------------------------------------------------


@dataclass(frozen=True)
class TimeCheck:
    """The answer for one (reviewer, start): the reviewer's row and the engine's decision."""

    reviewer: Reviewer
    decision: slots.TimeDecision


@dataclass(frozen=True)
class ReviewerWindow:
    """One reviewer with their calendar over a stretch of time, read once, and the cases'
    request: it answers `time_for` for any start in the stretch without reading again."""

    row: Reviewer
    reviewer: slots.Reviewer
    request: slots.SearchRequest

    def check(self, start: datetime) -> TimeCheck:
        return TimeCheck(self.row, slots.decide_time(self.reviewer, self.request, start))


def window_for(
    cases: CaseSet,
    reviewer_id: str,
    first: datetime,
    last: datetime,
    time_zone: str,
    now: datetime,
    settings: Scheduling,
    *,
    ignore_reservations: Iterable[int] = (),
) -> ReviewerWindow:
    """Read the reviewer and their calendar around the starts [first, last], leaving out
    the reservations being replaced (the appointment that moves, the hold being used)."""
    row = db.session.get(Reviewer, reviewer_id)
    if row is None:
        raise ValidationFailed.on("reviewer_id", f"No reviewer {reviewer_id!r}.")
    try:
        profile = reference.profile(row)
    except slots.SlotsError as error:  # a row written around the API's validation
        raise ValidationFailed.on(
            "reviewer_id", f"This reviewer's stored profile cannot be scheduled: {error}"
        ) from error
    request = request_for(
        cases, slots.Preferences.any_time(time_zone), first.date(), now, settings
    )
    length = timedelta(seconds=request.duration_seconds)
    rows = calendar_rows(
        [reviewer_id], first - timedelta(days=1), last + length + timedelta(days=1), now,
        ignore_reservations,
    )
    (reviewer,) = with_calendars([profile], rows)
    return ReviewerWindow(row, reviewer, request)


def time_for(
    cases: CaseSet,
    reviewer_id: str,
    start: datetime,
    time_zone: str,
    now: datetime,
    settings: Scheduling,
    *,
    ignore_reservations: Iterable[int] = (),
) -> TimeCheck:
    """May `reviewer_id` hold these cases' call at `start`? Read the reviewer and their
    calendar around `start` (`window_for`) and ask the engine. A booking has no preferred
    days or hours: only the reviewer's own hours, bookings, time off and the notice count."""
    window = window_for(
        cases, reviewer_id, start, start, time_zone, now, settings,
        ignore_reservations=ignore_reservations,
    )
    return window.check(start)


def require_offered(check: TimeCheck) -> slots.Offer:
    """The offer, when the time may be had; otherwise API.md's error: 409 slot_unavailable
    when it is taken, 422 naming `reviewer_id` or `start` (with the reason, as a code and in
    words) when it is not offered."""
    decision = check.decision
    if decision.verdict == slots.TAKEN:
        raise SlotUnavailable(decision.message)
    if decision.verdict == slots.NOT_OFFERED:
        field = "reviewer_id" if decision.reason == slots.NOT_TRAINED else "start"
        raise ValidationFailed(
            f"{field}: {decision.message}", {field: [decision.message]}, reason=decision.reason
        )
    return decision.offer


def require_bookable(
    check: TimeCheck, acknowledge_consultative_only: bool, checked_notes: Iterable[str]
) -> slots.Offer:
    """`require_offered`, and then every acknowledgement the time needs: 422
    deadline_acknowledgement_required, match_acknowledgement_required, or validation_error
    naming the consent note."""
    offer = require_offered(check)
    missing = slots.unacknowledged(check.decision, acknowledge_consultative_only, checked_notes)
    if missing is not None:
        error = {
            slots.DEADLINE: DeadlineAcknowledgementRequired,
            slots.MATCH: MatchAcknowledgementRequired,
            slots.CONSENT: ValidationFailed,
        }[missing.kind]
        raise error(missing.message, missing.fields)
    return offer


def sweep_expired_holds_in_the_way(
    reviewer_id: str, start: datetime, end: datetime, now: datetime
) -> None:
    """An expired hold frees itself: any still in [start, end) is deleted before the time is
    taken (the database would otherwise refuse the overlap)."""
    db.session.execute(
        delete(Reservation).where(
            Reservation.reviewer_id == reviewer_id,
            Reservation.kind == "hold",
            Reservation.expires_at <= now,
            Reservation.start_at < end,
            Reservation.end_at > start,
        )
    )
