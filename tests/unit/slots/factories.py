"""Small builders for the slot-engine tests: the numbers that matter stay in the tests."""

from datetime import date, datetime, timedelta

import pytz

from p2p.slots import (
    CaseNeed,
    Interval,
    Preferences,
    Reviewer,
    SearchRequest,
    weekly_hours_from_strings,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
MSK = "MSK Spine Surgery"


def at(zone: str, *fields: int) -> datetime:
    """An aware datetime from a wall-clock reading (unambiguous readings only)."""
    return pytz.timezone(zone).localize(datetime(*fields), is_dst=None)


def utc(*fields: int) -> datetime:
    return pytz.utc.localize(datetime(*fields))


def hours(spec: dict | None = None, **days: list) -> dict:
    """hours(mon=[["08:00", "17:00"]]) or hours({"mon": ...})."""
    return weekly_hours_from_strings({**(spec or {}), **days})


def weekdays(start: str, end: str) -> dict:
    return hours({day: [[start, end]] for day in WEEKDAYS})


def reviewer(
    reviewer_id: str = "r1",
    *,
    zone: str = "America/New_York",
    weekly_hours: dict | None = None,
    case_types=(MSK,),
    specialties=("orthopedic_surgery",),
    states=("NY", "CA"),
    busy=(),
    time_off=(),
    active: bool = True,
) -> Reviewer:
    return Reviewer(
        reviewer_id=reviewer_id,
        name=f"Dr. {reviewer_id.upper()}",
        credentials="MD",
        specialties=frozenset(specialties),
        case_types=frozenset(case_types),
        licensed_states=frozenset(states),
        time_zone=zone,
        weekly_hours=weekly_hours if weekly_hours is not None else weekdays("08:00", "17:00"),
        active=active,
        time_off=tuple(Interval(*pair) for pair in time_off),
        busy=tuple(Interval(*pair) for pair in busy),
    )


def case(
    case_ref: str = "A1",
    *,
    case_type: str = MSK,
    specialty: str = "orthopedic_surgery",
    state: str = "NY",
    outcome: str = "consultative_only",
    valid_until: datetime | None = None,
) -> CaseNeed:
    return CaseNeed(case_ref, case_type, specialty, state, outcome, valid_until)


def request(
    *cases: CaseNeed,
    zone: str = "America/Los_Angeles",
    week_of: date = date(2026, 11, 23),
    now: datetime | None = None,
    notice: timedelta = timedelta(0),
    days=None,
    block_hours=None,
    minutes_per_case: int = 15,
    state_rules=(),
) -> SearchRequest:
    preferences = Preferences(zone)
    if days is not None or block_hours is not None:
        preferences = Preferences(
            zone,
            frozenset(days if days is not None else preferences.days),
            frozenset(block_hours if block_hours is not None else preferences.hours),
        )
    return SearchRequest(
        cases=cases or (case(),),
        preferences=preferences,
        week_of=week_of,
        now=now if now is not None else utc(2026, 1, 1),
        minimum_notice=notice,
        minutes_per_case=minutes_per_case,
        state_rules=state_rules,
    )


def slots_of(result, reviewer_id: str = "r1") -> list:
    for group in result.groups:
        for entry in group.reviewers:
            if entry.reviewer.reviewer_id == reviewer_id:
                return list(entry.slots)
    return []


def labels(result, reviewer_id: str = "r1") -> list[str]:
    return [slot.label for slot in slots_of(result, reviewer_id)]


def starts(result, reviewer_id: str = "r1") -> list[datetime]:
    return [slot.start for slot in slots_of(result, reviewer_id)]


def on_day(result, prefix: str, reviewer_id: str = "r1") -> list[str]:
    """Labels starting with e.g. "Mon 11/23/26"."""
    return [label for label in labels(result, reviewer_id) if label.startswith(prefix)]


def quarter_hours(first: datetime, count: int) -> list[datetime]:
    return [first + timedelta(minutes=15 * i) for i in range(count)]
