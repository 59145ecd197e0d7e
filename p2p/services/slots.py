"""Slot search: the cases and bookings from the database, the reviewers from the process's
registry copy (p2p/services/reference.py), handed to the pure engine.

The engine needs every reviewer's busy time over the weeks it may look at. From now to the
end of the searched week is enough when that week offers a slot; an empty week makes it look
up to 12 weeks on (and up to the deadlines), so the wider window is loaded only then.

The API sends `search_body`: a repeated search whose inputs, all read afresh, are those of a
recent one is answered with that one's body (`AnswerMemo`).
"""

import hashlib
import pickle  # noqa: S403 (dumps only, for a digest of rows the service itself read)
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytz
from flask import current_app
from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy import case as when_then

from p2p import eligibility, slots
from p2p.errors import NotEligible, ValidationFailed
from p2p.extensions import db
from p2p.models import MAX_RESERVATION, Case, Reservation, TimeOff
from p2p.services import cases as case_service
from p2p.services import policies as policy_service
from p2p.services import reference, slot_documents
from p2p.timestamps import UTCDateTime, epoch_seconds

LOOK_AHEAD = timedelta(weeks=slots.LOOK_AHEAD_WEEKS + 1)
MARGIN = timedelta(days=2)  # zones: a provider's week starts up to a day from UTC's
MAX_WEEKS_AWAY = 104  # two years: past that a search is a typo, and a costly one


@dataclass(frozen=True)
class SearchCases:
    """The cases of a search, in the order asked, with their eligibility now."""

    rows: tuple[Case, ...]
    needs: tuple[slots.CaseNeed, ...]
    policies: dict  # (health_plan, line_of_business) -> eligibility.Policy
    state_rules: tuple[reference.StateRequirement, ...]


_CASES = select(Case).where(Case.case_ref.in_(bindparam("refs", expanding=True)))


def load_cases(
    case_refs: Sequence[str],
    now: datetime,
    *,
    at: datetime | None = None,
    book: reference.PolicyBook | None = None,
) -> SearchCases:
    """Cases by reference; unknown ones are a 422 naming them, unavailable ones not_eligible."""
    book = book or reference.policy_book()
    found = {case.case_ref: case for case in db.session.scalars(_CASES, {"refs": list(case_refs)})}
    unknown = [ref for ref in case_refs if ref not in found]
    if unknown:
        raise ValidationFailed.on("case_refs", f"Unknown case(s): {', '.join(unknown)}.")
    rows, needs, domain_policies = [], [], {}
    for ref in case_refs:
        case = found[ref]
        key = (case.health_plan, case.line_of_business)
        policy = book.policies.get(key) or _policy_now(key)
        domain_policies[key] = policy
        availability = eligibility.decide(case_service.facts(case), policy, at or now)
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
    return SearchCases(tuple(rows), tuple(needs), domain_policies, book.state_rules)


def _policy_now(key: tuple[str, str]) -> eligibility.Policy:
    """A policy the process's copy lacks: one committed after the copy's version was read
    (with the case that needs it). Read from the database; a case is stored with a policy."""
    row = policy_service.find_policy(*key)
    if row is None:
        raise ValidationFailed.on("case_refs", f"No policy for {key[0]} ({key[1]}).")
    return policy_service.to_domain(row)


def trained_reviewers(
    case_types: Iterable[str], registry: reference.Registry | None = None
) -> list[slots.Reviewer]:
    """Active reviewers trained for every one of the case types, as the engine's profiles
    (no calendar yet: see `engine_reviewers`)."""
    return (registry or reference.registry()).trained(case_types)


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


def engine_reviewers(
    profiles: Sequence[slots.Reviewer],
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    ignore_reservations: Iterable[int] = (),
    expired_holds: list[tuple[int, int]] | None = None,
    rows: list[CalendarRow] | None = None,
) -> list[slots.Reviewer]:
    """The reviewers with their time off and live reservations in [start, end) (read, or
    `rows` as `calendar_rows` read them). An expired hold no longer takes the time, even
    before it is swept away; when `expired_holds` is given, such holds are listed there
    (epoch seconds) for the caller that is about to take their time."""
    if rows is None:
        rows = calendar_rows(
            [profile.reviewer_id for profile in profiles], start, end, now, ignore_reservations
        )
    busy, time_off = defaultdict(list), defaultdict(list)
    for reviewer_id, start_at, end_at, kind in rows:
        if kind == 2:
            if expired_holds is not None:
                expired_holds.append((start_at, end_at))
            continue
        (time_off if kind else busy)[reviewer_id].append((start_at, end_at))
    return [
        profile.with_calendar(busy[profile.reviewer_id], time_off[profile.reviewer_id])
        for profile in profiles
    ]


def week_bounds(time_zone: str, week_of: date) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 on the provider's clock."""
    zone = pytz.timezone(time_zone)
    monday = week_of - timedelta(days=week_of.weekday())
    return (
        zone.localize(datetime.combine(monday, datetime.min.time())),
        zone.localize(datetime.combine(monday + timedelta(days=7), datetime.min.time())),
    )


def search_request(
    needs: Sequence[slots.CaseNeed],
    preferences: slots.Preferences,
    week_of: date,
    now: datetime,
    rules: tuple[slots.StateRule, ...] | None = None,
) -> slots.SearchRequest:
    config = current_app.config
    return slots.SearchRequest(
        cases=tuple(needs),
        preferences=preferences,
        week_of=week_of,
        now=now,
        minimum_notice=config["P2P_MINIMUM_NOTICE"],
        minutes_per_case=config["P2P_MINUTES_PER_CASE"],
        state_rules=reference.policy_book().slot_rules if rules is None else rules,
    )


