"""The slot search (API.md, Slots): the cases and their reviewers' calendars read fresh
(`scheduling`), the reviewers' profiles from the process's registry copy (`reference`),
handed to the pure engine.

The engine needs every reviewer's busy time over the weeks it may look at. From now to the
end of the searched week is enough when that week offers a slot; an empty week makes it look
up to 12 weeks on (and up to the deadlines), so the wider window is loaded only then.

`search_rendered` answers a repeated search whose inputs, all read afresh, are those of a
recent one with that one's rendering, from the process's `AnswerMemo`: the caller renders
(the API writes JSON), this module decides when a rendering may be reused.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from p2p import slots
from p2p.config import Scheduling
from p2p.errors import ValidationFailed
from p2p.services import reference
from p2p.services.answers import AnswerMemo
from p2p.services.callers import Caller
from p2p.services.scheduling import calendar_rows, load_cases, request_for, with_calendars
from p2p.time_zones import local_date, week_range

LOOK_AHEAD = timedelta(weeks=slots.LOOK_AHEAD_WEEKS + 1)
MARGIN = timedelta(days=2)  # zones: a provider's week starts up to a day from UTC's
MAX_WEEKS_AWAY = 104  # two years: past that a search is a typo, and a costly one

Render = Callable[[slots.WeekResult], bytes]


def search(
    case_refs: Sequence[str],
    preferences: slots.Preferences,
    week_of: date | None,
    now: datetime,
    settings: Scheduling,
    caller: Caller | None = None,
) -> slots.WeekResult:
    """A week of slots for these cases, in the provider's zone and preferences."""
    result, _ = _search(case_refs, preferences, week_of, now, settings, None, None, caller)
    return result


def search_rendered(
    case_refs: Sequence[str],
    preferences: slots.Preferences,
    week_of: date | None,
    now: datetime,
    settings: Scheduling,
    memo: AnswerMemo | None,
    render: Render,
    caller: Caller | None = None,
) -> bytes:
    """`render` of the same search; from `memo` when everything the answer is computed from
    is what it was for a recent search rendered the same way."""
    found, key = _search(case_refs, preferences, week_of, now, settings, memo, render, caller)
    if isinstance(found, bytes):
        return found
    body = render(found)
    if key is not None and memo is not None:
        memo.put(key, body)
    return body


def _search(
    case_refs: Sequence[str],
    preferences: slots.Preferences,
    week_of: date | None,
    now: datetime,
    settings: Scheduling,
    memo: AnswerMemo | None,
    render: Render | None = None,
    caller: Caller | None = None,
) -> tuple[slots.WeekResult | bytes, tuple | None]:
    """(the result, its memo key), or (the rendering a recent search with this key gave,
    key)."""
    today = local_date(now, preferences.time_zone)
    week_of = week_of or today
    if abs((week_of - today).days) > MAX_WEEKS_AWAY * 7:
        raise ValidationFailed.on(
            "week_of", f"Search within {MAX_WEEKS_AWAY} weeks of today, before or after."
        )
    registry, book = reference.both()
    cases = load_cases(case_refs, now, caller=caller, book=book)
    request = request_for(cases, preferences, week_of, now, settings)
    profiles = registry.trained(request.case_types)
    week_start, week_end = week_range(preferences.time_zone, week_of)
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
        key = (render, registry.version, request.answer_key(), AnswerMemo.digest(calendars))
        body = memo.get(key)
        if body is not None:
            return body, key
    result = slots.search_week(with_calendars(profiles, calendars), request)
    if not result.groups and profiles:
        # An empty week: the engine looks up to 12 weeks further for the first week with a
        # slot, and up to the deadlines for one before them; it needs their bookings too.
        deadlines = [need.valid_until for need in cases.needs if need.valid_until is not None]
        wider = max([week_end + LOOK_AHEAD, *(min(d, now + LOOK_AHEAD) for d in deadlines)])
        calendars = calendar_rows(ids, start, wider + MARGIN, now)
        if memo is not None:
            # The answer also depends on the later weeks' calendars.
            key = (key, AnswerMemo.digest(calendars))
            body = memo.get(key)
            if body is not None:
                return body, key
        result = slots.search_week(with_calendars(profiles, calendars), request)
    return result, key