def search(
    case_refs: Sequence[str], preferences: slots.Preferences, week_of: date | None, now: datetime
) -> slots.WeekResult:
    """A week of slots for these cases, in the provider's zone and preferences."""
    result, _ = _search(case_refs, preferences, week_of, now, None)
    return result


def search_body(
    case_refs: Sequence[str], preferences: slots.Preferences, week_of: date | None, now: datetime
) -> bytes:
    """The same search as API.md's JSON response body; from the app's `AnswerMemo` when
    everything the answer is computed from is what it was for a recent search."""
    memo = answers()
    found, key = _search(case_refs, preferences, week_of, now, memo)
    if isinstance(found, bytes):
        return found
    body = slot_documents.result_body(found)
    if key is not None:
        memo.put(key, body)
    return body


def _search(
    case_refs: Sequence[str],
    preferences: slots.Preferences,
    week_of: date | None,
    now: datetime,
    memo: "AnswerMemo | None",
) -> tuple[slots.WeekResult | bytes, tuple | None]:
    """(the result, its memo key), or (the body a recent search with this key gave, key)."""
    today = now.astimezone(pytz.timezone(preferences.time_zone)).date()
    week_of = week_of or today
    if abs((week_of - today).days) > MAX_WEEKS_AWAY * 7:
        raise ValidationFailed.on(
            "week_of", f"Search within {MAX_WEEKS_AWAY} weeks of today, before or after."
        )
    registry, book = reference.both()
    chosen = load_cases(case_refs, now, book=book)
    request = search_request(chosen.needs, preferences, week_of, now, book.slot_rules)
    profiles = trained_reviewers(request.case_types, registry)
    week_start, week_end = week_bounds(preferences.time_zone, week_of)
    # Busy time from now to the week's end is enough whenever the week offers a slot: the
    # first slot from now (for slot_before_deadline) then lies at or before it. Before now
    # only the week's own busy time counts (the fair order weighs a reviewer's week), and
    # none at all for a week already over (it offers nothing).
    start = min(week_start - MARGIN, now) if week_end > now else now
    end = max(week_end, now) + MARGIN
    ids = [profile.reviewer_id for profile in profiles]
    # No key without a version: a copy loaded from a wiped version row is never trusted.
    memo = memo if registry.version is not None else None
    key = None
    calendars = calendar_rows(ids, start, end, now)
    if memo is not None:
        key = (registry.version, request.answer_key(), AnswerMemo.digest(calendars))
        body = memo.get(key)
        if body is not None:
            return body, key
    result = slots.search_week(engine_reviewers(profiles, start, end, now, rows=calendars), request)
    if not result.groups and profiles:
        # An empty week: the engine looks up to 12 weeks further for the first week with a
        # slot, and up to the deadlines for one before them; it needs their bookings too.
        deadlines = [need.valid_until for need in chosen.needs if need.valid_until is not None]
        wider = max([week_end + LOOK_AHEAD, *(min(d, now + LOOK_AHEAD) for d in deadlines)])
        calendars = calendar_rows(ids, start, wider + MARGIN, now)
        if memo is not None:
            # The answer also depends on the later weeks' calendars.
            key = (key, AnswerMemo.digest(calendars))
            body = memo.get(key)
            if body is not None:
                return body, key
        reviewers = engine_reviewers(profiles, start, wider + MARGIN, now, rows=calendars)
        result = slots.search_week(reviewers, request)
    return result, key


class AnswerMemo:
    """The bodies of recent slot searches, by everything they were computed from.

    A search still reads its inputs afresh every time: the versions of the reviewers and
    policies, the cases (their eligibility at this instant), and every trained reviewer's
    bookings, holds and time off over the window searched. Only when all of them and the
    question asked are equal to a recent search's is that search's body sent again, without
    running the engine or rendering thousands of slots. So it never answers from data that
    has changed: a booking, a hold taken or expired, a cancellation or new time off changes
    the rows read, and misses. `now` counts to the quarter hour, as the engine's answer
    does (`SearchRequest.answer_key`). The rows enter the key as a BLAKE2b digest of their
    pickle (equal pickles are equal rows; a row order that differs only misses).

    Repeats are common: a provider paging back to a week, a booking form that fails and
    reloads, a portal showing the same case's times to each user who opens it. Bounded by
    the bytes of the bodies kept, least recently used first out; per app, so per process
    and database. `P2P_SLOT_ANSWERS_MB` sets the budget, 0 turns it off.
    """

    ENTRY_OVERHEAD = 1_024  # the key and the bookkeeping, roughly

    def __init__(self, budget_bytes: int):
        self._budget = budget_bytes
        self._used = 0
        self._bodies: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def digest(rows: list[CalendarRow]) -> bytes:
        return hashlib.blake2b(pickle.dumps(rows, protocol=5), digest_size=32).digest()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        size = len(body) + self.ENTRY_OVERHEAD
        if size > self._budget:
            return
        with self._lock:
            old = self._bodies.pop(key, None)
            if old is not None:
                self._used -= len(old) + self.ENTRY_OVERHEAD
            self._bodies[key] = body
            self._used += size
            while self._used > self._budget:
                _, evicted = self._bodies.popitem(last=False)
                self._used -= len(evicted) + self.ENTRY_OVERHEAD

    def __len__(self) -> int:
        return len(self._bodies)

    @property
    def used_bytes(self) -> int:
        return self._used


def init_app(app) -> None:
    budget = app.config["P2P_SLOT_ANSWERS_MB"] * 2**20
    app.extensions["p2p_slot_answers"] = AnswerMemo(budget) if budget else None


def answers() -> AnswerMemo | None:
    return current_app.extensions.get("p2p_slot_answers")
